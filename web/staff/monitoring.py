"""El Cuadro de Monitoreo (/monitoreo): indicators for a period, within the user's scope, with charts, their
tables, and a drill-down link on every count."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.deadlines import local_date
from engine.labels import CHANNELS, KINDS
from engine.services.monitoring import coverage, indicators

from .. import context
from ..auth import current_actor, roles_required
from .reportargs import MONITOR_ROLES, dashboard_args, quick_periods

bp = Blueprint("monitoring", __name__)


@bp.get("/monitoreo")
@roles_required(*MONITOR_ROLES)
def index() -> ResponseReturnValue:
    """The dashboard (a wrong filter or period: its message beside the field, no figures, 400)."""
    today = local_date(context.now())
    parsed = dashboard_args(today)
    board = None
    if parsed.period is not None:
        with context.system().db.reading() as s:
            board = indicators.dashboard(
                s, current_actor(), parsed.filter, parsed.period, today, context.system().store
            )
    body = render_template(
        "monitoring/index.html",
        board=board,
        errors=parsed.errors,
        args=request.args,
        kinds=KINDS,
        channels=CHANNELS,
        quick=quick_periods(today),
        period=parsed.period,
    )
    return body, 400 if parsed.errors else 200


@bp.get("/monitoreo/cobertura")
@roles_required(*MONITOR_ROLES)
def coverage_page() -> ResponseReturnValue:
    """Plan 80: per region, active platforms and the population they serve, against the 80 % goal."""
    today = local_date(context.now())
    parsed = dashboard_args(today)
    regions = None
    if parsed.period is not None:
        with context.system().db.reading() as s:
            regions = coverage.coverage(s, current_actor(), parsed.period)
    body = render_template(
        "monitoring/coverage.html",
        regions=regions,
        errors=parsed.errors,
        args=request.args,
        quick=quick_periods(today),
        period=parsed.period,
        goal=coverage.GOAL,
    )
    return body, 400 if parsed.errors else 200
