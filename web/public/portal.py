"""The citizen's portal: what the service does, file a consulta or reclamo, the receipt, estado de su caso,
and the letters addressed to the citizen (signed links)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import CaseNotFound
from engine.services.citizens import status

from .. import context, uploads
from . import guard, intake_page, opinion, verdict_page

bp = Blueprint("citizen", __name__)
uploads.allow_uploads(bp, "citizen.file_inquiry", "citizen.file_complaint", "kiosk.file_case")
NOT_FOUND = "No encontramos un caso con ese folio y RUT. Revise ambos datos e intente de nuevo."


@bp.get("/portal")
def index() -> ResponseReturnValue:
    """The public start page: what we do, where we are, and the four actions."""
    return render_template("public/portal.html")


@bp.get("/portal/consulta")
def inquiry() -> ResponseReturnValue:
    return intake_page.page("inquiry")


@bp.post("/portal/consulta")
def file_inquiry() -> ResponseReturnValue:
    return intake_page.submit("inquiry")


@bp.get("/portal/reclamo")
def complaint() -> ResponseReturnValue:
    return intake_page.page("complaint")


@bp.post("/portal/reclamo")
def file_complaint() -> ResponseReturnValue:
    return intake_page.submit("complaint")


@bp.get("/portal/recibo/<token>")
def receipt(token: str) -> ResponseReturnValue:
    return intake_page.receipt_page(token)


@bp.get("/portal/comprobante/<token>")
def comprobante(token: str) -> ResponseReturnValue:
    return intake_page.comprobante(token)


def status_page(library: tuple[str, str] | None = None) -> ResponseReturnValue:
    """Estado de su caso: the form (GET) and its answer (POST: folio and RUT never travel in a URL)."""
    folio, rut = request.form.get("folio", "").strip(), request.form.get("rut", "").strip()
    result, problem, code = None, None, 200
    if request.method == "POST":
        if not guard.allowed("status"):
            problem, code = guard.LIMITED, 429
        elif not folio or not rut:
            problem, code = "Indique su folio y su RUT.", 422
        else:
            try:
                with context.system().db.writing() as s:  # writing: the lookup is logged on the case
                    result = status.case_status(s, folio[:40], rut[:20], context.now())
            except CaseNotFound:
                problem, code = NOT_FOUND, 404
    letters = {}
    if result is not None:
        letters = {letter.id: guard.sign("carta", f=result.folio, d=letter.id) for letter in result.letters}
    verdict_token = None
    if result is not None and result.verdict_id is not None:
        verdict_token = guard.sign("veredicto", v=result.verdict_id)
    body = render_template(
        "public/status.html",
        verdict_token=verdict_token,
        folio=folio,
        rut=rut,
        result=result,
        problem=problem,
        letters=letters,
        library=library,
    )
    return guard.private(Response(body, code))


@bp.route("/portal/estado", methods=["GET", "POST"])
def lookup() -> ResponseReturnValue:
    return status_page()


@bp.get("/portal/carta/<token>")
def letter(token: str) -> ResponseReturnValue:
    """A letter addressed to the citizen, behind the signed link the status page gave (valid one day)."""
    values = guard.unsign("carta", token, timedelta(hours=guard.LETTER_HOURS))
    if values is None or not isinstance(values.get("d"), int):
        abort(404)
    with context.system().db.writing() as s:
        name, mime, body = status.letter_file(s, str(values.get("f", "")), values["d"])
    return guard.private(uploads.file_response(name, mime, body))


@bp.get("/portal/opinion")
def opinion_form() -> ResponseReturnValue:
    return opinion.page()


@bp.post("/portal/opinion")
def opinion_send() -> ResponseReturnValue:
    return opinion.submit()


@bp.route("/portal/veredicto/<token>", methods=["GET", "POST"])
def verdict(token: str) -> ResponseReturnValue:
    """¿Se resolvió su problema? (the e-mailed link, or the estado page's signed one)."""
    return verdict_page.page(token)
