"""API v1 for citizens (no token): file a consulta or reclamo, give SONI feedback. Limited per address."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response
from pydantic import Field
from typing_extensions import TypedDict

from engine.services import citizens
from engine.services.citizens import feedback, intake

from .. import context
from ..public import guard, intake_page
from .common import TooManyRequests, bp, json_response
from .contract import INVALID, Content, json_object, operation
from .idempotency import KeyHeader, idempotent

LIMITED = "demasiadas solicitudes desde su conexión; espere un minuto"


class PublicCaseCreate(TypedDict, total=False):
    """The body of ``POST /api/v1/cases`` without ``channel`` and ``platform`` (the server sets channel web
    and the platform serving the consumer's comuna), plus the consent. The published intake form validates it
    (422 with errors per field), so a field an analyst adds to forms/ingreso_caso.json applies here too."""

    kind: Annotated[str, Field(description="inquiry (consulta) o complaint (reclamo)")]
    consent: Annotated[bool, Field(description="acepta el tratamiento de sus datos personales (Ley 19.628)")]
    subject: str
    description: str
    consumer: Annotated[dict[str, Any], Field(description="rut, name, email, phone, comuna (código CUT)")]
    provider: Annotated[dict[str, Any], Field(description="rut y name de la empresa")]


@bp.post("/v1/public/cases")
@operation(
    "Presentar una consulta o un reclamo (público, sin token)",
    {201: (intake.Receipt, "Caso creado: su folio y su plazo"), 422: INVALID, 429: "Demasiadas solicitudes"},
    body=Content(("application/json",), PublicCaseCreate),
    security=(),
    headers=KeyHeader,
)
@idempotent
def file_public_case() -> Response:
    """A citizen's consulta or reclamo; ``Location`` is the receipt's signed link (valid 30 days)."""
    if not guard.allowed("intake"):
        raise TooManyRequests(LIMITED)
    data = json_object()
    consent = data.pop("consent", None) is True
    for server_field in intake.SERVER_FIELDS[1:]:
        data.pop(server_field, None)
    system = context.system()
    with system.db.writing() as s:
        found = intake.file_case(
            s,
            system.store,
            data,
            {},
            context.now(),
            consent=consent,
            receipt_link=lambda folio: intake_page.receipt_url(folio, external=True),
        )
    resp = json_response(found, 201)
    resp.headers["Location"] = intake_page.receipt_url(found.folio)
    return resp


class PublicFeedback(TypedDict, total=False):
    """SONI: the published intake form of the ``soni`` process without ``channel`` (web); it validates it."""

    tipo_opinion: Annotated[str, Field(description="disconformidad, sugerencia o reconocimiento")]
    description: str
    platform: Annotated[str, Field(description="código de la oficina aludida (opcional)")]
    folio_relacionado: Annotated[str, Field(description="folio del caso aludido; exige consumer.rut")]
    consumer: Annotated[dict[str, Any], Field(description="name, rut, email, phone (opcionales)")]


@bp.post("/v1/public/feedback")
@operation(
    "Su Opinión Nos Interesa: disconformidad, sugerencia o reconocimiento (público, sin token)",
    {201: (feedback.FeedbackReceipt, "Opinión registrada"), 422: INVALID, 429: "Demasiadas solicitudes"},
    body=Content(("application/json",), PublicFeedback),
    security=(),
    headers=KeyHeader,
)
@idempotent
def give_feedback() -> Response:
    """Opens a SONI case on its own process (processes/soni.bpmn), channel web."""
    if not guard.allowed("feedback"):
        raise TooManyRequests(LIMITED)
    data = json_object()
    data.pop("channel", None)
    system = context.system()
    with system.db.writing() as s:
        found = feedback.register(s, system.store, data, citizens.CITIZEN, "web", context.now())
    return json_response(found, 201)
