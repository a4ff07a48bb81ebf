"""Classification and records at intake over the Flask client: mercado and motivo are required (422 naming
them by title, on the page and on the API), the case page and the bandeja show and filter them, a motivo the
analyst publishes is offered with no code change, a known RUT is looked up with its cases, the company is
suggested from the registry (accents ignored) or flagged for it. CSRF stays on."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import Case
from tests.web.conftest import bearer, intake
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, intake_form, register, token

WB = "/api/v1/workbench"


def count_cases(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count(Case.id))).scalar_one())


def test_intake_without_mercado_and_motivo_is_422_naming_them(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    sign_in(client, "eje13", PASSWORD)
    form = intake_form(market="", motive="")
    resp = client.post("/casos/nuevo", data={**form, "csrf_token": token(client, "/casos/nuevo")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert (
        "Mercado: Este campo es obligatorio." in html and "Motivo legal: Este campo es obligatorio." in html
    )
    data = intake()
    del data["market"], data["motive"], data["category"]
    api = client.post("/api/v1/cases", json=data, headers=bearer(tokens["eje13"]))
    body = api.get_json()
    assert api.status_code == 422 and api.mimetype == "application/problem+json"
    assert body["detail"] == "Revise los campos: Mercado, Motivo legal"
    assert {e["field"] for e in body["errors"]} == {"market", "motive"}
    other = intake(market="salud", motive="portabilidad")
    del other["category"]
    wrong = client.post("/api/v1/cases", json=other, headers=bearer(tokens["eje13"]))
    assert wrong.status_code == 422 and "Motivo legal" in wrong.get_json()["detail"]
    assert count_cases(app) == 0


def test_the_case_page_shows_labels_and_the_bandeja_filters_by_them(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/casos/nuevo").get_data(as_text=True)
    assert 'data-options-source="motives"' in page and 'data-parent="salud"' in page
    first = register(client, market="comercio", motive="garantia_legal", category="negativa_cambio")
    second = register(client, market="telecomunicaciones", motive="portabilidad")
    shown = client.get(f"/casos/{first}").get_data(as_text=True)
    assert "Comercio y retail (tiendas y ventas por internet)" in shown
    assert "Garantía legal · Negativa a cambiar el producto" in shown
    by_market = client.get("/bandeja?market=telecomunicaciones").get_data(as_text=True)
    assert f"/casos/{second}" in by_market and f"/casos/{first}" not in by_market
    by_motive = client.get("/bandeja?motive=garantia_legal").get_data(as_text=True)
    assert f"/casos/{first}" in by_motive and f"/casos/{second}" not in by_motive
    assert '<option value="DR13"' in by_motive  # the platform filter is a list, not a typed code


def test_a_motivo_published_in_the_workbench_is_offered_at_intake(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    headers = bearer(tokens["analista"])
    path = "lists/clasificacion.json"
    doc = json.loads(client.get(f"{WB}/draft/files/{path}", headers=headers).get_data())
    doc["motives"].append({"code": "cobro_bolsas", "label": "Cobro de bolsas en caja", "law": "Ley 21.100"})
    doc["markets"][3]["motives"].append("cobro_bolsas")
    body = json.dumps(doc, ensure_ascii=False).encode()
    saved = client.put(f"{WB}/draft/files/{path}", data=body, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["problems"] == []
    published = client.post(f"{WB}/publish", json={"note": "Nuevo motivo"}, headers=headers)
    assert published.status_code == 201, published.get_json()
    sign_in(client, "eje13", PASSWORD)
    assert "Cobro de bolsas en caja" in client.get("/casos/nuevo").get_data(as_text=True)
    folio = register(client, market="comercio", motive="cobro_bolsas")
    assert "Cobro de bolsas en caja" in client.get(f"/casos/{folio}").get_data(as_text=True)


def test_a_broken_list_is_refused_in_the_workbench_naming_the_entry(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    headers = bearer(tokens["analista"])
    path = "lists/clasificacion.json"
    doc = json.loads(client.get(f"{WB}/draft/files/{path}", headers=headers).get_data())
    doc["markets"][0]["motives"].append("no_existe")
    saved = client.put(f"{WB}/draft/files/{path}", data=json.dumps(doc).encode(), headers=headers)
    problems = saved.get_json()["problems"]
    assert {"file": path, "element": "markets[0] (telecomunicaciones)"} == {
        k: problems[0][k] for k in ("file", "element")
    }
    refused = client.post(f"{WB}/publish", json={"note": "roto"}, headers=headers)
    assert refused.status_code == 422
    sign_in(client, "analista", PASSWORD)
    assert "clasificacion.json" in client.get("/taller").get_data(as_text=True)
    assert client.get("/taller/listas/clasificacion").status_code == 200


def test_a_known_rut_is_looked_up_with_its_cases(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    folio = register(client, **{"consumer.phone": "+56 9 8765 4321"})
    found = client.get("/casos/nuevo/consumidor?rut=12345678-5").get_json()
    assert (found["known"], found["name"], found["email"], found["phone"], found["comuna"]) == (
        True,
        "Ana Prueba Ejemplo",
        "ana@ejemplo.cl",
        "+56 9 8765 4321",
        "13101",
    )
    assert found["count"] == 1 and found["cases"][0]["folio"] == folio
    assert found["cases"][0]["open"] and found["cases"][0]["url"] == f"/casos/{folio}"
    assert client.get("/casos/nuevo/consumidor?rut=11.111.111-1").get_json()["known"] is False
    assert client.get("/casos/nuevo/consumidor?rut=basura").get_json()["known"] is False
    client = app.test_client()
    sign_in(client, "eje05", PASSWORD)  # another platform: the count, but no link to a case it cannot open
    other = client.get("/casos/nuevo/consumidor?rut=12.345.678-5").get_json()
    assert other["count"] == 1 and other["cases"][0]["url"] is None


def test_company_suggestions_ignore_accents_and_unknown_companies_are_flagged(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "integ", PASSWORD)
    add = {"rut": "76.086.428-5", "legal_name": "Telefonía Austral S.A.", "trade_name": "Austral Móvil"}
    client.post(
        "/proveedores",
        data={
            **add,
            "market": "",
            "email": "",
            "medio": "carta",
            "csrf_token": token(client, "/proveedores"),
        },
    )
    client = app.test_client()
    sign_in(client, "eje13", PASSWORD)
    for q in ("telefonia", "TELEF", "movil", "76.086"):
        found = client.get(f"/casos/nuevo/proveedores?q={q}").get_json()["providers"]
        assert [p["rut"] for p in found] == ["76086428-5"], q
    assert client.get("/casos/nuevo/proveedores?q=zzz").get_json() == {"providers": []}
    register(client, **{"provider.rut": "", "provider.name": "Almacén Desconocido Ltda."})
    register(client, **{"provider.rut": "76.086.428-5", "provider.name": "Telefonía Austral S.A."})
    with app.extensions["ventanilla"].db.reading() as s:
        flags = dict(s.execute(select(Case.provider_name, Case.provider_unregistered)).all())
    assert flags == {"Almacén Desconocido Ltda.": True, "Telefonía Austral S.A.": False}
    client = app.test_client()
    sign_in(client, "integ", PASSWORD)
    pending = client.get("/proveedores").get_data(as_text=True)
    assert "Empresas por registrar" in pending and "Almacén Desconocido Ltda." in pending


def test_the_lookups_are_for_intake_staff_only(app: Flask) -> None:
    for path in ("/casos/nuevo/consumidor?rut=12345678-5", "/casos/nuevo/proveedores?q=tienda"):
        assert app.test_client().get(path).status_code in (302, 401)
        for user, status in (("analista", 403), ("central", 403), ("sup13", 200), ("eje13", 200)):
            client = app.test_client()
            sign_in(client, user, PASSWORD)
            assert client.get(path).status_code == status, (path, user)
