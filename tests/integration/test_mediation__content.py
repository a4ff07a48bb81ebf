"""Content decides what a company may answer: a message wait opens to companies only when its event names
the form of the payload; without it the reclamo is answered by letter as before (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.errors import CaseNotFound
from engine.services import mediation, providers, users
from tests.conftest import ACTORS, ROOT, Clock, complaint, prepare
from tests.integration.helpers import complete, only_task, open_case

FORM_PROPERTY = '<spiffworkflow:property name="form" value="respuesta_empresa"/>'


def without_answer_form(tmp_path: Path) -> Path:
    """The shipped content with the company-answer event's form removed."""
    for folder in ("processes", "forms", "letter_templates", "lists"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    bpmn = tmp_path / "processes" / "etapa_reclamo.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    assert FORM_PROPERTY in text
    bpmn.write_text(text.replace(FORM_PROPERTY, ""), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("named", [True, False])
def test_only_a_wait_that_names_its_form_is_open_to_the_company(
    database_url: str, tmp_path: Path, clock: Clock, named: bool
) -> None:
    sys_ = prepare(database_url, ROOT if named else without_answer_form(tmp_path))
    now = datetime(2024, 9, 13, 15, tzinfo=UTC)
    with sys_.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", now, digital=True)
        company = users.actor_of(
            users.add_user(s, "tienda", "clave-segura-1", "proveedor", now, provider="76086428-5")
        )
    folio = open_case(sys_, complaint(), ACTORS["eje13"], clock.now, process="caso").folio
    complete(
        sys_, only_task(sys_, folio, "trasladar").id, {"medio_traslado": "portal"}, ACTORS["eje13"], clock.now
    )
    with sys_.db.reading() as s:
        listed = [c.folio for c in mediation.list_complaints(s, company)]
        if named:
            assert listed == [folio] and mediation.get_complaint(s, folio, company).answerable
        else:
            assert listed == []
            with pytest.raises(CaseNotFound):
                mediation.get_complaint(s, folio, company)
    only_task(sys_, folio, "registrar_respuesta")  # the letter path is there either way
    sys_.db.engine.dispose()
