"""Library kiosks (Biblioredes) at ``/kiosco/<code>``: the portal's intake and status tagged with the library,
large controls, nothing left behind (no-store, no autocomplete, cleared after the receipt and when idle)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from engine.services.citizens import kiosks

from .. import context
from . import guard, intake_page, portal

bp = Blueprint("kiosk", __name__)


def _library(code: str) -> tuple[str, str]:
    with context.system().db.reading() as s:
        found = kiosks.library(s, code)
    if found is None:
        abort(404)
    return found


@bp.get("/kiosco/<code>")
def index(code: str) -> ResponseReturnValue:
    body = render_template("public/portal.html", library=_library(code))
    return guard.private(Response(body))


@bp.get("/kiosco/<code>/consulta")
def inquiry(code: str) -> ResponseReturnValue:
    return intake_page.page("inquiry", _library(code))


@bp.get("/kiosco/<code>/reclamo")
def complaint(code: str) -> ResponseReturnValue:
    return intake_page.page("complaint", _library(code))


@bp.post("/kiosco/<code>/<any(consulta, reclamo):tipo>")
def file_case(code: str, tipo: str) -> ResponseReturnValue:
    return intake_page.submit(intake_page.KIND_OF[tipo], _library(code))


@bp.get("/kiosco/<code>/recibo/<token>")
def receipt(code: str, token: str) -> ResponseReturnValue:
    return intake_page.receipt_page(token, _library(code))


@bp.route("/kiosco/<code>/estado", methods=["GET", "POST"])
def lookup(code: str) -> ResponseReturnValue:
    return portal.status_page(_library(code))
