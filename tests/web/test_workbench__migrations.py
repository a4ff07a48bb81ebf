"""Migrations over the workbench API: the dry run lists per-case verdicts, performing moves the safe ones.
SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.conftest import bearer
from tests.web.test_workbench__drafts import CASO, PLAZO_20, PLAZO_25, WB, draft_file, put


def test_dry_run_then_migrate(app: Flask, client: FlaskClient, tokens: dict[str, str]) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        consulta = cases.open_case(s, sys_.store, complaint(kind="inquiry"), ACTORS["eje13"], utcnow()).folio
        reclamo = cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], utcnow()).folio
    token = tokens["analista"]
    put(client, token, CASO, draft_file(client, token, CASO).replace(PLAZO_25, PLAZO_20))
    assert client.post(f"{WB}/publish", json={"note": "plazo 20"}, headers=bearer(token)).status_code == 201

    refused = client.post(f"{WB}/migrations", json={"from": 1, "to": 2}, headers=bearer(tokens["sup13"]))
    assert refused.status_code == 403
    dry = client.post(f"{WB}/migrations", json={"from": 1, "to": 2}, headers=bearer(token)).get_json()
    assert dry["migrated"] == 0
    assert {v["folio"]: v["safe"] for v in dry["verdicts"]} == {consulta: True, reclamo: False}
    assert "plazo_reclamo" in next(v["reason"] for v in dry["verdicts"] if v["folio"] == reclamo)
    versions = client.get(f"{WB}/versions", headers=bearer(token)).get_json()
    assert [v["open_cases"] for v in versions] == [0, 2]

    done = client.post(f"{WB}/migrations", json={"from": 1, "to": 2, "dry_run": False}, headers=bearer(token))
    assert done.status_code == 200 and done.get_json()["migrated"] == 1
    versions = client.get(f"{WB}/versions", headers=bearer(token)).get_json()
    assert [v["open_cases"] for v in versions] == [1, 1]
    detail = client.get(f"/api/v1/cases/{consulta}", headers=bearer(tokens["eje13"])).get_json()
    assert any(e["event"] == "migrated" for e in detail["log"])


def test_bad_migration_requests(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["integ"]
    assert client.post(f"{WB}/migrations", json={"from": 1}, headers=bearer(token)).status_code == 400
    assert (
        client.post(f"{WB}/migrations", json={"from": 1, "to": 1}, headers=bearer(token)).status_code == 422
    )
    assert (
        client.post(f"{WB}/migrations", json={"from": 1, "to": 9}, headers=bearer(token)).status_code == 404
    )
    bad = client.post(f"{WB}/migrations", json={"from": 1, "to": 2, "folios": "x"}, headers=bearer(token))
    assert bad.status_code == 400 and bad.content_type == "application/problem+json"
