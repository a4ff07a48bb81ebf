"""API tokens expire, can be revoked with ``ventanilla token revoke`` (refused at once afterwards) and record
their last use. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta

import pytest
from flask import Flask

from engine.clock import utcnow
from engine.services import users
from tests.conftest import ROOT, Clock, prepare
from tests.integration.test_cli__commands import BIN
from tests.web.conftest import bearer
from web import create_app

START = utcnow().replace(microsecond=0)  # the CLI reads the real clock


@pytest.fixture
def timed(database_url: str, clock: Clock) -> tuple[Flask, Clock]:
    prepare(database_url).db.engine.dispose()
    clock.now = START
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock}), clock


def _token(app: Flask, days: int = 90) -> str:
    with app.extensions["ventanilla"].db.writing() as s:
        return users.create_token(s, "eje13", START, days)


def _cli(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_a_token_works_until_it_expires(timed: tuple[Flask, Clock]) -> None:
    app, clock = timed
    token, client = _token(app, days=2), app.test_client()
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    clock.advance(days=2)
    expired = client.get("/api/v1/tasks", headers=bearer(token))
    assert expired.status_code == 401 and "venció" in expired.get_json()["detail"]


def test_revoked_with_the_cli_the_token_is_refused_at_once(
    timed: tuple[Flask, Clock], database_url: str
) -> None:
    app, _ = timed
    token, client = _token(app), app.test_client()
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    listed = _cli(["token", "list", "eje13"], database_url)
    assert listed.returncode == 0, listed.stderr
    token_id, state, *_ = listed.stdout.splitlines()[0].split("\t")
    assert state == "vigente"
    revoked = _cli(["token", "revoke", token_id], database_url)
    assert revoked.returncode == 0 and f"Token {token_id} revocado" in revoked.stdout
    refused = client.get("/api/v1/tasks", headers=bearer(token))
    assert refused.status_code == 401 and refused.content_type == "application/problem+json"
    assert _cli(["token", "list", "eje13"], database_url).stdout.split("\t")[1] == "revocado"
    assert _cli(["token", "revoke", "999999"], database_url).returncode == 1


def test_revoking_every_token_of_an_account(timed: tuple[Flask, Clock], database_url: str) -> None:
    app, _ = timed
    first, second = _token(app), _token(app)
    done = _cli(["token", "revoke", "--user", "eje13"], database_url)
    assert done.returncode == 0 and "2 token(s)" in done.stdout
    client = app.test_client()
    assert {client.get("/api/v1/tasks", headers=bearer(t)).status_code for t in (first, second)} == {401}


def test_the_last_use_is_recorded(timed: tuple[Flask, Clock]) -> None:
    app, clock = timed
    token = _token(app)
    clock.advance(hours=3)
    app.test_client().get("/api/v1/tasks", headers=bearer(token))
    with app.extensions["ventanilla"].db.reading() as s:
        (view,) = users.list_tokens(s, "eje13")
    assert view.last_used_at == START + timedelta(hours=3)
    assert view.expires_at == START + timedelta(days=90)


def test_a_token_life_out_of_range_is_refused(timed: tuple[Flask, Clock]) -> None:
    app, _ = timed
    with pytest.raises(users.UserInvalid):
        _token(app, days=0)
