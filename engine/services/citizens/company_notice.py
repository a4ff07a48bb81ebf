"""Companies hear of it at once: an e-mail to the company's contact for each reclamo forwarded to it (BPMN
property ``notify_company``: an expression giving its deadline), and the company's own figures on its portal
(received, answered in time, outcomes, consumer verdicts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...caselog import LogEvent
from ...models import Case, LogEntry, Provider, Subscription
from . import mailer, verdicts

FORWARDED_MESSAGE = "respuesta_proveedor"


def _address(s: Session, case: Case, data: Mapping[str, Any]) -> str | None:
    company = s.get(Provider, case.provider_rut) if case.provider_rut else None
    typed = str(data.get("contacto_proveedor") or "")
    for candidate in ((company.email if company else None), typed):
        if candidate and "@" in candidate:
            return candidate.strip()
    return None


def notify(s: Session, case: Case, due: Any, data: Mapping[str, Any], now: Any) -> LogEvent:
    """Queue the company's e-mail about a forwarded reclamo (deadline, link to its portal); the log entry."""
    to = _address(s, case, data)
    if to is None:
        return LogEvent(
            "company_not_notified", "La empresa no tiene correo registrado: se le avisa por carta"
        )
    due_text = f"{date.fromisoformat(str(due)[:10]):%d-%m-%Y}" if due else "el plazo legal"
    body = (
        f"Se le ha trasladado el reclamo folio {case.folio} de {case.consumer_name or 'un/a consumidor/a'}:\n"
        f"«{case.subject}».\n\nPlazo para responder: hasta el {due_text}.\n\n"
        "Puede verlo y responder en el portal de empresas:\n"
        f"{verdicts.public_url()}/empresa/reclamos/{case.folio}\n"
        "(si su empresa responde por carta, responda a la dirección indicada en el oficio).\n\n"
        "Ventanilla única de atención al consumidor"
    )
    subject = f"Reclamo {case.folio} trasladado a su empresa — responder hasta el {due_text}"
    mailer.queue(s, "company_notice", to, subject, body, now, case.id)
    return LogEvent("company_notified", f"Aviso por correo a la empresa ({to})", data={"to": to})


@dataclass(frozen=True)
class CompanyFigures:
    received: int
    answered: int
    answered_in_time: int
    outcomes: dict[str, int]
    verdicts: verdicts.VerdictFigures


def figures(s: Session, provider_rut: str) -> CompanyFigures:
    """The company's own figures over the reclamos forwarded to it."""
    waits = s.execute(
        select(Subscription.case_id, Subscription.due_at)
        .join(Case, Case.id == Subscription.case_id)
        .where(Case.provider_rut == provider_rut, Subscription.message == FORWARDED_MESSAGE)
    ).all()
    received = {w.case_id for w in waits}
    answers = s.execute(
        select(LogEntry.case_id, LogEntry.at)
        .where(LogEntry.case_id.in_(received), LogEntry.event == "provider_answered")
        .order_by(LogEntry.id)
    ).all()
    first: dict[int, Any] = {}
    for case_id, at in answers:
        first.setdefault(case_id, at)
    due = {w.case_id: w.due_at for w in waits if w.due_at}
    in_time = sum(1 for case_id, at in first.items() if case_id not in due or at <= due[case_id])
    outcomes: dict[str, int] = {}
    for (outcome,) in s.execute(
        select(Case.outcome).where(Case.id.in_(received), Case.status == "closed", Case.outcome.is_not(None))
    ).all():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    ids = select(Case.id).where(Case.provider_rut == provider_rut)
    return CompanyFigures(len(received), len(first), in_time, outcomes, verdicts.figures(s, ids))
