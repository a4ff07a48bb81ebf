"""Idempotency keys of creating API requests: the first response is kept under (caller, key) for
KEEP_FOR, so a client that retries after a timeout or a crash gets the same answer (the same folio)
instead of a second case; the same key with another request is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, EngineError
from ..models import IdempotencyKey

KEEP_FOR = timedelta(hours=24)
MAX_KEY = 200


class IdempotencyKeyReused(EngineError):
    """The key was used before for a different request (method, path or body)."""

    status = 422
    type = "/problems/idempotency-key-reused"
    title = "Clave de idempotencia ya usada en otra solicitud"


@dataclass(frozen=True)
class Response:
    """A kept response, replayed as it was."""

    status: int
    body: str
    content_type: str
    location: str | None


def find(s: Session, owner: str, key: str, fingerprint: str, now: datetime) -> Response | None:
    """The response kept for this caller's key (None if none, or expired); IdempotencyKeyReused when the
    key was used for another request."""
    row = s.get(IdempotencyKey, (owner, key))
    if row is None or row.expires_at <= now:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "esta Idempotency-Key ya se usó con otra solicitud; use una clave nueva para una solicitud nueva"
        )
    return Response(row.status, row.body, row.content_type, row.location)


def remember(s: Session, owner: str, key: str, fingerprint: str, response: Response, now: datetime) -> None:
    """Keep ``response`` under the key, in the caller's transaction (with what it created, or not at all).
    Conflict when a concurrent request with the same key got there first (this one then rolls back)."""
    s.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.owner == owner, IdempotencyKey.key == key, IdempotencyKey.expires_at <= now
        )
    )
    s.add(
        IdempotencyKey(
            owner=owner,
            key=key,
            fingerprint=fingerprint,
            status=response.status,
            body=response.body,
            location=response.location,
            content_type=response.content_type,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
    )
    try:
        with s.begin_nested():
            s.flush()
    except IntegrityError:
        raise Conflict("otra solicitud con la misma Idempotency-Key está en curso; reintente") from None


def prune(s: Session, now: datetime) -> int:
    """Delete the expired keys; the number deleted."""
    done = s.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    return int(getattr(done, "rowcount", 0) or 0)
