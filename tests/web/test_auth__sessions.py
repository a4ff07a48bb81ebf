"""Sessions live on the server: the cookie is a random id, "Cerrar sesión" deletes the session so a copied
cookie opens nothing, the id changes at sign-in, and sessions close after 30 min without activity (3 min on
kiosk pages, or what a view sets) and 12 h after sign-in whatever the activity. SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import WebSession
from tests.conftest import Clock
from tests.web.test_auth__login import csrf_token, sign_in
from web import sessions

PASSWORD = "clave-segura-1"
EXPIRED = "Su sesión se cerró por inactividad o expiró"


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _sessions_of_rows(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count()).select_from(WebSession)).scalar_one())


def test_a_cookie_copied_before_logout_is_refused_afterwards(app: Flask) -> None:
    mine, thief = app.test_client(), app.test_client()
    before = (csrf_token(mine), _cookie(mine))[1]
    sign_in(mine, "eje13", PASSWORD)
    copied = _cookie(mine)
    assert copied != before  # a new id at sign-in: a planted id never becomes a signed-in session
    assert "." not in copied and len(copied) >= 40  # a random id, not signed data
    thief.set_cookie("session", copied)
    assert thief.get("/bandeja").status_code == 200  # a stolen live cookie works, until…
    mine.post("/salir", data={"csrf_token": csrf_token(mine, "/bandeja")})
    refused = thief.get("/bandeja")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/ingresar")
    assert mine.get("/bandeja").status_code == 302
    page = thief.get(refused.headers["Location"]).get_data(as_text=True)
    assert EXPIRED in page


def test_thirty_minutes_without_activity_close_the_session(app: Flask, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    client = app.test_client()
    sign_in(client, "sup13", PASSWORD)
    for _ in range(3):  # activity keeps it open
        clock.advance(minutes=29)
        assert client.get("/bandeja").status_code == 200
    clock.advance(minutes=30, seconds=1)
    resp = client.get("/bandeja")
    assert resp.status_code == 302
    assert EXPIRED in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_twelve_hours_after_sign_in_the_session_ends_whatever_the_activity(app: Flask, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    client = app.test_client()
    sign_in(client, "abo13", PASSWORD)
    for _ in range(35):  # 11 h 40 min of steady work
        clock.advance(minutes=20)
        assert client.get("/bandeja").status_code == 200
    clock.advance(minutes=20, seconds=1)
    assert client.get("/bandeja").status_code == 302


def _kiosk_views(app: Flask) -> None:
    app.add_url_rule("/kiosco/prueba", "kiosk_test", lambda: "kiosco")

    def short() -> str:
        sessions.set_idle_timeout(60)
        return "corto"

    app.add_url_rule("/pantalla-corta", "short_test", short)


def test_kiosk_pages_close_the_session_after_three_minutes(app: Flask, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    _kiosk_views(app)
    client, desk = app.test_client(), app.test_client()
    sign_in(client, "eje13", PASSWORD)
    sign_in(desk, "eje13b", PASSWORD)
    assert client.get("/kiosco/prueba").status_code == 200
    clock.advance(minutes=2, seconds=50)
    assert client.get("/bandeja").status_code == 200  # a kiosk session stays short on any page
    assert desk.get("/bandeja").status_code == 200
    clock.advance(minutes=3, seconds=1)
    assert client.get("/bandeja").status_code == 302
    assert desk.get("/bandeja").status_code == 200  # a desk session keeps its 30 minutes


def test_a_view_may_shorten_the_idle_timeout(app: Flask, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    _kiosk_views(app)
    client = app.test_client()
    sign_in(client, "eje13", PASSWORD)
    assert client.get("/pantalla-corta").get_data(as_text=True) == "corto"
    clock.advance(seconds=61)
    assert client.get("/bandeja").status_code == 302


def test_static_files_neither_read_nor_write_a_session(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/static/ventanilla.css").status_code == 200
    assert client.get_cookie("session") is None and _sessions_of_rows(app) == 0


def test_logout_leaves_no_session_of_the_account(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, "eje13", PASSWORD)
    with app.extensions["ventanilla"].db.reading() as s:
        users = s.execute(select(WebSession.user_id).where(WebSession.user_id.is_not(None))).all()
    assert len(users) == 1
    client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})
    with app.extensions["ventanilla"].db.reading() as s:
        left = s.execute(select(WebSession.user_id).where(WebSession.user_id.is_not(None))).all()
    assert left == []
