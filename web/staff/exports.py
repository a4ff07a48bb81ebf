"""Downloads of the Cuadro de Monitoreo's and the search's tables: XLSX and CSV (UTF-8 with BOM)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, send_file
from flask.typing import ResponseReturnValue

from engine.deadlines import local_date
from engine.services.monitoring import exports
from engine.services.monitoring.writers import CSV_MIME, XLSX_MIME

from .. import context
from ..auth import current_actor, roles_required
from .reportargs import MONITOR_ROLES, SEARCH_ROLES, case_filter, dashboard_args

bp = Blueprint("exports", __name__)
MIME = {"xlsx": XLSX_MIME, "csv": CSV_MIME}


def _refused(errors: dict[str, str]) -> ResponseReturnValue:
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return render_template("error.html", title="Filtro inválido", detail=detail), 400


def _send(body: object, name: str, fmt: str) -> Response:
    return send_file(body, mimetype=MIME[fmt], as_attachment=True, download_name=f"{name}.{fmt}")  # type: ignore[arg-type]


@bp.get("/monitoreo.<any(xlsx, csv):fmt>")
@roles_required(*MONITOR_ROLES)
def dashboard(fmt: str) -> ResponseReturnValue:
    """Every table of the dashboard (or the one named by ``table``) for the same period and filters."""
    today, now = local_date(context.now()), context.now()
    parsed = dashboard_args(today)
    if parsed.period is None:
        return _refused(parsed.errors)
    with context.system().db.writing() as s:
        body = exports.dashboard_file(
            s,
            current_actor(),
            parsed.filter,
            parsed.period,
            today,
            now,
            fmt,
            request.args.get("table") or None,
            context.system().store,
        )
    return _send(body, f"indicadores_{parsed.period.code or 'periodo'}", fmt)


@bp.get("/casos.<any(xlsx, csv):fmt>")
@roles_required(*SEARCH_ROLES)
def cases(fmt: str) -> ResponseReturnValue:
    """Every case the search finds (not only its first page)."""
    parsed = case_filter()
    if parsed.errors:
        return _refused(parsed.errors)
    with context.system().db.writing() as s:
        body = exports.cases_file(
            s, current_actor(), parsed.filter, local_date(context.now()), context.now(), fmt
        )
    return _send(body, "casos", fmt)
