"""The case file: header, parties, log timeline, letters, open tasks with their forms, the live diagram;
and the actions on a case (complete, claim, release, transfer, letters)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from engine import bpmn_layout
from engine.errors import EngineError, FormInvalid, NotFound
from engine.labels import CHANNELS, STAGES, STATUSES
from engine.services import (
    attachments,
    casefile,
    casepage,
    documents,
    escalation,
    gestiones,
    tasks,
    transfers,
)

from .. import context, formrender, uploads
from ..auth import current_actor

bp = Blueprint("cases", __name__)
uploads.allow_uploads(bp, "cases.complete")
_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
ESCALATION = "reclamo-"  # key prefix of a task's escalation fields among the page's forms
AUDIENCES = {"consumidor": "el consumidor/a", "proveedor": "el proveedor", "institucion": "la institución"}
DUE_LABELS = {"en_plazo": "En plazo", "por_vencer": "Por vencer", "fuera_de_plazo": "Fuera de plazo"}


def _forms(found: casepage.CaseFile, task_errors: dict[str, Any]) -> dict[str, Markup]:
    """The HTML form of each open task the actor may work, with stored data (or the refused input); a task
    that can turn a consulta into a reclamo also asks for what the reclamo's intake requires."""
    options = dataclasses.replace(formrender.reference_options(), agencies=found.agencies)
    attached = uploads.attached_labels(found.attachments)
    forms = {}
    for task in found.page.tasks:
        shown = formrender.display_values({**task.prefill, **task.context})  # stored data wins
        values, errors = task_errors.get(task.id, (shown, {}))
        if task.form is not None and task.workable:
            forms[task.id] = formrender.render_form(
                task.form, values, errors, options, prefix=f"t{task.id[:8]}", attached=attached
            )
            if task.escalation is not None:
                forms[f"{ESCALATION}{task.id}"] = formrender.render_form(
                    task.escalation, values, errors, options, prefix=f"r{task.id[:8]}"
                )
    return forms


