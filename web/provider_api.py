"""API v1 for companies (digital mediation): the reclamos forwarded to the caller's company and its answer.
Bearer token of a ``proveedor`` account; another company's complaint is a 404, never a 403."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from engine.clock import utcnow
from engine.services import mediation
from engine.services.attachments import Upload
from engine.system import System

from . import uploads
from .api import BadRequest, _actor, _json, _plain

bp = Blueprint("provider_api", __name__, url_prefix="/api/v1/provider")
uploads.allow_uploads(bp, "provider_api.answer")


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _complaint(view: mediation.Complaint) -> dict[str, Any]:
    body: dict[str, Any] = _plain(view)
    body["answerable"] = view.answerable
    return body


@bp.get("/complaints")
def complaints() -> Response:
    """The company's complaints; ``?pending=1`` only those still waiting for its answer."""
    actor = _actor()
    pending = request.args.get("pending", "") in ("1", "true", "sí", "si")
    with _system().db.reading() as s:
        found = mediation.list_complaints(s, actor, pending_only=pending)
    return _json({"complaints": [_complaint(c) for c in found]})


@bp.get("/complaints/<folio>")
def complaint(folio: str) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        return _json(_complaint(mediation.get_complaint(s, folio, actor)))


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
def answer(folio: str) -> Response:
    """The company's answer; delivered to the waiting reclamo. 409 when it no longer waits for one."""
    actor = _actor()
    data, files = _answer_body()
    with _system().db.writing() as s:
        view = mediation.answer_complaint(s, _system().store, folio, data, files, actor, utcnow())
    return _json(_complaint(view))
