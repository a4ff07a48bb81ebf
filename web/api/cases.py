"""API v1 cases: register one, its file, the public status lookup and transfers."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, request, url_for
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services import cases, gestiones, transfers

from .. import context
from ..ratelimit import RateLimiter
from .common import NOT_FOUND, STAFF, Channel, Kind, Text, TooManyRequests, bp, json_response
from .contract import INVALID, Content, Input, Query, Refusal, json_object, operation
from .idempotency import KeyHeader, idempotent, remember


class CaseCreate(TypedDict, total=False):
    """The intake: the start form of ``process`` in the published content validates it (422 with errors per
    field; the shipped form is forms/ingreso_caso.json, which the workbench API's catalog and version export
    serve). Listed here: what the case record takes from it (engine/services/cases.py)."""

    process: Annotated[str, Field(description="el proceso que atiende el caso (por defecto, caso)")]
    kind: Kind
    channel: Channel
    platform: Annotated[str, Field(description="código de la plataforma, p. ej. DR13")]
    subject: str
    description: str
    consumer: Annotated[dict[str, Any], Field(description="rut, name, email, phone, comuna (código CUT)")]
    provider: Annotated[dict[str, Any], Field(description="rut y name de la empresa")]


@bp.post("/v1/cases")
@operation(
    "Registrar un caso",
    {
        201: (cases.CaseSummary, "Caso creado con su folio (o el mismo, si se repite la Idempotency-Key)"),
        404: NOT_FOUND,
        409: "Otra solicitud con la misma Idempotency-Key está en curso",
        422: INVALID + ", o Idempotency-Key ya usada con otro cuerpo",
    },
    auth=STAFF,
    body=Content(("application/json",), CaseCreate),
    headers=KeyHeader,
)
@idempotent
def create_case(actor: Actor) -> Response:
    data = json_object()
    process = str(data.pop("process", cases.DEFAULT_PROCESS))
    with context.system().db.writing() as s:
        summary = cases.open_case(s, context.system().store, data, actor, context.now(), process_id=process)
        resp = json_response(summary, 201)
        resp.headers["Location"] = url_for("api.get_case", folio=summary.folio)
        remember(s, resp)  # the key is kept with the case, or neither is
    return resp


@bp.get("/v1/cases/<folio>")
@operation("Ficha del caso", {200: cases.CaseDetail, 404: NOT_FOUND}, auth=STAFF)
def get_case(folio: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(cases.case_detail(s, folio, actor, context.now()))


class Gestion(Input):
    refusal = 'indique {"kind": "llamada|correo|reunion|nota", "text": "...", "channel": "phone"}'
    kind: Annotated[str, Field(description="llamada, correo, reunion o nota")]
    text: str
    channel: Channel


@bp.post("/v1/cases/<folio>/gestiones")
@operation(
    "Registrar una gestión en la bitácora del caso (llamada, correo, reunión, nota)",
    {201: (gestiones.GestionView, "Gestión registrada"), 404: NOT_FOUND, 409: "Caso cerrado", 422: INVALID},
    auth=STAFF,
    body=Gestion,
    headers=KeyHeader,
)
@idempotent
def add_gestion(folio: str, actor: Actor, body: Gestion) -> Response:
    with context.system().db.writing() as s:
        done = gestiones.add_gestion(s, folio, actor, body.kind, body.text, body.channel, context.now())
    return json_response(done, 201)


class Transfer(Input):
    refusal = 'indique {"reason": "...", "to_platform": "...", "to_user": "..."}'
    reason: str
    to_platform: Annotated[str | None, Refusal("to_platform y to_user deben ser texto")] = None
    to_user: Annotated[str | None, Refusal("to_platform y to_user deben ser texto")] = None


@bp.post("/v1/cases/<folio>/transfer")
@operation(
    "Traspasar el caso (plataforma, región o funcionario/a) con un motivo",
    {200: cases.CaseSummary, 404: NOT_FOUND, 422: "Traspaso inválido"},
    auth=STAFF,
    body=Transfer,
)
def transfer_case(folio: str, actor: Actor, body: Transfer) -> Response:
    with context.system().db.writing() as s:
        summary = transfers.transfer_case(
            s,
            context.system().store,
            folio,
            actor,
            body.reason,
            context.now(),
            to_platform=body.to_platform,
            to_user=body.to_user,
        )
    return json_response(summary)


STATUS_LOOKUPS = RateLimiter("estado-api", "STATUS_LOOKUPS_PER_MINUTE")


class StatusLookup(Query):
    refusal = "indique 'folio' y 'rut'"
    folio: Text
    rut: Text


@bp.get("/v1/status")
@operation(
    "Estado de su caso (público)",
    {200: cases.PublicStatus, 404: "Folio y RUT no coinciden", 429: "Demasiadas consultas"},
    query=StatusLookup,
    security=(),
)
def public_status(query: StatusLookup) -> Response:
    """Estado de su caso: public, no token, rate-limited per client address."""
    if not STATUS_LOOKUPS.allow(request.remote_addr or "?"):
        raise TooManyRequests("demasiadas consultas de estado desde su conexión; espere un minuto")
    with context.system().db.writing() as s:
        return json_response(cases.public_status(s, query.folio.strip(), query.rut.strip(), context.now()))
