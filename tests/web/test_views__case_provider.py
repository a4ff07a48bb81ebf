"""Intake meets the provider registry: a reclamo against a registered company shows it on the case file and
its traslado proposes how the company answers (portal for digital mediation, carta otherwise) and its
e-mail; a company not in the registry is still taken, with nothing proposed. Pages and API alike."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import providers
from tests.conftest import complaint
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, register, token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TIENDA, CABLE, UNKNOWN = "76.086.428-5", "96.806.980-2", "77.777.777-7"


@pytest.fixture(autouse=True)
def registry(app: Flask) -> None:
    with app.extensions["ventanilla"].db.writing() as s:
        providers.add_provider(
            s, TIENDA, "Tienda Demo Ltda.", utcnow(), email="reclamos@tienda.cl", digital=True
        )
        providers.add_provider(s, CABLE, "Cable Demo S.A.", utcnow(), email="partes@cable.cl")


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="(\w+)"\s+checked', html)


def _contact(html: str) -> str | None:
    found = re.search(r'name="contacto_proveedor"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


def _file_of(client: FlaskClient, provider_rut: str) -> str:
    folio = register(client, **{"provider.rut": provider_rut})
    return client.get(f"/casos/{folio}").get_data(as_text=True)


def test_the_case_file_shows_the_registry_and_the_traslado_proposes_its_medium(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    digital = _file_of(client, TIENDA)
    assert "Empresa registrada · mediación digital" in digital
    assert "la empresa puede responder por el portal de proveedores." in digital
    assert _checked(digital, "medio_traslado") == ["portal"] and _contact(digital) == "reclamos@tienda.cl"

    by_letter = _file_of(client, CABLE)
    assert "Empresa registrada · responde por carta" in by_letter
    assert "Empresa registrada · mediación digital" not in by_letter
    assert _checked(by_letter, "medio_traslado") == ["carta"] and _contact(by_letter) == "partes@cable.cl"

    unknown = _file_of(client, UNKNOWN)  # citizens complain about any company: the intake takes it
    assert "No está en el registro de proveedores" in unknown
    assert "Complete los datos de la empresa a mano." in unknown
    assert _checked(unknown, "medio_traslado") == [] and _contact(unknown) == ""

    no_rut = client.get(f"/casos/{register(client)}").get_data(as_text=True)
    assert "Sin RUT: no se puede buscar en el registro de proveedores" in no_rut


def test_the_person_s_choice_wins_over_the_proposal(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    folio = register(client, **{"provider.rut": TIENDA})
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    action = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', page)
    assert action
    refused = client.post(
        action.group(1),
        data={
            "medio_traslado": "correo",
            "contacto_proveedor": "no-es-correo",
            "csrf_token": token(client, "/bandeja"),
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert _checked(html, "medio_traslado") == ["correo"] and _contact(html) == "no-es-correo"

    done = client.post(
        action.group(1),
        data={
            "medio_traslado": "portal",
            "contacto_proveedor": "reclamos@tienda.cl",
            "csrf_token": token(client, "/bandeja"),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Reclamo trasladado al proveedor (portal)" in done


def test_the_api_shows_the_registry_and_the_proposal(client: FlaskClient, tokens: dict[str, str]) -> None:
    auth = bearer(tokens["eje13"])
    for rut, registry, proposal in (
        (
            TIENDA,
            {"digital": True, "email": "reclamos@tienda.cl"},
            {"medio_traslado": "portal", "contacto_proveedor": "reclamos@tienda.cl"},
        ),
        (
            CABLE,
            {"digital": False, "email": "partes@cable.cl"},
            {"medio_traslado": "carta", "contacto_proveedor": "partes@cable.cl"},
        ),
        (UNKNOWN, None, {}),
    ):
        data = complaint(provider={"rut": rut, "name": "Una Empresa"})
        created = client.post("/api/v1/cases", json=data, headers=auth)
        assert created.status_code == 201, created.get_json()
        folio = created.get_json()["folio"]
        case = client.get(f"/api/v1/cases/{folio}", headers=auth).get_json()
        shown = case["provider"]["registry"]
        assert (shown and {k: shown[k] for k in ("digital", "email")}) == registry, rut
        [task] = [t for t in case["open_tasks"] if t["element_id"] == "trasladar"]
        detail = client.get(f"/api/v1/tasks/{task['id']}", headers=auth).get_json()
        assert detail["prefill"] == proposal, rut
