"""What completed elements ask for through their BPMN properties — log entries, letters, notifications,
derivations — recorded as rows in the step's transaction; what is slow (rendering a letter) is done after the
commit from the outbox: at once by the process that committed, else by any process's scheduler."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import mail, sandbox, spiff_adapter
from ..access import Actor
from ..caselog import LogEvent, append_log
from ..catalog import Catalog
from ..db import Database
from ..errors import EngineError
from ..models import Case, HumanTask, Notification, OutboxEntry, User
from ..runtime import Completed, Trail, letter_ids, listed
from . import derivations, documents, mailings, outbox

log = logging.getLogger(__name__)


class EffectUnknown(EngineError):
    """An outbox entry of a kind this version does not carry out (left failed, for staff to see)."""

    status = 500
    type = "/problems/effect-unknown"
    title = "Efecto desconocido"


def _evaluate(expression: str, data: Mapping[str, Any], now: datetime) -> Any:
    return sandbox.evaluate(expression, data, functions=spiff_adapter.clock_functions(now))


def _log_event(done: Completed, actor: Actor, now: datetime) -> LogEvent:
    """``log_event`` (expression → event code), ``log_summary`` (expression), ``log_data`` (variables)."""
    event = str(_evaluate(done.props["log_event"], done.data, now))
    summary = done.props.get("log_summary")
    text = str(_evaluate(summary, done.data, now)) if summary else done.name or event
    data = {k: done.data.get(k) for k in listed(done.props, "log_data")}
    public = done.props.get("log_public", "").strip().lower() in ("true", "1", "sí", "si")
    return LogEvent(
        event,
        text,
        actor=actor.username,
        role=actor.role,
        channel=actor.channel,
        element_id=done.element_id,
        data=data,
        public=public,
    )


def _letters_due(done: Completed, now: datetime) -> tuple[str, ...]:
    """The element's letters, unless its ``letter_when`` expression says not this time (e.g. phone answer)."""
    when = done.props.get("letter_when")
    if when and not _evaluate(when, done.data, now):
        return ()
    return letter_ids(done.props)


def declared_letter(props: Mapping[str, str]) -> documents.LetterDeclaration:
    """``letter_audience`` (consumidor, proveedor, institucion) and ``letter_closing`` beside ``letter``."""
    audience = props.get("letter_audience", "").strip() or documents.CONSUMER
    closing = props.get("letter_closing", "").strip().lower() in TRUE_WORDS
    return documents.LetterDeclaration(audience, closing)


TRUE_WORDS = frozenset({"true", "1", "sí", "si"})


