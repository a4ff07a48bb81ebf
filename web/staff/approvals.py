"""The visación queue: closures awaiting a supervisor's or lawyer's approval: approve, return, bulk."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import EngineError
from engine.services import approvals, tasks

from .. import context
from ..auth import current_actor, roles_required
from .roles import APPROVERS

bp = Blueprint("approvals", __name__)


@bp.get("/visacion")
@roles_required(*APPROVERS)
def index() -> str:
    with context.system().db.reading() as s:
        pending = approvals.pending_closures(s, current_actor())
    return render_template("approvals/index.html", pending=pending, me=current_actor().username)


def _decide(task_id: str, data: dict[str, str]) -> str | None:
    try:
        with context.system().db.writing() as s:
            tasks.complete_task(s, context.system().store, task_id, data, current_actor(), context.now())
    except EngineError as err:
        return err.detail
    return None


@bp.post("/visacion/<task_id>")
@roles_required(*APPROVERS)
def decide(task_id: str) -> ResponseReturnValue:
    decision = request.form.get("decision", "")
    data = {"decision": decision}
    if decision == "devolver":
        data["observaciones_visacion"] = request.form.get("observaciones_visacion", "")
    problem = _decide(task_id, data)
    if problem:
        flash(f"No se registró la visación: {problem}", "error")
    else:
        flash(
            "Cierre aprobado." if decision == "aprobar" else "Cierre devuelto con observaciones.", "success"
        )
    return redirect(url_for("approvals.index"))


@bp.post("/visacion")
@roles_required(*APPROVERS)
def bulk_approve() -> ResponseReturnValue:
    ids = request.form.getlist("task")
    problems = [f"{task_id[:8]}: {p}" for task_id in ids if (p := _decide(task_id, {"decision": "aprobar"}))]
    approved = len(ids) - len(problems)
    flash(f"Cierres aprobados: {approved}.", "success" if approved else "warning")
    for problem in problems:
        flash(problem, "error")
    return redirect(url_for("approvals.index"))
