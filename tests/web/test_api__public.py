"""The public API (no token): a citizen's consulta or reclamo is filed on channel web at the platform serving
the comuna, validated by the published intake form; consent is required; the address is rate-limited."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import bearer


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "consent": True,
        "consumer": {"rut": "12.345.678-5", "name": "Ana Prueba Ejemplo", "comuna": "13101"},
        "provider": {"name": "Tienda Demo Ltda."},
        "market": "comercio",
        "motive": "cobro_indebido",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra en la tienda.",
    }
    data.update(overrides)
    return data


def test_a_valid_body_files_a_case_in_the_right_platforms_bandeja(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    resp = client.post("/api/v1/public/cases", json=body(channel="in_person", platform="DR05"))
    assert resp.status_code == 201, resp.get_json()
    folio = resp.get_json()["folio"]
    assert resp.get_json()["kind"] == "complaint" and resp.get_json()["due_on"]
    assert "/portal/recibo/" in resp.headers["Location"]
    case = client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["eje13"])).get_json()
    assert case["summary"]["channel"] == "web" and case["summary"]["platform_code"] == "DR13"
    tasks = client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_data(as_text=True)
    assert folio in tasks
    assert client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["eje05"])).status_code == 404


def test_a_wrong_check_digit_is_a_422_naming_the_field(client: FlaskClient) -> None:
    consumer = {"rut": "12.345.678-9", "name": "Ana Prueba", "comuna": "13101"}
    resp = client.post("/api/v1/public/cases", json=body(consumer=consumer))
    assert resp.status_code == 422 and resp.content_type == "application/problem+json"
    assert "consumer.rut" in [e["field"] for e in resp.get_json()["errors"]]


def test_without_consent_nothing_is_filed(client: FlaskClient, tokens: dict[str, str]) -> None:
    resp = client.post("/api/v1/public/cases", json=body(consent=False))
    assert resp.status_code == 422 and [e["field"] for e in resp.get_json()["errors"]] == ["consent"]
    assert client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_json()["tasks"] == []


def test_only_consultas_and_reclamos(client: FlaskClient) -> None:
    resp = client.post("/api/v1/public/cases", json=body(kind="out_of_scope"))
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "kind"


def test_the_address_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    app.config["PUBLIC_INTAKE_PER_MINUTE"] = 2
    codes = [client.post("/api/v1/public/cases", json=body(consent=False)).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