def _holders(s: Session, case: Case) -> set[str]:
    """Who holds a case: assignees of its open tasks, else whoever last completed a task, else the
    ejecutivos of its platform (a case filed on the web has no person behind it yet)."""
    assigned = set(
        s.execute(
            select(HumanTask.assignee).where(
                HumanTask.case_id == case.id, HumanTask.status == "open", HumanTask.assignee.is_not(None)
            )
        ).scalars()
    )
    if assigned:
        return {a for a in assigned if a}
    last = s.execute(
        select(HumanTask.closed_by)
        .where(HumanTask.case_id == case.id, HumanTask.status == "completed")
        .order_by(HumanTask.closed_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last:
        return {last}
    staff = set(
        s.execute(
            select(User.username).where(
                User.platform_code == case.platform_code, User.role == "ejecutivo", User.active.is_(True)
            )
        ).scalars()
    )
    return staff or {case.opened_by}


def _recipients(s: Session, case: Case, targets: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for target in targets:
        if target == "holder":
            names |= _holders(s, case)
        elif target == "opener":  # whoever registered it, while their account is active
            names |= set(
                s.execute(
                    select(User.username).where(User.username == case.opened_by, User.active.is_(True))
                ).scalars()
            )
        else:
            names |= set(
                s.execute(
                    select(User.username).where(
                        User.role == target, User.region_code == case.region_code, User.active.is_(True)
                    )
                ).scalars()
            )
    return names


def _notify(s: Session, case: Case, done: Completed, now: datetime) -> LogEvent:
    """``notify`` (holder, opener and/or role codes) with ``notify_message`` (expression)."""
    message_expr = done.props.get("notify_message")
    default = f"Caso {case.folio}: {done.name or done.element_id}"
    message = str(_evaluate(message_expr, done.data, now)) if message_expr else default
    users = sorted(_recipients(s, case, listed(done.props, "notify")))
    urgent = done.props.get("notify_urgent", "").strip().lower() in TRUE_WORDS
    s.add_all(
        Notification(username=u, case_id=case.id, message=message[:300], created_at=now, urgent=urgent)
        for u in users
    )
    if urgent:
        mailings.urgent_notice(s, users, message, case.id, now)
    return LogEvent(
        "notified",
        f"Aviso a {', '.join(users) or 'nadie'}: {message}",
        element_id=done.element_id,
        data={"to": users, "message": message},
    )


def _derivation_effects(
    s: Session, case: Case, done: Completed, data: Mapping[str, Any], doc_id: int | None, now: datetime
) -> list[LogEvent]:
    """``derivation`` (expression → agency code): derive the case, the element's letter is the oficio;
    ``derivation_status`` (expression → acknowledged/answered/returned): the open derivation moves on."""
    events: list[LogEvent] = []
    if "derivation" in done.props:
        code = str(_evaluate(done.props["derivation"], data, now))
        events.append(derivations.open_derivation(s, case, code, data, now, done.element_id, doc_id))
    if "derivation_status" in done.props:
        status = str(_evaluate(done.props["derivation_status"], data, now))
        moved = derivations.set_status(s, case, status, now, done.element_id)
        events.extend([moved] if moved else [])
    return events


def record(
    s: Session, cat: Catalog, case: Case, trail: Trail, after: Mapping[str, Any], actor: Actor, now: datetime
) -> list[LogEvent]:
    """Record the effects of every element completed in a step; returns the log entries they produce.
    Letters see the element's data as it completed, completed by what the rest of the step set (``after``)."""
    events: list[LogEvent] = []
    for done in trail.completed:
        if "log_event" in done.props:
            events.append(_log_event(done, actor, now))
        doc = None
        for letter_id in _letters_due(done, now):
            data = {**after, **done.data}
            doc = documents.record_letter(
                s, cat, case, letter_id, data, actor, now, done.element_id, declared_letter(done.props)
            )
            events.append(
                LogEvent(
                    "letter_generated",
                    f"Carta generada: {doc.title}",
                    actor=actor.username,
                    role=actor.role,
                    element_id=done.element_id,
                    data={"letter": letter_id},
                )
            )
        if "derivation" in done.props or "derivation_status" in done.props:
            doc_id = doc.id if doc is not None else None
            events.extend(_derivation_effects(s, case, done, {**after, **done.data}, doc_id, now))
        if "notify" in done.props:
            events.append(_notify(s, case, done, now))
    return events


# After the commit: the outbox entries that effects recorded are carried out here.

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class EffectsReport:
    done: int
    failed: int


def run_committed(db: Database, items: list[object], settings: mail.MailSettings | None = None) -> None:
    """The post-commit kick: carry out at once what a transaction just recorded (letters first: a mail may
    attach one). Its entries were born leased to this process (``outbox.enqueue``), so no claim is needed; a
    failure is recorded on the entry and retried by the scheduler, and never reaches the request."""
    ordered = sorted(items, key=lambda job: not isinstance(job, documents.LetterJob))
    for job in ordered:
        if not isinstance(job, documents.LetterJob | mailings.MailJob):
            continue
        try:
            if isinstance(job, documents.LetterJob):
                documents.render_job(db, job)
            else:
                mailings.send_job(db, job, settings or mail.MailSettings.from_env())
        except Exception as err:  # the step is committed: its effect waits for the scheduler instead
            log.warning("efecto %s tras el commit: %s", job.entry_id, err)
            _failed(db, job.entry_id, outbox.failure_text(err), job.now)


def run_due(
    db: Database, now: datetime, limit: int = 100, settings: mail.MailSettings | None = None
) -> EffectsReport:
    """Carry out every due entry once; safe in several processes at once (claims with SKIP LOCKED)."""
    done = failed = 0
    for entry_id in outbox.due_ids(db, OutboxEntry, now, limit):
        result = run_one(db, entry_id, now, settings)
        done += result is True
        failed += result is False
    return EffectsReport(done, failed)


def run_one(
    db: Database, entry_id: int, now: datetime, settings: mail.MailSettings | None = None
) -> bool | None:
    """Claim one due entry (a lease keeps others off it), do its work outside any transaction, record the
    result. True done, False failed (retried with backoff), None taken by another process or not due."""
    with db.writing() as s:
        entry = outbox.lock_due(s, OutboxEntry, entry_id, now)
        if entry is None:
            return None
        outbox.lease(entry, now, LEASE)
        kind, document_id = entry.kind, entry.document_id
        job = mailings.MailJob.of(entry_id, entry.case_id, document_id, entry.payload or {}, now)
    if kind == mailings.MAIL:
        return _mail(db, job, settings or mail.MailSettings.from_env())
    return _work(db, entry_id, kind, document_id, now)


def _mail(db: Database, job: mailings.MailJob, settings: mail.MailSettings) -> bool:
    try:
        mailings.send_job(db, job, settings)
    except Exception as err:  # retried with backoff, then failed and logged on the case
        log.warning("correo %s falló: %s", job.entry_id, err)
        _failed(db, job.entry_id, outbox.failure_text(err), job.now)
        return False
    return True


def _work(db: Database, entry_id: int, kind: str, document_id: int | None, now: datetime) -> bool:
    """The slow part outside any transaction, then one short transaction keeps its result and closes the
    entry (or records the failure)."""
    try:
        if kind != documents.LETTER or document_id is None:
            raise EffectUnknown(f"efecto desconocido: {kind}")
        body = documents.rendered_letter(db, document_id)
    except Exception as err:  # an effect must never be lost: record the failure, retry later
        log.warning("efecto %s (%s) falló: %s", entry_id, kind, err)
        _failed(db, entry_id, outbox.failure_text(err), now)
        return False
    with db.writing() as s:
        if body is not None:
            documents.keep_rendered(s, document_id, body)
        outbox.close(s, entry_id, now)
    return True


def _failed(db: Database, entry_id: int, error: str, now: datetime) -> None:
    with db.writing() as s:
        entry = s.get(OutboxEntry, entry_id)
        if entry is None or entry.status != "pending":
            return
        outbox.record_failure(entry, error, now)
        if entry.attempts >= MAX_ATTEMPTS:
            entry.status = "failed"
            if entry.case_id is not None:
                what = "enviar un correo" if entry.kind == mailings.MAIL else "generar un documento"
                text = f"No se pudo {what} tras {entry.attempts} intentos: {error}"
                event = LogEvent("effect_failed", text[:500], data={"entry": entry.id})
                append_log(s, entry.case_id, [event], now)
