"""Public and staff pages. The staff application comes with its own issue; this is the landing page."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    return render_template("home.html")
