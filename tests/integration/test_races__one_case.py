"""Races on one case, kept fixed (issue #12), on SQLite and PostgreSQL: 50 trials each of several clients
completing one task, claiming it, claiming it while another completes it, and completing two tasks of one
case; and, on PostgreSQL, 100 timers racing a user on the same case without one deadlock. After each suite
the consistency checker (``ventanilla check``) finds every case in line with its state."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select, text

from engine import system
from engine.access import Actor
from engine.errors import Conflict, EngineError
from engine.models import Case, HumanTask, LogEntry, Timer
from engine.services import consistency, tasks, timers
from tests.conftest import ACTORS, Clock, complaint, prepare
from tests.integration.helpers import open_case, open_tasks

TRIALS = 50
CLIENTS = 4
NOTE = {"accion": "registrar_gestion", "nota": "Llamé a la empresa."}
CLOSE = {"accion": "cerrar", "nota": "Resuelto.", "outcome": "PROVEEDOR ACOGE"}
REVIEW = {"observacion": "Revisado.", "accion_correctiva": "sin_accion"}


@pytest.fixture
def racing(database_url: str) -> Iterator[system.System]:
    """The system without the after-commit letter rendering (a race is about the step, not the letters)."""
    prepare(database_url).db.engine.dispose()
    built = system.build(database_url, kick_effects=False)
    yield built
    built.db.engine.dispose()


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same instant, one thread each; each result or the engine error it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except EngineError as err:
            return err

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _cases(sys_: system.System, clock: Clock, count: int) -> list[str]:
    return [open_case(sys_, complaint(), ACTORS["eje13"], clock.now).folio for _ in range(count)]


def _task(sys_: system.System, folio: str, element_id: str) -> HumanTask:
    return next(t for t in open_tasks(sys_, folio) if t.element_id == element_id)


def _complete(sys_: system.System, task_id: str, data: dict[str, Any], actor: Actor, clock: Clock) -> Any:
    with sys_.db.writing() as s:
        return tasks.complete_task(s, sys_.store, task_id, data, actor, clock.now)


def _claim(sys_: system.System, task_id: str, actor: Actor, clock: Clock) -> Any:
    with sys_.db.writing() as s:
        return tasks.claim_task(s, task_id, actor, clock.now)


def _row(sys_: system.System, task_id: str) -> HumanTask:
    with sys_.db.reading() as s:
        return s.execute(select(HumanTask).where(HumanTask.id == task_id)).scalar_one()


def _all_consistent(sys_: system.System, clock: Clock) -> None:
    with sys_.db.reading() as s:
        found = [consistency.check_case(s, sys_.store, i, clock.now) for i in consistency.case_ids(s)]
    assert [f for f in found if f.problems] == []


def _claims_logged(sys_: system.System, task_id: str) -> int:
    with sys_.db.reading() as s:
        task = s.execute(select(HumanTask).where(HumanTask.id == task_id)).scalar_one()
        return int(
            s.execute(
                select(func.count()).where(
                    LogEntry.case_id == task.case_id,
                    LogEntry.event == "task_claimed",
                    LogEntry.element_id == task.element_id,
                )
            ).scalar_one()
        )


WORKERS = [ACTORS["eje13"], ACTORS["eje13b"], ACTORS["sup13"], ACTORS["abo13"]]


def test_clients_completing_one_task_give_one_winner(racing: system.System, clock: Clock) -> None:
    for folio in _cases(racing, clock, TRIALS):
        task_id = _task(racing, folio, "gestionar_caso").id
        results = _race(*(partial(_complete, racing, task_id, CLOSE, a, clock) for a in WORKERS))
        winners = [r for r in results if isinstance(r, tasks.TaskView)]
        assert len(winners) == 1, results
        assert all(isinstance(r, Conflict) for r in results if r not in winners)
        assert _row(racing, task_id).closed_by == winners[0].assignee
    _all_consistent(racing, clock)


def test_clients_claiming_one_task_give_one_holder_and_one_entry(racing: system.System, clock: Clock) -> None:
    for folio in _cases(racing, clock, TRIALS):
        task_id = _task(racing, folio, "gestionar_caso").id
        results = _race(*(partial(_claim, racing, task_id, a, clock) for a in WORKERS))
        holders = Counter(r.assignee for r in results if isinstance(r, tasks.TaskView))
        assert len(holders) == 1 and sum(holders.values()) == 1, results
        assert _row(racing, task_id).assignee in holders
        assert _claims_logged(racing, task_id) == 1
    _all_consistent(racing, clock)


def test_a_claim_racing_a_completion_never_lands_after_it(racing: system.System, clock: Clock) -> None:
    outcomes: Counter[str] = Counter()
    for folio in _cases(racing, clock, TRIALS):
        task_id = _task(racing, folio, "gestionar_caso").id
        claimed, completed = _race(
            partial(_claim, racing, task_id, ACTORS["eje13b"], clock),
            partial(_complete, racing, task_id, CLOSE, ACTORS["eje13"], clock),
        )
        row = _row(racing, task_id)
        if isinstance(completed, tasks.TaskView):  # the completion went first: the claim was refused
            assert isinstance(claimed, Conflict) and "ya fue completada" in claimed.detail
            assert (row.status, row.assignee, row.closed_by) == ("completed", "eje13", "eje13")
            outcomes["completion first"] += 1
        else:  # the claim went first: the completion was refused, naming the holder
            assert isinstance(claimed, tasks.TaskView) and "tomada por eje13b" in completed.detail
            assert (row.status, row.assignee) == ("open", "eje13b")
            outcomes["claim first"] += 1
        assert _claims_logged(racing, task_id) == (1 if row.status == "open" else 0)
    assert sum(outcomes.values()) == TRIALS
    _all_consistent(racing, clock)


def _with_two_tasks(sys_: system.System, clock: Clock, count: int) -> list[str]:
    """Cases whose plazo passed: the deadline timer opened "revisar atraso" beside "gestionar caso"."""
    folios = _cases(sys_, clock, count)
    report = timers.fire_due_timers(sys_.db, sys_.store, clock.now + timedelta(days=60), limit=count * 2)
    assert report.fired >= count
    return folios


def test_two_tasks_of_one_case_completed_at_once_both_land(racing: system.System, clock: Clock) -> None:
    for folio in _with_two_tasks(racing, clock, TRIALS):
        manage, review = _task(racing, folio, "gestionar_caso").id, _task(racing, folio, "revisar_atraso").id
        results = _race(
            partial(_complete, racing, manage, NOTE, ACTORS["eje13"], clock),
            partial(_complete, racing, review, REVIEW, ACTORS["sup13"], clock),
        )
        for task_id, result in zip((manage, review), results, strict=True):
            expected = "completed" if isinstance(result, tasks.TaskView) else "open"
            assert isinstance(result, tasks.TaskView | Conflict), result
            assert _row(racing, task_id).status == expected
    _all_consistent(racing, clock)


def _timer_id(sys_: system.System, folio: str) -> int:
    with sys_.db.reading() as s:
        query = select(Timer.id).join(Case, Case.id == Timer.case_id)
        return int(s.execute(query.where(Case.folio == folio, Timer.status == "pending")).scalar_one())


def _deadlocks(sys_: system.System) -> int:
    with sys_.db.reading() as s:
        query = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        return int(s.execute(text(query)).scalar_one())


def test_a_timer_racing_a_user_on_one_case_never_deadlocks(
    racing: system.System, clock: Clock, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("lock order: SQLite serialises writers (BEGIN IMMEDIATE) and cannot deadlock")
    folios = _cases(racing, clock, 100)
    later = clock.now + timedelta(days=60)
    before = _deadlocks(racing)
    user_errors: list[EngineError] = []
    for folio in folios:
        task_id, timer_id = _task(racing, folio, "gestionar_caso").id, _timer_id(racing, folio)
        user, _ = _race(
            partial(_complete, racing, task_id, CLOSE, ACTORS["eje13"], clock),
            partial(timers.fire_one, racing.db, racing.store, timer_id, later),
        )
        if isinstance(user, EngineError):
            user_errors.append(user)
            assert getattr(user.__cause__, "orig", None) is None or "deadlock" not in str(user.__cause__)
    racing.db.engine.dispose()  # the server counts a backend's deadlocks once it ends
    assert _deadlocks(racing) - before == 0
    assert all("ya fue completada" in e.detail or "ya no está" in e.detail for e in user_errors), user_errors
    _all_consistent(racing, clock)
