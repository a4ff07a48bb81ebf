"""The provider (company) registry page: search by RUT or name with paging, add and edit a company
(integrators and platform admins, as the agency registry)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.services import consumers, providers

from .. import context
from ..auth import current_actor, roles_required
from .roles import REGISTRY_EDITORS

bp = Blueprint("providers", __name__)
MEDIUMS = {"digital": True, "carta": False}


def _posted() -> dict[str, Any]:
    """The editable fields as the form sends them; ``medio`` (digital | carta) becomes ``digital``."""
    form = request.form
    data: dict[str, Any] = {k: form.get(k, "") for k in ("legal_name", "trade_name", "market", "email")}
    data["digital"] = MEDIUMS.get(form.get("medio", ""))
    return data


def _page_number() -> int:
    raw = request.args.get("pagina", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _registry(
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[: providers.MAX_QUERY]
    with context.system().db.reading() as s:
        found = providers.search_providers(s, query, _page_number())
        markets = providers.known_markets(s)
        pending = consumers.unregistered_providers(s)
    body = render_template(
        "providers/index.html",
        found=found,
        query=query,
        markets=markets,
        pending=pending,
        errors=errors or {},
        values=values or {},
    )
    return body, status


@bp.get("/proveedores")
@roles_required(*REGISTRY_EDITORS)
def index() -> ResponseReturnValue:
    return _registry()


@bp.post("/proveedores")
@roles_required(*REGISTRY_EDITORS)
def add() -> ResponseReturnValue:
    data, rut_text = _posted(), request.form.get("rut", "").strip()
    try:
        with context.system().db.writing() as s:
            view = providers.add_provider(
                s,
                rut_text,
                data["legal_name"],
                context.now(),
                data["trade_name"],
                data["market"],
                data["email"] or None,
                data["digital"],
            )
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        values = {**data, "rut": rut_text, "medio": request.form.get("medio", "")}
        return _registry({e.field: e.message for e in err.errors}, values, 422)
    flash(f"Proveedor {view.display_rut} {view.legal_name} agregado ({view.medium_label}).", "success")
    return redirect(url_for("providers.edit", rut=view.rut))


def _edit_page(
    rut: str, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        company = providers.get_provider(s, rut)
        accounts = providers.portal_accounts(s, company.rut)
        markets = providers.known_markets(s)
    shown = {
        "legal_name": company.legal_name,
        "trade_name": company.trade_name,
        "market": company.market,
        "email": company.email or "",
        "medio": "digital" if company.digital else "carta",
        **(values or {}),
    }
    body = render_template(
        "providers/edit.html",
        company=company,
        accounts=accounts,
        markets=markets,
        values=shown,
        errors=errors or {},
    )
    return body, status


@bp.get("/proveedores/<rut>")
@roles_required(*REGISTRY_EDITORS)
def edit(rut: str) -> ResponseReturnValue:
    return _edit_page(rut)


@bp.post("/proveedores/<rut>")
@roles_required(*REGISTRY_EDITORS)
def update(rut: str) -> ResponseReturnValue:
    data = _posted()
    try:
        with context.system().db.writing() as s:
            view = providers.update_provider(s, rut, data, current_actor().username, context.now())
            accounts = providers.portal_accounts(s, view.rut)
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        values = {**data, "medio": request.form.get("medio", "")}
        return _edit_page(rut, {e.field: e.message for e in err.errors}, values, 422)
    flash(f"Proveedor {view.display_rut} {view.legal_name} actualizado ({view.medium_label}).", "success")
    if accounts and not view.digital:
        flash(providers.LETTER_WITH_ACCOUNTS.format(accounts=accounts), "warning")
    return redirect(url_for("providers.index", q=view.rut))
