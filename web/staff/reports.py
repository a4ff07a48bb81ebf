"""Reports for supervisors and nivel central: visación returns per ejecutivo."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.services import reports

from .. import context
from ..auth import current_actor, roles_required

bp = Blueprint("reports", __name__)
READERS = ("supervisor", "abogado", "nivel_central", "director_regional")


@bp.get("/reportes/devoluciones")
@roles_required(*READERS)
def approval_returns() -> str:
    """Closures returned from visación, per ejecutivo who proposed them, in the reader's scope."""
    with context.system().db.reading() as s:
        rows = reports.approval_returns(s, current_actor())
    return render_template("reports/approval_returns.html", rows=rows, total=sum(n for _, n in rows))
