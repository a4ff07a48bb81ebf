"""The consumer's verdict on a closed reclamo (SPEC §7): asked by e-mail with a link valid 20 días hábiles
(the BPMN decides when and until when: property ``consumer_verdict``), answered sí / en parte / no with a
rating 1 to 5; the answer goes to the waiting case as the message ``veredicto_consumidor``, and the process
decides whether it reopens. Figures always count the unanswered apart (never "unanswered = solved")."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import caselog, deadlines
from ...caselog import LogEvent
from ...errors import Conflict, EngineError, FieldError, FormInvalid
from ...models import Case, Verdict
from ...store import CatalogStore
from .. import messages
from . import intake, mailer

MESSAGE = "veredicto_consumidor"
ANSWERS = {"si": "sí", "en_parte": "en parte", "no": "no"}


class VerdictClosed(EngineError):
    status = 410
    type = "/problems/verdict-closed"
    title = "Ya no se puede responder"


@dataclass(frozen=True)
class VerdictView:
    id: int
    folio: str
    outcome: str | None
    valid_until: date
    answered: bool
    resolved: str | None
    reopened: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def public_url() -> str:
    """Where citizens reach the portal (``PUBLIC_URL``), for links in e-mails sent by the scheduler."""
    return os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")


def ask(s: Session, case: Case, until: Any, data: Mapping[str, Any], now: datetime) -> LogEvent:
    """Record the question and queue its e-mail (when the consumer gave an address); the log entry."""
    valid = _as_date(until) or deadlines.add_business_days(deadlines.local_date(now), 20, case.region_code)
    token = secrets.token_urlsafe(24)
    row = Verdict(
        case_id=case.id,
        token_hash=_hash(token),
        asked_at=now,
        valid_until=valid,
        promised_on=_as_date(data.get("fecha_cumplimiento")),
        reopened=False,
    )
    s.add(row)
    if not case.consumer_email:
        return LogEvent(
            "verdict_no_email", "Sin correo del consumidor: puede responder en «Estado de mi caso»"
        )
    link = f"{public_url()}/portal/veredicto/{token}"
    body = (
        f"Su reclamo folio {case.folio} fue cerrado con el resultado: {case.outcome or 'sin resultado'}.\n\n"
        f"¿Se resolvió su problema? Cuéntenos aquí (el enlace vale hasta el {valid:%d-%m-%Y}):\n{link}\n\n"
        "Si la empresa se comprometió a algo y no lo cumplió, respóndanos «no»: reabriremos su reclamo.\n\n"
        "Ventanilla única de atención al consumidor"
    )
    mailer.queue(
        s, "verdict", case.consumer_email, f"¿Se resolvió su reclamo {case.folio}?", body, now, case.id
    )
    return LogEvent("verdict_mail_queued", "Correo al consumidor con la pregunta sobre el resultado")


def _view(row: Verdict, case: Case) -> VerdictView:
    return VerdictView(
        row.id,
        case.folio or "",
        case.outcome,
        row.valid_until,
        row.answered_at is not None,
        row.resolved,
        row.reopened,
    )


def by_token(s: Session, token: str) -> VerdictView | None:
    """The verdict the e-mailed link names; None for any other text."""
    row = s.execute(select(Verdict, Case).join(Case).where(Verdict.token_hash == _hash(token[:100]))).first()
    return _view(*row) if row else None


def by_id(s: Session, verdict_id: int) -> VerdictView | None:
    """The verdict with this id (the caller checked the citizen's signed link)."""
    row = s.execute(select(Verdict, Case).join(Case).where(Verdict.id == verdict_id)).first()
    return _view(*row) if row else None


def pending_for(s: Session, case_id: int, today: date) -> int | None:
    """The id of the case's verdict still open to an answer, for the estado page."""
    return s.execute(
        select(Verdict.id).where(
            Verdict.case_id == case_id, Verdict.answered_at.is_(None), Verdict.valid_until >= today
        )
    ).scalar_one_or_none()


def _checked(resolved: str, rating: int | None, comment: str) -> None:
    problems = []
    if resolved not in ANSWERS:
        problems.append(FieldError("resuelto", "Indique si se resolvió su problema: sí, en parte o no."))
    if rating is not None and not 1 <= rating <= 5:
        problems.append(FieldError("nota", "La nota va de 1 a 5."))
    if len(comment) > 2000:
        problems.append(FieldError("comentario", "El comentario puede tener hasta 2.000 caracteres."))
    if problems:
        raise FormInvalid(problems)


def answer(
    s: Session,
    store: CatalogStore,
    verdict_id: int,
    resolved: str,
    rating: int | None,
    comment: str,
    now: datetime,
) -> VerdictView:
    """Record the consumer's answer (once, within its plazo) and hand it to the waiting case."""
    _checked(resolved, rating, comment)
    found = s.execute(
        select(Verdict, Case).join(Case).where(Verdict.id == verdict_id).with_for_update()
    ).first()
    if found is None:
        raise VerdictClosed("no encontramos esa consulta")
    row, case = found
    if row.answered_at is not None or deadlines.local_date(now) > row.valid_until:
        raise VerdictClosed("esta consulta ya fue respondida o venció su plazo")
    row.answered_at, row.resolved, row.rating, row.comment = now, resolved, rating, comment or None
    text = f"El consumidor respondió si se resolvió su problema: {ANSWERS[resolved]}"
    text += f" (nota {rating})" if rating else ""
    caselog.append_log(
        s, case.id, [LogEvent("verdict", text, actor="ciudadano", channel="web", public=True)], now
    )
    try:
        payload = {"resuelto": resolved, "nota": rating, "comentario": comment}
        messages.deliver_message(s, store, case.folio or "", MESSAGE, payload, intake.CITIZEN, now)
    except Conflict:
        pass  # the case no longer waits (its process changed): the answer is kept and counted all the same
    row.reopened = case.status == "open"
    return _view(row, case)


@dataclass(frozen=True)
class VerdictFigures:
    """Honest denominators: asked, answered and not answered are always shown apart."""

    asked: int
    answered: int
    not_answered: int
    resolved: int
    partly: int
    not_resolved: int
    reopened: int
    average_rating: float | None


def figures(s: Session, case_ids: Any = None) -> VerdictFigures:
    """Verdict figures over every verdict, or those of the cases the ``case_ids`` subquery selects."""
    query = select(Verdict.resolved, Verdict.reopened, Verdict.rating)
    if case_ids is not None:
        query = query.where(Verdict.case_id.in_(case_ids))
    rows = s.execute(query).all()
    answered = [r for r in rows if r.resolved]
    ratings = [r.rating for r in answered if r.rating]
    return VerdictFigures(
        asked=len(rows),
        answered=len(answered),
        not_answered=len(rows) - len(answered),
        resolved=sum(r.resolved == "si" for r in answered),
        partly=sum(r.resolved == "en_parte" for r in answered),
        not_resolved=sum(r.resolved == "no" for r in answered),
        reopened=sum(bool(r.reopened) for r in rows),
        average_rating=round(sum(ratings) / len(ratings), 1) if ratings else None,
    )
