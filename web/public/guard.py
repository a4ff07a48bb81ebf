"""What every citizen page shares: signed links only their holder has (receipt, letters, verdict), the
honeypot and minimum fill time of public forms, the per-address limits, and the no-store headers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from .. import context
from ..ratelimit import RateLimiter

HONEYPOT = "sitio_web"  # a field people never see nor fill; robots do
STAMP = "desde"
RECEIPT_DAYS = 30
LETTER_HOURS = 24
TOO_FAST = "El formulario se envió demasiado rápido. Revise sus datos y vuelva a enviarlo."
REFUSED = "No pudimos recibir el formulario. Vuelva a intentarlo."
LIMITED = "Recibimos demasiadas solicitudes desde su conexión. Espere un minuto y vuelva a intentarlo."
_limiters: dict[str, RateLimiter] = {}


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=f"ventanilla-{purpose}")


def sign(purpose: str, **values: Any) -> str:
    """A link token for ``purpose`` carrying ``values`` and the instant it was issued (the app's clock)."""
    return _serializer(purpose).dumps({**values, "t": context.now().timestamp()})


def unsign(purpose: str, token: str, valid_for: timedelta) -> dict[str, Any] | None:
    """The values of a token for ``purpose`` issued less than ``valid_for`` ago; None if forged or expired."""
    try:
        values = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    if not isinstance(values, dict) or not isinstance(values.get("t"), (int, float)):
        return None
    issued = datetime.fromtimestamp(values["t"], context.now().tzinfo)
    if not issued <= context.now() < issued + valid_for:
        return None
    return values


def form_stamp() -> str:
    """The hidden field that says when the form was shown (for the minimum fill time)."""
    return sign("formulario")


def bot_problem() -> str | None:
    """Why a public form looks sent by a robot (honeypot filled, sent too fast, stamp forged), or None."""
    if request.form.get(HONEYPOT, "").strip():
        return REFUSED
    stamp = unsign("formulario", request.form.get(STAMP, ""), timedelta(hours=12))
    if stamp is None:
        return REFUSED
    shown = datetime.fromtimestamp(stamp["t"], context.now().tzinfo)
    if context.now() - shown < timedelta(seconds=float(current_app.config["PUBLIC_MIN_FILL_SECONDS"])):
        return TOO_FAST
    return None


def allowed(purpose: str) -> bool:
    """Whether this address may still use ``purpose`` (intake, status, feedback) this minute: counted in the
    database, so every process and restart shares the allowance."""
    limiter = _limiters.setdefault(
        purpose, RateLimiter(f"public-{purpose}", f"PUBLIC_{purpose.upper()}_PER_MINUTE")
    )
    return limiter.allow(request.remote_addr or "?")


def private(resp: Response) -> Response:
    """No copy of a page with personal data stays in any cache (kiosks, shared computers). CSP and the
    referrer policy come with every response (web/security.py)."""
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp
