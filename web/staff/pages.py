"""Public and staff pages. The staff application comes with its own issue; this is the landing page."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..auth import current_account, public, start_page
from ..public import portal

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home() -> ResponseReturnValue:
    """The start page: the inbox for signed-in staff, the citizen's portal for everyone else."""
    if current_account() is None:
        return portal.index()
    return start_page()
