"""Pages of derivation: the agency registry (integrators and admins) and the incidents of sending (supervisors
and integrators) with "reintentar ahora". The case page reads a case's derivations through casepage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import EngineError, FormInvalid
from engine.services import agencies, derivation_changes, derivation_outbox

from .. import context
from ..auth import current_actor, roles_required
from .roles import CASE_HANDLERS, INCIDENT_ROLES, REGISTRY_EDITORS

bp = Blueprint("derivations", __name__)
FIELDS = (
    "name",
    "channel",
    "endpoint_url",
    "contact_email",
    "markets",
    "keywords",
    "ack_days",
    "answer_days",
)
FIELDS_MORE = ("process", "account")


def _posted() -> dict[str, Any]:
    form = request.form
    data: dict[str, Any] = {k: form.get(k, "") for k in (*FIELDS, *FIELDS_MORE) if k in form}
    data["active"] = form.get("active") == "on"
    return data


def _flash_saved(saved: agencies.SavedAgency, verb: str) -> None:
    flash(f"Institución {saved.agency.code} {verb}.", "success")
    if saved.new_secret:
        flash(
            f"Secreto compartido de {saved.agency.code}: {saved.new_secret} — cópielo ahora: no se volverá a "
            "mostrar.",
            "warning",
        )


def _registry(
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        rows = agencies.list_agencies(s)
        processes = sorted(agencies.published_processes(s, context.system().store))
    body = render_template(
        "derivations/agencies.html",
        agencies=rows,
        channels=agencies.CHANNELS,
        processes=processes,
        errors=errors or {},
        values=values or {},
    )
    return body, status


@bp.get("/instituciones")
@roles_required(*REGISTRY_EDITORS)
def agency_list() -> ResponseReturnValue:
    return _registry()


@bp.post("/instituciones")
@roles_required(*REGISTRY_EDITORS)
def agency_add() -> ResponseReturnValue:
    data = {"code": request.form.get("code", ""), **_posted()}
    try:
        with context.system().db.writing() as s:
            processes = agencies.published_processes(s, context.system().store)
            saved = agencies.add_agency(s, data, processes, current_actor(), context.now())
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        return _registry({e.field: e.message for e in err.errors}, data, 422)
    _flash_saved(saved, "agregada")
    return redirect(url_for("derivations.agency_list"))


def _edit_page(
    code: str,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The agency's form: its stored values, or what was posted when it was refused (``values``)."""
    with context.system().db.reading() as s:
        agency = agencies.view(agencies.agency_row(s, code))
        processes = sorted(agencies.published_processes(s, context.system().store))
    body = render_template(
        "derivations/agency_edit.html",
        agency=agency,
        channels=agencies.CHANNELS,
        processes=processes,
        errors=errors or {},
        values=values or {},
    )
    return body, status


@bp.get("/instituciones/<code>")
@roles_required(*REGISTRY_EDITORS)
def agency_edit(code: str) -> ResponseReturnValue:
    return _edit_page(code)


@bp.post("/instituciones/<code>")
@roles_required(*REGISTRY_EDITORS)
def agency_update(code: str) -> ResponseReturnValue:
    rotate = request.form.get("rotate_secret") == "on"
    posted = _posted()
    try:
        with context.system().db.writing() as s:
            processes = agencies.published_processes(s, context.system().store)
            saved = agencies.update_agency(s, code, posted, processes, current_actor(), context.now(), rotate)
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        return _edit_page(code, {e.field: e.message for e in err.errors}, posted, 422)
    _flash_saved(saved, "actualizada")
    return redirect(url_for("derivations.agency_list"))


@bp.get("/derivaciones/incidentes")
@roles_required(*INCIDENT_ROLES)
def incidents() -> ResponseReturnValue:
    with context.system().db.reading() as s:
        rows = derivation_outbox.list_incidents(s, current_actor())
    return render_template("derivations/incidents.html", incidents=rows)


@bp.post("/derivaciones/envios/<id:delivery_id>/reintentar")
@roles_required(*INCIDENT_ROLES)
def retry(delivery_id: int) -> ResponseReturnValue:
    """Reintentar ahora: back in the queue, then one send at once (outside any case transaction)."""
    back = request.form.get("folio")
    target = url_for("cases.show", folio=back) if back else url_for("derivations.incidents")
    now = context.now()
    try:
        with context.system().db.writing() as s:
            derivation_outbox.retry_now(s, delivery_id, current_actor(), now)
    except EngineError as err:
        flash(err.detail, "error")
        return redirect(target)
    sent = derivation_outbox.send_one(context.system().db, delivery_id, now, context.outbox_settings())
    if sent:
        flash("Derivación enviada: el incidente queda resuelto.", "success")
    else:
        flash("El reintento volvió a fallar: el incidente sigue abierto.", "warning")
    return redirect(target)


def _changed(
    folio: str, change: Callable[..., derivation_changes.DerivationChanged], *args: Any
) -> ResponseReturnValue:
    """Run a change of derivation for the case page: its summary, or the refusal, as a message on the case."""
    try:
        with context.system().db.writing() as s:
            done = change(s, folio, *args, current_actor(), context.now())
    except FormInvalid as err:
        flash(" ".join(e.message for e in err.errors), "error")
    except EngineError as err:
        flash(err.detail, "error")
    else:
        flash(done.summary, "success")
    return redirect(url_for("cases.show", folio=folio) + "#t-derivaciones")


@bp.post("/casos/<folio>/derivaciones/<derivation_id>/anular")
@roles_required(*CASE_HANDLERS)
def cancel(folio: str, derivation_id: str) -> ResponseReturnValue:
    return _changed(
        folio, derivation_changes.cancel_derivation, derivation_id, request.form.get("motivo", "")
    )


@bp.post("/casos/<folio>/derivaciones/<derivation_id>/redirigir")
@roles_required(*CASE_HANDLERS)
def redirect_to(folio: str, derivation_id: str) -> ResponseReturnValue:
    data = {k: request.form.get(k, "") for k in ("agencia", "canal", "motivo")}
    return _changed(folio, derivation_changes.redirect_derivation, derivation_id, data)
