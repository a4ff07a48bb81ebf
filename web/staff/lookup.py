"""'Estado de su caso' at the counter or on the phone: folio + RUT, the citizen's view, logged; rate-limited
per account (STAFF_STATUS_LOOKUPS_PER_MINUTE), so a staff account cannot be used to sweep folios and RUTs."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import EngineError
from engine.labels import KINDS, STAGES, STATUSES
from engine.services import cases

from .. import context
from ..auth import current_actor
from ..ratelimit import RateLimiter

bp = Blueprint("lookup", __name__)
LOOKUPS = RateLimiter("estado-personal", "STAFF_STATUS_LOOKUPS_PER_MINUTE")
TOO_MANY = (
    "Hizo demasiadas consultas de estado en el último minuto; espere {seconds} segundos y vuelva a intentar."
)


@bp.get("/estado")
def index() -> ResponseReturnValue:
    folio, rut = request.args.get("folio", "").strip(), request.args.get("rut", "").strip()
    result, problem, status = None, None, 200
    if folio or rut:
        actor = current_actor()
        decision = LOOKUPS.check(actor.username)
        if not decision.allowed:
            seconds = str(max(1, int(decision.retry_after.total_seconds())))
            return _page(folio, rut, None, TOO_MANY.format(seconds=seconds)), 429, {"Retry-After": seconds}
        try:
            with context.system().db.writing() as s:  # writing: the lookup is logged on the case
                result = cases.public_status(
                    s, folio, rut, context.now(), actor.channel or "in_person", actor
                )
        except EngineError as err:
            problem, status = err.detail, 404
    return _page(folio, rut, result, problem), status


def _page(folio: str, rut: str, result: cases.PublicStatus | None, problem: str | None) -> str:
    return render_template(
        "lookup/index.html",
        folio=folio,
        rut=rut,
        result=result,
        problem=problem,
        kinds=KINDS,
        stages=STAGES,
        statuses=STATUSES,
    )
