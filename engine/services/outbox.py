"""Work that a committed transaction recorded as rows and that is done after it: due rows are claimed with a
row lock (SKIP LOCKED, so each process takes different ones), run, retried with backoff, and left ``failed``
where staff can see them. One helper for the effects outbox, the derivation deliveries and the timers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import EngineError
from ..models import OutboxEntry

MAX_BACKOFF = timedelta(hours=1)
KICK_LEASE = timedelta(minutes=2)  # how long a committing process has to carry out what it recorded


class Queued(Protocol):
    """A row of a due-work table: pending until done, tried again at ``next_attempt_at``."""

    id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


Row = TypeVar("Row", bound=Queued)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try: 1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failure, at most 1 hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def due_ids(db: Database, model: type[Any], now: datetime, limit: int) -> list[int]:
    """Ids of pending rows whose time has come, oldest first (a hint: each is claimed on its own)."""
    with db.reading() as s:
        return list(
            s.execute(
                select(model.id)
                .where(model.status == "pending", model.next_attempt_at <= now)
                .order_by(model.next_attempt_at, model.id)
                .limit(limit)
            ).scalars()
        )


def lock_due(s: Session, model: type[Row], row_id: int, now: datetime) -> Row | None:
    """The row, locked for this transaction, if it is still pending and due; None when another process
    holds it (SKIP LOCKED) or took it already. On SQLite the write transaction itself is the lock."""
    table: Any = model  # a mapped class: its attributes are columns here
    row: Row | None = s.execute(
        select(table)
        .where(table.id == row_id, table.status == "pending", table.next_attempt_at <= now)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    return row


def lease(row: Queued, now: datetime, length: timedelta) -> None:
    """Keep a claimed row away from other processes while this one works on it outside a transaction; if this
    process dies meanwhile, the row is due again when the lease ends."""
    row.next_attempt_at = now + length


def failure_text(err: BaseException) -> str:
    """What staff read about a failed try (an engine error's own Spanish detail, else the exception)."""
    detail = err.detail if isinstance(err, EngineError) else f"{type(err).__name__}: {err}"
    return detail[:2000]


def record_failure(row: Queued, detail: str, now: datetime, retry_now: bool = False) -> None:
    """Count a failed try and schedule the next one (at once after a lost race, else with backoff)."""
    row.attempts += 1
    row.last_error = detail[:2000]
    row.next_attempt_at = now if retry_now else now + backoff(row.attempts)


def pending_of(rows: Sequence[object], kind: type[Row]) -> list[int]:
    """Ids of the rows of ``kind`` among what a transaction handed to its after-commit hook."""
    return [r.id for r in rows if isinstance(r, kind)]


def enqueue(
    s: Session,
    kind: str,
    now: datetime,
    case_id: int | None = None,
    document_id: int | None = None,
    payload: dict[str, Any] | None = None,
    lease_for_kick: timedelta = KICK_LEASE,
) -> int:
    """Record an effect to carry out once this transaction commits; returns its id. The entry is born leased
    to this process, which carries it out at once (the caller hands what it needs to ``db.after_commit``), so
    no other process takes it meanwhile and no claim costs a transaction; should this process die first, a
    poll takes it after the lease."""
    values = {
        "kind": kind,
        "case_id": case_id,
        "document_id": document_id,
        "payload": payload or {},
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now + lease_for_kick,
        "created_at": now,
    }
    return int(s.execute(insert(OutboxEntry).values(**values).returning(OutboxEntry.id)).scalar_one())


def close(s: Session, entry_id: int, now: datetime) -> bool:
    """Mark an entry done, unless another process did (or it failed for good) meanwhile."""
    result = s.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.status == "pending")
        .values(status="done", done_at=now, last_error=None, attempts=OutboxEntry.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
