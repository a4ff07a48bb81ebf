"""The consumer's verdict page: ¿se resolvió su problema? (sí / en parte / no), a rating 1 to 5, a comment."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import FormInvalid
from engine.services.citizens import verdict_answers, verdicts

from .. import context, formrender
from . import guard


def _verdict(token: str) -> verdicts.VerdictView | None:
    signed = guard.unsign("veredicto", token, timedelta(days=40))
    with context.system().db.reading() as s:
        if signed is not None and isinstance(signed.get("v"), int):
            return verdicts.by_id(s, signed["v"])
        return verdicts.by_token(s, token)


def _rating() -> int | None:
    text = request.form.get("nota", "").strip()
    return int(text) if text.isdigit() and len(text) == 1 else None


def page(token: str) -> ResponseReturnValue:
    """The question (GET) or its answer (POST); 404 for a link that names nothing."""
    found = _verdict(token)
    if found is None:
        abort(404)
    errors: dict[str, str] = {}
    code = 200
    if request.method == "POST" and not found.answered:
        try:
            with context.system().db.writing() as s:
                found = verdict_answers.answer(
                    s,
                    context.system().store,
                    found.id,
                    request.form.get("resuelto", ""),
                    _rating(),
                    request.form.get("comentario", "").strip(),
                    context.now(),
                )
        except FormInvalid as err:
            errors, code = formrender.errors_by_field(err), 422
    expired = not found.answered and context.now().date() > found.valid_until
    body = render_template(
        "public/verdict.html", verdict=found, errors=errors, form=request.form, expired=expired
    )
    return guard.private(Response(body, code))
