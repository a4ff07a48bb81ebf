"""API v1 routes of derivation: agency callbacks (signed), incidents and "reintentar ahora"."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from flask import Response, request
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services import derivation_callbacks, derivation_outbox, users

from .. import context
from .common import STAFF, bp, json_response
from .contract import Content, operation

FORBIDDEN = "Perfil sin acceso"
FILES = "documentos de la respuesta (PDF, imágenes, Word; 10 MB c/u)"


def _token_user() -> str | None:
    """The integrator account behind a bearer token, when the agency calls back with one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = users.authenticate_token(context.system().db, token.strip(), context.now())
    return user.username if user.role == "integrador" else None


class Signature(BaseModel):
    signature: str | None = Field(
        None,
        alias="X-Ventanilla-Signature",  # derivation_outbox.SIGNATURE_HEADER
        description="sha256=<hex>: HMAC-SHA256 de '<id de la derivación>.<timestamp>.' seguido del cuerpo "
        "exacto, con el secreto de la institución",
    )
    timestamp: str | None = Field(
        None,
        alias="X-Ventanilla-Timestamp",  # derivation_callbacks.TIMESTAMP_HEADER
        pattern=r"^[0-9]{1,12}$",
        description="segundos Unix del momento de la firma (se acepta hasta 5 minutos de diferencia)",
    )


BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
EventId = Annotated[str, Field(pattern=r"\S", max_length=120)]
Reference = Annotated[str, Field(max_length=120, description="N° de ingreso en la institución")]
AnswerText = Annotated[str, Field(max_length=8000, description="respuesta al consumidor/a (resolved)")]
Reason = Annotated[str, Field(max_length=4000, description="motivo de la devolución (returned)")]


class EventFile(TypedDict):
    filename: str
    content_base64: Annotated[str, Field(pattern=BASE64, json_schema_extra={"contentEncoding": "base64"})]


class _Event(TypedDict):
    derivation_id: Annotated[str, Field(description="la derivación de la URL: un evento no sirve para otra")]
    event_id: EventId
    reference: NotRequired[Reference]


class Acknowledged(_Event):
    """Acuse de recibo."""

    type: Literal["acknowledged"]


class _Answer(_Event):
    type: Literal["answered"]
    attachments: NotRequired[
        Annotated[list[EventFile], Field(max_length=derivation_callbacks.MAX_FILES, description=FILES)]
    ]


class Resolved(_Answer):
    """Respuesta: cierra el caso (DERIVADO) con el texto para el consumidor/a."""

    result: Literal["resolved"]
    text: Annotated[AnswerText, Field(pattern=r"\S")]
    reason: NotRequired[Reason]


class Returned(_Answer):
    """Devolución: el caso vuelve a la plataforma con el motivo."""

    result: Literal["returned"]
    reason: Annotated[Reason, Field(pattern=r"\S")]
    text: NotRequired[AnswerText]


# What the engine's parser accepts (derivation_callbacks.parse_event, after the signature): documented here
# because the engine reads the raw body itself; the fuzz test holds the two together.
DerivationEvent = Annotated[
    Acknowledged | Resolved | Returned,
    Field(
        description="Acuse o respuesta de una institución. Firme '<id de la derivación>.<timestamp>.' "
        "seguido del cuerpo exacto con HMAC-SHA256 y el secreto compartido: X-Ventanilla-Signature: "
        "sha256=<hex>, X-Ventanilla-Timestamp: <segundos Unix>. event_id es único por evento: reenviar "
        "el mismo evento no tiene un segundo efecto."
    ),
]


@bp.post("/v1/derivations/<derivation_id>/events")
@operation(
    "Callback de una institución: acuse de recibo o respuesta de una derivación",
    {
        200: (derivation_callbacks.CallbackResult, "Recibido, o ya recibido (mismo event_id)"),
        401: "Firma o token inválido: nada cambió",
        404: "Derivación desconocida",
        409: "Derivación ya cerrada o ya acusada: nada cambió",
        422: "El evento no es aplicable al caso",
    },
    body=Content(("application/json",), DerivationEvent),
    headers=Signature,
    security=({}, {"bearer": []}),
    description="Autenticación: firma X-Ventanilla-Signature (HMAC-SHA256 de la derivación, la hora "
    "X-Ventanilla-Timestamp y el cuerpo, con el secreto del registro) o el token Bearer de la cuenta "
    "integradora asociada a la institución. El cuerpo indica su derivation_id, que debe ser el de la URL.",
)
def derivation_event(derivation_id: str) -> Response:
    """An agency's acknowledgement or answer. 200 accepted or already received (same event id); 400, 401,
    404, 409 as problem+json and nothing changes."""
    body = request.get_data(cache=False)
    signature = request.headers.get(derivation_outbox.SIGNATURE_HEADER)
    auth = derivation_callbacks.Credentials(
        signature,
        request.headers.get(derivation_callbacks.TIMESTAMP_HEADER),
        None if signature is not None else _token_user(),
    )
    system = context.system()
    result = derivation_callbacks.receive_event_once(
        system.db, system.store, derivation_id, body, auth, context.now()
    )
    return json_response(result)


class IncidentList(TypedDict):
    incidents: list[derivation_outbox.IncidentView]


@bp.get("/v1/derivations/incidents")
@operation(
    "Derivaciones que no se pudieron enviar tras todos los intentos",
    {200: IncidentList, 403: FORBIDDEN},
    auth=STAFF,
)
def derivation_incidents(actor: Actor) -> Response:
    """Derivations that could not be sent after every attempt (supervisors: their region)."""
    with context.system().db.reading() as s:
        return json_response(IncidentList(incidents=derivation_outbox.list_incidents(s, actor)))


class Retried(TypedDict):
    delivery_id: int
    sent: bool


@bp.post("/v1/derivations/deliveries/<id:delivery_id>/retry")
@operation(
    "Reintentar ahora un envío fallido",
    {
        200: (Retried, "Reencolado; sent indica si salió en este intento"),
        403: FORBIDDEN,
        404: "Envío desconocido o fuera de su alcance",
        409: "El envío no está fallido",
    },
    auth=STAFF,
)
def retry_delivery(delivery_id: int, actor: Actor) -> Response:
    """Reintentar ahora: the failed delivery goes back to the queue and is sent at once."""
    now = context.now()
    with context.system().db.writing() as s:
        derivation_outbox.retry_now(s, delivery_id, actor, now)
    sent = derivation_outbox.send_one(context.system().db, delivery_id, now, context.outbox_settings())
    return json_response(Retried(delivery_id=delivery_id, sent=bool(sent)))
