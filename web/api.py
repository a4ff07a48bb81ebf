"""JSON API v1: bearer tokens, problem+json errors, one service call per view."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from engine.access import Actor
from engine.clock import utcnow
from engine.errors import EngineError, InputRefused, Unauthenticated
from engine.labels import CHANNELS
from engine.mail import MailSettings
from engine.services import attachments, cases, documents, notifications, tasks, transfers, users
from engine.system import System

from . import openapi, uploads
from .ratelimit import RateLimiter

bp = Blueprint("api", __name__, url_prefix="/api")
uploads.allow_uploads(bp, "api.upload_attachment")


class BadRequest(EngineError):
    status = 400
    type = "/problems/bad-request"
    title = "Solicitud mal formada"


class TooManyRequests(EngineError):
    status = 429
    type = "/problems/rate-limited"
    title = "Demasiadas consultas"


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _json(value: Any, status: int = 200) -> Response:
    resp = jsonify(_plain(value))
    resp.status_code = status
    return resp


def _actor() -> Actor:
    """The token's owner; 401 problem+json without a valid bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("falta el encabezado Authorization: Bearer <token>")
    channel = _channel()
    with _system().db.reading() as s:
        user = users.user_for_token(s, token.strip())
        return users.actor_of(user, channel=channel)


def _channel() -> str | None:
    """The X-Channel header (how the case reached the caller, for the bitácora): one of the channels."""
    channel = request.headers.get("X-Channel") or None
    if channel is not None and channel not in CHANNELS:
        raise InputRefused(f"X-Channel debe ser uno de: {', '.join(CHANNELS)}")
    return channel


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("el cuerpo debe ser un objeto JSON (Content-Type: application/json)")
    return data


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())


@bp.get("/v1/health")
def health() -> Response:
    with _system().db.reading() as s:
        try:
            version = _system().store.latest(s).version_id
        except EngineError:
            version = None
    return _json({"status": "ok", "content_version": version})


@bp.post("/v1/cases")
def create_case() -> Response:
    actor, data = _actor(), _body()
    process = data.pop("process", cases.DEFAULT_PROCESS)
    with _system().db.writing() as s:
        summary = cases.open_case(s, _system().store, data, actor, utcnow(), process_id=str(process))
    resp = _json(summary, 201)
    resp.headers["Location"] = url_for("api.get_case", folio=summary.folio)
    return resp


@bp.get("/v1/cases/<folio>")
def get_case(folio: str) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        return _json(cases.case_detail(s, folio, actor, utcnow()))


def _int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or int(raw) > maximum:
        raise BadRequest(f"'{name}' debe ser un entero entre 0 y {maximum}")
    return int(raw)


@bp.get("/v1/tasks")
def list_tasks() -> Response:
    actor = _actor()
    limit, offset = _int_arg("limit", 100, 500), _int_arg("offset", 0, 10_000_000)
    with _system().db.reading() as s:
        return _json({"tasks": tasks.list_tasks(s, actor, limit=limit, offset=offset)})


