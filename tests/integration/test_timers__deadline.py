"""Deadline timers across a weekend and Fiestas Patrias fire exactly once, from the timers table."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from engine import system
from engine.clock import CHILE
from engine.models import HumanTask, LogEntry, Timer
from engine.services.timers import fire_due_timers
from tests.conftest import ACTORS, Clock, complaint, prepare
from tests.integration.helpers import detail, only_task, open_case

EJE = ACTORS["eje13"]


def santiago(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """An instant on Santiago's wall clock."""
    return datetime(y, m, d, hh, mm, tzinfo=CHILE)


def test_inquiry_deadline_skips_weekend_and_fiestas_patrias(sys_, clock: Clock) -> None:
    # Friday 13-09-2024: 5 días hábiles = 16, 17, (18, 19, 20 feriados; 21-22 fin de semana) 23, 24, 25.
    summary = open_case(sys_, complaint(kind="inquiry"), EJE, clock.now)
    assert summary.due_on == date(2024, 9, 25)
    assert fire_due_timers(sys_.db, sys_.store, santiago(2024, 9, 25, 23, 59)).fired == 0
    assert fire_due_timers(sys_.db, sys_.store, santiago(2024, 9, 26, 0, 1)).fired == 1
    assert fire_due_timers(sys_.db, sys_.store, santiago(2024, 9, 27, 9)).fired == 0

    file = detail(sys_, summary.folio, ACTORS["sup13"], santiago(2024, 9, 26, 9))
    assert file.summary.due_status == "fuera_de_plazo"
    assert [t.element_id for t in file.open_tasks] == ["gestionar_caso", "revisar_atraso"]
    assert [e.event for e in file.log].count("timer_fired") == 1
    only_task(sys_, summary.folio, "revisar_atraso")  # the supervisor's escalation task


def test_completing_the_work_cancels_the_deadline_timer(sys_, clock: Clock) -> None:
    summary = open_case(sys_, complaint(kind="inquiry"), EJE, clock.now)
    from tests.integration.helpers import complete

    task = only_task(sys_, summary.folio, "gestionar_caso")
    complete(
        sys_,
        task.id,
        {"accion": "cerrar", "nota": "Respondida", "outcome": "CONSULTA RESPONDIDA"},
        EJE,
        clock.advance(days=1),
    )
    assert fire_due_timers(sys_.db, sys_.store, santiago(2024, 12, 1, 12)).fired == 0
    with sys_.db.reading() as s:
        assert s.execute(select(func.count(Timer.id)).where(Timer.status == "pending")).scalar_one() == 0


def _fire_in_child(url: str, now_iso: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    sys_ = system.build(url)
    total = 0
    for _ in range(3):
        total += fire_due_timers(sys_.db, sys_.store, datetime.fromisoformat(now_iso)).fired
    out.put(total)


def test_two_scheduler_processes_fire_each_timer_once(pg_url: str, clock: Clock) -> None:
    sys_ = prepare(pg_url)
    folios = [open_case(sys_, complaint(kind="inquiry"), EJE, clock.now).folio for _ in range(12)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    now = santiago(2024, 9, 26, 8).isoformat()
    workers = [ctx.Process(target=_fire_in_child, args=(pg_url, now, queue)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    fired = [queue.get(timeout=5) for _ in workers]
    assert sum(fired) == len(folios)
    with sys_.db.reading() as s:
        assert (
            s.execute(select(func.count(LogEntry.id)).where(LogEntry.event == "timer_fired")).scalar_one()
            == 12
        )
        escalations = s.execute(
            select(func.count(HumanTask.id)).where(HumanTask.element_id == "revisar_atraso")
        ).scalar_one()
        assert escalations == 12
    sys_.db.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_failing_timer_is_kept_retried_and_visible(
    sys_, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = open_case(sys_, complaint(kind="inquiry"), EJE, clock.now)
    from engine import runtime

    def broken(*_args: object) -> bool:
        raise RuntimeError("falla simulada del motor")

    monkeypatch.setattr(runtime, "fire_timer", broken)
    late = santiago(2024, 9, 26, 9)
    assert fire_due_timers(sys_.db, sys_.store, late).failed == 1
    file = detail(sys_, summary.folio, EJE, late)
    assert file.timers[0].attempts == 1 and "falla simulada" in (file.timers[0].last_error or "")
    assert fire_due_timers(sys_.db, sys_.store, late).failed == 0  # backing off: not retried at once
    monkeypatch.undo()
    assert fire_due_timers(sys_.db, sys_.store, santiago(2024, 9, 26, 9, 5)).fired == 1
