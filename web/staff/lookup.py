"""'Estado de su caso' at the counter or on the phone: folio + RUT, the citizen's view, logged."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from engine.clock import utcnow
from engine.errors import EngineError
from engine.labels import KINDS, STAGES, STATUSES
from engine.services import cases
from engine.system import System

from ..auth import current_actor

bp = Blueprint("lookup", __name__)


@bp.get("/estado")
def index() -> tuple[str, int]:
    folio, rut = request.args.get("folio", "").strip(), request.args.get("rut", "").strip()
    result, problem = None, None
    if folio or rut:
        system: System = current_app.extensions["ventanilla"]
        try:
            with system.db.writing() as s:
                result = cases.public_status(
                    s, folio, rut, utcnow(), channel=current_actor().channel or "in_person"
                )
        except EngineError as err:
            problem = err.detail
    return render_template(
        "lookup/index.html",
        folio=folio,
        rut=rut,
        result=result,
        problem=problem,
        kinds=KINDS,
        stages=STAGES,
        statuses=STATUSES,
    ), (404 if problem else 200)
