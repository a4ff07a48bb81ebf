"""The workbench editors (modeler, form editor, letter page, layout) open for analysts and integrators only:
other staff get the 403 page, anonymous visitors the sign-in page. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import users
from tests.web.test_auth__login import csrf_token, sign_in

PASSWORD = "clave-segura-1"
PAGES = [
    "/taller/procesos/etapa_reclamo",
    "/taller/formularios/ingreso_caso",
    "/taller/cartas/traslado_proveedor",
]


@pytest.fixture
def integrador(app: Flask) -> str:
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "integ_taller", PASSWORD, "integrador", utcnow())
    return "integ_taller"


@pytest.mark.parametrize("page", PAGES)
def test_analysts_and_integrators_open_the_editors(client: FlaskClient, integrador: str, page: str) -> None:
    for user in ("analista", integrador):
        sign_in(client, user, PASSWORD)
        resp = client.get(page)
        assert resp.status_code == 200, user
        assert 'name="csrf-token"' in resp.get_data(as_text=True)
        client.post("/salir", data={"csrf_token": csrf_token(client, "/bandeja")})


@pytest.mark.parametrize("user", ["eje13", "sup13", "abo13", "central"])
def test_other_staff_get_the_forbidden_page(client: FlaskClient, user: str) -> None:
    sign_in(client, user, PASSWORD)
    for page in PAGES:
        resp = client.get(page)
        assert resp.status_code == 403
        assert "no tiene acceso a esta página" in resp.get_data(as_text=True)
    resp = client.post(
        "/taller/procesos/trazado", data=b"<x/>", headers={"X-CSRFToken": csrf_token(client, "/bandeja")}
    )
    assert resp.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for page in PAGES:
        resp = client.get(page)
        assert resp.status_code == 302
        assert "/ingresar" in resp.headers["Location"]


def test_the_layout_draws_a_shipped_process_and_refuses_hostile_xml(client: FlaskClient) -> None:
    sign_in(client, "analista", PASSWORD)
    with open("processes/etapa_reclamo.bpmn", "rb") as f:
        raw = f.read()
    headers = {"X-CSRFToken": csrf_token(client, "/bandeja"), "Content-Type": "application/xml"}
    resp = client.post("/taller/procesos/trazado", data=raw, headers=headers)
    assert resp.status_code == 200
    assert b"BPMNDiagram" in resp.data and b'bpmnElement="trasladar"' in resp.data
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    resp = client.post("/taller/procesos/trazado", data=hostile, headers=headers)
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert b"root:" not in resp.data
