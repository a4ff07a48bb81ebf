"""The derivation pages with the Flask client (CSRF on): the agency registry for integrators, deriving from
the case file with the registry's agencies (suggested first), an incident on the case, "reintentar ahora"."""

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
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, register, token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _integrator(app: Flask) -> None:
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "integra", PASSWORD, "integrador", PUBLISHED_AT)


def test_integrator_edits_the_registry_and_secrets_are_never_shown_back(
    app: Flask, client: FlaskClient
) -> None:
    _integrator(app)
    sign_in(client, "integra", PASSWORD)
    with app.extensions["ventanilla"].db.reading() as s:
        sec_secret = s.get(Agency, "SEC").secret  # type: ignore[union-attr]
    listing = client.get("/instituciones").get_data(as_text=True)
    assert "Superintendencia de Electricidad y Combustibles" in listing and sec_secret not in listing
    assert "••••" + sec_secret[-4:] in listing

    new = {
        "code": "DGAC",
        "name": "Dirección General de Aeronáutica Civil",
        "channel": "oficio",
        "contact_email": "partes@dgac.invalid",
        "keywords": "vuelo, aeropuerto",
        "ack_days": "3",
        "answer_days": "10",
        "process": "derivacion",
        "active": "on",
        "csrf_token": token(client, "/instituciones"),
    }
    added = client.post("/instituciones", data=new, follow_redirects=True).get_data(as_text=True)
    shown = re.search(r"Secreto compartido de DGAC: (\S+) ", added)
    assert shown and "no se volverá a mostrar" in added
    assert shown.group(1) not in client.get("/instituciones").get_data(as_text=True)

    edit = client.get("/instituciones/SEC").get_data(as_text=True)
    assert sec_secret not in edit
    refused = client.post(
        "/instituciones/SEC",
        data={
            "channel": "webservice",
            "endpoint_url": "",
            "name": "SEC (nombre nuevo)",
            "ack_days": "7",
            "active": "on",  # active without a way to receive is refused (inactive it may wait for its URL)
            "csrf_token": token(client, "/instituciones"),
        },
    )
    assert refused.status_code == 422 and "indique la URL del servicio web" in refused.get_data(as_text=True)
    kept = refused.get_data(as_text=True)  # what was typed comes back, so the error makes sense beside it
    assert 'value="SEC (nombre nuevo)"' in kept and 'value="7"' in kept
    assert "aria-invalid" in kept.split('id="f-endpoint_url"', 1)[1].split(">", 1)[0]
    missing_csrf = client.post("/instituciones/SEC", data={"name": "Otra"})
    assert missing_csrf.status_code == 400
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.get(Agency, "SEC").name == "Superintendencia de Electricidad y Combustibles"  # type: ignore[union-attr]


def test_staff_without_the_role_cannot_edit_the_registry(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    assert client.get("/instituciones").status_code == 403


def test_derive_from_the_case_file_then_incident_and_retry_now(app: Flask, client: FlaskClient) -> None:
    system = app.extensions["ventanilla"]
    fake = FakeAgency(secret="secreto-de-prueba-0123456789abcdef").start()
    fake.down = True
    with system.db.writing() as s:
        sec = s.get(Agency, "SEC")
        assert sec is not None
        sec.channel, sec.endpoint_url, sec.secret = "webservice", fake.url, fake.secret
    try:
        sign_in(client, "eje13", PASSWORD)
        folio = register(
            client, kind="inquiry", subject="Corte de luz", description="Sin luz hace tres días en mi casa."
        )
        page = client.get(f"/casos/{folio}").get_data(as_text=True)
        options = re.findall(r'<option value="([A-Z]+)"[^>]*>([^<]+)</option>', page)
        assert options[0] == ("SEC", "Superintendencia de Electricidad y Combustibles (sugerida)")
        action = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', page)
        assert action
        derive = {
            "accion": "derivar",
            "agencia": "SEC",
            "respuesta": "Corresponde a la SEC por el corte de luz.",
        }
        client.post(action.group(1), data={**derive, "csrf_token": token(client, f"/casos/{folio}")})
        settings = derivation_outbox.OutboxSettings(max_attempts=1, timeout=5)
        assert derivation_outbox.send_due(system.db, utcnow(), settings).incidents == 1

        client = app.test_client()  # the region's supervisor, in another browser
        sign_in(client, "sup13", PASSWORD)
        file = client.get(f"/casos/{folio}").get_data(as_text=True)
        assert 'role="alert">Incidente:' in file and "Reintentar ahora" in file
        assert folio in client.get("/derivaciones/incidentes").get_data(as_text=True)
        retry = re.search(r'action="(/derivaciones/envios/\d+/reintentar)"', file)
        assert retry
        again = client.post(  # the agency is still down: the incident stays open, on the case and the list
            retry.group(1),
            data={"folio": folio, "csrf_token": token(client, f"/casos/{folio}")},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "el incidente sigue abierto" in again and 'role="alert">Incidente:' in again
        assert folio in client.get("/derivaciones/incidentes").get_data(as_text=True)
        fake.down = False
        done = client.post(
            retry.group(1),
            data={"folio": folio, "csrf_token": token(client, f"/casos/{folio}")},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert (
            "Derivación enviada: el incidente queda resuelto." in done
            and 'role="alert">Incidente:' not in done
        )
        assert len(fake.received) == 1
        assert folio not in client.get("/derivaciones/incidentes").get_data(as_text=True)
    finally:
        fake.stop()
