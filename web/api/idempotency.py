"""``Idempotency-Key`` on the API's creating endpoints (every POST answering 201): the same key with the
same request replays the first response (``Idempotent-Replayed: true``); with another request, a 422
problem. Kept 24 hours (engine/services/idempotency.py). A view that creates inside its transaction calls
``remember(s, response)`` there, so the key is stored with what it created or not at all; otherwise the
response is kept right after the view."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, g, request
from pydantic import BaseModel, Field

from engine.services import idempotency

from .. import context
from .contract import BadRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
ATTR = "__idempotent__"
View = Callable[..., Response]


class KeyHeader(BaseModel):
    """The header, as the OpenAPI document shows it."""

    key: str | None = Field(
        None,
        alias="Idempotency-Key",  # HEADER
        pattern=KEY_PATTERN,
        description="clave única de esta solicitud (p. ej. un UUID): reintentar con la misma clave y el "
        "mismo cuerpo devuelve la misma respuesta (el mismo folio) durante 24 horas, sin crear nada nuevo",
    )


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (1 <= len(key) <= idempotency.MAX_KEY and key.isascii() and key.isprintable() and " " not in key):
        raise BadRequest(f"{HEADER} debe tener de 1 a 200 caracteres ASCII visibles")
    return key


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(kept: idempotency.Response) -> Response:
    resp = Response(kept.body, status=kept.status, content_type=kept.content_type)
    if kept.location:
        resp.headers["Location"] = kept.location
    resp.headers[REPLAYED] = "true"
    return resp


def _kept(resp: Response) -> idempotency.Response:
    body = resp.get_data(as_text=True)
    return idempotency.Response(resp.status_code, body, resp.content_type or "", resp.headers.get("Location"))


def remember(s: Any, resp: Response) -> None:
    """Inside the view's write transaction: keep ``resp`` under the request's key (if it has one)."""
    claim = g.get("idempotency")
    if claim is None:
        return
    owner, key, fingerprint = claim
    idempotency.remember(s, owner, key, fingerprint, _kept(resp), context.now())
    g.idempotency_kept = True


def idempotent(view: View) -> View:
    """Put it below ``@operation`` (the view receives ``actor``): replay, refuse or keep by the key."""

    @functools.wraps(view)
    def run(**kwargs: Any) -> Response:
        key = _key()
        if key is None:
            return view(**kwargs)
        actor = kwargs.get("actor")  # a public endpoint has none: the key is the caller's address's
        owner = actor.username if actor is not None else f"publico:{request.remote_addr or '?'}"
        fingerprint, db = _fingerprint(), context.system().db
        with db.reading() as s:
            kept = idempotency.find(s, owner, key, fingerprint, context.now())
        if kept is not None:
            return _replay(kept)
        g.idempotency = (owner, key, fingerprint)
        resp = view(**kwargs)
        if 200 <= resp.status_code < 300 and not g.get("idempotency_kept"):
            with db.writing() as s:
                idempotency.remember(s, owner, key, fingerprint, _kept(resp), context.now())
        return resp

    setattr(run, ATTR, True)
    return run


def is_idempotent(view: Callable[..., Any]) -> bool:
    """Whether a view (under its @operation) takes an Idempotency-Key."""
    inner = getattr(view, "__wrapped__", None)
    return bool(getattr(view, ATTR, False) or (inner is not None and getattr(inner, ATTR, False)))
