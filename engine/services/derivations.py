"""Derivation of a case to a partner agency (SPEC §6): the registry data a form brings along, the derivation
record and its outbox entry (opened by a BPMN element's ``derivation`` property), status changes
(``derivation_status``), and what the case file shows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..caselog import LogEvent
from ..errors import FieldError, FormInvalid
from ..forms import Form
from ..models import Agency, Case, Derivation, DerivationDelivery
from .agencies import can_receive

AGENCY_SOURCE = "agencies"
OPEN = ("sent", "acknowledged")
CLOSED = ("answered", "returned", "cancelled")
STATUSES = {
    "sent": "enviada",
    "acknowledged": "con acuse de recibo",
    "answered": "respondida",
    "returned": "devuelta",
    "cancelled": "anulada",
}
UNKNOWN_AGENCY = "Institución desconocida."
NO_WAY = "La institución no tiene cómo recibir derivaciones (falta su URL o su correo en el registro)."


def callback_path(derivation_id: str) -> str:
    """Where the agency posts its acknowledgement and answer (relative to Ventanilla's base URL)."""
    return f"/api/v1/derivations/{derivation_id}/events"


def agency_data(a: Agency) -> dict[str, Any]:
    """What a process sees of a registry entry (never the secret or the endpoint)."""
    return {
        "code": a.code,
        "name": a.name,
        "channel": a.channel,
        "process": a.process,
        "ack_days": a.ack_days,
        "answer_days": a.answer_days,
    }


def agency_fields(s: Session, form: Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """Fields fed from the agency registry (``x-options-source: agencies``) must name an active agency;
    each brings the entry along as ``<field>_datos`` for the process (plazos, channel, process)."""
    extra: dict[str, Any] = {}
    errors = []
    for item in form.fields():
        if item.options_source != AGENCY_SOURCE or not isinstance(data.get(item.name), str):
            continue
        agency = s.get(Agency, data[item.name])
        if agency is None or not agency.active:
            errors.append(FieldError(item.path, UNKNOWN_AGENCY))
        elif not can_receive(agency):
            errors.append(FieldError(item.path, NO_WAY))
        else:
            extra[f"{item.name}_datos"] = agency_data(agency)
    if errors:
        raise FormInvalid(errors)
    return extra


def _reason(data: Mapping[str, Any]) -> str:
    """Why the case is derived: the consulta's answer or the reclamo's note, as the ejecutivo wrote it."""
    return str(data.get("motivo_derivacion") or data.get("nota_traslado") or "")


def _payload(case: Case, d: Derivation, agency: Agency, data: Mapping[str, Any], now: datetime) -> str:
    """The JSON document sent to a web-service agency (exact bytes: they are signed)."""
    body = {
        "derivation_id": d.id,
        "folio": case.folio,
        "agency": agency.code,
        "sent_at": now.isoformat(),
        "callback_path": callback_path(d.id),
        "reason": _reason(data),
        "case": {
            "kind": case.kind,
            "subject": case.subject,
            "description": case.description,
            "opened_on": case.opened_on.isoformat(),
            "region": case.region_code,
            "comuna": case.comuna_code,
            "channel": case.channel,
        },
        "consumer": {
            "rut": case.consumer_rut,
            "name": case.consumer_name,
            "email": case.consumer_email,
            "phone": case.consumer_phone,
        },
        "provider": {"rut": case.provider_rut, "name": case.provider_name},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _cancel_open(s: Session, case_id: int, now: datetime) -> None:
    """A new derivation supersedes an open one of the same case (its pending sends are dropped)."""
    open_ids = list(
        s.execute(
            select(Derivation.id).where(Derivation.case_id == case_id, Derivation.status.in_(OPEN))
        ).scalars()
    )
    if not open_ids:
        return
    s.execute(
        update(Derivation)
        .where(Derivation.id.in_(open_ids))
        .values(status="cancelled", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    s.execute(
        update(DerivationDelivery)
        .where(DerivationDelivery.derivation_id.in_(open_ids), DerivationDelivery.status != "sent")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def open_derivation(
    s: Session,
    case: Case,
    agency_code: str,
    data: Mapping[str, Any],
    now: datetime,
    element_id: str | None,
    document_id: int | None,
    channel: str | None = None,
) -> LogEvent:
    """Record a derivation and queue its sending (web service POST, or the oficio by e-mail): the outbox
    sends it after this transaction commits, so a slow or broken agency never holds a case. ``channel``
    overrides the registry's (a derivation redirected to oficio)."""
    agency = s.get(Agency, agency_code)
    if agency is None:
        raise FormInvalid([FieldError("agencia", UNKNOWN_AGENCY)])
    channel = channel or agency.channel
    _cancel_open(s, case.id, now)
    d = Derivation(
        id=str(uuid.uuid4()), case_id=case.id, agency_code=agency.code, channel=channel, created_at=now
    )
    d.status = "sent"
    s.add(d)
    s.flush()
    if channel == "webservice":
        body, doc_id = _payload(case, d, agency, data, now), None
    else:
        body = _oficio_text(case, agency, data)
        doc_id = document_id
    s.add(
        DerivationDelivery(
            derivation_id=d.id,
            kind="webservice" if channel == "webservice" else "email",
            status="pending",
            body=body,
            document_id=doc_id,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    how = "servicio web" if channel == "webservice" else "oficio por correo electrónico"
    return LogEvent(
        "derivation_queued",
        f"Derivación a {agency.name} en cola de envío ({how})",
        element_id=element_id,
        data={"derivation_id": d.id, "agency": agency.code, "channel": channel},
    )


def _oficio_text(case: Case, agency: Agency, data: Mapping[str, Any]) -> str:
    reason = _reason(data)
    return (
        f"Señores {agency.name}:\n\nAdjuntamos el oficio de derivación del caso {case.folio} "
        f"({case.subject}).\n\n{reason}\n\nLes rogamos acusar recibo respondiendo este correo e indicar el "
        f"folio {case.folio} en su respuesta.\n\nVentanilla única de atención de consumidores"
    )


def set_status(s: Session, case: Case, status: str, now: datetime, element_id: str | None) -> LogEvent | None:
    """Move the case's open derivation to ``status`` (acknowledged, answered, returned)."""
    if status not in STATUSES:
        return None
    d = s.execute(
        select(Derivation)
        .where(Derivation.case_id == case.id, Derivation.status.in_(OPEN))
        .order_by(Derivation.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if d is None or d.status == status:
        return None
    d.status = status
    if status == "acknowledged":
        d.acknowledged_at = now
    if status in CLOSED:
        d.closed_at = now
    return LogEvent(
        "derivation_status",
        f"Derivación {STATUSES[status]}",
        element_id=element_id,
        data={"derivation_id": d.id, "agency": d.agency_code},
    )


@dataclass(frozen=True)
class DerivationView:
    """A derivation on the case file, with the state of its sending."""

    id: str
    agency_code: str
    agency_name: str
    channel: str
    status: str
    status_label: str
    created_at: datetime
    delivery_id: int | None
    delivery_status: str | None
    attempts: int
    last_error: str | None


def status_label(status: str, delivery: DerivationDelivery | None) -> str:
    """What the case file says: "enviada" only once a delivery reached the agency; before that the queue, the
    retries ("en reintento (n)") or the incident."""
    if status not in OPEN or delivery is None or delivery.status == "sent":
        return STATUSES.get(status, status)
    if delivery.status == "failed":
        return f"no enviada: incidente ({delivery.attempts} intentos)"
    if delivery.attempts:
        return f"en reintento ({delivery.attempts})"
    return "en cola de envío"


def case_derivations(s: Session, case_id: int) -> list[DerivationView]:
    """Every derivation of a case, oldest first, with its latest delivery."""
    rows = s.execute(
        select(Derivation, Agency.name)
        .join(Agency, Agency.code == Derivation.agency_code)
        .where(Derivation.case_id == case_id)
        .order_by(Derivation.created_at)
    ).all()
    out = []
    for d, name in rows:
        delivery = s.execute(
            select(DerivationDelivery)
            .where(DerivationDelivery.derivation_id == d.id)
            .order_by(DerivationDelivery.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        out.append(
            DerivationView(
                d.id,
                d.agency_code,
                name,
                d.channel,
                d.status,
                status_label(d.status, delivery),
                d.created_at,
                delivery.id if delivery else None,
                delivery.status if delivery else None,
                delivery.attempts if delivery else 0,
                delivery.last_error if delivery else None,
            )
        )
    return out
