"""The provider portal: a company without IT sees the reclamos forwarded to it and answers them in the
browser (session sign-in like the staff, CSRF, works without JavaScript). Scoped on the server."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import deadlines
from engine.errors import Conflict, FormInvalid
from engine.forms import Form
from engine.services import mediation
from engine.services.citizens import company_notice

from .. import context, formrender, uploads
from ..auth import current_actor, roles_required

bp = Blueprint("portal", __name__, url_prefix="/empresa")
uploads.allow_uploads(bp, "portal.answer")
RESULTS = {"acoge": "Acoge", "acoge_parcialmente": "Acoge parcialmente", "no_acoge": "No acoge"}


@bp.get("/reclamos")
@roles_required("proveedor")
def index() -> str:
    """The company's reclamos: pending ones first with their due dates, then the answered and closed."""
    actor = current_actor()
    with context.system().db.reading() as s:
        found = mediation.list_complaints(s, actor)
        figures = company_notice.figures(s, actor.provider_rut or "")
    today = deadlines.local_date(context.now())
    return render_template("portal/index.html", complaints=found, today=today, figures=figures)


def _page(
    folio: str, values: Any = None, errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    """The complaint with the answer form while it waits (``values``/``errors`` re-show a refused one)."""
    with context.system().db.reading() as s:
        view = mediation.get_complaint(s, folio, current_actor())
        form = mediation.answer_form(s, context.system().store, folio, current_actor())
    html = None
    if view.answerable:
        html = formrender.render_form(form, values or {}, errors or {}, formrender.reference_options())
    body = render_template("portal/show.html", c=view, form_html=html, results=RESULTS)
    return body, status


@bp.get("/reclamos/<folio>")
@roles_required("proveedor")
def show(folio: str) -> ResponseReturnValue:
    return _page(folio)


def _form(folio: str) -> Form:
    with context.system().db.reading() as s:
        return mediation.answer_form(s, context.system().store, folio, current_actor())


@bp.post("/reclamos/<folio>")
@roles_required("proveedor")
def answer(folio: str) -> ResponseReturnValue:
    """The answer form; refused input comes back beside the fields and nothing is stored."""
    form = _form(folio)
    posted = request.form.to_dict(flat=False)
    data, parse_errors = formrender.parse_submission(form, posted)
    files = uploads.posted_files(form)
    try:
        if parse_errors:
            raise FormInvalid([])
        with context.system().db.writing() as s:
            mediation.answer_complaint(
                s, context.system().store, folio, data, files, current_actor(), context.now()
            )
    except FormInvalid as err:
        errors = {**formrender.errors_by_field(err), **parse_errors}
        errors = uploads.refused_errors(form, files, data, errors)
        flash("Revise los campos marcados.", "error")
        return _page(folio, posted, errors, status=422)
    except Conflict as err:  # answered already, no longer waiting, or another answer won the race
        flash(err.detail[:1].upper() + err.detail[1:] + ".", "warning")
        return redirect(url_for("portal.show", folio=folio))
    flash(f"Respuesta enviada. El reclamo {folio} sigue su curso con la ventanilla.", "success")
    return redirect(url_for("portal.show", folio=folio))
