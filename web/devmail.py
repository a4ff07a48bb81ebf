"""``/correo``: what the development mail catcher received (development only: 404 in production, and
whenever ``ventanilla run`` did not start the catcher)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue

from engine import mailcatcher

from . import config

bp = Blueprint("devmail", __name__)


def _folder() -> Path:
    """The catcher's folder, or 404: the page does not exist in production or without the catcher."""
    folder = current_app.config.get("MAIL_CATCHER_DIR")
    if not folder or config.is_production(os.environ):
        abort(404)
    return Path(folder)


@bp.get("/correo")
def index() -> ResponseReturnValue:
    return render_template("devmail/index.html", messages=mailcatcher.list_mail(_folder()))


@bp.get("/correo/<mail_id>")
def show(mail_id: str) -> ResponseReturnValue:
    return render_template("devmail/show.html", m=mailcatcher.read_mail(_folder(), mail_id))


@bp.get("/correo/<mail_id>/adjuntos/<int:index>")
def attachment(mail_id: str, index: int) -> ResponseReturnValue:
    name, mime, data = mailcatcher.attachment(_folder(), mail_id, index)
    disposition = "attachment; filename*=UTF-8''" + "".join(
        c if c.isalnum() or c in "._-" else "_" for c in name
    )
    return Response(data, mimetype=mime, headers={"Content-Disposition": disposition})
