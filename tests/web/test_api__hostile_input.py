"""Hostile input found by the reliability test of issue #12, on SQLite and PostgreSQL: a clear 4xx, never a
500, and nothing stored — lone surrogates in text, odd digits in a query, 5,000-digit numbers in a form
file; intakes only through a process's intake form; data that would brick a case refused."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from engine.models import Case
from tests.conftest import complaint
from tests.integration.helpers import snapshot
from tests.web.conftest import bearer, intake
from tests.web.test_api__bad_input import count, reclamo_waiting_for_the_company, refused
from tests.web.test_auth__login import sign_in

HUGE = "9" * 5000


def _raw(value: object) -> str:
    """JSON text keeping lone surrogates as escapes (what a client sends: "\\ud800")."""
    return json.dumps(value, ensure_ascii=True)


def test_a_lone_surrogate_in_any_json_text_is_refused_like_nul(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    headers = {**bearer(tokens["eje13"]), "Content-Type": "application/json"}
    body = _raw(intake(description="Me cobraron \ud800 dos veces"))
    refused(client.post("/api/v1/cases", data=body, headers=headers), 400, "«description»", "U+D800")
    consumer = {**complaint()["consumer"], "name\udfff": "Ana"}
    body = _raw(intake(consumer=consumer))
    refused(client.post("/api/v1/cases", data=body, headers=headers), 400, "nombre de campo", "U+DFFF")
    assert count(app, Case) == 0
    folio, task_id = reclamo_waiting_for_the_company(app)
    before = snapshot(app.extensions["ventanilla"], folio)
    body = _raw({"data": {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "\udc80"}})
    resp = client.post(f"/api/v1/tasks/{task_id}/complete", data=body, headers=headers)
    refused(resp, 400, "U+DC80")
    assert snapshot(app.extensions["ventanilla"], folio) == before


def test_surrogates_in_the_query_or_a_page_form_are_never_a_500(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    staff = bearer(tokens["sup13"])
    assert client.get("/api/v1/status?folio=%ED%A0%80&rut=12.345.678-5").status_code < 500
    assert client.get("/api/v1/cases/%ED%A0%80", headers=staff).status_code == 404
    sign_in(client, "eje13", "clave-segura-1")
    assert client.get("/bandeja?q=%ED%A0%80").status_code == 200


def test_a_query_number_with_other_digits_is_a_400(client: FlaskClient, tokens: dict[str, str]) -> None:
    staff = bearer(tokens["eje13"])
    for limit in ("²", "٣", HUGE, "-1", "1_0"):
        refused(client.get(f"/api/v1/tasks?limit={limit}", headers=staff), 400, "'limit'")
    assert client.get("/api/v1/tasks?limit=3", headers=staff).status_code == 200


def test_a_form_file_with_a_5000_digit_number_is_refused_in_the_workbench(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    analyst = bearer(tokens["analista"])
    text = '{"type": "object", "properties": {"n": {"type": "integer", "maximum": ' + HUGE + "}}}"
    put = client.put("/api/v1/workbench/draft/files/forms/enorme.json", data=text, headers=analyst)
    refused(put, 422, "4.300 dígitos")
    headers = {**analyst, "Content-Type": "application/json"}
    tried = client.post(
        "/api/v1/workbench/forms/enorme/try", data='{"schema": ' + text + "}", headers=headers
    )
    assert 400 <= tried.status_code < 500


def test_only_a_process_with_an_intake_form_can_be_started(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    eje = bearer(tokens["eje13"])
    for process in ("etapa_reclamo", "visacion", "derivacion"):
        resp = client.post("/api/v1/cases", json={**complaint(), "process": process}, headers=eje)
        body = refused(resp, 422, "process")
        assert body["errors"][0]["field"] == "process"
        assert f"«{process}» no recibe ingresos" in body["errors"][0]["message"]
    assert count(app, Case) == 0


def test_a_typename_key_is_refused_at_intake_and_the_platform_stays_workable(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    eje = bearer(tokens["eje13"])
    resp = client.post("/api/v1/cases", json={**intake(), "typename": "zzz"}, headers=eje)
    assert resp.status_code == 422 and count(app, Case) == 0
    resp = client.post("/api/v1/cases", json={**complaint(), "process": "etapa_reclamo", "typename": "zzz"})
    assert resp.status_code in (401, 422)
    created = client.post("/api/v1/cases", json=intake(), headers=eje)
    assert created.status_code == 201
    assert client.get(f"/api/v1/cases/{created.get_json()['folio']}", headers=eje).status_code == 200
