"""Every route's response carries the security headers — pages, API, errors, static files — whoever asks:
a CSP without inline scripts, no framing, nosniff, a referrer policy, no-store on everything but static
files, HSTS over HTTPS, and no Server banner on the real server."""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import bearer
from tests.web.routes import routes
from tests.web.test_auth__login import sign_in

PASSWORD = "clave-segura-1"
STATIC = {"static", "assets.vendor"}


def _check(resp: TestResponse | requests.Response, what: str, endpoint: str = "") -> None:
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, what
    assert re.search(r"script-src 'self'(;|$)", csp), what  # no 'unsafe-inline', no 'unsafe-eval'
    assert h.get("X-Frame-Options") == "DENY", what
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy") == "same-origin", what
    assert "Server" not in h, what
    if endpoint not in STATIC:
        assert h.get("Cache-Control") == "no-store", what


@pytest.mark.parametrize("who", ["anonymous", "eje13", "analista"])
def test_every_route_carries_the_security_headers(app: Flask, tokens: dict[str, str], who: str) -> None:
    client = app.test_client()
    if who != "anonymous":
        sign_in(client, who, PASSWORD)
    headers = bearer(tokens[who]) if who != "anonymous" else {}
    seen = 0
    for route in routes(app, {"folio": "2024-0000001", "task_id": "no-existe", "doc_id": 1}):
        resp = client.open(route.url, method=route.method, headers=headers)
        _check(resp, f"{route.method} {route.url} → {resp.status_code}", route.endpoint)
        seen += 1
    assert seen > 80  # the whole map, not a handful
    for path in ("/no-existe", "/api/v1/no-existe"):
        _check(client.get(path), path)


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/ingresar").headers
    secure = client.get("/ingresar", base_url="https://ventanilla.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_real_server_announces_no_server(live_server: str) -> None:
    for path in ("/ingresar", "/api/v1/health", "/no-existe", "/static/ventanilla.css"):
        resp = requests.get(live_server + path, timeout=30)
        assert "Server" not in resp.headers and "waitress" not in str(resp.headers).lower(), path
        _check(resp, path, "static" if path.startswith("/static/") else "")


def test_pages_have_no_inline_scripts(client: FlaskClient) -> None:
    """What the CSP would block must not be there: every <script> has a src, no on* handler."""
    sign_in(client, "analista", PASSWORD)
    for path in ("/ingresar", "/taller", "/taller/procesos/caso", "/taller/formularios/visacion", "/estado"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"\son[a-z]+\s*=", page), path
