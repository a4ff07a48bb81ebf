"""Staff sign-in through the real app: cookies, next, wrong passwords, lockout, logout, login required."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from engine.models import User
from tests.conftest import Clock
from tests.web.routes import SAMPLES
from web import auth, create_app

PASSWORD = "clave-segura-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/ingresar") -> str:
    """The CSRF token of a page's forms, read from its HTML as a browser would."""
    page = client.get(path)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token in {path} ({page.status_code})"
    return found.group(1)


def sign_in(
    client: FlaskClient, username: str, password: str, next_url: str | None = None, token: str | None = None
) -> TestResponse:
    """POST the login form with a valid CSRF token (fetched from the page unless given)."""
    form = {"username": username, "password": password, "csrf_token": token or csrf_token(client)}
    if next_url is not None:
        form["next"] = next_url
    return client.post("/ingresar", data=form)


def signed_in_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def session_cookie(resp: TestResponse) -> str:
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, resp.headers.getlist("Set-Cookie")
    return cookies[0]


def _location(resp: TestResponse) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(resp.headers["Location"])
    assert parts.netloc in ("", "localhost"), resp.headers["Location"]
    return parts.path, parse_qs(parts.query)


def test_login_sets_a_hardened_session_cookie_and_returns_to_next(client: FlaskClient) -> None:
    resp = sign_in(client, "eje13", PASSWORD, next_url="/?pagina=2")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/?pagina=2"
    flags = [part.strip().lower() for part in session_cookie(resp).split(";")]
    assert {"httponly", "secure", "samesite=lax"} <= set(flags)
    assert signed_in_user(client) is not None


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example/x", "/\\evil.example", "https:/evil.example", "ftp:x"]
)
def test_next_pointing_to_another_site_is_ignored(client: FlaskClient, target: str) -> None:
    resp = sign_in(client, "eje13", PASSWORD, next_url=target)
    assert resp.status_code == 302
    assert _location(resp) == ("/bandeja", {})  # the start page: the inbox


def test_anonymous_visitor_goes_to_login_and_comes_back(client: FlaskClient) -> None:
    resp = client.get("/bandeja?pagina=2")
    assert resp.status_code == 302
    assert _location(resp) == ("/ingresar", {"next": ["/bandeja?pagina=2"]})
    page = client.get("/ingresar?next=%2Fbandeja%3Fpagina%3D2").get_data(as_text=True)
    assert "Inicie sesión para continuar." in page
    assert 'name="next" value="/bandeja?pagina=2"' in page


def test_wrong_password_keeps_the_username_and_signs_nobody_in(client: FlaskClient) -> None:
    resp = sign_in(client, "eje13", "no-es-la-clave")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 401
    assert "Usuario o contraseña incorrectos." in page
    assert 'value="eje13"' in page and "no-es-la-clave" not in page
    assert signed_in_user(client) is None
    assert sign_in(client, "nadie", PASSWORD).status_code == 401  # unknown user: same answer


def test_empty_fields_are_pointed_out_beside_them(client: FlaskClient) -> None:
    resp = sign_in(client, "eje13", "")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Ingrese su contraseña." in page and 'value="eje13"' in page
    assert 'aria-describedby="password-error"' in page


def test_five_failures_lock_the_account_even_for_the_right_password(client: FlaskClient) -> None:
    token = csrf_token(client)
    for _ in range(5):
        assert sign_in(client, "eje13", "mala-clave", token=token).status_code == 401
    resp = sign_in(client, "eje13", PASSWORD, token=token)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 429
    assert "Cuenta bloqueada temporalmente por intentos fallidos; intente en 15 minutos." in page
    assert signed_in_user(client) is None
    assert sign_in(client, "eje13b", PASSWORD, token=token).status_code == 302  # other users are unaffected


def test_the_lock_ends_after_15_minutes(app: Flask, client: FlaskClient, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    token = csrf_token(client)
    for _ in range(5):
        clock.advance(seconds=30)
        sign_in(client, "sup13", "mala-clave", token=token)
    clock.advance(minutes=14, seconds=30)  # 14.5 minutes after the 5th failure
    resp = sign_in(client, "sup13", PASSWORD, token=token)
    assert resp.status_code == 429 and "intente en 1 minuto." in resp.get_data(as_text=True)
    clock.advance(seconds=30)
    assert sign_in(client, "sup13", PASSWORD, token=token).status_code == 302
    assert signed_in_user(client) is not None


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    app.config["CLOCK"] = clock
    token = csrf_token(client)
    for _ in range(5):
        assert sign_in(client, "abo13", "mala-clave", token=token).status_code == 401
        clock.advance(minutes=4)
    assert sign_in(client, "abo13", PASSWORD, token=token).status_code == 302


def test_a_successful_login_resets_the_count(app: Flask, client: FlaskClient, clock: Clock) -> None:
    app.config["CLOCK"] = clock
    token = csrf_token(client)
    for _ in range(4):
        sign_in(client, "eje05", "mala-clave", token=token)
    assert sign_in(client, "eje05", PASSWORD, token=token).status_code == 302
    client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})
    token = csrf_token(client)
    for _ in range(4):
        sign_in(client, "eje05", "mala-clave", token=token)
    assert sign_in(client, "eje05", PASSWORD, token=token).status_code == 302


def test_twenty_failures_from_one_address_block_it(client: FlaskClient) -> None:
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    token = csrf_token(client)
    for i in range(20):
        assert sign_in(client, f"adivina{i % 5}", "mala-clave", token=token).status_code == 401
    resp = sign_in(client, "abo13", PASSWORD, token=token)
    assert resp.status_code == 429
    assert "Demasiados intentos fallidos desde esta dirección" in resp.get_data(as_text=True)
    client.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    assert sign_in(client, "abo13", PASSWORD, token=csrf_token(client)).status_code == 302


