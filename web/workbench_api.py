"""Workbench API (issue 6): the analyst's draft, validation, publishing, versions, import and export.

Auth: a bearer token, or the signed-in session (unsafe methods then need the ``X-CSRFToken`` header).
Only analysts and integrators may use it; everyone else gets 403, anonymous callers 401."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from engine.access import Actor
from engine.errors import Forbidden, Unauthenticated
from engine.services import users
from engine.services.workbench import archive, catalog_info, drafts, versions
from engine.system import System

from .api import BadRequest, _json
from .auth import csrf, current_account, current_actor

bp = Blueprint("workbench_api", __name__, url_prefix="/api/v1/workbench")
WORKBENCH_ROLES = frozenset({"analista", "integrador"})
ZIP_MIME = "application/zip"


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _now() -> Any:
    return current_app.config["CLOCK"]()


def workbench_actor() -> Actor:
    """The caller (bearer token, else session with CSRF on unsafe methods); 403 unless analyst/integrator."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        with _system().db.reading() as s:
            actor = users.actor_of(users.user_for_token(s, token.strip()))
    elif current_account() is not None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        actor = current_actor()
    else:
        raise Unauthenticated("falta el encabezado Authorization: Bearer <token> o una sesión iniciada")
    if actor.role not in WORKBENCH_ROLES:
        raise Forbidden("el taller de procesos es para analistas de procesos e integradores")
    return actor


def _object_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None and not request.get_data():
        return {}
    if not isinstance(data, dict):
        raise BadRequest("el cuerpo debe ser un objeto JSON (Content-Type: application/json)")
    return data


@bp.get("/catalog")
def catalog() -> Response:
    actor = workbench_actor()
    with _system().db.writing() as s:
        files = drafts.draft_files(s, actor.username, _now())
    return _json(catalog_info.catalog_info(files))


@bp.get("/draft")
def draft() -> Response:
    actor = workbench_actor()
    with _system().db.writing() as s:
        return _json(drafts.draft_view(s, actor.username, _now()))


@bp.get("/draft/files/<path:path>")
def read_file(path: str) -> Response:
    actor = workbench_actor()
    with _system().db.writing() as s:
        mime, body = drafts.read_file(s, actor.username, path, _now())
    return Response(body, mimetype=mime)


@bp.put("/draft/files/<path:path>")
def put_file(path: str) -> Response:
    actor = workbench_actor()
    body = request.get_data(cache=False)
    with _system().db.writing() as s:
        result = drafts.put_file(s, actor.username, path, body, _now())
    return _json({"saved": True, "ok": result.ok, "problems": result.problems})


@bp.delete("/draft/files/<path:path>")
def delete_file(path: str) -> Response:
    actor = workbench_actor()
    with _system().db.writing() as s:
        result = drafts.delete_file(s, actor.username, path, _now())
    return _json({"ok": result.ok, "problems": result.problems})


@bp.post("/draft/reset")
def reset() -> Response:
    actor, body = workbench_actor(), _object_body()
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadRequest('indique {"version": <número de versión>} o {"version": null} para la última')
    with _system().db.writing() as s:
        return _json(drafts.reset_draft(s, actor.username, version, _now()))


@bp.post("/draft/validate")
def validate() -> Response:
    actor = workbench_actor()
    with _system().db.writing() as s:
        return _json(drafts.validate_draft(s, actor.username, _now()))


@bp.post("/publish")
def publish() -> Response:
    actor, body = workbench_actor(), _object_body()
    note = body.get("note", "")
    if not isinstance(note, str) or not note.strip():
        raise BadRequest('indique {"note": "qué cambia en esta versión"}')
    with _system().db.writing() as s:
        published = drafts.publish_draft(s, actor.username, note, _now())
    return _json(published, 201)


@bp.get("/versions")
def list_versions() -> Response:
    workbench_actor()
    with _system().db.reading() as s:
        return _json(versions.list_versions(s))


@bp.get("/versions/<int:version_id>/export")
def export_version(version_id: int) -> Response:
    workbench_actor()
    with _system().db.reading() as s:
        body = archive.export_zip(versions.version_files(s, version_id))
    resp = Response(body, mimetype=ZIP_MIME)
    resp.headers["Content-Disposition"] = f'attachment; filename="ventanilla-version-{version_id}.zip"'
    return resp


@bp.post("/import")
def import_zip() -> Response:
    actor = workbench_actor()
    storage = request.files.get("file")
    if storage is None:
        raise BadRequest('envíe el archivo .zip en el campo "file" (multipart/form-data)')
    files = archive.read_zip(storage.stream.read(archive.MAX_ZIP_BYTES + 1))
    with _system().db.writing() as s:
        result = drafts.replace_files(s, actor.username, files, _now())
    return _json({"ok": result.ok, "problems": result.problems, "files": sorted(files)})
