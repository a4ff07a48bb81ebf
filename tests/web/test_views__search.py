"""/casos and GET /api/v1/cases: open and closed cases within scope, the consumer's history one click away,
a wrong filter named beside its field (HTML) or in a problem+json (API), never a case out of scope."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock
from tests.integration.monitoring import Population, populate
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in

PASSWORD = "clave-segura-1"


@pytest.fixture
def population(app: Flask, clock: Clock) -> Population:
    return populate(app.extensions["ventanilla"], clock)


def test_the_page_finds_a_closed_case_and_links_the_consumers_history(
    client: FlaskClient, population: Population
) -> None:
    sign_in(client, "sup13", PASSWORD)
    page = client.get("/casos?rut=12.345.678-5&state=cerrados").get_data(as_text=True)
    assert population.closed in page and "<strong>1</strong> caso" in page
    assert 'href="/casos?rut=12345678-5"' in page  # Historial de 12345678-5
    history = client.get("/casos?rut=12345678-5").get_data(as_text=True)
    assert "<strong>3</strong> casos" in history  # the consulta closed and two reclamos of region 13


def test_a_folio_outside_the_scope_is_never_listed(client: FlaskClient, population: Population) -> None:
    sign_in(client, "eje13", PASSWORD)
    foreign = population.open05[0]
    page = client.get(f"/casos?folio={foreign}").get_data(as_text=True)
    assert "No hay casos con estos filtros." in page and f">{foreign}<" not in page
    everything = client.get("/casos").get_data(as_text=True)
    assert "<strong>4</strong> casos" in everything and foreign not in everything


def test_a_wrong_filter_is_explained_beside_its_field(client: FlaskClient, population: Population) -> None:
    sign_in(client, "central", PASSWORD)
    resp = client.get("/casos?rut=12.345.678-9&opened_from=2024-01-01")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="e-rut"' in body and "verificador" in body and "no se buscó nada" in body


def test_the_api_finds_a_closed_case_by_rut_and_pages(
    client: FlaskClient, tokens: dict[str, str], population: Population
) -> None:
    got = client.get("/api/v1/cases?rut=12.345.678-5", headers=bearer(tokens["sup13"])).get_json()
    assert population.closed in [c["folio"] for c in got["cases"]] and got["total"] == 3
    first = client.get("/api/v1/cases?limit=4", headers=bearer(tokens["central"])).get_json()
    assert first["total"] == 6 and len(first["cases"]) == 4 and first["next_after"]
    rest = client.get(
        "/api/v1/cases",
        query_string={"limit": 4, "after": first["next_after"]},
        headers=bearer(tokens["central"]),
    ).get_json()
    assert len(rest["cases"]) == 2 and rest["next_after"] is None
    assert {c["folio"] for c in first["cases"] + rest["cases"]} == {
        population.closed,
        *population.open13,
        *population.open05,
    }


def test_the_api_never_returns_a_folio_out_of_scope(
    client: FlaskClient, tokens: dict[str, str], population: Population
) -> None:
    for folio in population.open05:
        got = client.get(f"/api/v1/cases?folio={folio}", headers=bearer(tokens["sup13"])).get_json()
        assert got == {"cases": [], "total": 0, "next_after": None}


def test_the_api_refuses_a_bad_filter_with_a_problem(client: FlaskClient, tokens: dict[str, str]) -> None:
    resp = client.get("/api/v1/cases?rut=1-1&kind=nada", headers=bearer(tokens["central"]))
    assert resp.status_code == 400 and resp.content_type == "application/problem+json"
    resp = client.get("/api/v1/cases?rut=12.345.678-9", headers=bearer(tokens["central"]))
    assert resp.status_code == 422 and "rut" in resp.get_json()["detail"]
    resp = client.get("/api/v1/cases?after=garbage", headers=bearer(tokens["central"]))
    assert resp.status_code == 422 and "cursor" in resp.get_json()["detail"]
