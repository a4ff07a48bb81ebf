"""Staff accounts (``/personal``): a platform administrator creates their region's accounts, resets a password
to a temporary one shown once, deactivates an account; lists and revokes API tokens. Nivel central reads.
Also the page where a temporary password is replaced at first sign-in (``/cambiar-clave``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.roles import ROLES
from engine.services.network import accounts, platforms, tokens

from .. import context
from ..auth import current_actor, roles_required, start_url
from .roles import NETWORK_ADMINS, NETWORK_READERS

bp = Blueprint("staff_accounts", __name__)
FIELDS = ("username", "full_name", "email", "role", "platform")
ROLE_OPTIONS = [(code, ROLES[code]) for code in accounts.GRANTABLE]


def _index(
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    created: accounts.Created | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.reading() as s:
        found = accounts.list_accounts(s, actor)
        region = platforms.registry(s, actor, context.now())
    page = render_template(
        "accounts/index.html",
        accounts=found,
        created=created,
        errors=errors or {},
        values=values or {"role": "ejecutivo"},
        role_options=ROLE_OPTIONS,
        may_edit=region.may_edit,
        platforms=[p for p in region.platforms if p.active],
    )
    return page, status


@bp.get("/personal")
@roles_required(*NETWORK_READERS)
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/personal")
@roles_required(*NETWORK_ADMINS)
def add() -> ResponseReturnValue:
    data = {name: request.form.get(name, "") for name in FIELDS}
    try:
        with context.system().db.writing() as s:
            created = accounts.create_account(s, data, current_actor(), context.now())
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        return _index({e.field: e.message for e in err.errors}, data, status=422)
    flash(f"Cuenta {created.account.username} creada.", "success")
    return _index(created=created, status=201)


@bp.post("/personal/<username>/clave-temporal")
@roles_required(*NETWORK_ADMINS)
def reset(username: str) -> ResponseReturnValue:
    with context.system().db.writing() as s:
        created = accounts.reset_password(s, username, current_actor(), context.now())
    flash(f"Contraseña temporal generada para {username}.", "success")
    return _index(created=created)


@bp.post("/personal/<username>/desactivar")
@roles_required(*NETWORK_ADMINS)
def deactivate(username: str) -> ResponseReturnValue:
    try:
        with context.system().db.writing() as s:
            accounts.deactivate_account(s, username, current_actor(), context.now())
    except FormInvalid as err:
        flash(err.errors[0].message, "error")
        return redirect(url_for("staff_accounts.index"))
    flash(
        f"Cuenta {username} desactivada: sus tareas abiertas volvieron a la bandeja de su plataforma.",
        "success",
    )
    return redirect(url_for("staff_accounts.index"))


@bp.get("/personal/tokens")
@roles_required(*NETWORK_READERS)
def token_list() -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.reading() as s:
        found = tokens.list_tokens(s, actor)
    return render_template("accounts/tokens.html", tokens=found, may_edit=actor.role in NETWORK_ADMINS)


@bp.post("/personal/tokens/<id:token_id>/revocar")
@roles_required(*NETWORK_ADMINS)
def revoke(token_id: int) -> ResponseReturnValue:
    with context.system().db.writing() as s:
        view = tokens.revoke_token(s, token_id, current_actor(), context.now())
    flash(f"Token n.° {view.id} de {view.username} revocado.", "success")
    return redirect(url_for("staff_accounts.token_list"))


@bp.route("/cambiar-clave", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    """Choose one's own password (required after a temporary one, before any other page)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        try:
            with context.system().db.writing() as s:
                accounts.change_own_password(
                    s,
                    current_actor().username,
                    form.get("current", ""),
                    form.get("new", ""),
                    form.get("repeated", ""),
                )
        except FormInvalid as err:
            errors = {e.field: e.message for e in err.errors}
        else:
            flash("Contraseña cambiada.", "success")
            return redirect(start_url())
    return render_template("accounts/password.html", errors=errors), 422 if errors else 200
