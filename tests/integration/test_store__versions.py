"""Publishing: immutable content-hashed versions; running cases stay on theirs, new cases take the latest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import catalog, store
from engine.errors import FormInvalid, InvalidContent
from engine.models import ContentVersion, Instance
from tests.conftest import ACTORS, ROOT, Clock, complaint
from tests.integration.helpers import complete, only_task, open_case

EJE = ACTORS["eje13"]


def _publish(sys_, root: Path, now) -> store.VersionInfo:
    with sys_.db.writing() as s:
        return store.publish(s, catalog.read_dir(root), by="analista", note="", now=now)


def test_same_content_gives_the_same_version(sys_, clock: Clock) -> None:
    again = _publish(sys_, ROOT, clock.now)
    assert not again.created and again.id == 1
    with sys_.db.reading() as s:
        assert s.execute(select(func.count(ContentVersion.id))).scalar_one() == 1


def test_running_cases_keep_their_version(sys_, clock: Clock, tmp_path: Path) -> None:
    old_folio = open_case(sys_, complaint(), EJE, clock.now).folio
    for folder in ("processes", "forms", "letter_templates", "lists"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    form = tmp_path / "forms" / "gestion_caso.json"
    form.write_text(
        form.read_text(encoding="utf-8").replace(
            '"required": ["accion", "nota"]', '"required": ["accion", "nota", "outcome"]'
        )
    )
    v2 = _publish(sys_, tmp_path, clock.now)
    assert v2.created and v2.id == 2
    new_folio = open_case(sys_, complaint(), EJE, clock.now).folio
    with sys_.db.reading() as s:
        versions = dict(s.execute(select(Instance.case_id, Instance.version_id)).all())
    assert sorted(versions.values()) == [1, 2]
    step = {"accion": "registrar_gestion", "nota": "Sin resultado aún"}
    complete(sys_, only_task(sys_, old_folio, "gestionar_caso").id, step, EJE, clock.now)  # v1 rules
    with pytest.raises(FormInvalid) as err:
        complete(sys_, only_task(sys_, new_folio, "gestionar_caso").id, step, EJE, clock.now)  # v2 rules
    assert [e.field for e in err.value.errors] == ["outcome"]


def test_invalid_content_is_refused_and_nothing_is_published(sys_, clock: Clock, tmp_path: Path) -> None:
    for folder in ("processes", "forms", "letter_templates", "lists"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "forms" / "gestion_caso.json").unlink()
    with pytest.raises(InvalidContent) as err:
        _publish(sys_, tmp_path, clock.now)
    assert any(p.element == "gestionar_caso" and "gestion_caso" in p.message for p in err.value.problems)
    with sys_.db.reading() as s:
        assert s.execute(select(func.count(ContentVersion.id))).scalar_one() == 1
