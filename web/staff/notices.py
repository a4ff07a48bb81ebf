"""The staff's notifications: the navbar's bell, the list with links to the cases, mark read, and the
e-mail preferences (address for urgent notices, daily digest)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.db import DatabaseError
from engine.errors import FormInvalid
from engine.roles import ROLES
from engine.services import notifications

from .. import context
from ..auth import current_account, current_actor, roles_required

bp = Blueprint("notices", __name__)
STAFF = tuple(role for role in ROLES if role != "proveedor")  # a company reads its portal, not these


@bp.app_context_processor
def _bell() -> dict[str, object]:
    return {"unread_notifications": unread_notifications}


def unread_notifications() -> int | None:
    """The signed-in staff member's unread count for the bell (None for companies and visitors)."""
    try:
        account = current_account()
        if account is None or account.role not in STAFF:
            return None
        with context.system().db.reading() as s:
            return notifications.unread_count(s, current_actor())
    except DatabaseError:  # an error page must render even when the database is down
        return None


@bp.get("/notificaciones")
@roles_required(*STAFF)
def index() -> ResponseReturnValue:
    """The actor's notifications, newest first, and their e-mail preferences."""
    with context.system().db.reading() as s:
        found = notifications.list_notifications(s, current_actor())
        prefs = notifications.preferences(s, current_actor())
    return render_template("notices/index.html", notices=found, prefs=prefs, errors={})


@bp.post("/notificaciones/<id:notification_id>/leida")
@roles_required(*STAFF)
def mark_one(notification_id: int) -> ResponseReturnValue:
    with context.system().db.writing() as s:
        notifications.mark_one_read(s, current_actor(), notification_id, context.now())
    return redirect(url_for("notices.index"))


@bp.post("/notificaciones/leidas")
@roles_required(*STAFF)
def mark_all() -> ResponseReturnValue:
    with context.system().db.writing() as s:
        count = notifications.mark_read(s, current_actor(), context.now())
    flash(f"Notificaciones marcadas como leídas: {count}.", "success")
    return redirect(url_for("notices.index"))


@bp.post("/notificaciones/preferencias")
@roles_required(*STAFF)
def save_preferences() -> ResponseReturnValue:
    """The e-mail address and the daily digest choice; a bad address comes back beside its field."""
    email, digest = request.form.get("email", ""), request.form.get("daily_digest") == "1"
    try:
        with context.system().db.writing() as s:
            notifications.set_preferences(s, current_actor(), email, digest)
    except FormInvalid as err:
        with context.system().db.reading() as s:
            found = notifications.list_notifications(s, current_actor())
        prefs = notifications.Preferences(email, digest)
        errors = {e.field: e.message for e in err.errors}
        flash("Revise el correo electrónico.", "error")
        return render_template("notices/index.html", notices=found, prefs=prefs, errors=errors), 422
    flash("Preferencias guardadas.", "success")
    return redirect(url_for("notices.index"))
