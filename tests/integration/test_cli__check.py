"""``ventanilla check``: the consistency checker reports each case whose projections or bitácora differ from
its state (exit 1), ``--repair`` rebuilds what the state alone decides, and a bricked state is reported,
never repaired by guesswork. The real command in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os

from sqlalchemy import select, update

from engine import system
from engine.models import Case, HumanTask, Instance, LogEntry
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import only_task, open_case
from tests.integration.test_cli__commands import run


def _brick(sys_: system.System, folio: str) -> None:
    """What the old step path let through: process data with SpiffWorkflow's reserved ``typename`` key."""
    with sys_.db.writing() as s:
        inst = s.execute(select(Instance).join(Case).where(Case.folio == folio)).scalar_one()
        state = json.loads(inst.state)
        first = next(iter(state["tasks"].values()))
        first["data"]["x"] = {"typename": "zzz"}
        inst.state = json.dumps(state)


def test_check_reports_repairs_and_leaves_bricked_cases_named(
    sys_: system.System, database_url: str, clock: Clock
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    fine, lost, bricked = (open_case(sys_, complaint(), ACTORS["eje13"], clock.now).folio for _ in range(3))
    assert run(["check"], env).returncode == 0
    task_id = only_task(sys_, lost, "gestionar_caso").id
    with sys_.db.writing() as s:  # a projection that lost its open task
        s.execute(update(HumanTask).where(HumanTask.id == task_id).values(status="cancelled"))
    _brick(sys_, bricked)

    found = run(["check"], env)
    assert found.returncode == 1
    lines = {line.split(":")[0]: line for line in found.stdout.splitlines()}
    assert set(lines) == {lost, bricked}
    assert "DIFERENCIA" in lines[lost] and "tareas abiertas que el proceso espera y faltan" in lines[lost]
    assert "el estado del proceso no se puede cargar" in lines[bricked]

    repaired = run(["check", "--repair"], env)
    assert repaired.returncode == 1  # the bricked case remains
    assert f"{lost}: REPARADO" in repaired.stdout and f"{bricked}: DIFERENCIA" in repaired.stdout
    assert only_task(sys_, lost, "gestionar_caso").id == task_id
    with sys_.db.reading() as s:
        events = s.execute(select(LogEntry.event).join(Case).where(Case.folio == lost)).scalars().all()
    assert "consistency_repaired" in events
    assert run(["check", "--folio", lost, "--folio", fine], env).returncode == 0
