"""The platform registry through its page and the API: a region's administrator creates, edits, attaches the
convenio and deactivates (open cases moved, logged on each); other regions and nivel central are refused
changes. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases
from tests.conftest import complaint
from tests.web.conftest import bearer
from tests.web.network import PASSWORD, add_admins, csrf
from tests.web.test_auth__login import sign_in

PAP = {
    "name": "Plataforma Municipal de Puente Alto",
    "kind": "municipal",
    "comuna_code": "13201",
    "address": "Av. Concha y Toro 1820",
    "manager_name": "Rosa Prueba",
    "email": "consumidor@mpuentealto.cl",
    "phone": "+56 2 2731 0000",
    "agreement_on": "2010-05-04",
    "online": "manual",
    "active_from": "2010-06-01",
}


@pytest.fixture
def admin_tokens(app: Flask) -> dict[str, str]:
    return add_admins(app)


def test_an_administrator_creates_and_edits_a_platform_on_the_page(
    client: FlaskClient, admin_tokens: dict[str, str]
) -> None:
    sign_in(client, "admin13", PASSWORD)
    page = client.get("/plataformas").get_data(as_text=True)
    assert "Dirección Regional Metropolitana" in page and "Dirección Regional de Valparaíso" not in page
    assert '<option value="13201">Puente Alto</option>' in page  # the region's comunas, by name
    resp = client.post("/plataformas", data={**PAP, "csrf_token": csrf(client)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/plataformas/PAP13201")
    shown = client.get("/plataformas/PAP13201").get_data(as_text=True)
    assert "Plataforma Municipal de Puente Alto" in shown and "registro manual" in shown
    changed = client.post(
        "/plataformas/PAP13201", data={**PAP, "online": "en_linea", "csrf_token": csrf(client)}
    )
    assert changed.status_code == 302
    assert "registra en línea" in client.get("/plataformas/PAP13201").get_data(as_text=True)
    audit = client.get("/api/v1/platforms/PAP13201", headers=bearer(admin_tokens["admin13"])).get_json()
    assert audit["online"] is True and audit["manager_name"] == "Rosa Prueba"


def test_a_wrong_field_is_shown_beside_it_and_nothing_is_created(
    client: FlaskClient, admin_tokens: dict[str, str]
) -> None:
    sign_in(client, "admin13", PASSWORD)
    resp = client.post(
        "/plataformas",
        data={**PAP, "email": "no-es-correo", "active_to": "2001-01-01", "csrf_token": csrf(client)},
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Correo electrónico inválido." in body
    assert "La fecha de término no puede ser anterior a la de inicio." in body
    assert "PAP13201" not in client.get("/plataformas").get_data(as_text=True)


def test_the_api_creates_in_the_own_region_only(
    client: FlaskClient, admin_tokens: dict[str, str], tokens: dict[str, str]
) -> None:
    api = {**PAP, "online": False}
    made = client.post("/api/v1/platforms", json=api, headers=bearer(admin_tokens["admin13"]))
    assert made.status_code == 201 and made.get_json()["code"] == "PAP13201"
    again = client.post("/api/v1/platforms", json=api, headers=bearer(admin_tokens["admin13"]))
    assert again.get_json()["code"] == "PAP13201-2"  # a second one in the same comuna
    valparaiso = {**api, "comuna_code": "05109", "name": "Plataforma Municipal de Viña del Mar"}
    assert (
        client.post("/api/v1/platforms", json=valparaiso, headers=bearer(admin_tokens["admin13"])).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/platforms", json={**api, "region": "05"}, headers=bearer(admin_tokens["admin13"])
        ).status_code
        == 403
    )
    assert client.post("/api/v1/platforms", json=api, headers=bearer(tokens["central"])).status_code == 403
    assert (
        client.patch(
            "/api/v1/platforms/PAP13201",
            json={"phone": "+56 2 1111 1111"},
            headers=bearer(admin_tokens["admin05"]),
        ).status_code
        == 403
    )
    central = client.get("/api/v1/platforms", headers=bearer(tokens["central"])).get_json()["platforms"]
    assert {"DR05", "PAP13201"} <= {p["code"] for p in central}
    own = client.get("/api/v1/platforms", headers=bearer(admin_tokens["admin05"])).get_json()["platforms"]
    assert {p["region_code"] for p in own} == {"05"}
    bad = client.post(
        "/api/v1/platforms", json={**api, "email": "x"}, headers=bearer(admin_tokens["admin13"])
    )
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "email"


def test_the_convenio_is_a_pdf(
    client: FlaskClient, admin_tokens: dict[str, str], tokens: dict[str, str]
) -> None:
    client.post("/api/v1/platforms", json={**PAP, "online": True}, headers=bearer(admin_tokens["admin13"]))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    sent = client.put(
        "/api/v1/platforms/PAP13201/agreement",
        headers=bearer(admin_tokens["admin13"]),
        data={"file": (__import__("io").BytesIO(pdf), "convenio.pdf")},
    )
    assert sent.status_code == 200 and sent.get_json()["agreement_file"] == "convenio.pdf"
    fake = client.put(
        "/api/v1/platforms/PAP13201/agreement",
        headers=bearer(admin_tokens["admin13"]),
        data={"file": (__import__("io").BytesIO(b"hola"), "convenio.pdf")},
    )
    assert fake.status_code == 422
    got = client.get("/api/v1/platforms/PAP13201/agreement", headers=bearer(tokens["central"]))
    assert got.status_code == 200 and got.data == pdf


def test_deactivating_asks_where_open_cases_go_and_logs_each(
    app: Flask, client: FlaskClient, admin_tokens: dict[str, str]
) -> None:
    client.post("/api/v1/platforms", json={**PAP, "online": True}, headers=bearer(admin_tokens["admin13"]))
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        folio = cases.open_case(
            s, sys_.store, complaint(platform="PAP13201"), Actor("sup13", "supervisor", None, "13"), utcnow()
        ).folio
    sign_in(client, "admin13", PASSWORD)
    asked = client.post("/plataformas/PAP13201/desactivar", data={"csrf_token": csrf(client)})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "¿A qué plataforma pasan los casos abiertos?" in body
    assert "Dirección Regional Metropolitana de Santiago (DR13)" in body
    done = client.post(
        "/plataformas/PAP13201/desactivar",
        data={"csrf_token": csrf(client), "to_platform": "DR13", "reason": "Término del convenio"},
    )
    assert done.status_code == 302
    assert "Inactiva" in client.get("/plataformas/PAP13201").get_data(as_text=True)
    with sys_.db.reading() as s:
        detail = cases.case_detail(s, folio, Actor("central", "nivel_central"), utcnow())
    assert detail.summary.platform_code == "DR13"
    moved = [e for e in detail.log if e.event == "transfer"]
    assert moved and moved[-1].actor == "admin13" and moved[-1].data["reason"] == "Término del convenio"
    refused = client.post(
        "/api/v1/cases", json=complaint(platform="PAP13201"), headers=bearer(admin_tokens["admin13"])
    )
    assert (
        refused.status_code == 403
    )  # an administrator registers no case; and the platform no longer attends