def _page(folio: str, task_errors: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the case file; ``task_errors``: {task_id: (values, errors)} to re-show a refused form."""
    system, actor = context.system(), current_actor()
    with system.db.reading() as s:
        found = casepage.case_file(s, system.store, folio, actor, context.now())
    body = render_template(
        "cases/show.html",
        page=found.page,
        forms=_forms(found, task_errors or {}),
        files=found.attachments,
        kinds=found.page.kinds,
        channels=CHANNELS,
        stages=STAGES,
        statuses=STATUSES,
        due_labels=DUE_LABELS,
        actor=actor,
        derivations=found.derivations,
        transfer_platforms=found.platforms,
        colleagues=found.colleagues,
        folio=folio,
        audiences=AUDIENCES,
        gestion_kinds=gestiones.KINDS,
        escalation_key=ESCALATION,
        knowledge_fields=_knowledge_fields(found),
        agency_choices=found.agencies,
    )
    return body, status


def _knowledge_fields(found: casepage.CaseFile) -> dict[str, str]:
    """For each workable task whose form takes knowledge-base answers: the HTML id of that field."""
    out = {}
    for task in found.page.tasks:
        name = task.form.knowledge_field() if task.form is not None and task.workable else None
        if name:
            out[task.id] = formrender.field_id(f"t{task.id[:8]}", name)
    return out


@bp.get("/casos/<folio>")
def show(folio: str) -> ResponseReturnValue:
    return _page(folio)


@bp.post("/casos/<folio>/tareas/<task_id>")
def complete(folio: str, task_id: str) -> ResponseReturnValue:
    """Complete a task with its form; refused input comes back beside the fields, nothing changed."""
    system = context.system()
    with system.db.reading() as s:
        task = casepage.open_task(s, system.store, folio, task_id, current_actor(), context.now())
    if task is None or task.form is None:
        flash("La tarea ya no está abierta.", "warning")
        return redirect(url_for("cases.show", folio=folio))
    posted = request.form.to_dict(flat=False)
    data, parse_errors = formrender.parse_submission(task.form, posted)
    if task.escalation is not None:  # what a reclamo needs, used only if the answer escalates the case
        extra, extra_errors = formrender.parse_submission(task.escalation, posted)
        data, parse_errors = {**data, escalation.EXTRA: extra}, {**parse_errors, **extra_errors}
    files = uploads.posted_files(task.form)
    try:
        if parse_errors:
            raise FormInvalid([])
        with system.db.writing() as s:
            tasks.complete_task_with_files(
                s, system.store, task_id, data, files, current_actor(), context.now()
            )
    except FormInvalid as err:
        errors = {**formrender.errors_by_field(err), **parse_errors}
        errors = uploads.refused_errors(task.form, files, data, errors)
        flash("Revise los campos marcados.", "error")
        return _page(folio, {task_id: (posted, errors)}, status=422)
    except NotFound:
        raise
    except EngineError as err:  # taken by someone else, completed meanwhile, four eyes: say it, stay here
        flash(f"No se completó «{task.name}»: {err.detail}.", "error")
        return redirect(url_for("cases.show", folio=folio))
    flash(f"Tarea completada: {task.name}.", "success")
    return redirect(url_for("cases.show", folio=folio))


def _action(folio: str, run: Any, ok: str) -> ResponseReturnValue:
    """Run one action in its own transaction; refusals come back as a message on the case page (a case or
    task out of the actor's scope is a plain 404 page: nothing about it is revealed)."""
    try:
        with context.system().db.writing() as s:
            run(s)
    except NotFound:
        raise
    except EngineError as err:
        flash(err.detail, "error")
    else:
        flash(ok, "success")
    return redirect(url_for("cases.show", folio=folio))


@bp.post("/casos/<folio>/gestiones")
def add_gestion(folio: str) -> ResponseReturnValue:
    """A gestión (call, e-mail, meeting, note) written to the case's bitácora with its channel."""
    form = request.form
    return _action(
        folio,
        lambda s: gestiones.add_gestion(
            s,
            folio,
            current_actor(),
            form.get("kind", ""),
            form.get("text", ""),
            form.get("channel", ""),
            context.now(),
        ),
        "Gestión registrada en la bitácora.",
    )


@bp.post("/casos/<folio>/tareas/<task_id>/tomar")
def claim(folio: str, task_id: str) -> ResponseReturnValue:
    return _action(
        folio, lambda s: tasks.claim_task(s, task_id, current_actor(), context.now()), "Tarea tomada."
    )


@bp.post("/casos/<folio>/tareas/<task_id>/liberar")
def release(folio: str, task_id: str) -> ResponseReturnValue:
    return _action(
        folio, lambda s: tasks.release_task(s, task_id, current_actor(), context.now()), "Tarea liberada."
    )


@bp.post("/casos/<folio>/traspasar")
def transfer(folio: str) -> ResponseReturnValue:
    form = request.form
    to_platform = form.get("to_platform", "").strip() or None
    to_user = form.get("to_user", "").strip() or None
    try:
        with context.system().db.writing() as s:
            transfers.transfer_case(
                s,
                context.system().store,
                folio,
                current_actor(),
                form.get("reason", ""),
                context.now(),
                to_platform=to_platform,
                to_user=to_user,
            )
    except EngineError as err:
        flash(f"No se pudo traspasar: {err.detail}", "error")
        return redirect(url_for("cases.show", folio=folio))
    flash("Caso traspasado.", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/casos/<folio>/cartas")
def regenerate(folio: str) -> ResponseReturnValue:
    letter = request.form.get("letter", "")
    return _action(
        folio,
        lambda s: documents.generate_for_case(
            s, context.system().store, folio, letter, current_actor(), context.now()
        ),
        "Carta generada.",
    )


@bp.get("/documentos/<id:doc_id>.<kind>")
def download(doc_id: int, kind: str) -> Response:
    if kind not in _MIME:
        abort(404)
    with context.system().db.writing() as s:
        name, body = documents.document_file(s, doc_id, kind, current_actor())
    resp = Response(body, mimetype=_MIME[kind])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.get("/adjuntos/<id:attachment_id>")
def attachment(attachment_id: int) -> Response:
    """A file attached to a case, saved by the browser (never shown inline); 404 outside the actor's scope."""
    with context.system().db.reading() as s:
        name, mime, body = attachments.attachment_file(s, attachment_id, current_actor())
    return uploads.file_response(name, mime, body)


@bp.post("/casos/<folio>/documentos/<id:doc_id>/enviar")
def send(folio: str, doc_id: int) -> ResponseReturnValue:
    to = [x.strip() for x in request.form.get("to", "").split(",") if x.strip()]
    settings = context.mail_settings()
    return _action(
        folio,
        lambda s: documents.send_document(s, doc_id, to, current_actor(), settings, context.now()),
        f"Carta enviada a {', '.join(to)}.",
    )


@bp.get("/casos/<folio>/diagramas/<file>")
def diagram(folio: str, file: str) -> Response:
    """The BPMN of one process the case ran, with a layout added when the file has none (for bpmn-js)."""
    with context.system().db.reading() as s:
        xml = casefile.diagram_xml(s, context.system().store, folio, file, current_actor())
    return Response(bpmn_layout.ensure_diagram(xml), mimetype="application/xml")
