"""``ventanilla import-legacy`` (the real command, in a subprocess) on a generated export of the old system:
closed cases become read-only history found by folio or old number, open ones run their process with the
due date counted from their original filing; a bad row is reported; a second run imports nothing. SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from sqlalchemy import func, select

from engine import deadlines, system
from engine.clock import utcnow
from engine.models import Case
from engine.services import casefile, cases
from engine.services.demo.legacy_sample import write_sample_file
from tests.conftest import ACTORS, prepare
from tests.integration.test_cli__commands import run

ROWS = 120


def _export(tmp_path: Path) -> Path:
    path = write_sample_file(tmp_path / "antiguo.csv", ROWS, open_share=0.08)
    with path.open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(
            ["R2020-BAD", "31-31-2020", "", "CERRADO", "", "", "", "", "", "", "Atlántida", ""]
        )
    return path


def test_legacy_cases_import_once_as_history_or_running_cases(database_url: str, tmp_path: Path) -> None:
    prepare(database_url).db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": database_url}
    path = _export(tmp_path)
    first = run(["import-legacy", str(path)], env)
    assert first.returncode == 1  # one row with errors: reported, the rest imported
    report = list(csv.DictReader((tmp_path / "antiguo.informe.csv").open(encoding="utf-8")))
    assert len(report) == ROWS + 1
    bad = [r for r in report if r["resultado"] == "con errores"]
    assert (
        len(bad) == 1
        and "caso_creacion_fecha" in bad[0]["detalle"]
        and "consumidor_comuna" in bad[0]["detalle"]
    )
    history = [r for r in report if r["resultado"] == "histórico"]
    running = [r for r in report if r["resultado"] == "en trámite"]
    assert history and running and len(history) + len(running) == ROWS
    sys_ = system.build(database_url)
    try:
        with sys_.db.reading() as s:
            old = cases.case_detail(
                s, history[0]["caso_numero"], ACTORS["central"], utcnow()
            )  # by old number
            assert old.summary.folio == history[0]["folio"] and old.summary.status == "closed"
            assert old.log[0].event == "legacy_import" and old.log[0].data["market"]
            page = casefile.case_page(s, sys_.store, history[0]["folio"], ACTORS["central"], utcnow())
            assert page.tasks == [] and page.diagrams == []  # read only: no process, nothing to work
            live = s.execute(select(Case).where(Case.folio == running[0]["folio"])).scalar_one()
            plazo = 5 if live.kind == "inquiry" else 25
            assert live.status == "open" and live.legacy_ref == running[0]["caso_numero"]
            assert live.due_on == deadlines.add_business_days(live.opened_on, plazo, live.region_code)
            total = s.execute(select(func.count()).select_from(Case)).scalar_one()
        again = run(["import-legacy", str(path)], env)
        assert "ya importado: 120" in again.stdout
        with sys_.db.reading() as s:
            assert s.execute(select(func.count()).select_from(Case)).scalar_one() == total
    finally:
        sys_.db.engine.dispose()
