"""SONI for the public: ``/portal/opinion`` (the process's published intake form without the channel)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.services.citizens import feedback, intake
from engine.services.intake_options import intake_options

from .. import context, formrender
from . import guard

NOT_FORM_FIELDS = frozenset({"csrf_token", guard.HONEYPOT, guard.STAMP})


def page(
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str | None = None,
    done: feedback.FeedbackReceipt | None = None,
    http_status: int = 200,
) -> ResponseReturnValue:
    """The opinion form, or what became of it (its folio and plazo)."""
    system = context.system()
    with system.db.reading() as s:
        form = feedback.form(s, system.store, public=True)
        found = intake_options(s, system.store, feedback.PROCESS)
    platforms = found.platforms if found else ()
    options = formrender.reference_options(platforms=platforms)
    html = formrender.render_form(form, values or {}, errors or {}, options, "opinion")
    body = render_template(
        "public/opinion.html",
        form_html=html,
        problem=problem,
        done=done,
        stamp=guard.form_stamp(),
        honeypot=guard.HONEYPOT,
        library=None,
    )
    return guard.private(Response(body, http_status))


def submit() -> ResponseReturnValue:
    """Open the SONI case, or show the form again with each problem beside its field."""
    posted = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in NOT_FORM_FIELDS}
    if not guard.allowed("feedback"):
        return page(posted, problem=guard.LIMITED, http_status=429)
    if (problem := guard.bot_problem()) is not None:
        return page(posted, problem=problem, http_status=422)
    system = context.system()
    with system.db.reading() as s:
        form = feedback.form(s, system.store, public=True)
    data, errors = formrender.parse_submission(form, posted)
    try:
        if errors:
            raise FormInvalid([])
        with system.db.writing() as s:
            done = feedback.register(s, system.store, data, intake.CITIZEN, "web", context.now())
    except FormInvalid as err:
        shown = {**formrender.errors_by_field(err), **errors}
        return page(posted, shown, "Revise los campos marcados.", http_status=422)
    return page(done=done, http_status=201)
