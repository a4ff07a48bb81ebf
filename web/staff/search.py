"""Búsqueda de casos (/casos): open and closed cases within the user's scope, by any filter, keyset pages."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.deadlines import local_date
from engine.labels import CHANNELS, KINDS, STAGES, STATUSES
from engine.services.monitoring.filters import FilterInvalid
from engine.services.monitoring.search import SORTS, search_cases

from .. import context
from ..auth import current_actor, roles_required
from .reportargs import SEARCH_ROLES, case_filter

bp = Blueprint("search", __name__)
DUE_LABELS = {"en_plazo": "En plazo", "por_vencer": "Por vencer", "fuera_de_plazo": "Fuera de plazo"}


@bp.get("/casos")
@roles_required(*SEARCH_ROLES)
def index() -> ResponseReturnValue:
    """The search form and one page of results (a wrong filter: its message, no results, 400)."""
    parsed, sort = case_filter(), request.args.get("sort", "recientes")
    errors = dict(parsed.errors)
    page = None
    if not errors:
        try:
            with context.system().db.reading() as s:
                page = search_cases(
                    s,
                    current_actor(),
                    parsed.filter,
                    local_date(context.now()),
                    sort=sort,
                    after=request.args.get("after") or None,
                )
        except FilterInvalid as err:
            errors[err.field] = err.message
    body = render_template(
        "search/index.html",
        page=page,
        f=parsed.filter,
        errors=errors,
        args=request.args,
        sorts=SORTS,
        kinds=KINDS,
        stages=STAGES,
        statuses=STATUSES,
        channels=CHANNELS,
        due_labels=DUE_LABELS,
    )
    return body, 400 if errors else 200
