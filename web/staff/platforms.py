"""The platform registry pages (``/plataformas``): a region's platforms, add, edit, attach the convenio,
deactivate (asking where the open cases go). Platform administrators manage their region; nivel central
reads every region."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FieldError, FormInvalid
from engine.services.network import platform_closure, platforms
from engine.services.network.platform_fields import CREATABLE, KINDS

from .. import context
from ..auth import current_actor, roles_required
from ..uploads import allow_uploads, file_response, read_upload
from .roles import NETWORK_ADMINS, NETWORK_READERS

bp = Blueprint("platforms", __name__)
FIELDS = ("name", "kind", "comuna_code", "address", "manager_name", "email", "phone", "agreement_on")
FIELDS_MORE = ("online", "active_from", "active_to")
allow_uploads(bp, "platforms.agreement")
KIND_OPTIONS = [(code, KINDS[code]) for code in CREATABLE]


def _kind_options(kind: str) -> list[tuple[str, str]]:
    """A Dirección Regional stays one; the other kinds are interchangeable."""
    return [(kind, KINDS[kind])] if kind == "regional_office" else KIND_OPTIONS


def _posted() -> dict[str, Any]:
    return {name: request.form.get(name, "") for name in (*FIELDS, *FIELDS_MORE)}


def _errors(err: FormInvalid) -> dict[str, str]:
    flash("Revise los campos marcados.", "error")
    return {e.field: e.message for e in err.errors}


def _index(errors: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        found = platforms.registry(s, current_actor(), context.now(), request.args.get("region"))
    page = render_template(
        "platforms/index.html",
        registry=found,
        kind_options=KIND_OPTIONS,
        errors=errors or {},
        values=values or {"online": "en_linea", "kind": "municipal"},
    )
    return page, 422 if errors else 200


@bp.get("/plataformas")
@roles_required(*NETWORK_READERS)
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/plataformas")
@roles_required(*NETWORK_ADMINS)
def add() -> ResponseReturnValue:
    data = _posted()
    try:
        with context.system().db.writing() as s:
            view = platforms.create_platform(s, data, current_actor(), context.now())
    except FormInvalid as err:
        return _index(_errors(err), data)
    flash(f"Plataforma {view.name} ({view.code}) creada.", "success")
    return redirect(url_for("platforms.show", code=view.code))


def _show(
    code: str,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    ask_destination: int = 0,
    status: int = 200,
) -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.reading() as s:
        view = platforms.get_platform(s, code, actor, context.now())
        region = platforms.registry(s, actor, context.now(), view.region_code)
    shown = {name: getattr(view, name) for name in (*FIELDS, "active_from", "active_to")}
    shown["online"] = "en_linea" if view.online else "manual"
    destinations = [p for p in region.platforms if p.active and p.code != code]
    page = render_template(
        "platforms/show.html",
        platform=view,
        registry=region,
        kind_options=_kind_options(view.kind),
        values={**shown, **(values or {})},
        errors=errors or {},
        ask_destination=ask_destination,
        destinations=destinations,
    )
    return page, status


@bp.get("/plataformas/<code>")
@roles_required(*NETWORK_READERS)
def show(code: str) -> ResponseReturnValue:
    return _show(code)


@bp.post("/plataformas/<code>")
@roles_required(*NETWORK_ADMINS)
def update(code: str) -> ResponseReturnValue:
    data = _posted()
    try:
        with context.system().db.writing() as s:
            view = platforms.update_platform(s, code, data, current_actor(), context.now())
    except FormInvalid as err:
        return _show(code, _errors(err), data, status=422)
    flash(f"Plataforma {view.name} actualizada.", "success")
    return redirect(url_for("platforms.show", code=code))


@bp.post("/plataformas/<code>/convenio")
@roles_required(*NETWORK_ADMINS)
def agreement(code: str) -> ResponseReturnValue:
    chosen = request.files.get("agreement_file")
    upload = read_upload(chosen) if chosen is not None and chosen.filename else None
    try:
        with context.system().db.writing() as s:
            if upload is None:
                raise FormInvalid([FieldError("agreement_file", "Elija el PDF del convenio.")])
            platforms.attach_agreement(s, code, upload.filename, upload.body, current_actor(), context.now())
    except FormInvalid as err:
        return _show(code, _errors(err), status=422)
    flash("Convenio adjuntado.", "success")
    return redirect(url_for("platforms.show", code=code))


@bp.get("/plataformas/<code>/convenio.pdf")
@roles_required(*NETWORK_READERS)
def agreement_download(code: str) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        name, body = platforms.agreement_file(s, code, current_actor())
    return file_response(name, "application/pdf", body)


@bp.post("/plataformas/<code>/desactivar")
@roles_required(*NETWORK_ADMINS)
def deactivate(code: str) -> ResponseReturnValue:
    to_platform = request.form.get("to_platform", "").strip() or None
    system = context.system()
    try:
        with system.db.writing() as s:
            done = platform_closure.deactivate_platform(
                s,
                system.store,
                code,
                current_actor(),
                context.now(),
                to_platform,
                request.form.get("reason", ""),
            )
    except platform_closure.PlatformHasOpenCases as err:
        flash(
            f"La plataforma tiene {err.count} caso(s) abierto(s): indique a qué plataforma pasan.", "warning"
        )
        return _show(code, ask_destination=err.count, status=409)
    except FormInvalid as err:
        return _show(code, _errors(err), ask_destination=1, status=422)
    moved = f" {len(done.moved)} caso(s) traspasado(s) a {to_platform}." if done.moved else ""
    flash(f"Plataforma {done.platform.name} desactivada.{moved}", "success")
    return redirect(url_for("platforms.show", code=code))
