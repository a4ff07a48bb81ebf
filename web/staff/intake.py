"""New case from a staff channel (presencial, telefónico, escrito, buzón), with its comprobante at the end;
also a request to any other published process with an intake form (``?proceso=mesa_ayuda``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.forms import Form
from engine.labels import CHANNELS
from engine.services import attachments, cases, consumers, intake_options

from .. import context, formrender, uploads
from ..auth import current_actor, roles_required
from .roles import INTAKE_ROLES

bp = Blueprint("intake", __name__)
uploads.allow_uploads(bp, "intake.create")
STAFF_CHANNELS = ("in_person", "phone", "written", "mailbox")


def _process_id() -> str:
    return (request.values.get("proceso") or cases.DEFAULT_PROCESS).strip()[:120]


def _render(
    values: Mapping[str, object], errors: Mapping[str, str], status: int = 200
) -> ResponseReturnValue:
    """The intake page; 404 for a process that does not exist or takes no intake."""
    system = context.system()
    with system.db.reading() as s:
        found = intake_options.intake_options(s, system.store, _process_id())
    if found is None:
        abort(404)
    options = formrender.reference_options(platforms=found.platforms, classification=found.classification)
    html = formrender.render_form(found.form, values, errors, options, prefix="ingreso")
    channels = {code: CHANNELS[code] for code in STAFF_CHANNELS}
    return render_template(
        "intake/new.html",
        form_html=html,
        channels=channels if "channel" in found.form.schema.get("properties", {}) else {},
        process_id=found.process_id,
        title=found.process_name if found.is_other else "Registrar un caso",
        others=found.others,
    ), status


@bp.get("/casos/nuevo")
@roles_required(*INTAKE_ROLES)
def new() -> ResponseReturnValue:
    actor = current_actor()
    channel = request.args.get("canal", "in_person")
    defaults: dict[str, object] = {
        "channel": channel if channel in STAFF_CHANNELS else "in_person",
        "platform": actor.platform_code or "",
    }
    if actor.platform_code == "CC":
        defaults.update(channel="phone", kind="inquiry")
    return _render(defaults, {})


def _form(process_id: str) -> Form:
    system = context.system()
    with system.db.reading() as s:
        form = intake_options.intake_form(s, system.store, process_id)
    if form is None:
        abort(404)
    return form


@bp.post("/casos/nuevo")
@roles_required(*INTAKE_ROLES)
def create() -> ResponseReturnValue:
    system, process_id = context.system(), _process_id()
    posted = {k: v for k, v in request.form.to_dict(flat=False).items() if k != "proceso"}
    form = _form(process_id)
    data, errors = formrender.parse_submission(form, posted)
    files = uploads.posted_files(form)
    try:
        if errors:
            raise FormInvalid([])
        with system.db.writing() as s:
            summary = attachments.open_case_with_files(
                s, system.store, data, files, current_actor(), context.now(), process_id=process_id
            )
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        shown = uploads.refused_errors(form, files, data, {**formrender.errors_by_field(err), **errors})
        return _render(posted, shown, status=422)
    if "kind" in form.schema.get("properties", {}):  # a consumer case: its comprobante is on the case
        flash(
            f"Caso registrado con el folio {summary.folio}. Imprima o envíe el comprobante de ingreso.",
            "success",
        )
    else:
        flash(f"Solicitud registrada con el folio {summary.folio}.", "success")
    return redirect(url_for("cases.show", folio=summary.folio))


@bp.get("/casos/nuevo/consumidor")
@roles_required(*INTAKE_ROLES)
def consumer() -> ResponseReturnValue:
    """JSON for the intake page: the record and previous cases of a RUT (links only to cases in scope)."""
    system = context.system()
    with system.db.reading() as s:
        found = consumers.known_consumer(s, request.args.get("rut", "")[:20], current_actor())
    body = dataclasses.asdict(found)
    body["cases"] = [
        {
            **dataclasses.asdict(c),
            "opened_on": c.opened_on.strftime("%d-%m-%Y"),
            "open": c.open,
            "url": url_for("cases.show", folio=c.folio) if c.in_scope else None,
        }
        for c in found.cases
    ]
    return jsonify(body)


@bp.get("/casos/nuevo/proveedores")
@roles_required(*INTAKE_ROLES)
def providers() -> ResponseReturnValue:
    """JSON for the intake page: registered companies whose RUT or name starts with ``q``."""
    system = context.system()
    with system.db.reading() as s:
        found = consumers.suggest_providers(s, request.args.get("q", "")[:80])
    return jsonify({"providers": [dataclasses.asdict(p) for p in found]})
