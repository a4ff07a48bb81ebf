"""API v1 routes of derivation: agency callbacks (signed), incidents and "reintentar ahora"."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError

from engine.errors import Conflict
from engine.services import derivation_callbacks, derivation_outbox, users

from .api import _actor, _json, _system, bp


def _now() -> datetime:
    return current_app.config["CLOCK"]()  # type: ignore[no-any-return]


def _token_user() -> str | None:
    """The integrator account behind a bearer token, when the agency calls back with one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with _system().db.reading() as s:
        user = users.user_for_token(s, token.strip())
        return user.username if user.role == "integrador" else None


@bp.post("/v1/derivations/<derivation_id>/events")
def derivation_event(derivation_id: str) -> Response:
    """An agency's acknowledgement or answer. 200 accepted or already received (same event id); 400, 401,
    404, 409 as problem+json and nothing changes."""
    body = request.get_data(cache=False)
    signature = request.headers.get(derivation_outbox.SIGNATURE_HEADER)
    token_user = None if signature is not None else _token_user()
    for attempt in (1, 2):  # a concurrent duplicate loses on the unique event id: look again, once
        try:
            with _system().db.writing() as s:
                result = derivation_callbacks.receive_event(
                    s, _system().store, derivation_id, body, signature, token_user, _now()
                )
            return _json(result)
        except (IntegrityError, Conflict):
            if attempt == 2:
                raise
            continue
    raise AssertionError("unreachable")


@bp.get("/v1/derivations/incidents")
def derivation_incidents() -> Response:
    """Derivations that could not be sent after every attempt (supervisors: their region)."""
    actor = _actor()
    with _system().db.reading() as s:
        return _json({"incidents": derivation_outbox.list_incidents(s, actor)})


@bp.post("/v1/derivations/deliveries/<id:delivery_id>/retry")
def retry_delivery(delivery_id: int) -> Response:
    """Reintentar ahora: the failed delivery goes back to the queue and is sent at once."""
    actor = _actor()
    now = _now()
    with _system().db.writing() as s:
        derivation_outbox.retry_now(s, delivery_id, actor, now)
    sent = derivation_outbox.send_one(_system().db, delivery_id, now, outbox_settings())
    return _json({"delivery_id": delivery_id, "sent": bool(sent)})


def outbox_settings() -> derivation_outbox.OutboxSettings:
    """The app's outbox settings (tests inject them; production reads the environment)."""
    configured = current_app.config.get("OUTBOX_SETTINGS")
    return configured or derivation_outbox.OutboxSettings.from_env()
