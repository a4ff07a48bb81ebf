"""Every staff view and API endpoint by every role, on a case of region 13: enforced on the server;
a case out of scope is a 404, never a leak. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases, documents, providers, users
from tests.conftest import complaint
from tests.integration.helpers import only_task
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in

PASSWORD = "clave-segura-1"
ROLES = ["eje13", "eje05", "sup13", "sup05", "abo13", "central", "analista", "tienda"]
COMPANY = "tienda"  # a proveedor account of the case's own company: still no staff page, no case file
IN_SCOPE = {"eje13", "sup13", "abo13", "central"}


@dataclass(frozen=True)
class Fixture:
    folio: str
    task_id: str
    doc_id: int


@pytest.fixture
def case13(app: Flask) -> Fixture:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        summary = cases.open_case(
            s, sys_.store, complaint(), Actor("eje13", "ejecutivo", "DR13", "13"), utcnow()
        )
    with sys_.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", utcnow(), digital=True)
        users.add_user(s, COMPANY, PASSWORD, "proveedor", utcnow(), provider="76.086.428-5")
    task = only_task(sys_, summary.folio, "trasladar")
    with sys_.db.reading() as s:
        doc = documents.list_documents(s, summary.folio, Actor("central", "nivel_central"))[0]
    return Fixture(summary.folio, task.id, doc.id)


def _expected_case_view(user: str) -> int:
    return 200 if user in IN_SCOPE else 404


@pytest.mark.parametrize("user", [*ROLES, "integ", "admin13"])
def test_views_by_role(client: FlaskClient, case13: Fixture, user: str) -> None:
    sign_in(client, user, PASSWORD)
    f = case13
    staff = user in {"eje13", "eje05", "sup13", "sup05", "abo13"}
    approver = user in {"sup13", "sup05", "abo13"}
    workbench = user in {"analista", "integ"}
    registry_editor = user in {"integ", "admin13"}  # the agency and provider registries
    network = user in {"admin13", "central"}  # platforms, staff accounts, audit (nivel central: read only)
    expected = {
        "/bandeja": 200,
        f"/casos/{f.folio}": _expected_case_view(user),
        f"/casos/{f.folio}/diagramas/caso.bpmn": _expected_case_view(user),
        f"/documentos/{f.doc_id}.docx": _expected_case_view(user),
        "/casos/nuevo": 200 if staff else 403,
        "/casos/nuevo/consumidor?rut=12345678-5": 200 if staff else 403,
        "/casos/nuevo/proveedores?q=tienda": 200 if staff else 403,
        "/visacion": 200 if approver else 403,
        "/estado": 200,
        "/empresa/reclamos": 403,
        "/taller": 200 if workbench else 403,
        "/taller/versiones": 200 if workbench else 403,
        "/taller/migraciones": 200 if workbench else 403,
        "/taller/listas/clasificacion": 200 if workbench else 403,
        "/instituciones": 200 if registry_editor else 403,
        "/proveedores": 200 if registry_editor else 403,
        "/proveedores/76086428-5": 200 if registry_editor else 403,
        "/casos": 200 if staff or user == "central" else 403,
        f"/casos?folio={f.folio}": 200 if staff or user == "central" else 403,
        "/monitoreo": 200 if approver or user == "central" else 403,
        "/monitoreo/cobertura": 200 if approver or user == "central" else 403,
        "/monitoreo.csv": 200 if approver or user == "central" else 403,
        "/casos.csv": 200 if staff or user == "central" else 403,
        "/notificaciones": 200,  # one's own: every staff member
        "/reportes/devoluciones": 200 if approver or user == "central" else 403,
        "/conocimiento": 403 if user == "integ" else 200,
        "/conocimiento/nuevo": 200 if user in {"sup13", "sup05", "analista"} else 403,
        "/conocimiento/informe": 200 if user in {"sup13", "sup05", "analista", "central"} else 403,
        "/conocimiento/exportar.csv": 200 if user in {"sup13", "sup05", "analista"} else 403,
        f"/casos/{f.folio}/conocimiento?q=garantia": 200 if staff else 403,
        "/plataformas": 200 if network else 403,
        "/plataformas/DR13": 200 if network else 403,
        "/plataformas/DR05": 200 if user == "central" else 403,  # an administrator: own region only
        "/personal": 200 if network else 403,
        "/personal/tokens": 200 if network else 403,
        "/auditoria": 200 if network else 403,
        "/carga-papel": 200 if user in {"admin13", "sup13", "sup05"} else 403,  # the regional office
    }
    if user == COMPANY:  # a company's account: its portal only, every staff page refused
        expected = {path: 200 if path.startswith("/empresa/") else 403 for path in expected}
    got = {path: client.get(path).status_code for path in expected}
    assert got == expected


@pytest.mark.parametrize("user", ROLES)
def test_actions_by_role(client: FlaskClient, case13: Fixture, user: str) -> None:
    """Only in-scope staff may act; read-only and foreign users change nothing."""
    sign_in(client, user, PASSWORD)
    page = client.get("/bandeja").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    resp = client.post(f"/casos/{case13.folio}/tareas/{case13.task_id}/tomar", data={"csrf_token": token})
    if user in {"eje13", "sup13", "abo13"}:
        assert resp.status_code == 302
        assert f"({user})" in client.get("/bandeja").get_data(as_text=True)
    elif user == "central":
        assert resp.status_code == 302  # redirected back with a message: read-only profile
        assert "(central)" not in client.get("/bandeja").get_data(as_text=True)
    elif user == COMPANY:
        assert resp.status_code == 403
        assert client.get("/").headers["Location"].endswith("/empresa/reclamos")
    else:
        assert resp.status_code == 404


API = [
    ("get", "/api/v1/cases/{folio}"),
    ("get", "/api/v1/cases/{folio}/documents"),
    ("get", "/api/v1/tasks/{task}"),
    ("get", "/api/v1/documents/{doc}.docx"),
]


def _company_token(client: FlaskClient, tokens: dict[str, str], user: str) -> None:
    """The company account gets its token here (the shared fixture holds staff tokens only)."""
    if user == COMPANY:
        with client.application.extensions["ventanilla"].db.writing() as s:
            tokens[COMPANY] = users.create_token(s, COMPANY, utcnow())


@pytest.mark.parametrize("user", ROLES)
def test_api_by_role(client: FlaskClient, tokens: dict[str, str], case13: Fixture, user: str) -> None:
    _company_token(client, tokens, user)
    expected_case = _expected_case_view(user)
    for method, template in API:
        path = template.format(folio=case13.folio, task=case13.task_id, doc=case13.doc_id)
        status = getattr(client, method)(path, headers=bearer(tokens[user])).status_code
        want = expected_case
        if "/tasks/" in path and user in {"central"}:
            want = 200  # nivel central reads every task, works none
        assert status == want, (user, path)
    claim = client.post(f"/api/v1/tasks/{case13.task_id}/claim", headers=bearer(tokens[user])).status_code
    assert claim == (200 if user in {"eje13", "sup13", "abo13"} else 403 if user == "central" else 404)


WORKBENCH_USERS = {"analista", "integ"}
WORKBENCH_API = [
    ("get", "/api/v1/workbench/catalog"),
    ("get", "/api/v1/workbench/draft"),
    ("get", "/api/v1/workbench/draft/files/forms/visacion.json"),
    ("post", "/api/v1/workbench/draft/validate"),
    ("get", "/api/v1/workbench/versions"),
    ("get", "/api/v1/workbench/versions/1/export"),
]


@pytest.mark.parametrize("user", [*ROLES, "integ"])
def test_workbench_api_by_role(
    client: FlaskClient, tokens: dict[str, str], case13: Fixture, user: str
) -> None:
    """Only analysts and integrators reach the workbench API; everyone else is refused with 403."""
    _company_token(client, tokens, user)
    for method, path in WORKBENCH_API:
        resp = getattr(client, method)(path, headers=bearer(tokens[user]))
        assert resp.status_code == (200 if user in WORKBENCH_USERS else 403), (user, path)
    anonymous = client.get("/api/v1/workbench/draft")
    assert anonymous.status_code == 401 and anonymous.content_type == "application/problem+json"


def test_workbench_api_with_the_session_needs_the_csrf_header(client: FlaskClient) -> None:
    sign_in(client, "analista", PASSWORD)
    page = client.get("/estado").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    path = "/api/v1/workbench/draft/files/forms/visacion.json"
    body = client.get(path).get_data()
    refused = client.put(path, data=body)
    assert refused.status_code == 400 and refused.content_type == "application/problem+json"
    assert client.put(path, data=body, headers={"X-CSRFToken": token}).get_json()["saved"]


NETWORK_API = [
    ("get", "/api/v1/platforms"),
    ("get", "/api/v1/platforms/DR13"),
]


@pytest.mark.parametrize("user", [*ROLES, "integ", "admin13"])
def test_network_api_by_role(client: FlaskClient, tokens: dict[str, str], case13: Fixture, user: str) -> None:
    """The platform registry: its region's administrator and nivel central read it; only the administrator
    changes it; every other role is refused with 403 and nothing changes."""
    _company_token(client, tokens, user)
    readers = {"admin13", "central"}
    for method, path in NETWORK_API:
        resp = getattr(client, method)(path, headers=bearer(tokens[user]))
        assert resp.status_code == (200 if user in readers else 403), (user, path)
    body = {"name": "Plataforma Municipal de Maipú", "kind": "municipal", "comuna_code": "13119"}
    made = client.post("/api/v1/platforms", json=body, headers=bearer(tokens[user]))
    assert made.status_code == (201 if user == "admin13" else 403), user
    assert client.get("/api/v1/platforms/DR05", headers=bearer(tokens[user])).status_code == (
        200 if user == "central" else 403
    )
