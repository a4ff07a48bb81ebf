"""Timer use cases: fire what is due, exactly once across processes; failures are retried and visible."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import persistence, runtime
from ..access import SYSTEM
from ..caselog import LogEvent
from ..db import Database
from ..errors import Conflict
from ..models import Timer
from ..persistence import Loaded
from ..store import CatalogStore
from . import outbox, steps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FireReport:
    fired: int
    failed: int
    skipped: int


def backoff(attempts: int) -> timedelta:
    """Delay before retrying a failed timer: 1, 2, 4 ... minutes, capped at one hour."""
    return outbox.backoff(attempts)


def due_timer_ids(db: Database, now: datetime, limit: int) -> list[int]:
    """Ids of pending timers whose time has come (oldest first)."""
    return outbox.due_ids(db, Timer, now, limit)


def fire_one(db: Database, store: CatalogStore, timer_id: int, now: datetime) -> bool | None:
    """Fire one timer in its own transaction. True fired, None taken by someone else, False failed."""
    try:
        with db.writing() as s:
            timer = _lock(s, timer_id, now)
            if timer is None:
                return None
            steps.advance(s, store, timer.case_id, _firing(timer, now), SYSTEM, now)
            return True
    except Exception as err:  # a failing timer must never be lost: record it and retry later
        _record_failure(db, timer_id, err, now)
        return False


def _lock(s: Session, timer_id: int, now: datetime) -> Timer | None:
    """The due timer, locked after its case (persistence.lock: the case's state row is every writer's first
    lock; timer first and case second deadlocked against a user's step). None when another process holds
    either: the next poll tries again."""
    case_id = s.execute(select(Timer.case_id).where(Timer.id == timer_id)).scalar_one_or_none()
    if case_id is None or not persistence.lock(s, case_id, skip_locked=True):
        return None
    return outbox.lock_due(s, Timer, timer_id, now)


def _firing(timer: Timer, now: datetime) -> steps.Act:
    """The step of a timer: the workflow's timer event fires (unless it was gone), the row says so."""

    def act(loaded: Loaded, trail: runtime.Trail) -> list[LogEvent]:
        fired = runtime.fire_timer(loaded.wf, timer.task_id, trail)
        timer.status = "fired" if fired else "cancelled"
        timer.fired_at, timer.attempts = now, timer.attempts + 1
        if not fired:
            return []
        summary = f"Vencimiento: {timer.name or timer.element_id}"
        data = {"due_at": timer.due_at.isoformat()}
        return [LogEvent("timer_fired", summary, element_id=timer.element_id, data=data)]

    return act


def _record_failure(db: Database, timer_id: int, err: Exception, now: datetime) -> None:
    retry_now = isinstance(err, Conflict)
    if not retry_now:
        log.exception("timer %s failed", timer_id)
    with db.writing() as s:
        timer = s.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return
        outbox.record_failure(timer, outbox.failure_text(err), now, retry_now=retry_now)


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
