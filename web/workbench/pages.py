"""Taller de procesos (issue 6): the analyst's draft, validation and publishing; versions with export and
import; migration of open cases. The editors themselves live at /taller/procesos|formularios|cartas/<id>."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import EngineError, InvalidContent
from engine.services.workbench import archive, drafts, migration, publishing, versions
from engine.services.workbench.drafts import Problem

from .. import context
from ..auth import current_actor, roles_required

bp = Blueprint("workbench", __name__, url_prefix="/taller")
ROLES = ("analista", "integrador")
EDITORS = {
    "process": "/taller/procesos/",
    "form": "/taller/formularios/",
    "letter": "/taller/cartas/",
    "list": "/taller/listas/",
}
KIND_LABELS = {
    "process": "Procesos (BPMN)",
    "form": "Formularios",
    "letter": "Plantillas de cartas",
    "list": "Listas (clasificación …)",
}


def editor_url(path: str, kind: str) -> str:
    """The editor page of a draft file (built by the modeler's pages)."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return EDITORS[kind] + stem


def _home(problems: list[Problem] | None = None, checked: bool = False) -> str:
    actor = current_actor()
    with context.system().db.writing() as s:
        view = drafts.draft_view(s, actor.username, context.now())
    groups: dict[str, list[Any]] = {kind: [] for kind in KIND_LABELS}
    for info in view.files:
        groups[info.kind].append(info)
    return render_template(
        "workbench/index.html",
        draft=view,
        groups=groups,
        kind_labels=KIND_LABELS,
        editor_url=editor_url,
        problems=problems or [],
        checked=checked,
    )


@bp.get("")
@roles_required(*ROLES)
def index() -> ResponseReturnValue:
    return _home()


@bp.post("/validar")
@roles_required(*ROLES)
def validate() -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.writing() as s:
        result = drafts.validate_draft(s, actor.username, context.now())
    if result.ok:
        flash("El borrador es válido: puede publicarse.", "success")
    return _home(result.problems, checked=True), 200 if result.ok else 422


@bp.post("/publicar")
@roles_required(*ROLES)
def publish() -> ResponseReturnValue:
    actor = current_actor()
    note = request.form.get("note", "").strip()
    if not note:
        flash("Escriba una nota que explique qué cambia en esta versión.", "error")
        return _home(), 422
    try:
        with context.system().db.writing() as s:
            published = publishing.publish_draft(s, actor.username, note, context.now())
    except InvalidContent as err:
        flash("No se publicó: el borrador tiene problemas.", "error")
        return _home(drafts.problems_of(err.problems), checked=True), 422
    except EngineError as err:
        flash(f"No se publicó: {err.detail}", "error")
        return _home(), err.status
    flash(f"Versión {published.version} publicada. Los casos nuevos usarán esta versión.", "success")
    return redirect(url_for("workbench.versions_page"))


@bp.post("/incorporar")
@roles_required(*ROLES)
def merge() -> ResponseReturnValue:
    with context.system().db.writing() as s:
        merged = publishing.merge_latest(s, current_actor().username, context.now())
    parts = [f"Su borrador ahora se basa en la versión {merged.base_version}."]
    if merged.taken:
        parts.append("Tomados de la versión publicada: " + ", ".join(merged.taken) + ".")
    if merged.conflicts:
        parts.append("Decida qué copia conservar de: " + ", ".join(merged.conflicts) + ".")
    flash(" ".join(parts), "warning" if merged.conflicts else "success")
    return redirect(url_for("workbench.index"))


@bp.post("/conflictos")
@roles_required(*ROLES)
def resolve() -> ResponseReturnValue:
    choice = request.form.get("keep", "")
    if choice not in ("mine", "theirs"):
        flash("Elija conservar su copia o tomar la publicada.", "error")
        return _home(), 422
    keep: Literal["mine", "theirs"] = "mine" if choice == "mine" else "theirs"
    try:
        with context.system().db.writing() as s:
            publishing.resolve_conflict(
                s, current_actor().username, request.form.get("path", ""), keep, context.now()
            )
    except EngineError as err:
        flash(err.detail, "error")
        return _home(), err.status
    return redirect(url_for("workbench.index"))


@bp.post("/descartar")
@roles_required(*ROLES)
def reset() -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.writing() as s:
        view = drafts.reset_draft(s, actor.username, None, context.now())
    flash(f"Borrador descartado: ahora es una copia de la versión {view.base_version}.", "success")
    return redirect(url_for("workbench.index"))


@bp.get("/versiones")
@roles_required(*ROLES)
def versions_page() -> ResponseReturnValue:
    with context.system().db.reading() as s:
        rows = versions.list_versions(s)
    return render_template("workbench/versions.html", rows=rows)


@bp.post("/versiones/<id:version_id>/volver")
@roles_required(*ROLES)
def restore(version_id: int) -> ResponseReturnValue:
    note = request.form.get("note", "")
    try:
        with context.system().db.writing() as s:
            done = publishing.restore_version(s, version_id, current_actor().username, note, context.now())
    except EngineError as err:
        flash(f"No se volvió a la versión {version_id}: {err.detail}", "error")
        return redirect(url_for("workbench.versions_page"))
    flash(
        f"La versión {version_id} se publicó otra vez como la versión {done.version}: los casos nuevos la "
        "usarán; los casos en curso siguen en su versión.",
        "success",
    )
    return redirect(url_for("workbench.versions_page"))


@bp.post("/importar")
@roles_required(*ROLES)
def import_zip() -> ResponseReturnValue:
    actor = current_actor()
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        flash("Elija un archivo .zip exportado de una versión.", "error")
        return redirect(url_for("workbench.versions_page"))
    try:
        files = archive.read_zip(storage.stream.read(archive.MAX_ZIP_BYTES + 1))
        with context.system().db.writing() as s:
            result = drafts.replace_files(s, actor.username, files, context.now())
    except EngineError as err:
        flash(f"No se importó el zip: {err.detail}", "error")
        return redirect(url_for("workbench.versions_page"))
    message = f"Zip importado en su borrador ({len(files)} archivos)."
    flash(message if result.ok else message + " Revise los problemas antes de publicar.", "success")
    return redirect(url_for("workbench.index"))


def _version_arg(name: str) -> int | None:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.route("/migraciones", methods=["GET", "POST"])
@roles_required(*ROLES)
def migrations() -> ResponseReturnValue:
    """GET with desde/hacia: the dry run; POST: migrate the safe cases."""
    source, target = _version_arg("desde"), _version_arg("hacia")
    with context.system().db.reading() as s:
        rows = versions.list_versions(s)
    result, performed = None, request.method == "POST"
    if source is not None and target is not None:
        try:
            result = migration.run_migration(
                context.system().db,
                context.system().store,
                source,
                target,
                current_actor(),
                context.now(),
                dry_run=not performed,
            )
        except EngineError as err:
            flash(f"No se pudo revisar la migración: {err.detail}", "error")
    if performed and result is not None:
        flash(f"Casos migrados de la versión {source} a la {target}: {result.migrated}.", "success")
    latest = rows[0].id if rows else None
    older = next((v.id for v in rows[1:] if v.open_cases), None)
    return render_template(
        "workbench/migrations.html",
        rows=rows,
        source=source if source is not None else older,
        target=target if target is not None else latest,
        result=result,
        performed=performed,
    )
