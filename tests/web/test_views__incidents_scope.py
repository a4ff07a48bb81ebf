"""Derivation incidents by role: platform admins see only their region's (page and API alike), nivel
central reads them on the page as through the API (without "reintentar ahora"). SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.models import Agency
from engine.services import derivation_outbox, users
from tests.conftest import PUBLISHED_AT
from tests.fakes.agency import FakeAgency
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, register, token


@pytest.fixture
def incident(app: Flask) -> str:
    """A case of region 13 whose derivation to the SEC could not be sent: its folio."""
    system = app.extensions["ventanilla"]
    fake = FakeAgency(secret="secreto-de-prueba-0123456789abcdef").start()
    fake.down = True
    with system.db.writing() as s:
        sec = s.get(Agency, "SEC")
        assert sec is not None
        sec.channel, sec.endpoint_url, sec.secret = "webservice", fake.url, fake.secret
        users.add_user(s, "adm13", PASSWORD, "admin_plataformas", PUBLISHED_AT, region="13")
        users.add_user(s, "adm05", PASSWORD, "admin_plataformas", PUBLISHED_AT, region="05")
    try:
        client = app.test_client()
        sign_in(client, "eje13", PASSWORD)
        folio = register(
            client, kind="inquiry", subject="Corte de luz", description="Sin luz hace tres días."
        )
        action = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', client.get(f"/casos/{folio}").text)
        assert action
        derive = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corresponde a la SEC."}
        client.post(action.group(1), data={**derive, "csrf_token": token(client, f"/casos/{folio}")})
        settings = derivation_outbox.OutboxSettings(max_attempts=1, timeout=5)
        assert derivation_outbox.send_due(system.db, utcnow(), settings).incidents == 1
    finally:
        fake.stop()
    return folio


def _seen(client: FlaskClient, username: str, folio: str) -> tuple[int, bool, bool, bool]:
    sign_in(client, username, PASSWORD)
    page = client.get("/derivaciones/incidentes")
    with client.application.extensions["ventanilla"].db.writing() as s:
        api_token = users.create_token(s, username, utcnow())
    api = client.get("/api/v1/derivations/incidents", headers=bearer(api_token)).get_json()
    folios = [i["folio"] for i in api["incidents"]]
    return page.status_code, folio in page.text, folio in folios, "Reintentar ahora" in page.text


def test_platform_admins_see_only_their_regions_incidents(app: Flask, incident: str) -> None:
    assert _seen(app.test_client(), "adm13", incident) == (200, True, True, True)
    assert _seen(app.test_client(), "adm05", incident) == (200, False, False, False)


def test_nivel_central_reads_the_incidents_page_as_the_api(app: Flask, incident: str) -> None:
    assert _seen(app.test_client(), "central", incident) == (200, True, True, False)
    client = app.test_client()
    sign_in(client, "central", PASSWORD)
    retry = client.post("/derivaciones/envios/1/reintentar", data={"csrf_token": token(client, "/bandeja")})
    assert retry.status_code == 403
