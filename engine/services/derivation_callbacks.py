"""Agency callbacks: acknowledgement and answer of a derivation, signed with the agency's secret (or sent with
the bearer token of the integrator account bound to it), delivered as BPMN messages to the waiting process.
An event id already received has no second effect; a closed derivation refuses new events.

No replay elsewhere or later: the signature covers the derivation id of the URL and a timestamp besides the
body (HMAC-SHA256 of ``"<derivation id>.<timestamp>." + body``), the timestamp must be within
REPLAY_WINDOW of the platform's clock, and the body names its derivation (``derivation_id``), which must
be the URL's. The event id is the nonce: within the window, a repeated event has no second effect."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import inputs
from ..access import Actor
from ..db import Database
from ..errors import Conflict, EngineError, NotFound, Unauthenticated
from ..models import Agency, Case, Derivation, DerivationEvent
from ..store import CatalogStore
from . import attachments, derivations, messages

MAX_FILES = 5
TIMESTAMP_HEADER = "X-Ventanilla-Timestamp"
REPLAY_WINDOW = timedelta(minutes=5)
MESSAGE = "derivacion_evento"
TYPES = ("acknowledged", "answered")
RESULTS = ("resolved", "returned")


class CallbackInvalid(EngineError):
    status = 400
    type = "/problems/callback-invalid"
    title = "Evento de derivación mal formado"


class CallbackMismatch(CallbackInvalid):
    """A well-formed event whose body names another derivation than the URL's: refused, applied nowhere."""

    status = 422
    type = "/problems/callback-mismatch"
    title = "El evento es de otra derivación"


class DerivationNotFound(NotFound):
    type = "/problems/derivation-not-found"
    title = "Derivación no encontrada"


class DerivationClosed(Conflict):
    type = "/problems/derivation-closed"
    title = "La derivación ya está cerrada"


class BadSignature(Unauthenticated):
    type = "/problems/bad-signature"
    title = "Firma o credencial inválida"


@dataclass(frozen=True)
class CallbackResult:
    """What the agency is told: ``accepted`` (first time) or ``already_received`` (same event id again)."""

    derivation_id: str
    event_id: str
    result: str
    derivation_status: str
    detail: str


@dataclass(frozen=True)
class Credentials:
    """What a callback request carries to prove who sent it: a signature with its timestamp, or a token."""

    signature: str | None = None
    timestamp: str | None = None
    token_user: str | None = None


