"""The workbench's editors (issue 6): the process modeler, the form editor and the letter template page.

The pages are shells: the browser code (web/modeler/, bundled into web/static/dist/) reads and writes the
analyst's draft through the workbench API (/api/v1/workbench). The only server work here is the diagram
layout a shipped BPMN file lacks, so bpmn-js can draw it (the same layout the case page uses)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from engine import bpmn_layout
from engine.errors import InvalidContent

from ..auth import roles_required
from ..errors import problem

bp = Blueprint("modeler", __name__, url_prefix="/taller")
EDITORS = ("analista", "integrador")


@bp.get("/procesos/<process_id>")
@roles_required(*EDITORS)
def process(process_id: str) -> ResponseReturnValue:
    """The bpmn-js modeler for one process of the draft."""
    return render_template("modeler/process.html", process_id=process_id)


@bp.post("/procesos/trazado")
@roles_required(*EDITORS)
def layout() -> ResponseReturnValue:
    """The posted BPMN with a diagram layout added where a process has none (nothing is stored)."""
    try:
        laid_out = bpmn_layout.ensure_diagram(request.get_data(), "proceso.bpmn")
    except InvalidContent as err:
        return problem(422, err.title, err.detail, err.type)
    return Response(laid_out, mimetype="application/xml")


@bp.get("/formularios/<form_id>")
@roles_required(*EDITORS)
def form(form_id: str) -> ResponseReturnValue:
    """The JSON Schema editor of one form of the draft, with live preview and a try-out."""
    return render_template("modeler/form.html", form_id=form_id)


@bp.get("/cartas/<letter_id>")
@roles_required(*EDITORS)
def letter(letter_id: str) -> ResponseReturnValue:
    """One letter template of the draft: upload, placeholders, preview with a case."""
    return render_template("modeler/letter.html", letter_id=letter_id)


@bp.get("/listas/<list_id>")
@roles_required(*EDITORS)
def content_list(list_id: str) -> ResponseReturnValue:
    """The JSON editor of one list of the draft (lists/<id>.json: the classification ...)."""
    return render_template("modeler/list.html", list_id=list_id)
