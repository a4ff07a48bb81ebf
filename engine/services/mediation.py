"""Digital mediation (SPEC §7): a company sees the reclamos forwarded to it and answers them; the answer
reaches the waiting reclamo process as the message ``respuesta_proveedor``, correlated by folio.

"Forwarded to the company" is read from the projections, never from element ids: the case names the
company (``cases.provider_rut``) and its process waits, or once waited, for the message (``subscriptions``).
The wait's row also says which form the answer must satisfy (the message event's ``form`` property) and
when the company's plazo ends (the timer racing the message), so all of it stays in the BPMN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import deadlines, forms
from ..access import Actor
from ..errors import CaseNotFound, Conflict, Forbidden
from ..forms import Form
from ..models import Case, Instance, LogEntry, Provider, Subscription
from ..store import CatalogStore
from . import attachments, messages

MESSAGE = "respuesta_proveedor"  # the message the reclamo process waits for: the one content contract
STATES = {"waiting": "pendiente", "received": "respondido", "cancelled": "cerrado"}
STATE_LABELS = {"pendiente": "Pendiente de respuesta", "respondido": "Respondido", "cerrado": "Cerrado"}
LIST_LIMIT = 500


class AnswerClosed(Conflict):
    type = "/problems/answer-closed"
    title = "El reclamo no espera respuesta"


@dataclass(frozen=True)
class CompanyAnswer:
    at: datetime
    resultado: str | None
    texto: str


@dataclass(frozen=True)
class Complaint:
    """What a company may see of a reclamo forwarded to it: no staff names, no internal notes, no log."""

    folio: str
    opened_on: date
    subject: str
    description: str
    consumer_name: str
    consumer_rut: str | None
    state: str  # pendiente, respondido, cerrado
    due_on: date | None
    answer: CompanyAnswer | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def answerable(self) -> bool:
        return self.state == "pendiente"


def company_of(s: Session, actor: Actor) -> Provider:
    """The company a proveedor account acts for; Forbidden for staff or a company not answering digitally."""
    if actor.role != "proveedor" or not actor.provider_rut:
        raise Forbidden("solo las cuentas de empresas (rol proveedor) usan la mediación digital")
    company = s.get(Provider, actor.provider_rut)
    if company is None or not company.digital:
        raise Forbidden("su empresa no está adherida a la mediación digital: responde por carta")
    return company


def _latest_waits() -> Any:
    """The newest wait for the company's answer of every case (a reminder opens a second one). Only a wait
    whose message event names the form of its payload is open to companies: content decides."""
    return (
        select(Subscription.case_id, func.max(Subscription.id).label("sub_id"))
        .where(Subscription.message == MESSAGE, Subscription.form_id.is_not(None))
        .group_by(Subscription.case_id)
        .subquery()
    )


def _forwarded(company: Provider) -> Any:
    latest = _latest_waits()
    return (
        select(Case, Subscription)
        .join(latest, latest.c.case_id == Case.id)
        .join(Subscription, Subscription.id == latest.c.sub_id)
        .where(Case.provider_rut == company.rut)
    )


def _view(case: Case, sub: Subscription, answer: CompanyAnswer | None = None) -> Complaint:
    return Complaint(
        folio=case.folio or "",
        opened_on=case.opened_on,
        subject=case.subject,
        description=case.description,
        consumer_name=case.consumer_name,
        consumer_rut=case.consumer_rut,
        state=STATES.get(sub.status, "cerrado"),
        due_on=deadlines.local_date(sub.due_at) if sub.due_at else None,
        answer=answer,
    )


def list_complaints(s: Session, actor: Actor, pending_only: bool = False) -> list[Complaint]:
    """The reclamos forwarded to the actor's company: pending ones first, soonest due first."""
    query = _forwarded(company_of(s, actor))
    if pending_only:
        query = query.where(Subscription.status == "waiting")
    rows = s.execute(
        query.order_by(
            when((Subscription.status == "waiting", 0), else_=1),
            Subscription.due_at.asc().nulls_last(),
            Case.id.desc(),
        ).limit(LIST_LIMIT)
    ).all()
    return [_view(case, sub) for case, sub in rows]


def _one(s: Session, folio: str, company: Provider) -> tuple[Case, Subscription]:
    row = s.execute(_forwarded(company).where(Case.folio == folio)).first()
    if row is None:  # another company's complaint, or not forwarded: the same answer, nothing revealed
        raise CaseNotFound(f"no hay un reclamo con folio {folio} trasladado a su empresa")
    return row[0], row[1]


def _answer_of(s: Session, case: Case, sub: Subscription) -> CompanyAnswer | None:
    if sub.status != "received":
        return None
    entry = s.execute(
        select(LogEntry)
        .where(
            LogEntry.case_id == case.id,
            LogEntry.event == "message_received",
            LogEntry.element_id == sub.element_id,
        )
        .order_by(LogEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if entry is None:
        return None
    data = entry.data or {}
    return CompanyAnswer(entry.at, data.get("resultado"), str(data.get("texto", "")))


def get_complaint(s: Session, folio: str, actor: Actor) -> Complaint:
    """One reclamo forwarded to the actor's company (CaseNotFound for any other), with its answer if given."""
    case, sub = _one(s, folio, company_of(s, actor))
    return _view(case, sub, _answer_of(s, case, sub))


def answer_form(s: Session, store: CatalogStore, folio: str, actor: Actor) -> Form:
    """The form the company's answer must satisfy, from the content version the case runs on."""
    case, sub = _one(s, folio, company_of(s, actor))
    return _form_of(s, store, case, sub)


def _form_of(s: Session, store: CatalogStore, case: Case, sub: Subscription) -> Form:
    version_id = s.execute(select(Instance.version_id).where(Instance.case_id == case.id)).scalar_one()
    return store.get(s, version_id).form(sub.form_id or "")


def answer_complaint(
    s: Session,
    store: CatalogStore,
    folio: str,
    data: Mapping[str, Any],
    files: attachments.FilesByField,
    actor: Actor,
    now: datetime,
) -> Complaint:
    """The company answers: files stored on the case, the answer checked against the wait's form and
    delivered to the waiting process. AnswerClosed (409) when it no longer waits; nothing is applied then,
    nor for a refused form (FormInvalid) or a lost race (Conflict): the caller's transaction rolls back."""
    case, sub = _one(s, folio, company_of(s, actor))
    if sub.status != "waiting":
        raise AnswerClosed(f"el reclamo {folio} ya fue respondido o ya no espera respuesta de su empresa")
    form = _form_of(s, store, case, sub)
    posted = {path: chosen for path, chosen in files.items() if chosen}
    if posted:
        data = attachments.store_posted(s, case.id, form, data, posted, actor, now, sub.element_id)
    clean = forms.validate(form, data)
    attachments.check_references(s, case.id, form, clean)
    messages.deliver_message(s, store, folio, MESSAGE, clean, actor, now)
    s.flush()
    return get_complaint(s, folio, actor)
