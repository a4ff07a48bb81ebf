"""API v1 for companies (digital mediation): the reclamos forwarded to the caller's company and its answer.
Bearer token of a ``proveedor`` account; another company's complaint is a 404, never a 403."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Response, request
from pydantic import RootModel
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services import mediation
from engine.services.attachments import Upload

from .. import context, uploads
from .common import Flag, json_response, plain, staff_actor
from .contract import INVALID, Auth, BadRequest, Content, Plus, Query, operation

bp = Blueprint("provider_api", __name__, url_prefix="/api/v1/provider")
uploads.allow_uploads(bp, "provider_api.answer")

COMPANY = Auth(
    staff_actor,
    {401: "Sin token o token inválido", 403: "La cuenta no es de una empresa con mediación digital"},
)
UNKNOWN = "No existe o no fue trasladado a su empresa"


class Answerable(TypedDict):
    answerable: bool


def _complaint(view: mediation.Complaint) -> dict[str, Any]:
    body: dict[str, Any] = plain(view)
    body["answerable"] = view.answerable
    return body


Complaint = Annotated[mediation.Complaint, Plus(Answerable)]


class Pending(Query):
    pending: Flag = False


class ComplaintList(TypedDict):
    complaints: list[Complaint]


@bp.get("/complaints")
@operation(
    "Reclamos trasladados a su empresa (pendientes primero)",
    {200: ComplaintList},
    auth=COMPANY,
    query=Pending,
)
def complaints(actor: Actor, query: Pending) -> Response:
    """The company's complaints; ``?pending=1`` only those still waiting for its answer."""
    with context.system().db.reading() as s:
        found = mediation.list_complaints(s, actor, pending_only=query.pending)
    return json_response({"complaints": [_complaint(c) for c in found]})


@bp.get("/complaints/<folio>")
@operation("Un reclamo trasladado a su empresa", {200: Complaint, 404: UNKNOWN}, auth=COMPANY)
def complaint(folio: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(_complaint(mediation.get_complaint(s, folio, actor)))


class AnswerForm(RootModel[dict[str, Any]]):
    """Los campos del formulario respuesta_empresa de la versión publicada (forms/respuesta_empresa.json:
    resultado y texto), que los valida (422 con errores por campo). En multipart/form-data los mismos campos
    y los archivos en 'adjuntos' (PDF, JPG, PNG, Word, Excel; 10 MB c/u)."""


def _answer_body() -> tuple[dict[str, Any], dict[str, list[Upload]]]:
    """JSON ``{"resultado", "texto"}``, or multipart/form-data with those fields and files in ``adjuntos``."""
    if request.mimetype == "multipart/form-data":
        data: dict[str, Any] = request.form.to_dict()
        files = {
            name: [uploads.read_upload(f) for f in request.files.getlist(name) if f.filename]
            for name in request.files
        }
        return data, files
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(
            'envíe {"resultado": "acoge|acoge_parcialmente|no_acoge", "texto": "..."} como JSON, '
            "o multipart/form-data con esos campos y los archivos en 'adjuntos'"
        )
    return body, {}


@bp.post("/complaints/<folio>/answer")
@operation(
    "Responder el reclamo: llega al proceso del caso, que sigue su curso",
    {
        200: (Complaint, "Respuesta entregada"),
        404: UNKNOWN,
        409: "Ya respondido o ya no espera respuesta: nada cambió",
        422: INVALID,
    },
    auth=COMPANY,
    body=Content(("application/json", "multipart/form-data"), AnswerForm),
)
def answer(folio: str, actor: Actor) -> Response:
    """The company's answer; delivered to the waiting reclamo. 409 when it no longer waits for one."""
    data, files = _answer_body()
    with context.system().db.writing() as s:
        view = mediation.answer_complaint(s, context.system().store, folio, data, files, actor, context.now())
    return json_response(_complaint(view))
