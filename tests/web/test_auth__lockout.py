"""Sign-in counters are atomic and scoped: 30 concurrent wrong passwords over real HTTP verify at most 5; an
address cannot lock an account out for everyone else; the address limit throttles for a minute instead of
locking every account. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import LoginAttempt
from tests.conftest import Clock
from tests.web.test_auth__login import csrf_token, sign_in

PASSWORD = "clave-segura-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _attempt(base: str) -> int:
    with requests.Session() as browser:
        page = browser.get(f"{base}/ingresar", timeout=60).text
        token = TOKEN.search(page)
        assert token
        form = {"username": "sup13", "password": "mala-clave", "csrf_token": token.group(1)}
        return browser.post(f"{base}/ingresar", data=form, allow_redirects=False, timeout=60).status_code


def test_thirty_concurrent_attempts_verify_at_most_five_passwords(app: Flask, live_server: str) -> None:
    app.config["SESSION_COOKIE_SECURE"] = False  # plain http on loopback
    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda _: _attempt(live_server), range(30)))
    assert statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 30, statuses
    with app.extensions["ventanilla"].db.reading() as s:
        verified = s.execute(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == "sup13")
        ).scalar_one()
    assert verified == statuses.count(401)  # a refused attempt verified nothing and recorded nothing


def _from(client: FlaskClient, address: str) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(app: Flask) -> None:
    attacker = _from(app.test_client(), "203.0.113.50")
    token = csrf_token(attacker)
    for _ in range(5):
        assert sign_in(attacker, "sup13", "mala-clave", token=token).status_code == 401
    assert sign_in(attacker, "sup13", PASSWORD, token=token).status_code == 429
    owner = _from(app.test_client(), "198.51.100.20")
    assert sign_in(owner, "sup13", PASSWORD).status_code == 302  # the real user, at the office


def test_the_address_limit_throttles_for_a_minute(app: Flask, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    spray = _from(app.test_client(), "203.0.113.60")
    token = csrf_token(spray)
    for i in range(20):
        assert sign_in(spray, f"adivina{i}", "mala-clave", token=token).status_code == 401
    slowed = sign_in(spray, "abo13", PASSWORD, token=token)
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) <= 60
    assert "Demasiados intentos fallidos desde esta dirección; espere" in slowed.get_data(as_text=True)
    clock.advance(minutes=1)
    assert sign_in(spray, "abo13", PASSWORD, token=token).status_code == 302  # throttled, not locked
