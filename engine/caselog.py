"""The bitácora: an append-only log of case events, written in the transaction of the step that caused it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from .access import Actor
from .models import LogEntry, table


@dataclass
class LogEvent:
    """One bitácora entry to write with the step that caused it."""

    event: str
    summary: str
    actor: str = "sistema"
    role: str | None = None
    channel: str | None = None
    element_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    public: bool = False


def by(actor: Actor, event: str, summary: str, **fields: Any) -> LogEvent:
    """A log entry attributed to an actor (who, role, channel)."""
    return LogEvent(event, summary, actor=actor.username, role=actor.role, channel=actor.channel, **fields)


def append_log(s: Session, case_id: int, events: Sequence[LogEvent], now: datetime) -> None:
    """Append bitácora entries in the caller's transaction (the log is never updated or deleted), as one
    batch of rows in the order given."""
    if not events:
        return
    rows = [
        {
            "case_id": case_id,
            "at": now,
            "actor": e.actor,
            "role": e.role,
            "channel": e.channel,
            "event": e.event,
            "element_id": e.element_id,
            "summary": e.summary[:300],
            "data": dict(e.data),
            "public": e.public,
        }
        for e in events
    ]
    s.execute(insert(table(LogEntry)), rows)  # Core: one executemany, whatever values are None
