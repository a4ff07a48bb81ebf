"""New case from a staff channel (presencial, telefónico, escrito, buzón), with its comprobante at the end;
also a request to any other published process with an intake form (``?proceso=mesa_ayuda``)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from engine.catalog import Catalog
from engine.clock import utcnow
from engine.errors import FormInvalid
from engine.forms import Form
from engine.labels import CHANNELS, KINDS
from engine.models import Platform
from engine.services import attachments, cases
from engine.system import System

from .. import formrender, uploads
from ..auth import current_actor, roles_required

bp = Blueprint("intake", __name__)
uploads.allow_uploads(bp, "intake.create")
STAFF_CHANNELS = ("in_person", "phone", "written", "mailbox")


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _process_id() -> str:
    return (request.values.get("proceso") or cases.DEFAULT_PROCESS).strip()[:120]


def _intake_form(cat: Catalog, process_id: str) -> Form:
    """The published process's intake form; 404 for a process that does not exist or takes no intake."""
    proc = cat.processes.get(process_id)
    if proc is None or not proc.start_form or proc.start_form not in cat.forms:
        abort(404)
    return cat.form(proc.start_form)


def _render(
    values: Mapping[str, object], errors: Mapping[str, str], status: int = 200
) -> ResponseReturnValue:
    sys_, process_id = _system(), _process_id()
    with sys_.db.reading() as s:
        cat = sys_.store.latest(s)
        form = _intake_form(cat, process_id)
        platforms = [(p.code, p.name) for p in s.execute(select(Platform).order_by(Platform.code)).scalars()]
    options = formrender.reference_options(platforms=platforms)
    html = formrender.render_form(form, values, errors, options, prefix="ingreso")
    channels = {code: CHANNELS[code] for code in STAFF_CHANNELS}
    others = {pid: name for pid, name in cases.kind_labels(cat).items() if pid not in KINDS}
    return render_template(
        "intake/new.html",
        form_html=html,
        channels=channels if "channel" in form.schema.get("properties", {}) else {},
        process_id=process_id,
        title=cat.processes[process_id].name if process_id in others else "Registrar un caso",
        others=others,
    ), status


@bp.get("/casos/nuevo")
@roles_required("ejecutivo", "supervisor", "abogado")
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


@bp.post("/casos/nuevo")
@roles_required("ejecutivo", "supervisor", "abogado")
def create() -> ResponseReturnValue:
    sys_, process_id = _system(), _process_id()
    posted = {k: v for k, v in request.form.to_dict(flat=False).items() if k != "proceso"}
    with sys_.db.reading() as s:
        form = _intake_form(sys_.store.latest(s), process_id)
    data, errors = formrender.parse_submission(form, posted)
    files = uploads.posted_files(form)
    try:
        if errors:
            raise FormInvalid([])
        with sys_.db.writing() as s:
            summary = attachments.open_case_with_files(
                s, sys_.store, data, files, current_actor(), utcnow(), process_id=process_id
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
