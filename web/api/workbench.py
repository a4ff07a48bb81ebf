"""Workbench API (issue 6): the analyst's draft, validation, publishing, versions, import and export.

Auth: a bearer token, or the signed-in session (unsafe methods then need the ``X-CSRFToken`` header).
Only analysts and integrators may use it; everyone else gets 403, anonymous callers 401."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, request
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.errors import Forbidden, Unauthenticated
from engine.services import users
from engine.services.workbench import archive, catalog_info, drafts, publishing, versions

from .. import context
from ..auth import csrf, current_account, current_actor
from .common import RowId, Text, json_response
from .contract import Auth, BadRequest, Content, Input, Reply, operation

bp = Blueprint("workbench_api", __name__, url_prefix="/api/v1/workbench")
WORKBENCH_ROLES = frozenset({"analista", "integrador"})
ZIP_MIME = "application/zip"
UNKNOWN_VERSION = "Versión inexistente"


def workbench_actor() -> Actor:
    """The caller (bearer token, else session with CSRF on unsafe methods); 403 unless analyst/integrator."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        with context.system().db.reading() as s:
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


ANALYST = Auth(
    workbench_actor,
    {401: "Sin token ni sesión", 403: "Solo analistas de procesos e integradores"},
    security=({"bearer": []}, {"session": []}),
)


class Saved(TypedDict):
    saved: bool
    ok: bool
    problems: list[drafts.Problem]


class Imported(TypedDict):
    ok: bool
    problems: list[drafts.Problem]
    files: list[str]


@bp.get("/catalog")
@operation(
    "Formularios, cartas, procesos, roles, funciones del sandbox y fuentes de opciones del borrador",
    {200: catalog_info.CatalogInfo},
    auth=ANALYST,
)
def catalog(actor: Actor) -> Response:
    with context.system().db.writing() as s:
        files = drafts.draft_files(s, actor.username, context.now())
    return json_response(catalog_info.catalog_info(files))


