"""New case from a staff channel (presencial, telefónico, escrito, buzón), with its comprobante at the end."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from engine.clock import utcnow
from engine.errors import FormInvalid
from engine.labels import CHANNELS
from engine.models import Platform
from engine.services import attachments, cases
from engine.system import System

from . import formrender, uploads
from .auth import current_actor, roles_required

bp = Blueprint("intake", __name__)
uploads.allow_uploads(bp, "intake.create")
STAFF_CHANNELS = ("in_person", "phone", "written", "mailbox")


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def _render(
    values: Mapping[str, object], errors: Mapping[str, str], status: int = 200
) -> ResponseReturnValue:
    sys_ = _system()
    with sys_.db.reading() as s:
        cat = sys_.store.latest(s)
        form = cat.form(cat.process(cases.DEFAULT_PROCESS).start_form or "")
        platforms = [(p.code, p.name) for p in s.execute(select(Platform).order_by(Platform.code)).scalars()]
    options = formrender.reference_options(platforms=platforms)
    html = formrender.render_form(form, values, errors, options, prefix="ingreso")
    channels = {code: CHANNELS[code] for code in STAFF_CHANNELS}
    return render_template("intake/new.html", form_html=html, channels=channels), status


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
    sys_ = _system()
    posted = request.form.to_dict(flat=False)
    with sys_.db.reading() as s:
        cat = sys_.store.latest(s)
        form = cat.form(cat.process(cases.DEFAULT_PROCESS).start_form or "")
    data, errors = formrender.parse_submission(form, posted)
    files = uploads.posted_files(form)
    try:
        if errors:
            raise FormInvalid([])
        with sys_.db.writing() as s:
            summary = attachments.open_case_with_files(s, sys_.store, data, files, current_actor(), utcnow())
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        shown = uploads.refused_errors(form, files, data, {**formrender.errors_by_field(err), **errors})
        return _render(posted, shown, status=422)
    flash(
        f"Caso registrado con el folio {summary.folio}. Imprima o envíe el comprobante de ingreso.", "success"
    )
    return redirect(url_for("cases.show", folio=summary.folio))
