"""A staff member's notifications (deadline warnings, breaches, transfers): list them, count the unread, mark
them read, choose the daily digest; and the digest itself, sent by the scheduler once a day."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .. import deadlines, mail
from ..access import Actor
from ..clock import CHILE
from ..db import Database
from ..errors import FieldError, FormInvalid, NotFound
from ..models import Case, Notification, User

log = logging.getLogger(__name__)
DIGEST_HOUR = 8  # the digest goes out from 08:00 in Chile, once a day


@dataclass(frozen=True)
class NotificationView:
    id: int
    folio: str | None
    message: str
    created_at: datetime
    read: bool
    urgent: bool = False


@dataclass(frozen=True)
class Preferences:
    """Where a staff member gets e-mail (urgent notices, digest) and whether they want the daily digest."""

    email: str | None
    daily_digest: bool


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
        NotificationView(n.id, folio, n.message, n.created_at, n.read_at is not None, n.urgent)
        for n, folio in rows
    ]


def unread_count(s: Session, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the navbar's bell)."""
    query = select(func.count(Notification.id)).where(
        Notification.username == actor.username, Notification.read_at.is_(None)
    )
    return int(s.execute(query).scalar_one())


def mark_read(s: Session, actor: Actor, now: datetime) -> int:
    """Mark all of the actor's unread notifications as read; returns how many."""
    result = s.execute(
        update(Notification)
        .where(Notification.username == actor.username, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_one_read(s: Session, actor: Actor, notification_id: int, now: datetime) -> None:
    """Mark one of the actor's notifications as read (NotFound for anybody else's)."""
    found = s.get(Notification, notification_id)
    if found is None or found.username != actor.username:
        raise NotFound("la notificación no existe")
    if found.read_at is None:
        found.read_at = now


def preferences(s: Session, actor: Actor) -> Preferences:
    """The actor's e-mail preferences."""
    user = s.execute(select(User).where(User.username == actor.username)).scalar_one_or_none()
    if user is None:
        raise NotFound("la cuenta no existe")
    return Preferences(user.email, user.daily_digest)


def set_preferences(s: Session, actor: Actor, email: str, daily_digest: bool) -> Preferences:
    """Change the actor's e-mail and digest choice; FormInvalid (nothing changed) for a bad address or a
    digest asked for without one."""
    email = email.strip()
    if email and not mail.is_address(email):
        raise FormInvalid([FieldError("email", "Correo electrónico: escriba una dirección válida.")])
    if daily_digest and not email:
        raise FormInvalid(
            [FieldError("email", "Correo electrónico: indíquelo para recibir el resumen diario.")]
        )
    user = s.execute(select(User).where(User.username == actor.username)).scalar_one()
    user.email, user.daily_digest = email or None, daily_digest
    return Preferences(user.email, user.daily_digest)


def _claim_digests(db: Database, now: datetime) -> list[tuple[str, str, list[str]]]:
    """Take today's digests: each user who asked for one and has unread notifications, marked as sent today
    in the same transaction (of several processes polling at once, one takes each)."""
    today = deadlines.local_date(now)
    with db.writing() as s:
        users = s.execute(
            select(User)
            .where(User.daily_digest.is_(True), User.email.is_not(None), User.active.is_(True))
            .where(or_(User.digest_sent_on.is_(None), User.digest_sent_on < today))
            .with_for_update(skip_locked=True)
        ).scalars()
        claimed = []
        for user in users:
            user.digest_sent_on = today
            unread = list_notifications(s, Actor(user.username, user.role), unread_only=True, limit=50)
            if unread and user.email:
                lines = [f"- {n.message}" for n in reversed(unread)]
                claimed.append((user.username, user.email, lines))
    return claimed


def send_digests(db: Database, now: datetime, settings: mail.MailSettings) -> int:
    """The daily digest of unread notifications, after DIGEST_HOUR in Chile, once a day per user; returns
    how many were sent (a failure is logged: the next day's digest repeats what is still unread)."""
    if now.astimezone(CHILE).hour < DIGEST_HOUR:
        return 0
    sent = 0
    for username, address, lines in _claim_digests(db, now):
        text = "Sus notificaciones sin leer en Ventanilla única:\n\n" + "\n".join(lines)
        try:
            mail.send_mail(settings, [address], f"Resumen diario: {len(lines)} notificaciones sin leer", text)
            sent += 1
        except mail.MailFailed as err:
            log.warning("resumen diario de %s no enviado: %s", username, err)
    return sent
