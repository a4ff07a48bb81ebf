"""Timer use cases: fire what is due, exactly once across processes; failures are retried and visible."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import persistence, runtime
from ..caselog import LogEvent
from ..db import Database
from ..errors import Conflict, EngineError
from ..models import Timer
from ..store import CatalogStore

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class FireReport:
    fired: int
    failed: int
    skipped: int


def backoff(attempts: int) -> timedelta:
    """Delay before retrying a failed timer: 1, 2, 4 ... minutes, capped at one hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def due_timer_ids(db: Database, now: datetime, limit: int) -> list[int]:
    """Ids of pending timers whose time has come (oldest first)."""
    with db.reading() as s:
        return list(
            s.execute(
                select(Timer.id)
                .where(Timer.status == "pending", Timer.next_attempt_at <= now)
                .order_by(Timer.next_attempt_at)
                .limit(limit)
            ).scalars()
        )


def fire_one(db: Database, store: CatalogStore, timer_id: int, now: datetime) -> bool | None:
    """Fire one timer in its own transaction. True fired, None taken by someone else, False failed."""
    try:
        with db.writing() as s:
            timer = s.execute(
                select(Timer)
                .where(Timer.id == timer_id, Timer.status == "pending", Timer.next_attempt_at <= now)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if timer is None:
                return None
            loaded = persistence.load(s, store, timer.case_id, now)
            trail = runtime.Trail()
            fired = runtime.fire_timer(loaded.wf, timer.task_id, trail)
            timer.status = "fired" if fired else "cancelled"
            timer.fired_at, timer.attempts = now, timer.attempts + 1
            events = [
                LogEvent(
                    "timer_fired",
                    f"Vencimiento: {timer.name or timer.element_id}",
                    element_id=timer.element_id,
                    data={"due_at": timer.due_at.isoformat()},
                )
            ]
            persistence.save(s, loaded, trail, events if fired else [], now)
            return True
    except Exception as err:  # a failing timer must never be lost: record it and retry later
        _record_failure(db, timer_id, err, now)
        return False


def _record_failure(db: Database, timer_id: int, err: Exception, now: datetime) -> None:
    retry_now = isinstance(err, Conflict)
    if not retry_now:
        log.exception("timer %s failed", timer_id)
    with db.writing() as s:
        timer = s.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return
        timer.attempts += 1
        detail = err.detail if isinstance(err, EngineError) else f"{type(err).__name__}: {err}"
        timer.last_error = detail[:2000]
        timer.next_attempt_at = now if retry_now else now + backoff(timer.attempts)


def fire_due_timers(db: Database, store: CatalogStore, now: datetime, limit: int = 100) -> FireReport:
    """Fire every due timer; safe to run in several processes at once (row locks with SKIP LOCKED)."""
    fired = failed = skipped = 0
    for timer_id in due_timer_ids(db, now, limit):
        result = fire_one(db, store, timer_id, now)
        if result is True:
            fired += 1
        elif result is False:
            failed += 1
        else:
            skipped += 1
    return FireReport(fired, failed, skipped)
