"""Workbench API (issue 6): the analyst's draft, validation, publishing, versions, import and export.

Auth: a bearer token, or the signed-in session (unsafe methods then need the ``X-CSRFToken`` header).
Only analysts and integrators may use it; everyone else gets 403, anonymous callers 401."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from engine import inputs
from engine.access import Actor
from engine.errors import Forbidden, Unauthenticated
from engine.forms import Form
from engine.services import users
from engine.services.workbench import archive, catalog_info, drafts, migration, tools, versions
from engine.system import System

from . import formrender
from .api import BadRequest, _json
from .auth import csrf, current_account, current_actor

bp = Blueprint("workbench_api", __name__, url_prefix="/api/v1/workbench")
WORKBENCH_ROLES = frozenset({"analista", "integrador"})
ZIP_MIME = "application/zip"
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


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
    raw = body.get("version")
    version = None if raw is None else _version(raw)
    if raw is not None and version is None:
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
        replace = body.get("replace_newer", False) is True
        published = drafts.publish_draft(s, actor.username, note, _now(), replace_newer=replace)
    return _json(published, 201)


@bp.get("/versions")
def list_versions() -> Response:
    workbench_actor()
    with _system().db.reading() as s:
        return _json(versions.list_versions(s))


@bp.get("/versions/<id:version_id>/export")
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


def _version(value: Any) -> int | None:
    """A version number: an integer (JSON's 3.0 is one too) that a version's id can be; else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and inputs.is_id(value):
        return value
    return None


def _version_arg(body: dict[str, Any], name: str) -> int:
    value = _version(body.get(name))
    if value is None:
        raise BadRequest(f'indique "{name}": el número de versión')
    return value


@bp.post("/migrations")
def migrate() -> Response:
    """Dry run (default) or perform the migration of open cases from one version to another."""
    actor, body = workbench_actor(), _object_body()
    source, target = _version_arg(body, "from"), _version_arg(body, "to")
    dry_run, folios = body.get("dry_run", True), body.get("folios")
    if not isinstance(dry_run, bool):
        raise BadRequest('"dry_run" debe ser true o false')
    if folios is not None and (not isinstance(folios, list) or not all(isinstance(f, str) for f in folios)):
        raise BadRequest('"folios" debe ser una lista de folios')
    result = migration.run_migration(
        _system().db, _system().store, source, target, actor, _now(), dry_run=dry_run, folios=folios
    )
    return _json(result)


def _schema_arg(body: dict[str, Any]) -> dict[str, Any] | None:
    schema = body.get("schema")
    if schema is not None and not isinstance(schema, dict):
        raise BadRequest('"schema" debe ser un objeto JSON (el JSON Schema del formulario)')
    return schema


def _form(actor: Actor, form_id: str, body: dict[str, Any]) -> Form:
    with _system().db.writing() as s:
        draft = drafts.draft_files(s, actor.username, _now())
    return tools.form_from(form_id, _schema_arg(body), draft)


@bp.post("/forms/<form_id>/try")
def try_form(form_id: str) -> Response:
    """Validate sample data against a form (the schema sent, else the draft's) as a submission would be."""
    actor, body = workbench_actor(), _object_body()
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise BadRequest('indique {"data": {...}} con los datos de prueba')
    return _json(tools.try_form(_form(actor, form_id, body), data))


@bp.post("/forms/<form_id>/preview")
def preview_form(form_id: str) -> Response:
    """The form rendered as the staff pages render it (an HTML fragment)."""
    actor, body = workbench_actor(), _object_body()
    html = formrender.render_form(_form(actor, form_id, body), options=formrender.reference_options())
    return Response(str(html), mimetype="text/html")


@bp.post("/templates/inspect")
def inspect_template() -> Response:
    """Placeholders of an uploaded .docx (field "file"), or of the draft's letter ?id=<letter id>."""
    actor = workbench_actor()
    storage, letter_id = request.files.get("file"), request.args.get("id")
    if storage is not None:
        path, body = "letter_templates/subida.docx", storage.stream.read(MAX_TEMPLATE_BYTES + 1)
    elif letter_id:
        path = f"letter_templates/{letter_id}.docx"
        with _system().db.writing() as s:
            body = drafts.read_file(s, actor.username, path, _now())[1]
    else:
        raise BadRequest('envíe la plantilla en el campo "file" o indique ?id=<carta del borrador>')
    if len(body) > MAX_TEMPLATE_BYTES:
        raise BadRequest("la plantilla supera el tamaño máximo de 5 MB")
    return _json(tools.inspect_template(path, body))


@bp.get("/templates/<letter_id>/preview")
def preview_template(letter_id: str) -> Response:
    """The draft's template filled with case ?folio=F's current data (.docx)."""
    actor = workbench_actor()
    folio = request.args.get("folio", "").strip()
    if not folio:
        raise BadRequest("indique ?folio=<folio de un caso>")
    path = f"letter_templates/{letter_id}.docx"
    with _system().db.writing() as s:
        template = drafts.read_file(s, actor.username, path, _now())[1]
        body = tools.preview_letter(s, _system().store, template, folio, actor, _now())
    resp = Response(body, mimetype=MIME_DOCX)
    resp.headers["Content-Disposition"] = f'attachment; filename="{folio}-{letter_id}-prueba.docx"'
    return resp
