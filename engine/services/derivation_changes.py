"""Changing a derivation after it was opened: cancel it, or redirect it to another agency or to oficio. The
case's process keeps waiting as before (agency callbacks reach it by folio); a cancelled derivation refuses
further callbacks. Every change is logged on the case with who did it and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import caselog
from ..access import Actor, find_case
from ..errors import Conflict, FieldError, Forbidden, FormInvalid, NotFound
from ..models import Agency, Case, Derivation, DerivationDelivery
from .agencies import can_receive
from .derivations import OPEN, open_derivation

CHANGERS = frozenset({"ejecutivo", "supervisor", "abogado"})
TARGETS = ("webservice", "oficio")


@dataclass(frozen=True)
class DerivationChanged:
    """What was done, for the page's message."""

    folio: str
    summary: str


def _open_derivation(s: Session, folio: str, derivation_id: str, actor: Actor) -> tuple[Case, Derivation]:
    if actor.role not in CHANGERS:
        raise Forbidden("su perfil no puede anular ni redirigir derivaciones")
    case = find_case(s, folio, actor)
    d = s.get(Derivation, derivation_id)
    if d is None or d.case_id != case.id:
        raise NotFound(f"no existe esa derivación en el caso {folio}")
    if d.status not in OPEN:
        raise Conflict("la derivación ya está cerrada: no se puede cambiar")
    return case, d


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not 5 <= len(text) <= 500:
        raise FormInvalid([FieldError("motivo", "Indique el motivo (5 a 500 caracteres).")])
    return text


def _close(s: Session, d: Derivation, now: datetime) -> None:
    """Cancel the derivation and whatever of it was not sent (its incident, if any, closes with it)."""
    d.status, d.closed_at = "cancelled", now
    s.execute(
        update(DerivationDelivery)
        .where(DerivationDelivery.derivation_id == d.id, DerivationDelivery.status != "sent")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def cancel_derivation(
    s: Session, folio: str, derivation_id: str, reason: str, actor: Actor, now: datetime
) -> DerivationChanged:
    """Anular: nothing more is sent and the agency's callbacks are refused; logged on the case."""
    case, d = _open_derivation(s, folio, derivation_id, actor)
    why = _reason(reason)
    _close(s, d, now)
    summary = f"Derivación a {d.agency_code} anulada: {why}"
    caselog.append_log(
        s, case.id, [caselog.by(actor, "derivation_cancelled", summary, data={"derivation_id": d.id})], now
    )
    return DerivationChanged(case.folio or folio, summary)


def _target(s: Session, agency_code: str, channel: str) -> Agency:
    agency = s.get(Agency, agency_code)
    if agency is None or not agency.active:
        raise FormInvalid([FieldError("agencia", "Elija una institución activa del registro.")])
    if channel not in TARGETS:
        raise FormInvalid([FieldError("canal", "Elija servicio web u oficio.")])
    ready = (
        can_receive(agency)
        if channel == agency.channel
        else bool(agency.endpoint_url if channel == "webservice" else agency.contact_email)
    )
    if not ready:
        raise FormInvalid(
            [FieldError("canal", f"{agency.name} no tiene registrada la dirección para ese canal.")]
        )
    return agency


def redirect_derivation(
    s: Session, folio: str, derivation_id: str, data: dict[str, str], actor: Actor, now: datetime
) -> DerivationChanged:
    """Redirigir: cancel this derivation and send a new one to ``agencia`` by ``canal`` (web service or
    oficio by e-mail); logged on the case. ``data``: agencia, canal, motivo."""
    case, d = _open_derivation(s, folio, derivation_id, actor)
    why = _reason(data.get("motivo", ""))
    agency = _target(s, data.get("agencia", ""), data.get("canal", ""))
    if agency.code == d.agency_code and data.get("canal") == d.channel:
        raise FormInvalid([FieldError("agencia", "Elija otra institución u otro canal.")])
    document = s.execute(
        select(DerivationDelivery.document_id)
        .where(DerivationDelivery.derivation_id == d.id, DerivationDelivery.document_id.is_not(None))
        .limit(1)
    ).scalar_one_or_none()
    _close(s, d, now)
    queued = open_derivation(
        s, case, agency.code, {"motivo_derivacion": why}, now, None, document, channel=data["canal"]
    )
    how = "servicio web" if data["canal"] == "webservice" else "oficio"
    summary = f"Derivación a {d.agency_code} redirigida a {agency.name} por {how}: {why}"
    event = caselog.by(
        actor, "derivation_redirected", summary, data={"from": d.id, "to": queued.data["derivation_id"]}
    )
    caselog.append_log(s, case.id, [event, queued], now)
    return DerivationChanged(case.folio or folio, summary)