@bp.get("/v1/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        return _json(tasks.get_task(s, _system().store, task_id, actor))


@bp.post("/v1/tasks/<task_id>/claim")
def claim_task(task_id: str) -> Response:
    actor = _actor()
    with _system().db.writing() as s:
        return _json(tasks.claim_task(s, task_id, actor, utcnow()))


@bp.post("/v1/tasks/<task_id>/complete")
def complete_task(task_id: str) -> Response:
    actor, body = _actor(), _body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise BadRequest('el cuerpo debe ser {"data": {...}} con los campos del formulario')
    with _system().db.writing() as s:
        return _json(tasks.complete_task(s, _system().store, task_id, data, actor, utcnow()))


_limiters: dict[int, RateLimiter] = {}


def _limiter() -> RateLimiter:
    per_minute = int(current_app.config["STATUS_LOOKUPS_PER_MINUTE"])
    return _limiters.setdefault(id(current_app._get_current_object()), RateLimiter(per_minute))  # type: ignore[attr-defined]


@bp.get("/v1/status")
def public_status() -> Response:
    """Estado de su caso: public, no token, rate-limited per client address."""
    folio, rut = request.args.get("folio", "").strip(), request.args.get("rut", "").strip()
    if not folio or not rut:
        raise BadRequest("indique 'folio' y 'rut'")
    if not _limiter().allow(request.remote_addr or "?"):
        raise TooManyRequests("demasiadas consultas de estado desde su conexión; espere un minuto")
    with _system().db.writing() as s:
        return _json(cases.public_status(s, folio, rut, utcnow()))


@bp.get("/v1/cases/<folio>/documents")
def list_documents(folio: str) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        return _json({"documents": documents.list_documents(s, folio, actor)})


@bp.post("/v1/cases/<folio>/documents")
def generate_document(folio: str) -> Response:
    """(Re)generate one of the case's letters now, from the case's current data."""
    actor, body = _actor(), _body()
    letter = body.get("letter")
    if not isinstance(letter, str) or not letter:
        raise BadRequest('indique {"letter": "<id de la carta>"}')
    with _system().db.writing() as s:
        view = documents.generate_for_case(s, _system().store, folio, letter, actor, utcnow())
    return _json(view, 201)


_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@bp.get("/v1/documents/<id:doc_id>.<kind>")
def download_document(doc_id: int, kind: str) -> Response:
    if kind not in _MIME:
        raise BadRequest("formato desconocido: use .docx o .pdf")
    actor = _actor()
    with _system().db.writing() as s:  # the PDF is produced once and kept
        name, body = documents.document_file(s, doc_id, kind, actor)
    resp = Response(body, mimetype=_MIME[kind])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.post("/v1/documents/<id:doc_id>/send")
def send_document(doc_id: int) -> Response:
    actor, body = _actor(), _body()
    to = body.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(x, str) for x in to):
        raise BadRequest('indique {"to": ["correo@ejemplo.cl"]}')
    settings = current_app.config.get("MAIL_SETTINGS") or MailSettings.from_env()
    with _system().db.writing() as s:
        documents.send_document(s, doc_id, to, actor, settings, utcnow())
    return _json({"sent_to": to})


@bp.get("/v1/cases/<folio>/attachments")
def list_attachments(folio: str) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        return _json({"attachments": attachments.list_attachments(s, folio, actor)})


@bp.post("/v1/cases/<folio>/attachments")
def upload_attachment(folio: str) -> Response:
    """Attach one file (multipart/form-data, field "file"); its id then goes in a task form's file field."""
    actor = _actor()
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise BadRequest('envíe el archivo en el campo "file" (multipart/form-data)')
    with _system().db.writing() as s:
        view = attachments.add_to_case(s, folio, uploads.read_upload(storage), actor, utcnow())
    resp = _json(view, 201)
    resp.headers["Location"] = url_for("api.download_attachment", attachment_id=view.id)
    return resp


@bp.get("/v1/attachments/<id:attachment_id>")
def download_attachment(attachment_id: int) -> Response:
    actor = _actor()
    with _system().db.reading() as s:
        name, mime, body = attachments.attachment_file(s, attachment_id, actor)
    return uploads.file_response(name, mime, body)


@bp.post("/v1/cases/<folio>/transfer")
def transfer_case(folio: str) -> Response:
    actor, body = _actor(), _body()
    reason = body.get("reason")
    if not isinstance(reason, str):
        raise BadRequest('indique {"reason": "...", "to_platform": "...", "to_user": "..."}')
    to_platform, to_user = body.get("to_platform"), body.get("to_user")
    if not all(v is None or isinstance(v, str) for v in (to_platform, to_user)):
        raise BadRequest("to_platform y to_user deben ser texto")
    with _system().db.writing() as s:
        summary = transfers.transfer_case(
            s, _system().store, folio, actor, reason, utcnow(), to_platform=to_platform, to_user=to_user
        )
    return _json(summary)


@bp.get("/v1/notifications")
def list_notifications() -> Response:
    actor = _actor()
    unread = request.args.get("unread", "") in ("1", "true", "sí", "si")
    with _system().db.reading() as s:
        return _json({"notifications": notifications.list_notifications(s, actor, unread_only=unread)})


@bp.post("/v1/notifications/read")
def read_notifications() -> Response:
    actor = _actor()
    with _system().db.writing() as s:
        return _json({"marked": notifications.mark_read(s, actor, utcnow())})
