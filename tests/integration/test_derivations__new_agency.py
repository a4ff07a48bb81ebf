"""Adding an agency with content files and a registry entry only — no Python: its own BPMN dropped into a copy
of the content folder, published, registered with the ``ventanilla agency`` command, then a case derived to
it end to end over real HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import Agency, Instance
from engine.services import agencies
from tests.conftest import ROOT, Clock
from tests.fakes.agency import FakeAgency
from tests.integration.derivation import SECRET, Live, derivation_of, derived_consulta, serve

BIN = Path(sys.executable).parent / "ventanilla"
OWN_BPMN = ROOT / "tests" / "data" / "derivacion_dgac" / "derivacion_dgac.bpmn"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content with the DGAC's own process added (what an integrator does)."""
    root = tmp_path / "contenido"
    for folder in ("processes", "forms", "letter_templates", "lists"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(OWN_BPMN, root / "processes" / "derivacion_dgac.bpmn")
    return root


@pytest.fixture
def live(database_url: str, clock: Clock, content: Path) -> Iterator[Live]:
    yield from serve(database_url, clock, content)


def ventanilla(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_a_new_agency_with_its_own_bpmn_needs_no_python(live: Live, database_url: str) -> None:
    fake = FakeAgency(secret=SECRET, app_url=live.url, clock=live.clock).start()
    try:
        added = ventanilla(
            database_url,
            "agency", "add", "DGAC",
            "--name", "Dirección General de Aeronáutica Civil",
            "--channel", "webservice",
            "--endpoint", fake.url,
            "--markets", "aereo",
            "--keywords", "vuelo,aeropuerto,equipaje",
            "--answer-days", "10",
            "--process", "derivacion_dgac",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        secret_line = next(line for line in added.stdout.splitlines() if "Secreto compartido" in line)
        fake.secret = secret_line.rsplit(" ", 1)[1]
        listed = ventanilla(database_url, "agency", "list").stdout
        assert "DGAC" in listed and fake.secret not in listed  # never shown back in full
        refused = ventanilla(database_url, "agency", "set", "DGAC", "--process", "no_existe")
        assert refused.returncode == 1 and "no existe en la versión publicada" in refused.stderr

        with live.sys.db.reading() as s:
            assert "DGAC" in [a.code for a in agencies.list_agencies(s, active_only=True)]
            assert agencies.suggest(s, "Vuelo cancelado y equipaje perdido")[0] in ("DGAC", "JAC")
        scn = derived_consulta(
            live,
            {"accion": "derivar", "agencia": "DGAC", "respuesta": "Vuelo cancelado: corresponde a la DGAC."},
        )
        assert live.send().sent == 1 and fake.received[0].signature_ok
        derivation = derivation_of(live, scn)
        assert derivation.agency_code == "DGAC"
        [answer] = fake.answer(derivation.id, text="La aerolínea reembolsará el pasaje.")
        assert answer.status_code == 200, answer.text
        case = scn.case()
        assert (case.status, case.outcome) == ("closed", "DERIVADO")
        with live.sys.db.reading() as s:
            visited = s.execute(select(Instance.visited).where(Instance.case_id == case.id)).scalar_one()
            assert s.get(Agency, "DGAC") is not None
        assert "derivacion_dgac" in (visited or {}) and "derivacion" not in (visited or {})
        assert any("reembolsará" in e.summary for e in scn.log_entries("derivation_answered"))
    finally:
        fake.stop()