def test_logged_in_page_shows_the_user_and_a_logout_form(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/bandeja").get_data(as_text=True)
    assert "Ejecutivo/a de atención de público" in page and "eje13" in page
    assert re.search(r'<form method="post" action="/salir"', page)
    assert TOKEN.search(page)


def test_logout_by_post_clears_the_session(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    assert client.get("/bandeja").status_code == 200
    resp = client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})
    assert resp.status_code == 302 and _location(resp)[0] == "/ingresar"
    assert signed_in_user(client) is None
    assert client.get("/bandeja").status_code == 302
    assert client.get("/salir").status_code == 405  # a link cannot sign anyone out


def test_a_deactivated_user_is_signed_out_at_the_next_request(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    with app.extensions["ventanilla"].db.writing() as s:
        s.execute(update(User).where(User.username == "eje13").values(active=False))
    assert client.get("/bandeja").status_code == 302


def _guarded_routes(app: Flask) -> list[str]:
    """Every GET route a signed-out visitor must not see (the APIs, assets, static and auth are public)."""
    paths = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        view = app.view_functions[rule.endpoint]
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if blueprint in app.config["PUBLIC_BLUEPRINTS"] or getattr(view, auth.PUBLIC_ATTR, False):
            continue
        paths.append(adapter.build(rule.endpoint, {a: SAMPLES.get(a, 1) for a in rule.arguments}))
    return paths


def test_every_staff_page_sends_anonymous_visitors_to_login(app: Flask, client: FlaskClient) -> None:
    paths = _guarded_routes(app)
    assert "/bandeja" in paths and "/" not in paths  # "/" is the citizens' portal for a visitor
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert _location(resp)[0] == "/ingresar", path


def _add_supervisor_view(app: Flask) -> None:
    @auth.roles_required("supervisor", "abogado")
    def only_supervisors() -> str:
        actor = auth.current_actor()
        return f"{actor.username}|{actor.role}|{actor.region_code}|{actor.channel}"

    app.add_url_rule("/solo-supervisores", "only_supervisors", only_supervisors)


def test_roles_required_answers_403_to_other_roles(app: Flask, client: FlaskClient) -> None:
    _add_supervisor_view(app)
    resp = client.get("/solo-supervisores")
    assert resp.status_code == 302 and _location(resp) == ("/ingresar", {"next": ["/solo-supervisores"]})
    sign_in(client, "eje13", PASSWORD)
    resp = client.get("/solo-supervisores")
    assert resp.status_code == 403
    assert "no tiene acceso a esta página" in resp.get_data(as_text=True)
    client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})
    sign_in(client, "sup13", PASSWORD)
    resp = client.get("/solo-supervisores")
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "sup13|supervisor|13|in_person"


def test_roles_required_refuses_unknown_role_codes() -> None:
    with pytest.raises(ValueError, match="roles desconocidos"):
        auth.roles_required("superusuario")


def test_nav_lists_the_existing_views_the_role_may_use(app: Flask, client: FlaskClient) -> None:
    if "approvals.index" not in app.view_functions:
        app.add_url_rule("/visacion-de-prueba", "approvals.index", lambda: "visación")
    sign_in(client, "sup13", PASSWORD)
    page = client.get("/bandeja").get_data(as_text=True)
    assert ">Visación</a>" in page
    for label, endpoint, _roles in auth.NAV:
        if endpoint not in app.view_functions:
            assert f">{label}</a>" not in page  # views not built yet are left out, not broken links
    client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})
    sign_in(client, "eje13", PASSWORD)
    assert ">Visación</a>" not in client.get("/bandeja").get_data(as_text=True)


def _fail_twenty_times(client: FlaskClient, headers: dict[str, str]) -> None:
    token = csrf_token(client)
    for i in range(20):
        resp = client.post(
            "/ingresar",
            data={"username": f"adivina{i % 5}", "password": "mala-clave", "csrf_token": token},
            headers=headers,
        )
        assert resp.status_code == 401


def test_behind_a_trusted_proxy_the_address_limit_counts_each_citizen(app: Flask) -> None:
    app.config["TRUSTED_PROXIES"] = "1"
    proxied = create_app({**app.config, "TESTING": True})
    try:
        client = proxied.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy: every request comes from it
        _fail_twenty_times(client, {"X-Forwarded-For": "203.0.113.7"})
        token = csrf_token(client)
        form = {"username": "abo13", "password": PASSWORD, "csrf_token": token}
        blocked = client.post("/ingresar", data=form, headers={"X-Forwarded-For": "203.0.113.7"})
        assert blocked.status_code == 429
        other = client.post("/ingresar", data=form, headers={"X-Forwarded-For": "203.0.113.8"})
        assert other.status_code == 302  # the proxy's address is not blocked: another citizen signs in
    finally:
        proxied.extensions["ventanilla"].db.engine.dispose()


def test_without_trusted_proxies_a_forwarded_header_cannot_change_the_address(client: FlaskClient) -> None:
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    _fail_twenty_times(client, {"X-Forwarded-For": "198.51.100.1"})
    token = csrf_token(client)
    form = {"username": "abo13", "password": PASSWORD, "csrf_token": token}
    spoofed = client.post("/ingresar", data=form, headers={"X-Forwarded-For": "198.51.100.2"})
    assert spoofed.status_code == 429


@pytest.mark.parametrize("value", ["uno", "-1", "9"])
def test_a_bad_trusted_proxies_value_stops_the_app_with_a_clear_message(app: Flask, value: str) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES debe ser un número entero de 0 a 5"):
        create_app({**app.config, "TRUSTED_PROXIES": value})
