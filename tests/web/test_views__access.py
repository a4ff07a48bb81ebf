"""Every staff view and API endpoint by every role, on a case of region 13: enforced on the server;
a case out of scope is a 404, never a leak. The route matrix at the end is generated from ``app.url_map``:
a route without a rule in RULES fails. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import roles as engine_roles
from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases, documents, providers, users
from tests.conftest import complaint
from tests.integration.helpers import only_task
from tests.web.conftest import bearer
from tests.web.routes import routes
from tests.web.test_auth__login import sign_in
from web.staff import backentry as staff_backentry
from web.staff import reportargs
from web.staff import reports as staff_reports
from web.staff import roles as staff_roles
from web.staff import soni as staff_soni

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


PUBLIC_PAGES = {
    "/portal": 200,
    "/portal/consulta": 200,
    "/portal/reclamo": 200,
    "/portal/estado": 200,
    "/portal/opinion": 200,
    "/portal/recibo/forjado": 404,
    "/portal/comprobante/forjado": 404,
    "/portal/carta/forjado": 404,
    "/portal/veredicto/forjado": 404,
    "/kiosco/DR13": 404,  # kiosks are for library platforms only
}


def test_public_pages_without_signing_in(client: FlaskClient) -> None:
    got = {path: client.get(path).status_code for path in PUBLIC_PAGES}
    assert got == PUBLIC_PAGES
    assert client.get("/soni").status_code == 302 and client.get("/soni/nuevo").status_code == 302


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
        "/soni": 200 if user in {"sup13", "sup05", "abo13", "central"} else 403,
        "/soni/nuevo": 200 if staff else 403,
    }
    if user == COMPANY:  # a company's account: its portal only, every staff page refused
        expected = {path: 200 if path.startswith("/empresa/") else 403 for path in expected}
    expected.update(PUBLIC_PAGES)  # the citizen's pages: everyone, signed in or not
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


# --- The matrix generated from the app's routes by roles: every route needs a rule here ---

PUBLIC = "público"  # anyone, signed in or not
API_RULE = "api"  # bearer token (or the workbench's session): checked per operation by the API tests above
SIGNED_IN = "personal"  # any signed-in staff account (a company's account: 403); the case's scope decides
ANY_ACCOUNT = "cuenta"  # any signed-in account, a company's too (the start page sends it to its portal)
WORKERS = "trabajo"  # staff who may act on cases: read-only profiles (nivel central, director) get 403
EDITORS = frozenset({"analista", "integrador"})
RULES: dict[str, str | frozenset[str]] = {
    "static": PUBLIC,
    "assets.vendor": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "pages.home": PUBLIC,  # the portal for a visitor, each account's start page once signed in
    "inbox.index": SIGNED_IN,
    "lookup.index": SIGNED_IN,
    "cases.show": SIGNED_IN,
    "cases.diagram": SIGNED_IN,
    "cases.download": SIGNED_IN,
    "cases.attachment": SIGNED_IN,
    "cases.claim": SIGNED_IN,
    "cases.release": SIGNED_IN,
    "cases.complete": WORKERS,
    "cases.transfer": SIGNED_IN,
    "cases.send": SIGNED_IN,
    "cases.regenerate": SIGNED_IN,
    "intake.new": frozenset({"ejecutivo", "supervisor", "abogado"}),
    "intake.create": frozenset({"ejecutivo", "supervisor", "abogado"}),
    "intake.consumer": frozenset({"ejecutivo", "supervisor", "abogado"}),
    "intake.providers": frozenset({"ejecutivo", "supervisor", "abogado"}),
    "approvals.index": frozenset({"supervisor", "abogado"}),
    "approvals.decide": frozenset({"supervisor", "abogado"}),
    "approvals.bulk_approve": frozenset({"supervisor", "abogado"}),
    "derivations.incidents": frozenset(
        {"supervisor", "abogado", "integrador", "admin_plataformas", "nivel_central"}
    ),
    "derivations.retry": frozenset({"supervisor", "abogado", "integrador", "admin_plataformas"}),
    **dict.fromkeys(
        ("derivations.agency_list", "derivations.agency_add", "derivations.agency_edit"),
        frozenset({"integrador", "admin_plataformas"}),
    ),
    "derivations.agency_update": frozenset({"integrador", "admin_plataformas"}),
    **dict.fromkeys(
        ("providers.index", "providers.add", "providers.edit", "providers.update"),
        frozenset({"integrador", "admin_plataformas"}),
    ),
    **dict.fromkeys(
        (
            "workbench.index",
            "workbench.validate",
            "workbench.publish",
            "workbench.reset",
            "workbench.versions_page",
            "workbench.import_zip",
            "workbench.migrations",
            "modeler.process",
            "modeler.layout",
            "modeler.form",
            "modeler.letter",
            "modeler.content_list",
        ),
        EDITORS,
    ),
    **dict.fromkeys(("portal.index", "portal.show", "portal.answer"), frozenset({"proveedor"})),
    "workbench.merge": EDITORS,
    "workbench.resolve": EDITORS,
    "workbench.restore": EDITORS,
    # Citizens (web/public): no account; what they reach is decided by signed links and folio + RUT.
    **dict.fromkeys(
        (
            "citizen.index",
            "citizen.inquiry",
            "citizen.complaint",
            "citizen.file_inquiry",
            "citizen.file_complaint",
            "citizen.receipt",
            "citizen.comprobante",
            "citizen.letter",
            "citizen.lookup",
            "citizen.opinion_form",
            "citizen.opinion_send",
            "citizen.verdict",
            "kiosk.index",
            "kiosk.inquiry",
            "kiosk.complaint",
            "kiosk.file_case",
            "kiosk.lookup",
            "kiosk.receipt",
        ),
        PUBLIC,
    ),
    # The development mail catcher (staff only; 404 in production and whenever the catcher is not running).
    **dict.fromkeys(("devmail.index", "devmail.show", "devmail.attachment"), SIGNED_IN),
    "cases.add_gestion": SIGNED_IN,
    **dict.fromkeys(("derivations.cancel", "derivations.redirect_to"), frozenset(staff_roles.CASE_HANDLERS)),
    **dict.fromkeys(
        ("notices.index", "notices.mark_all", "notices.mark_one", "notices.save_preferences"), SIGNED_IN
    ),
    "reports.approval_returns": frozenset(staff_reports.READERS),
    **dict.fromkeys(("knowledge.index", "knowledge.show"), frozenset(staff_roles.KNOWLEDGE_READERS)),
    **dict.fromkeys(
        ("knowledge.new", "knowledge.create", "knowledge.update", "knowledge.import_csv", "knowledge.export"),
        frozenset(staff_roles.KNOWLEDGE_EDITORS),
    ),
    "knowledge.report": frozenset(staff_roles.KNOWLEDGE_REPORTS),
    **dict.fromkeys(("knowledge.panel", "knowledge.use"), frozenset(staff_roles.KNOWLEDGE_USERS)),
    **dict.fromkeys(
        ("platforms.index", "platforms.show", "platforms.agreement_download"),
        frozenset(staff_roles.NETWORK_READERS),
    ),
    **dict.fromkeys(
        ("platforms.add", "platforms.update", "platforms.agreement", "platforms.deactivate"),
        frozenset(staff_roles.NETWORK_ADMINS),
    ),
    **dict.fromkeys(
        ("staff_accounts.index", "staff_accounts.token_list", "audit.index"),
        frozenset(staff_roles.NETWORK_READERS),
    ),
    **dict.fromkeys(
        ("staff_accounts.add", "staff_accounts.deactivate", "staff_accounts.reset", "staff_accounts.revoke"),
        frozenset(staff_roles.NETWORK_ADMINS),
    ),
    "staff_accounts.change_password": SIGNED_IN,
    **dict.fromkeys(
        (
            "backentry.index",
            "backentry.template",
            "backentry.upload",
            "backentry.show",
            "backentry.step",
            "backentry.confirm",
        ),
        frozenset(staff_backentry.UPLOADERS),
    ),
    **dict.fromkeys(("soni.new", "soni.create"), frozenset(staff_roles.INTAKE_ROLES)),
    "soni.report": frozenset(staff_soni.REPORT_ROLES),
    **dict.fromkeys(("search.index", "exports.cases"), frozenset(reportargs.SEARCH_ROLES)),
    **dict.fromkeys(
        ("monitoring.index", "monitoring.coverage_page", "exports.dashboard"),
        frozenset(reportargs.MONITOR_ROLES),
    ),
}
MATRIX_USERS = {  # one account per role
    "eje13": "ejecutivo",
    "sup13": "supervisor",
    "abo13": "abogado",
    "adm13": "admin_plataformas",
    "dir13": "director_regional",
    "central": "nivel_central",
    "analista": "analista",
    "integ": "integrador",
    COMPANY: "proveedor",
}


def _rule(app: Flask, endpoint: str) -> str | frozenset[str]:
    if endpoint.split(".")[0] in {"api", "provider_api", "workbench_api"}:
        return API_RULE
    assert endpoint in RULES, f"la ruta {endpoint} no tiene regla de autorización en RULES"
    return RULES[endpoint]


def test_every_route_has_an_authorization_rule(app: Flask) -> None:
    """A new route without a rule fails here; a rule for a route that is gone, too."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    pages = {e for e in endpoints if _rule(app, e) != API_RULE}
    assert pages == set(RULES)
    assert ROLES_OF_RULES <= set(engine_roles.ROLES)


