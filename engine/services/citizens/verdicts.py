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

from ... import deadlines
from ...caselog import LogEvent
from ...errors import EngineError
from ...models import Case, Verdict
from . import mailer

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


def view_of(row: Verdict, case: Case) -> VerdictView:
    """What the verdict page shows of one question."""
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
    return view_of(*row) if row else None


def by_id(s: Session, verdict_id: int) -> VerdictView | None:
    """The verdict with this id (the caller checked the citizen's signed link)."""
    row = s.execute(select(Verdict, Case).join(Case).where(Verdict.id == verdict_id)).first()
    return view_of(*row) if row else None


def pending_for(s: Session, case_id: int, today: date) -> int | None:
    """The id of the case's verdict still open to an answer, for the estado page."""
    return s.execute(
        select(Verdict.id).where(
            Verdict.case_id == case_id, Verdict.answered_at.is_(None), Verdict.valid_until >= today
        )
    ).scalar_one_or_none()


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