def sign_callback(secret: str, derivation_id: str, timestamp: str, body: bytes) -> str:
    """The X-Ventanilla-Signature of a callback: ``sha256=`` + hex HMAC-SHA256 of
    ``"<derivation id>.<timestamp>." + body`` with the agency's secret (docs/integrators.md)."""
    signed = f"{derivation_id}.{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _check_timestamp(timestamp: str | None, now: datetime) -> None:
    if timestamp is None or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise BadSignature(f"falta {TIMESTAMP_HEADER} (segundos Unix del momento de la firma)")
    if abs(now.timestamp() - int(timestamp)) > REPLAY_WINDOW.total_seconds():
        minutes = int(REPLAY_WINDOW.total_seconds() // 60)
        raise BadSignature(f"{TIMESTAMP_HEADER} difiere en más de {minutes} minutos de la hora actual")


def _authenticate(agency: Agency, derivation_id: str, body: bytes, auth: Credentials, now: datetime) -> str:
    """'signature' or 'token'; BadSignature (401) otherwise. Checked before anything is read or written."""
    if auth.signature is not None:
        _check_timestamp(auth.timestamp, now)
        expected = sign_callback(agency.secret, derivation_id, str(auth.timestamp), body)
        if hmac.compare_digest(expected, auth.signature.strip()):
            return "signature"
        raise BadSignature(
            "la firma X-Ventanilla-Signature no corresponde a esta derivación, a la hora indicada, al cuerpo "
            "ni al secreto de la institución"
        )
    token_user = auth.token_user
    if token_user is not None and agency.account and token_user == agency.account:
        return "token"
    raise BadSignature(
        "firme el cuerpo (X-Ventanilla-Signature) o use el token de la cuenta de la institución"
    )


def _text(payload: Mapping[str, Any], name: str, limit: int) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise CallbackInvalid(f"'{name}' debe ser texto de hasta {limit} caracteres")
    return value.strip()


def _payload(body: bytes) -> dict[str, Any]:
    """The body's JSON object, nothing in it the platform cannot store (engine/inputs.py)."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CallbackInvalid("el cuerpo debe ser un objeto JSON en UTF-8") from None
    except RecursionError:
        raise CallbackInvalid(inputs.too_deep()) from None
    if not isinstance(payload, dict):
        raise CallbackInvalid("el cuerpo debe ser un objeto JSON")
    if found := inputs.problem(payload):
        raise CallbackInvalid(found)
    return payload


def parse_event(body: bytes, derivation_id: str) -> dict[str, Any]:
    """The event as the process sees it; CallbackInvalid names what is wrong (a body of another derivation
    than the URL's among it)."""
    payload = _payload(body)
    if payload.get("derivation_id") != derivation_id:
        raise CallbackMismatch(
            "'derivation_id' del cuerpo debe ser el de la derivación de la URL (un evento se envía a la "
            "derivación a la que pertenece)"
        )
    event_id, kind = _text(payload, "event_id", 120), payload.get("type")
    if not event_id:
        raise CallbackInvalid("falta 'event_id' (identificador único del evento)")
    if kind not in TYPES:
        raise CallbackInvalid("'type' debe ser 'acknowledged' o 'answered'")
    event = {"event_id": event_id, "type": kind, "reference": _text(payload, "reference", 120)}
    if kind == "answered":
        if payload.get("result") not in RESULTS:
            raise CallbackInvalid(
                "una respuesta indica 'result': 'resolved' (respondida) o 'returned' (devuelta)"
            )
        event.update(result=payload["result"], text=_text(payload, "text", 8000))
        event["reason"] = _text(payload, "reason", 4000)
        if payload["result"] == "resolved" and not event["text"]:
            raise CallbackInvalid("una respuesta 'resolved' incluye 'text' con la respuesta al consumidor/a")
        if payload["result"] == "returned" and not event["reason"]:
            raise CallbackInvalid("una devolución 'returned' incluye 'reason' con el motivo")
    return event


def parse_files(body: bytes) -> list[tuple[str, str, bytes]]:
    """The answer's attachments: ``[{"filename", "content_base64"}]`` (at most 5; checked like uploads)."""
    items = json.loads(body.decode("utf-8")).get("attachments") or []
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise CallbackInvalid(f"'attachments' debe ser una lista de hasta {MAX_FILES} archivos")
    files = []
    for item in items:
        name = item.get("filename") if isinstance(item, dict) else None
        data = item.get("content_base64") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(data, str):
            raise CallbackInvalid("cada adjunto indica 'filename' y 'content_base64'")
        try:
            files.append((name, "", base64.b64decode(data, validate=True)))
        except (binascii.Error, ValueError):
            raise CallbackInvalid(f"el adjunto «{name[:80]}» no está en base64") from None
    return files


def receive_event_once(
    db: Database,
    store: CatalogStore,
    derivation_id: str,
    body: bytes,
    auth: Credentials,
    now: datetime,
) -> CallbackResult:
    """``receive_event`` in its own transaction. Two deliveries of one event racing each other: the loser
    fails on the unique event id (or the case's revision) with nothing applied; it looks again once and then
    answers like a replay ("ya recibido"), never with a second effect."""
    for attempt in (1, 2):
        try:
            with db.writing() as s:
                return receive_event(s, store, derivation_id, body, auth, now)
        except (IntegrityError, Conflict):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def receive_event(
    s: Session,
    store: CatalogStore,
    derivation_id: str,
    body: bytes,
    auth: Credentials,
    now: datetime,
) -> CallbackResult:
    """Apply one agency callback: authenticate, de-duplicate by event id, deliver the message, record it."""
    d = s.get(Derivation, derivation_id)
    agency = s.get(Agency, d.agency_code) if d else None
    if d is None or agency is None:
        raise DerivationNotFound(f"no existe la derivación {derivation_id}")
    via = _authenticate(agency, d.id, body, auth, now)
    event = parse_event(body, d.id)
    seen = s.execute(
        select(DerivationEvent).where(
            DerivationEvent.derivation_id == d.id, DerivationEvent.event_id == event["event_id"]
        )
    ).scalar_one_or_none()
    if seen is not None:
        return CallbackResult(d.id, event["event_id"], "already_received", d.status, "ya recibido")
    if d.status in derivations.CLOSED:
        raise DerivationClosed(f"la derivación está {derivations.STATUSES[d.status]}: no admite más eventos")
    if event["type"] == "acknowledged" and d.status == "acknowledged":
        raise DerivationClosed("la derivación ya tiene acuse de recibo")
    s.add(
        DerivationEvent(
            derivation_id=d.id,
            event_id=event["event_id"],
            type=event["type"],
            received_at=now,
            via=via,
            payload=event,
        )
    )
    s.flush()  # a concurrent duplicate fails here on the unique (derivation, event id)
    case = s.get(Case, d.case_id)
    actor = Actor(agency.account or agency.code, "integrador", channel="webservice")
    files = parse_files(body) if event["type"] == "answered" else []
    if files and case is not None:
        event["attachment_ids"] = attachments.store_files(s, case.id, files, actor, now, None, "attachments")
    messages.deliver_message(s, store, case.folio or "" if case else "", MESSAGE, event, actor, now)
    return CallbackResult(d.id, event["event_id"], "accepted", d.status, "recibido")
