"""Development e-mail out of the box: the mail catcher (a real SMTP server on loopback) keeps what the app
sends, /correo lists it and shows each message with its attachments; in production the page does not exist.
And ``ventanilla run``'s request log: one line per request, without the query string."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import mail, mailcatcher
from tests.web.test_auth__login import sign_in
from web import requestlog


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[mailcatcher.MailCatcher]:
    running = mailcatcher.MailCatcher(tmp_path / "correo")
    running.start()
    yield running
    running.stop()


def _send(catcher: mailcatcher.MailCatcher) -> None:
    settings = mail.MailSettings(host="127.0.0.1", port=catcher.port, timeout=5)
    mail.send_mail(
        settings,
        ["ana@ejemplo.cl"],
        "Respuesta a su consulta 2026-000001",
        "Estimada Ana: le respondemos su consulta.",
        [("carta.docx", b"PK-docx-bytes", "application/octet-stream")],
    )


def test_correo_lists_and_shows_what_was_sent(
    app: Flask, client: FlaskClient, catcher: mailcatcher.MailCatcher
) -> None:
    app.config["MAIL_CATCHER_DIR"] = str(catcher.folder)
    sign_in(client, "eje13", "clave-segura-1")
    assert "Todavía no se ha enviado ningún correo" in client.get("/correo").get_data(as_text=True)
    _send(catcher)
    listing = client.get("/correo").get_data(as_text=True)
    assert "Respuesta a su consulta 2026-000001" in listing and "ana@ejemplo.cl" in listing
    mail_id = listing.split("/correo/")[1].split('"')[0]
    page = client.get(f"/correo/{mail_id}").get_data(as_text=True)
    assert "Estimada Ana: le respondemos su consulta." in page and "carta.docx" in page
    attached = client.get(f"/correo/{mail_id}/adjuntos/0")
    assert attached.data == b"PK-docx-bytes"
    assert client.get("/correo/../../etc/passwd").status_code == 404
    assert client.get(f"/correo/{mail_id}/adjuntos/5").status_code == 404


def test_correo_does_not_exist_without_the_catcher_or_in_production(
    app: Flask, client: FlaskClient, catcher: mailcatcher.MailCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "eje13", "clave-segura-1")
    assert client.get("/correo").status_code == 404  # the catcher was not started for this app
    app.config["MAIL_CATCHER_DIR"] = str(catcher.folder)
    monkeypatch.setenv("ENV", "production")
    assert client.get("/correo").status_code == 404


def test_one_log_line_per_request_without_the_query(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.wsgi_app = requestlog.wrap(app.wsgi_app)  # type: ignore[method-assign,assignment]
    with caplog.at_level(logging.INFO, logger="ventanilla.requests"):
        client.get("/api/v1/status?folio=2026-000001&rut=12.345.678-5")
        client.get("/ingresar")
    lines = [r.getMessage() for r in caplog.records if r.name == "ventanilla.requests"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/v1/status ") and "12.345.678" not in lines[0]
    assert lines[1].startswith("GET /ingresar 200 ")
