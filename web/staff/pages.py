"""Public and staff pages. The staff application comes with its own issue; this is the landing page."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..auth import start_page

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    """The staff start page: the inbox for signed-in staff (anonymous visitors are sent to sign in)."""
    return start_page()
