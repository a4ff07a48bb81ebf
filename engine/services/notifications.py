"""A staff member's notifications (deadline warnings, transfers): list them, mark them read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import Actor
from ..models import Case, Notification


@dataclass(frozen=True)
class NotificationView:
    id: int
    folio: str | None
    message: str
    created_at: datetime
    read: bool


def list_notifications(
    s: Session, actor: Actor, unread_only: bool = False, limit: int = 100
) -> list[NotificationView]:
    """The actor's notifications, newest first."""
    query = (
        select(Notification, Case.folio)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.username == actor.username)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = s.execute(query.order_by(Notification.id.desc()).limit(limit)).all()
    return [
        NotificationView(n.id, folio, n.message, n.created_at, n.read_at is not None) for n, folio in rows
    ]


def mark_read(s: Session, actor: Actor, now: datetime) -> int:
    """Mark all of the actor's unread notifications as read; returns how many."""
    result = s.execute(
        update(Notification)
        .where(Notification.username == actor.username, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
