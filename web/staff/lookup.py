"""'Estado de su caso' at the counter or on the phone: folio + RUT, the citizen's view, logged."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.errors import EngineError
from engine.labels import KINDS, STAGES, STATUSES
from engine.services import cases

from .. import context
from ..auth import current_actor

bp = Blueprint("lookup", __name__)


@bp.get("/estado")
def index() -> tuple[str, int]:
    folio, rut = request.args.get("folio", "").strip(), request.args.get("rut", "").strip()
    result, problem = None, None
    if folio or rut:
        actor = current_actor()
        try:
            with context.system().db.writing() as s:  # writing: the lookup is logged on the case
                result = cases.public_status(
                    s, folio, rut, context.now(), actor.channel or "in_person", actor
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
