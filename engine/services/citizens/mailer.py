"""E-mails to citizens and companies: recorded in the transaction that causes them, sent afterwards by the
scheduler (never inside a request's transaction), retried with backoff, ``failed`` after the last attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ... import mail
from ...db import Database
from ...models import MailOutbox
from .. import outbox

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class MailReport:
    sent: int
    failed: int


def queue(
    s: Session, purpose: str, to: str, subject: str, body: str, now: datetime, case_id: int | None = None
) -> int:
    """Record one e-mail to send once this transaction commits; returns its id."""
    values = {
        "case_id": case_id,
        "purpose": purpose,
        "recipient": to.strip()[:254],
        "subject": subject[:300],
        "body": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    return int(s.execute(insert(MailOutbox).values(**values).returning(MailOutbox.id)).scalar_one())


def send_due(db: Database, settings: mail.MailSettings, now: datetime, limit: int = 100) -> MailReport:
    """Send every due e-mail once; safe in several processes at once (claims with SKIP LOCKED)."""
    sent = failed = 0
    for mail_id in outbox.due_ids(db, MailOutbox, now, limit):
        result = send_one(db, mail_id, settings, now)
        sent += result is True
        failed += result is False
    return MailReport(sent, failed)


def send_one(db: Database, mail_id: int, settings: mail.MailSettings, now: datetime) -> bool | None:
    """Claim one due e-mail, send it outside any transaction, record the result (None: not ours now)."""
    with db.writing() as s:
        row = outbox.lock_due(s, MailOutbox, mail_id, now)
        if row is None:
            return None
        outbox.lease(row, now, LEASE)
        to, subject, body = row.recipient, row.subject, row.body
    try:
        mail.send_mail(settings, [to], subject, body)
    except mail.MailFailed as err:
        log.warning("correo %s no enviado: %s", mail_id, err.detail)
        with db.writing() as s:
            failing = s.get(MailOutbox, mail_id)
            if failing is not None:
                outbox.record_failure(failing, err.detail, now)
                if failing.attempts >= MAX_ATTEMPTS or isinstance(err, mail.AddressInvalid):
                    failing.status = "failed"
        return False
    with db.writing() as s:
        done = s.get(MailOutbox, mail_id)
        if done is not None:
            done.status, done.done_at, done.last_error = "done", now, None
            done.attempts += 1
    return True
