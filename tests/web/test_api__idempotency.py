"""``Idempotency-Key`` on the creating endpoints: a retried intake with the same key and body gets the same
folio and no second case; the same key with another body is a 422 problem; concurrent retries create one
case; every creating endpoint (a POST answering 201) takes the key. SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import Case
from tests.web.conftest import bearer, intake
from web.api.contract import operation_of
from web.api.idempotency import is_idempotent


def _cases(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count()).select_from(Case)).scalar_one())


def test_a_retried_intake_returns_the_same_folio(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    headers = {**bearer(tokens["eje13"]), "Idempotency-Key": "ingreso-0001"}
    first = client.post("/api/v1/cases", json=intake(), headers=headers)
    again = client.post("/api/v1/cases", json=intake(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["folio"] == first.get_json()["folio"]
    assert again.headers["Location"] == first.headers["Location"] and again.headers["Idempotent-Replayed"]
    assert _cases(app) == 1
    other = client.post("/api/v1/cases", json=intake(description="Otro problema distinto."), headers=headers)
    assert other.status_code == 422 and other.content_type == "application/problem+json"
    assert "Idempotency-Key" in other.get_json()["detail"] and _cases(app) == 1
    fresh = client.post(
        "/api/v1/cases", json=intake(), headers={**headers, "Idempotency-Key": "ingreso-0002"}
    )
    assert fresh.get_json()["folio"] != first.get_json()["folio"] and _cases(app) == 2


def test_keys_belong_to_their_caller_and_bad_keys_are_refused(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    mine = client.post(
        "/api/v1/cases", json=intake(), headers={**bearer(tokens["eje13"]), "Idempotency-Key": "k"}
    )
    theirs = client.post(
        "/api/v1/cases", json=intake(), headers={**bearer(tokens["sup13"]), "Idempotency-Key": "k"}
    )
    assert mine.get_json()["folio"] != theirs.get_json()["folio"]
    for bad in ("", "con espacios", "x" * 201):
        resp = client.post(
            "/api/v1/cases", json=intake(), headers={**bearer(tokens["eje13"]), "Idempotency-Key": bad}
        )
        assert resp.status_code == 400 and resp.content_type == "application/problem+json", bad
    assert _cases(app) == 2


def test_concurrent_retries_create_one_case(app: Flask, live_server: str, tokens: dict[str, str]) -> None:
    headers = {**bearer(tokens["eje13"]), "Idempotency-Key": "carrera-1"}

    def post(_: int) -> tuple[int, str | None]:
        resp = requests.post(f"{live_server}/api/v1/cases", json=intake(), headers=headers, timeout=60)
        return resp.status_code, resp.json().get("folio")

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(post, range(6)))
    folios = {folio for status, folio in results if status == 201}
    assert len(folios) == 1 and all(status in (201, 409) for status, _ in results), results
    assert _cases(app) == 1


def test_every_creating_endpoint_takes_the_key(app: Flask) -> None:
    creating = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        op = operation_of(view)
        if op is not None and "POST" in (rule.methods or ()) and 201 in op.responses:
            creating.append(rule.rule)
            assert is_idempotent(view), f"{rule.rule} crea y no acepta Idempotency-Key"
    assert "/api/v1/cases" in creating and len(creating) >= 3
