"""CSRF on every HTML form: a POST without a valid token changes nothing and says so in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import LoginAttempt
from tests.web.conftest import bearer, intake
from tests.web.test_auth__login import PASSWORD, csrf_token, sign_in, signed_in_user
from web import config

MESSAGE = "El formulario expiró o no es válido. Vuelva a intentarlo."


def _attempts(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count()).select_from(LoginAttempt)).scalar_one())


@pytest.mark.parametrize("token", [None, "", "no-es-un-token"])
def test_login_without_a_valid_token_is_refused_and_records_nothing(
    app: Flask, client: FlaskClient, token: str | None
) -> None:
    form = {"username": "eje13", "password": PASSWORD}
    if token is not None:
        form["csrf_token"] = token
    resp = client.post("/ingresar", data=form)
    assert resp.status_code == 400
    assert MESSAGE in resp.get_data(as_text=True)
    assert signed_in_user(client) is None
    assert _attempts(app) == 0


def test_logout_without_a_token_keeps_the_session(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    resp = client.post("/salir")
    assert resp.status_code == 400
    assert MESSAGE in resp.get_data(as_text=True)
    assert signed_in_user(client) is not None
    assert client.get("/bandeja").status_code == 200  # still signed in: the inbox opens


def test_a_token_from_another_session_is_refused(app: Flask, client: FlaskClient) -> None:
    foreign = csrf_token(app.test_client())
    resp = client.post("/ingresar", data={"username": "eje13", "password": PASSWORD, "csrf_token": foreign})
    assert resp.status_code == 400
    assert signed_in_user(client) is None


def test_the_bearer_token_api_needs_no_csrf_token(client: FlaskClient, tokens: dict[str, str]) -> None:
    resp = client.post("/api/v1/cases", json=intake(), headers=bearer(tokens["eje13"]))
    assert resp.status_code == 201
    resp = client.post("/api/v1/cases", json=intake())
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"


def test_the_secret_key_is_stored_once_and_shared(tmp_path: Path) -> None:
    first = config.stored_secret_key(tmp_path / "instance")
    assert config.stored_secret_key(tmp_path / "instance") == first and len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]
