"""SONI for staff: register an opinion received by phone, in person, in writing or in a mailbox (buzón),
and the SONI reports (``/soni``) by region (supervisors, regional directors) or for the country."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.services.citizens import feedback, soni_reports
from engine.services.intake_options import intake_options

from .. import context, formrender
from ..auth import current_actor, roles_required
from .roles import INTAKE_ROLES

bp = Blueprint("soni", __name__)
REPORT_ROLES = ("supervisor", "abogado", "director_regional", "nivel_central")
CHANNEL_LABELS = {"phone": "Telefónico", "in_person": "Presencial", "mailbox": "Buzón", "written": "Escrito"}


def _new_page(
    values: Mapping[str, object], errors: Mapping[str, str], status: int = 200
) -> ResponseReturnValue:
    system = context.system()
    with system.db.reading() as s:
        form = feedback.form(s, system.store, public=False)
        found = intake_options(s, system.store, feedback.PROCESS)
    options = formrender.reference_options(platforms=found.platforms if found else ())
    html = formrender.render_form(form, values, errors, options, "soni")
    return render_template("soni/new.html", form_html=html), status


@bp.get("/soni/nuevo")
@roles_required(*INTAKE_ROLES)
def new() -> ResponseReturnValue:
    actor = current_actor()
    return _new_page({"channel": "phone", "platform": actor.platform_code or ""}, {})


@bp.post("/soni/nuevo")
@roles_required(*INTAKE_ROLES)
def create() -> ResponseReturnValue:
    system = context.system()
    posted = {k: v for k, v in request.form.to_dict(flat=False).items() if k != "csrf_token"}
    with system.db.reading() as s:
        form = feedback.form(s, system.store, public=False)
    data, errors = formrender.parse_submission(form, posted)
    channel = str(data.get("channel", ""))
    if channel not in CHANNEL_LABELS:
        errors.setdefault(
            "channel", "Elija el canal por el que llegó: teléfono, presencial, buzón o escrito."
        )
    try:
        if errors:
            raise FormInvalid([])
        with system.db.writing() as s:
            done = feedback.register(s, system.store, data, current_actor(), channel, context.now())
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        return _new_page(posted, {**formrender.errors_by_field(err), **errors}, 422)
    flash(f"Opinión registrada con el folio {done.folio}.", "success")
    return redirect(url_for("cases.show", folio=done.folio))


def _date(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return default


@bp.get("/soni")
@roles_required(*REPORT_ROLES)
def report() -> ResponseReturnValue:
    today = context.now().date()
    start, end = _date("desde", today - timedelta(days=90)), _date("hasta", today)
    typed = request.args.get("tipo", "")
    kind = typed if typed in feedback.TYPES else None
    folio = request.args.get("folio", "").strip()[:20] or None
    with context.system().db.reading() as s:
        found = soni_reports.soni_report(s, current_actor(), start, end, context.now(), kind, folio)
    return render_template(
        "soni/report.html",
        report=found,
        start=start,
        end=end,
        kind=kind or "",
        folio=folio or "",
        types=feedback.TYPES,
    )
