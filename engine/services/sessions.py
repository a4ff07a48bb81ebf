"""Browser sessions kept on the server (the cookie holds only a random id; the table, its SHA-256): revoked
by deleting the row — at sign-out, when the id is rotated at sign-in, or when a timeout passes. Each session
has an idle timeout (refreshed by activity) and an absolute one (from its creation)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from ..models import WebSession


@dataclass(frozen=True)
class Stored:
    """A live session as a request opens it."""

    data: dict[str, Any]
    idle_seconds: int
    last_seen_at: datetime


@dataclass(frozen=True)
class Timeouts:
    """How long a session lives without activity, and at most."""

    idle: timedelta
    absolute: timedelta


def new_token() -> str:
    """A fresh random session id for the cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load(s: Session, token: str, now: datetime) -> Stored | None:
    """The live session behind a cookie's id; None when unknown, revoked or past a timeout."""
    row = s.get(WebSession, _key(token))
    if row is None or now >= row.idle_until or now >= row.expires_at:
        return None
    return Stored(dict(row.data), row.idle_seconds, row.last_seen_at)


def save(
    s: Session, token: str, data: dict[str, Any], user_id: int | None, timeouts: Timeouts, now: datetime
) -> None:
    """Store the session's data and activity (a new session starts its absolute timeout now)."""
    row = s.get(WebSession, _key(token))
    idle = int(timeouts.idle.total_seconds())
    if row is None:
        row = WebSession(id=_key(token), created_at=now, expires_at=now + timeouts.absolute)
        s.add(row)
    row.data, row.user_id, row.idle_seconds = data, user_id, idle
    row.last_seen_at, row.idle_until = now, now + timeouts.idle


def touch(s: Session, token: str, idle: timedelta, now: datetime) -> None:
    """Activity without a change of data: push the idle timeout forward."""
    row = s.get(WebSession, _key(token))
    if row is not None:
        row.last_seen_at, row.idle_until, row.idle_seconds = now, now + idle, int(idle.total_seconds())


def revoke(s: Session, token: str) -> None:
    """Delete the session: its cookie opens nothing any more, in any process."""
    s.execute(delete(WebSession).where(WebSession.id == _key(token)))


def revoke_user(s: Session, user_id: int) -> int:
    """Delete every session of an account (deactivation, password change); how many."""
    done = s.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(done, "rowcount", 0) or 0)


def prune(s: Session, now: datetime) -> int:
    """Delete the sessions past a timeout; the number deleted."""
    done = s.execute(
        delete(WebSession).where(or_(WebSession.idle_until <= now, WebSession.expires_at <= now))
    )
    return int(getattr(done, "rowcount", 0) or 0)
