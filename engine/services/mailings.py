"""E-mail as an effect of a step: recorded in its transaction (an outbox row), sent after the commit, logged
on the case once sent. The closing letter to the consumer and the urgent notices to staff go this way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import letters, mail
from ..caselog import LogEvent, append_log
from ..db import Database, after_commit
from ..errors import NotFound
from ..models import Case, Document, User
from . import documents, outbox

MAIL = "mail"  # the outbox entry that sends one e-mail
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class MailJob:
    """One e-mail to send after the commit; ``log`` is the bitácora entry written once it is sent."""

    entry_id: int
    case_id: int | None
    to: tuple[str, ...]
    subject: str
    text: str
    document_id: int | None
    log: str | None
    now: datetime

    @classmethod
    def of(
        cls,
        entry_id: int,
        case_id: int | None,
        document_id: int | None,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> MailJob:
        """The job an outbox entry describes (the scheduler's retry of a failed kick)."""
        return cls(
            entry_id,
            case_id,
            tuple(payload.get("to") or ()),
            str(payload.get("subject", "")),
            str(payload.get("text", "")),
            document_id,
            payload.get("log"),
            now,
        )


def record_mail(
    s: Session,
    now: datetime,
    to: Sequence[str],
    subject: str,
    text: str,
    case_id: int | None = None,
    document_id: int | None = None,
    log: str | None = None,
) -> int:
    """Record one e-mail to send once this transaction commits; returns its outbox entry."""
    payload = {"to": list(to), "subject": subject, "text": text, "log": log}
    entry_id = outbox.enqueue(s, MAIL, now, case_id=case_id, document_id=document_id, payload=payload)
    after_commit(s, MailJob(entry_id, case_id, tuple(to), subject, text, document_id, log, now))
    return entry_id


def _attachment(db: Database, doc_id: int) -> tuple[str, bytes, str]:
    """The letter as PDF when one was produced already, else as .docx (rendered now if the outbox has not
    yet): no LibreOffice run in the effect path, where a demo or a busy day closes hundreds of cases."""
    with db.reading() as s:
        doc, folio = s.execute(
            select(Document, Case.folio).join(Case, Case.id == Document.case_id).where(Document.id == doc_id)
        ).one()
        name, stored_pdf, body = f"{folio}-{doc.letter_id}", doc.pdf, doc.docx
        template = documents.template_of(s, doc) if body is None else None
        context = doc.context or {}
    if stored_pdf is not None:
        return f"{name}.pdf", stored_pdf, "application/pdf"
    if body is None and template is not None:
        body = letters.render(template, context)
        with db.writing() as s:
            documents.keep_rendered(s, doc_id, body)
    if body is None:
        raise NotFound(f"la carta {doc_id} no tiene plantilla para generarse")
    return f"{name}.docx", body, DOCX


def send_job(db: Database, job: MailJob, settings: mail.MailSettings) -> None:
    """Send one recorded e-mail, then close its entry and log it on the case (once, whoever sends it)."""
    files = [_attachment(db, job.document_id)] if job.document_id is not None else []
    mail.send_mail(settings, list(job.to), job.subject, job.text, files)
    with db.writing() as s:
        if outbox.close(s, job.entry_id, job.now) and job.case_id is not None and job.log:
            event = LogEvent(
                "mail_sent", job.log[:300], data={"to": list(job.to), "document_id": job.document_id}
            )
            append_log(s, job.case_id, [event], job.now)


def closing_mail(s: Session, case: Case, now: datetime) -> LogEvent:
    """A case just closed: its newest closing letter goes to the consumer by e-mail (after the commit) when
    there is an address; the bitácora says which it is."""
    doc = s.execute(
        select(Document)
        .where(Document.case_id == case.id, Document.closing.is_(True))
        .order_by(Document.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if doc is None:
        return LogEvent("closing_mail_skipped", "Cierre sin carta para el consumidor/a: no se envía correo")
    if not case.consumer_email:
        text = f"La carta de cierre ({doc.title}) no se envía por correo: el caso no tiene correo"
        return LogEvent("closing_mail_skipped", text[:300], data={"document_id": doc.id})
    subject = f"{doc.title} — caso {case.folio}"
    text = (
        f"Estimado/a {case.consumer_name}:\n\nSu caso folio {case.folio} fue cerrado. Adjuntamos la carta "
        f"{doc.title.lower()} (ORD. N° {doc.number or 's/n'}).\n\nVentanilla única"
    )
    log = f"Carta de cierre enviada por correo a {case.consumer_email}: {doc.title}"
    record_mail(s, now, [case.consumer_email], subject, text, case.id, doc.id, log)
    return LogEvent(
        "closing_mail_queued",
        f"Carta de cierre por enviar a {case.consumer_email}: {doc.title}"[:300],
        data={"document_id": doc.id, "to": [case.consumer_email]},
    )


def urgent_notice(
    s: Session, usernames: Sequence[str], message: str, case_id: int | None, now: datetime
) -> None:
    """E-mail an urgent notice (after the commit) to those of ``usernames`` who have an address."""
    rows = s.execute(
        select(User.email).where(User.username.in_(usernames), User.email.is_not(None), User.active.is_(True))
    ).scalars()
    to = sorted({e for e in rows if e})
    if to:
        text = f"{message}\n\nRevise sus notificaciones en Ventanilla única."
        record_mail(s, now, to, f"Aviso urgente: {message}"[:150], text, case_id)
