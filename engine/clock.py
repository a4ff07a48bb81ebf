"""Injectable time: every use case takes ``now``; production passes the system clock."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CHILE = ZoneInfo("America/Santiago")


def utcnow() -> datetime:
    """The system clock, tz-aware UTC."""
    return datetime.now(UTC)


def resolve(now: datetime | None) -> datetime:
    """The injected instant, or the system clock; naive instants are refused."""
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now