ROLES_OF_RULES = {role for rule in RULES.values() if isinstance(rule, frozenset) for role in rule}


def _expected(rule: str | frozenset[str], role: str | None) -> str:
    """'in' (not refused), 'login' (sent to sign in) or 'refused' (403)."""
    if rule == PUBLIC:
        return "in"
    if role is None:
        return "login"
    if rule == ANY_ACCOUNT:
        return "in"
    if rule in (SIGNED_IN, WORKERS):
        refused = {"proveedor"} | (engine_roles.READ_ONLY if rule == WORKERS else set())
        return "refused" if role in refused else "in"
    assert isinstance(rule, frozenset)
    return "in" if role in rule else "refused"


def _got(status: int, location: str) -> str:
    if status == 302 and location.startswith("/ingresar"):
        return "login"
    return "refused" if status == 403 else "in"


@pytest.mark.parametrize("user", [None, *MATRIX_USERS])
def test_the_route_matrix_by_role(app: Flask, case13: Fixture, user: str | None) -> None:
    """Every page route (GET and POST) by every role, as the rules say: refused roles get 403 (or the login
    page when signed out) before anything happens; allowed roles are never refused."""
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "adm13", PASSWORD, "admin_plataformas", utcnow(), region="13")
        users.add_user(s, "dir13", PASSWORD, "director_regional", utcnow(), region="13")
    client = app.test_client()
    role = MATRIX_USERS[user] if user else None
    if user:
        sign_in(client, user, PASSWORD)
    page = client.get("/ingresar" if user is None or role == "proveedor" else "/estado")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    form = {"csrf_token": token.group(1)} if token else {}
    values = {"folio": case13.folio, "task_id": case13.task_id, "doc_id": case13.doc_id}
    wrong = []
    for route in routes(app, values):
        rule = _rule(app, route.endpoint)
        if rule == API_RULE or route.endpoint == "auth.logout":
            continue
        data = form if route.method == "POST" else None
        resp = client.open(route.url, method=route.method, data=data)
        got, want = _got(resp.status_code, resp.headers.get("Location", "")), _expected(rule, role)
        if got != want:
            wrong.append(f"{route.method} {route.url}: {resp.status_code} ({got}), se esperaba {want}")
    assert wrong == []
