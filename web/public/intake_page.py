"""The citizen's intake page (portal and kiosk alike): the published intake form without the fields the
server sets, the consent, the honeypot and fill time; on success, the receipt behind a signed link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.services.citizens import intake, status

from .. import context, formrender, uploads
from . import guard

NOT_FORM_FIELDS = frozenset({"csrf_token", guard.HONEYPOT, guard.STAMP, intake.CONSENT_FIELD})
KIND_OF = {"consulta": "inquiry", "reclamo": "complaint"}


def _kiosk_endpoint(name: str, library: str | None) -> str:
    return f"kiosk.{name}" if library else f"citizen.{name}"


def receipt_url(folio: str, library: str | None = None, external: bool = False) -> str:
    """The signed link to a citizen's receipt (30 days), on the portal or the kiosk it was filed at."""
    token = guard.sign("recibo", f=folio)
    if library:
        return url_for("kiosk.receipt", code=library, token=token, _external=external)
    return url_for("citizen.receipt", token=token, _external=external)


def page(
    kind: str,
    library: tuple[str, str] | None = None,
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str | None = None,
    http_status: int = 200,
) -> ResponseReturnValue:
    """The intake page for ``kind`` (inquiry or complaint), at the portal or at a library's kiosk."""
    system = context.system()
    with system.db.reading() as s:
        found = intake.public_form(s, system.store, kind)
    errors = dict(errors or {})
    options = formrender.reference_options(classification=found.classification)
    html = formrender.render_form(found.form, values or {}, errors, options, "ciudadano")
    body = render_template(
        "public/intake.html",
        kind=kind,
        kind_label=found.kind_label,
        form_html=html,
        consent_error=errors.get(intake.CONSENT_FIELD),
        consent_checked=bool(values and values.get(intake.CONSENT_FIELD)),
        problem=problem,
        stamp=guard.form_stamp(),
        library=library,
        honeypot=guard.HONEYPOT,
        companies=found.companies,
    )
    return guard.private(Response(body, http_status))


def submit(kind: str, library: tuple[str, str] | None = None) -> ResponseReturnValue:
    """File the posted form; the receipt (redirect) or the page again with each problem beside its field."""
    if not guard.allowed("intake"):
        return page(kind, library, request.form, problem=guard.LIMITED, http_status=429)
    posted = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in NOT_FORM_FIELDS}
    shown_values = {**posted, intake.CONSENT_FIELD: request.form.get(intake.CONSENT_FIELD, "")}
    if (problem := guard.bot_problem()) is not None:
        return page(kind, library, shown_values, problem=problem, http_status=422)
    system = context.system()
    with system.db.reading() as s:
        form = intake.public_form(s, system.store, kind).form
    data, errors = formrender.parse_submission(form, posted)
    files = uploads.posted_files(form)
    code = library[0] if library else None
    try:
        if errors:
            raise FormInvalid([])
        with system.db.writing() as s:
            found = intake.file_case(
                s,
                system.store,
                {**data, "kind": kind},
                files,
                context.now(),
                consent=request.form.get(intake.CONSENT_FIELD) == "si",
                receipt_link=lambda folio: receipt_url(folio, None, external=True),
                library=code,
            )
    except FormInvalid as err:
        shown = uploads.refused_errors(form, files, data, {**formrender.errors_by_field(err), **errors})
        if request.form.get(intake.CONSENT_FIELD) != "si":
            shown.setdefault(intake.CONSENT_FIELD, intake.CONSENT_MISSING)
        return page(kind, library, shown_values, shown, "Revise los campos marcados.", 422)
    return redirect(receipt_url(found.folio, code), 303)


def receipt_page(token: str, library: tuple[str, str] | None = None) -> ResponseReturnValue:
    """The receipt behind its signed link (404 when forged or expired: it reveals nothing)."""
    values = guard.unsign("recibo", token, timedelta(days=guard.RECEIPT_DAYS))
    if values is None:
        abort(404)
    with context.system().db.reading() as s:
        found = intake.receipt(s, str(values.get("f", "")))
    if found is None:
        abort(404)
    body = render_template("public/receipt.html", receipt=found, token=token, library=library)
    return guard.private(Response(body))


def comprobante(token: str) -> ResponseReturnValue:
    """The comprobante (PDF, or .docx without LibreOffice) behind the receipt's signed link."""
    values = guard.unsign("recibo", token, timedelta(days=guard.RECEIPT_DAYS))
    if values is None:
        abort(404)
    with context.system().db.writing() as s:  # writing: a letter not rendered yet is rendered and kept
        name, mime, body = status.letter_file(s, str(values.get("f", "")))
    return guard.private(uploads.file_response(name, mime, body))
