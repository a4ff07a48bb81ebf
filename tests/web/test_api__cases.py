"""API v1 over the Flask test client: tokens, problem+json, cases, tasks, the public status lookup."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import complaint
from tests.web.conftest import bearer, intake


def _open(client: FlaskClient, token: str, **overrides: object) -> str:
    resp = client.post("/api/v1/cases", json=intake(**overrides), headers=bearer(token))
    assert resp.status_code == 201, resp.get_json()
    return str(resp.get_json()["folio"])


def test_without_a_token_the_api_answers_401_problem_json(client: FlaskClient) -> None:
    resp = client.get("/api/v1/tasks")
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/tasks", headers=bearer("vt_nope")).status_code == 401


def test_create_case_then_read_it_and_its_first_task(client: FlaskClient, tokens: dict[str, str]) -> None:
    resp = client.post("/api/v1/cases", json=intake(), headers=bearer(tokens["eje13"]))
    assert resp.status_code == 201
    folio = resp.get_json()["folio"]
    assert resp.headers["Location"].endswith(f"/api/v1/cases/{folio}")
    case = client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["eje13"])).get_json()
    assert (
        case["summary"]["stage"] == "reclamo" and case["summary"]["due_on"] == case["open_tasks"][0]["due_on"]
    )
    assert case["log"][0]["event"] == "intake"
    listed = client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_json()["tasks"]
    assert [(t["folio"], t["element_id"]) for t in listed] == [(folio, "gestionar_caso")]
    task = client.get(f"/api/v1/tasks/{listed[0]['id']}", headers=bearer(tokens["eje13"])).get_json()
    assert task["form_schema"]["properties"]["accion"]["enum"][0] == "registrar_gestion"


def test_bad_intake_is_422_with_field_errors(client: FlaskClient, tokens: dict[str, str]) -> None:
    data = complaint()
    data["consumer"] = {**data["consumer"], "rut": "12.345.678-0"}
    del data["subject"]
    resp = client.post("/api/v1/cases", json=data, headers=bearer(tokens["eje13"]))
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert {e["field"] for e in resp.get_json()["errors"]} == {"consumer.rut", "subject"}
    assert client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_json()["tasks"] == []


def test_garbage_bodies_get_400_not_500(client: FlaskClient, tokens: dict[str, str]) -> None:
    headers = {**bearer(tokens["eje13"]), "Content-Type": "application/json"}
    for body in ("{not json", "[1, 2]", "null", '"texto"'):
        resp = client.post("/api/v1/cases", data=body, headers=headers)
        assert resp.status_code == 400, body
        assert resp.mimetype == "application/problem+json"
    assert client.get("/api/v1/tasks?limit=abc", headers=bearer(tokens["eje13"])).status_code == 400


def test_complete_task_422_then_200_then_409(client: FlaskClient, tokens: dict[str, str]) -> None:
    folio = _open(client, tokens["eje13"])
    task_id = client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_json()["tasks"][0]["id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    bad = client.post(url, json={"data": {"accion": "volar"}}, headers=bearer(tokens["eje13"]))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"accion", "nota"}
    log_before = client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["eje13"])).get_json()["log"]
    good = {"data": {"accion": "registrar_gestion", "nota": "Llamé a la empresa"}}
    assert client.post(url, json=good, headers=bearer(tokens["eje13"])).status_code == 200
    again = client.post(url, json=good, headers=bearer(tokens["eje13"]))
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    log_after = client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["eje13"])).get_json()["log"]
    assert len(log_after) == len(log_before) + 1


def test_other_region_cannot_see_or_work_the_case(client: FlaskClient, tokens: dict[str, str]) -> None:
    folio = _open(client, tokens["eje13"])
    task_id = client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).get_json()["tasks"][0]["id"]
    assert client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["sup05"])).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=bearer(tokens["eje05"])).status_code == 404
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        headers=bearer(tokens["eje05"]),
        json={"data": {"accion": "registrar_gestion", "nota": "intruso"}},
    )
    assert done.status_code == 404
    assert client.get(f"/api/v1/cases/{folio}", headers=bearer(tokens["central"])).status_code == 200
    assert client.get("/api/v1/tasks", headers=bearer(tokens["central"])).get_json()["tasks"] == []


def test_read_only_and_foreign_staff_cannot_register(client: FlaskClient, tokens: dict[str, str]) -> None:
    denied = client.post("/api/v1/cases", json=intake(), headers=bearer(tokens["central"]))
    assert denied.status_code == 403 and denied.mimetype == "application/problem+json"
    for who in ("analista", "eje05"):
        assert client.post("/api/v1/cases", json=intake(), headers=bearer(tokens[who])).status_code == 403
    assert client.get("/api/v1/tasks", headers=bearer(tokens["sup13"])).get_json()["tasks"] == []


def test_claim_reserves_the_task(client: FlaskClient, tokens: dict[str, str]) -> None:
    _open(client, tokens["eje13"])
    task_id = client.get("/api/v1/tasks", headers=bearer(tokens["sup13"])).get_json()["tasks"][0]["id"]
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=bearer(tokens["sup13"]))
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "sup13"
    taken = client.post(f"/api/v1/tasks/{task_id}/claim", headers=bearer(tokens["eje13"]))
    assert taken.status_code == 409 and "sup13" in taken.get_json()["detail"]


def test_public_status_with_folio_and_rut_only(client: FlaskClient, tokens: dict[str, str]) -> None:
    folio = _open(client, tokens["eje13"])
    ok = client.get(f"/api/v1/status?folio={folio}&rut=12.345.678-5")
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["stage"] == "reclamo" and body["due_on"] and "eje13" not in ok.get_data(as_text=True)
    wrong = client.get(f"/api/v1/status?folio={folio}&rut=11.111.111-1")
    assert wrong.status_code == 404 and "RUT" in wrong.get_json()["detail"]
    assert client.get("/api/v1/status?folio=" + folio).status_code == 400
    limited = [client.get(f"/api/v1/status?folio={folio}&rut=12345678-5").status_code for _ in range(5)]
    assert limited[-1] == 429


def test_openapi_lists_kind_and_channel_enums(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]
    assert schemas["Kind"]["enum"] == ["inquiry", "complaint", "out_of_scope"]
    assert schemas["Channel"]["enum"] == ["in_person", "web", "phone", "written", "mailbox"]
    assert schemas["CaseCreate"]["properties"]["kind"] == {"$ref": "#/components/schemas/Kind"}


def test_health_and_unknown_routes(client: FlaskClient) -> None:
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    missing = client.get("/api/v1/nada")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/").status_code == 200  # a visitor who is not signed in gets the citizens' portal
