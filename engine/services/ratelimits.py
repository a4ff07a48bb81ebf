"""Rate counters shared by every process and surviving restarts: one row per key and fixed window, bumped
with one atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL), so
concurrent requests can never both read the same count (no check-then-act)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import RateCounter

MAX_KEY = 200


@dataclass(frozen=True)
class Decision:
    """One hit counted: whether it is within the limit, the window's count, and when the window ends."""

    allowed: bool
    hits: int
    retry_after: timedelta


def window_of(now: datetime, window: timedelta) -> datetime:
    """Start of the fixed window holding ``now`` (windows are aligned to the Unix epoch)."""
    size = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // size * size, UTC)


def _insert(s: Session) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert  # type: ignore[return-value]


def hit(s: Session, key: str, limit: int, window: timedelta, now: datetime) -> Decision:
    """Count one hit of ``key`` in the current window; allowed while the count is at most ``limit``.
    A refused hit is counted too (a client that keeps knocking stays refused until the window ends)."""
    start = window_of(now, window)
    values = {"key": key[:MAX_KEY], "window_start": start, "hits": 1, "expires_at": start + window}
    upsert = _insert(s)(RateCounter).values(**values)
    bump = upsert.on_conflict_do_update(
        index_elements=[RateCounter.key, RateCounter.window_start], set_={"hits": RateCounter.hits + 1}
    )
    hits = int(s.execute(bump.returning(RateCounter.hits)).scalar_one())
    return Decision(hits <= limit, hits, start + window - now)


def reset(s: Session, key: str) -> None:
    """Forget every window of ``key`` (a successful sign-in clears its failures)."""
    s.execute(delete(RateCounter).where(RateCounter.key == key[:MAX_KEY]))


def prune(s: Session, now: datetime) -> int:
    """Delete the windows that have ended; the number deleted."""
    done = s.execute(delete(RateCounter).where(RateCounter.expires_at <= now))
    return int(getattr(done, "rowcount", 0) or 0)
