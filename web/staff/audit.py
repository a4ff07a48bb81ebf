"""The audit log page (``/auditoria``): every administrative action of the region (nivel central: all)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engine.services.network import audit

from .. import context
from ..auth import current_actor, roles_required
from .roles import NETWORK_READERS

bp = Blueprint("audit", __name__)


@bp.get("/auditoria")
@roles_required(*NETWORK_READERS)
def index() -> ResponseReturnValue:
    raw = request.args.get("pagina", "1")
    page = int(raw) if raw.isdigit() and len(raw) < 7 else 1
    action = request.args.get("accion", "")
    with context.system().db.reading() as s:
        found = audit.list_entries(s, current_actor(), page, action)
    return render_template("audit/index.html", found=found, actions=audit.ACTIONS, action=action)
