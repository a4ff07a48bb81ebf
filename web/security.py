"""Security headers on every response (pages, API, errors, static files): a CSP without inline scripts,
no framing, no MIME sniffing, a strict referrer, HSTS over HTTPS, and no caching of personal data."""

from __future__ import annotations

from flask import Flask, Response, request

# Scripts only from our own files (web/static, the npm assets): no inline <script>, no on* handlers, no eval.
# Styles allow inline attributes: bpmn-js and the properties panel set them on the elements they draw.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
# Files that carry no personal data and may be cached by the browser (their own Cache-Control stays).
CACHEABLE = frozenset({"static", "assets.vendor"})
# Waitress's identity: empty, so no "Server: waitress" banner (web/cli/run.py and the tests' live server).
SERVER_IDENT = ""


def _secure_headers(resp: Response) -> Response:
    for name, value in HEADERS.items():
        resp.headers.setdefault(name, value)
    if request.is_secure:
        resp.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in CACHEABLE:
        # Staff pages, case JSON, letters: nothing stays in a shared (kiosk) browser's cache or a proxy.
        resp.headers["Cache-Control"] = NO_STORE
        resp.headers.pop("Expires", None)
    resp.headers.pop("Server", None)
    return resp


def init_app(app: Flask) -> None:
    """Add the headers to every response the app makes, errors included."""
    app.after_request(_secure_headers)