@bp.get("/draft")
@operation("Mi borrador: versión base, archivos y cuáles cambiaron", {200: drafts.DraftView}, auth=ANALYST)
def draft(actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(drafts.draft_view(s, actor.username, context.now()))


@bp.get("/draft/files/<path:path>")
@operation(
    "Un archivo del borrador (XML, JSON o .docx)",
    {200: Reply("El archivo", media="application/octet-stream"), 404: "No existe"},
    auth=ANALYST,
)
def read_file(path: str, actor: Actor) -> Response:
    with context.system().db.writing() as s:
        mime, body = drafts.read_file(s, actor.username, path, context.now())
    return Response(body, mimetype=mime)


@bp.put("/draft/files/<path:path>")
@operation(
    "Guardar un archivo en el borrador (el cuerpo es el archivo); valida el borrador",
    {
        200: (Saved, "Guardado, con los problemas del borrador"),
        422: "Archivo hostil o ilegible: no se guardó",
    },
    auth=ANALYST,
    body=Content(("application/octet-stream",)),
)
def put_file(path: str, actor: Actor) -> Response:
    body = request.get_data(cache=False)
    with context.system().db.writing() as s:
        result = drafts.put_file(s, actor.username, path, body, context.now())
    return json_response(Saved(saved=True, ok=result.ok, problems=result.problems))


@bp.delete("/draft/files/<path:path>")
@operation("Quitar un archivo del borrador", {200: drafts.Validation, 404: "No existe"}, auth=ANALYST)
def delete_file(path: str, actor: Actor) -> Response:
    with context.system().db.writing() as s:
        result = drafts.delete_file(s, actor.username, path, context.now())
    return json_response(result)


class Reset(Input):
    refusal = 'indique {"version": <número de versión>} o {"version": null} para la última'
    version: RowId | None = Field(None, description="por defecto (null), la última")


@bp.post("/draft/reset")
@operation(
    "Descartar el borrador: copia de una versión (por defecto la última)",
    {200: drafts.DraftView, 404: UNKNOWN_VERSION},
    auth=ANALYST,
    body=Reset,
    body_required=False,
)
def reset(actor: Actor, body: Reset) -> Response:
    with context.system().db.writing() as s:
        return json_response(drafts.reset_draft(s, actor.username, body.version, context.now()))


@bp.post("/draft/validate")
@operation(
    "Validar todo el borrador (el mismo validador que 'ventanilla validate')",
    {200: drafts.Validation},
    auth=ANALYST,
)
def validate(actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(drafts.validate_draft(s, actor.username, context.now()))


class Publication(Input):
    refusal = 'indique {"note": "qué cambia en esta versión"}'
    note: Text


@bp.post("/publish")
@operation(
    "Publicar el borrador como versión nueva con una nota",
    {
        201: publishing.Published,
        409: "El borrador es idéntico a la versión vigente; o se publicó una versión más nueva después de "
        "abrirlo ('mine' y 'theirs' muestran ambos cambios: incorpórela con POST /draft/merge); o quedan "
        "archivos en conflicto ('conflicts')",
        422: "Contenido inválido: nada se publicó (lista 'problems')",
    },
    auth=ANALYST,
    body=Publication,
    body_required=False,
)
def publish(actor: Actor, body: Publication) -> Response:
    with context.system().db.writing() as s:
        published = publishing.publish_draft(s, actor.username, body.note, context.now())
    return json_response(published, 201)


@bp.post("/draft/merge")
@operation(
    "Incorporar al borrador la última versión publicada (archivo por archivo; lo que ambos cambiaron "
    "queda en conflicto para decidir)",
    {200: publishing.Merged},
    auth=ANALYST,
)
def merge(actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(publishing.merge_latest(s, actor.username, context.now()))


class Decision(Input):
    refusal = 'indique {"path": "forms/x.json", "keep": "mine" | "theirs"}'
    path: Text
    keep: Literal["mine", "theirs"]


@bp.post("/draft/conflicts")
@operation(
    "Decidir un archivo en conflicto: conservar la copia del borrador o tomar la publicada",
    {200: drafts.DraftView, 404: "El archivo no está en conflicto"},
    auth=ANALYST,
    body=Decision,
)
def resolve(actor: Actor, body: Decision) -> Response:
    with context.system().db.writing() as s:
        view = publishing.resolve_conflict(s, actor.username, body.path, body.keep, context.now())
    return json_response(view)


class Restoration(Input):
    refusal = 'indique {"note": "por qué se vuelve a esta versión"}'
    note: Text


@bp.post("/versions/<id:version_id>/restore")
@operation(
    "Volver a una versión: se publica otra vez, sin cambios, como la más nueva (los casos en curso "
    "siguen en la suya)",
    {201: publishing.Published, 404: UNKNOWN_VERSION, 409: "Esa versión ya es la vigente"},
    auth=ANALYST,
    body=Restoration,
)
def restore(version_id: int, actor: Actor, body: Restoration) -> Response:
    with context.system().db.writing() as s:
        published = publishing.restore_version(s, version_id, actor.username, body.note, context.now())
    return json_response(published, 201)


@bp.get("/versions")
@operation(
    "Versiones publicadas: quién, cuándo, nota, cambios y casos abiertos",
    {200: list[versions.VersionRow]},
    auth=ANALYST,
)
def list_versions(actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(versions.list_versions(s))


@bp.get("/versions/<id:version_id>/export")
@operation(
    "Exportar una versión como zip de processes/, forms/, letter_templates/ y lists/",
    {200: Reply("El zip", media=ZIP_MIME), 404: UNKNOWN_VERSION},
    auth=ANALYST,
)
def export_version(version_id: int, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        body = archive.export_zip(versions.version_files(s, version_id))
    resp = Response(body, mimetype=ZIP_MIME)
    resp.headers["Content-Disposition"] = f'attachment; filename="ventanilla-version-{version_id}.zip"'
    return resp


class ZipFile(Input):
    """multipart/form-data with the .zip in the field "file"."""

    file: bytes


@bp.post("/import")
@operation(
    "Importar un zip de contenido en mi borrador (reemplaza su contenido)",
    {200: Imported, 422: "Zip rechazado (rutas, enlaces, tamaños o archivos no permitidos)"},
    auth=ANALYST,
    body=Content(("multipart/form-data",), ZipFile),
)
def import_zip(actor: Actor) -> Response:
    storage = request.files.get("file")
    if storage is None:
        raise BadRequest('envíe el archivo .zip en el campo "file" (multipart/form-data)')
    files = archive.read_zip(storage.stream.read(archive.MAX_ZIP_BYTES + 1))
    with context.system().db.writing() as s:
        result = drafts.replace_files(s, actor.username, files, context.now())
    return json_response(Imported(ok=result.ok, problems=result.problems, files=sorted(files)))
