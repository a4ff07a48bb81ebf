"""Staff accounts by a platform administrator (page and API): a new ejecutivo of a new platform signs in
with the temporary password, must change it, then sees only that platform's cases; roles it may not grant
and other regions are refused; deactivating returns the account's tasks to the queue; all of it audited.
SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases, tasks
from tests.conftest import complaint
from tests.integration.helpers import only_task
from tests.web.conftest import bearer
from tests.web.network import PASSWORD, csrf
from tests.web.test_auth__login import sign_in

PAP = {"name": "Plataforma Municipal de Maipú", "kind": "municipal", "comuna_code": "13119", "online": True}


def _open(app: Flask, platform: str) -> str:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        actor = Actor("sup13", "supervisor", None, "13")
        return cases.open_case(s, sys_.store, complaint(platform=platform), actor, utcnow()).folio


def test_a_new_ejecutivo_signs_in_changes_the_password_and_sees_only_the_platform(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    admin = bearer(tokens["admin13"])
    assert client.post("/api/v1/platforms", json=PAP, headers=admin).status_code == 201
    ours, theirs = _open(app, "PAP13119"), _open(app, "DR13")
    made = client.post(
        "/api/v1/users",
        json={"username": "mperez", "full_name": "María Pérez", "role": "ejecutivo", "platform": "PAP13119"},
        headers=admin,
    )
    assert made.status_code == 201
    temporary = made.get_json()["temporary_password"]
    sign_in(client, "mperez", temporary)
    assert client.get("/bandeja").headers["Location"].endswith("/cambiar-clave")  # nothing else first
    token = csrf(client, "/cambiar-clave")
    weak = client.post(
        "/cambiar-clave",
        data={"csrf_token": token, "current": temporary, "new": "corta", "repeated": "corta"},
    )
    assert weak.status_code == 422 and "entre 8 y 1024" in weak.get_data(as_text=True)
    done = client.post(
        "/cambiar-clave",
        data={
            "csrf_token": token,
            "current": temporary,
            "new": "mi-clave-propia",
            "repeated": "mi-clave-propia",
        },
    )
    assert done.status_code == 302
    inbox = client.get("/bandeja").get_data(as_text=True)
    assert ours in inbox and theirs not in inbox
    assert client.get(f"/casos/{theirs}").status_code == 404


def test_roles_and_regions_an_administrator_may_not_grant(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    admin = bearer(tokens["admin13"])
    for role in ("nivel_central", "analista", "integrador"):
        body = {"username": f"x{role}", "full_name": "Alguien Prueba", "role": role}
        assert client.post("/api/v1/users", json=body, headers=admin).status_code == 403, role
    foreign = {"username": "valpo1", "full_name": "Alguien Prueba", "role": "ejecutivo", "platform": "DR05"}
    assert client.post("/api/v1/users", json=foreign, headers=admin).status_code == 403
    central = {"username": "nuevo", "full_name": "Alguien Prueba", "role": "ejecutivo", "platform": "DR13"}
    assert client.post("/api/v1/users", json=central, headers=bearer(tokens["central"])).status_code == 403
    assert client.post("/api/v1/users/eje05/deactivate", headers=admin).status_code == 403
    no_platform = client.post("/api/v1/users", json={**central, "platform": ""}, headers=admin)
    assert no_platform.status_code == 422 and no_platform.get_json()["errors"][0]["field"] == "platform"
    listed = {u["username"] for u in client.get("/api/v1/users", headers=admin).get_json()["users"]}
    assert "eje13" in listed and "eje05" not in listed and "central" not in listed


def test_deactivating_returns_the_tasks_to_the_queue_and_is_audited(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    sys_ = app.extensions["ventanilla"]
    folio = _open(app, "DR13")
    task = only_task(sys_, folio, "trasladar")
    with sys_.db.writing() as s:
        tasks.claim_task(s, task.id, Actor("eje13", "ejecutivo", "DR13", "13"), utcnow())
    sign_in(client, "admin13", PASSWORD)
    page = client.get("/personal").get_data(as_text=True)
    assert "eje13" in page and "eje05" not in page
    resp = client.post("/personal/eje13/desactivar", data={"csrf_token": csrf(client, "/personal")})
    assert resp.status_code == 302
    assert only_task(sys_, folio, "trasladar").assignee is None
    with sys_.db.reading() as s:
        log = cases.case_detail(s, folio, Actor("central", "nivel_central"), utcnow()).log
    assert any(e.event == "task_released" and "eje13" in e.summary for e in log)
    assert client.get("/api/v1/tasks", headers=bearer(tokens["eje13"])).status_code == 401  # tokens revoked
    reset = client.post("/personal/eje13b/clave-temporal", data={"csrf_token": csrf(client, "/personal")})
    assert reset.status_code == 200 and "se muestra una sola vez" in reset.get_data(as_text=True)
    audit = client.get("/auditoria").get_data(as_text=True)
    assert "Cuenta desactivada" in audit and "Contraseña temporal generada" in audit
    assert client.get("/auditoria", follow_redirects=False).status_code == 200


def test_tokens_are_listed_and_revoked_by_the_region(client: FlaskClient, tokens: dict[str, str]) -> None:
    sign_in(client, "admin13", PASSWORD)
    page = client.get("/personal/tokens").get_data(as_text=True)
    assert "eje13" in page and "eje05" not in page
    token_id = page.split("/personal/tokens/", 1)[1].split("/", 1)[0]
    resp = client.post(
        f"/personal/tokens/{token_id}/revocar", data={"csrf_token": csrf(client, "/personal/tokens")}
    )
    assert resp.status_code == 302
    assert "Revocado" in client.get("/personal/tokens").get_data(as_text=True)
