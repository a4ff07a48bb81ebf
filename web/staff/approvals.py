"""The visación queue: closures awaiting a supervisor's or lawyer's approval: approve, return, bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from engine.access import task_scope
from engine.clock import utcnow
from engine.errors import EngineError
from engine.models import Case, Document, HumanTask
from engine.services import tasks
from engine.system import System

from ..auth import current_actor, roles_required

bp = Blueprint("approvals", __name__)
APPROVAL_FORM = "visacion"  # the queue lists the tasks whose form is the visación form


@dataclass(frozen=True)
class Pending:
    task_id: str
    folio: str
    consumer: str
    provider: str | None
    context: dict[str, Any]
    letter_id: int | None
    letter_title: str | None


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _pending() -> list[Pending]:
    actor = current_actor()
    with _system().db.reading() as s:
        rows = s.execute(
            select(HumanTask, Case)
            .join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.status == "open", HumanTask.form_id == APPROVAL_FORM, task_scope(actor))
            .order_by(HumanTask.created_at)
            .limit(200)
        ).all()
        case_ids = [c.id for _, c in rows]
        latest: dict[int, int] = {
            case_id: doc_id
            for case_id, doc_id in s.execute(
                select(Document.case_id, func.max(Document.id))
                .where(Document.case_id.in_(case_ids))
                .group_by(Document.case_id)
            ).all()
        }
        titles: dict[int, str] = {
            doc_id: title
            for doc_id, title in s.execute(
                select(Document.id, Document.title).where(Document.id.in_(list(latest.values())))
            ).all()
        }
    return [
        Pending(
            t.id,
            c.folio or "",
            c.consumer_name,
            c.provider_name,
            dict(t.context or {}),
            latest.get(c.id),
            titles.get(latest.get(c.id, 0), None),
        )
        for t, c in rows
    ]


@bp.get("/visacion")
@roles_required("supervisor", "abogado")
def index() -> str:
    return render_template("approvals/index.html", pending=_pending())


def _decide(task_id: str, data: dict[str, str]) -> str | None:
    try:
        with _system().db.writing() as s:
            tasks.complete_task(s, _system().store, task_id, data, current_actor(), utcnow())
    except EngineError as err:
        return err.detail
    return None


@bp.post("/visacion/<task_id>")
@roles_required("supervisor", "abogado")
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
@roles_required("supervisor", "abogado")
def bulk_approve() -> ResponseReturnValue:
    ids = request.form.getlist("task")
    problems = [f"{task_id[:8]}: {p}" for task_id in ids if (p := _decide(task_id, {"decision": "aprobar"}))]
    approved = len(ids) - len(problems)
    flash(f"Cierres aprobados: {approved}.", "success" if approved else "warning")
    for problem in problems:
        flash(problem, "error")
    return redirect(url_for("approvals.index"))
