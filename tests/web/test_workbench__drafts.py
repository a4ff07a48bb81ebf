"""The analyst's draft over the API: edit → validate → publish; broken references and hostile files are
refused with file and element, and nothing is published. SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.models import ContentFile, ContentVersion, Instance
from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.conftest import bearer

WB = "/api/v1/workbench"
CASO = "processes/caso.bpmn"
PLAZO_25 = b"plazo_dias = 25\n"
PLAZO_20 = b"plazo_dias = 20\n"


def versions_published(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count(ContentVersion.id))).scalar_one())


def draft_file(client: FlaskClient, token: str, path: str) -> bytes:
    resp = client.get(f"{WB}/draft/files/{path}", headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_data()


def put(client: FlaskClient, token: str, path: str, body: bytes):  # type: ignore[no-untyped-def]
    return client.put(f"{WB}/draft/files/{path}", data=body, headers=bearer(token))


def test_edit_validate_publish(app: Flask, client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    draft = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    assert draft["base_version"] == 1
    assert {"path": CASO, "kind": "process", "changed": False} in draft["files"]
    caso = draft_file(client, token, CASO)
    assert PLAZO_25 in caso
    saved = put(client, token, CASO, caso.replace(PLAZO_25, PLAZO_20))
    assert saved.status_code == 200 and saved.get_json() == {"saved": True, "ok": True, "problems": []}
    draft = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    assert {"path": CASO, "kind": "process", "changed": True} in draft["files"]
    assert client.post(f"{WB}/draft/validate", headers=bearer(token)).get_json() == {
        "ok": True,
        "problems": [],
    }

    published = client.post(
        f"{WB}/publish", json={"note": "Reclamo: plazo 20 días hábiles"}, headers=bearer(token)
    )
    assert published.status_code == 201, published.get_json()
    body = published.get_json()
    assert body["version"] == 2
    assert body["changes"]["files"]["changed"] == [CASO]
    assert body["changes"]["elements"] == {"caso": {"added": [], "removed": [], "changed": ["plazo_reclamo"]}}
    draft = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    assert draft["base_version"] == 2 and not any(f["changed"] for f in draft["files"])

    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        summary = cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], utcnow())
    with sys_.db.reading() as s:
        assert s.execute(select(Instance.version_id)).scalar_one() == 2
    assert summary.due_on is not None

    again = client.post(f"{WB}/publish", json={"note": "otra vez"}, headers=bearer(token))
    assert again.status_code == 409 and "idéntico a la versión 2" in again.get_json()["detail"]


def test_broken_reference_is_listed_and_refused_at_publish(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    token = tokens["integ"]
    simple = "processes/caso_simple.bpmn"
    body = draft_file(client, token, simple).replace(b'value="gestion_caso"', b'value="no_existe"')
    saved = put(client, token, simple, body).get_json()
    assert saved["saved"] and not saved["ok"]
    assert {
        "file": simple,
        "element": "gestionar_caso",
        "message": "el formulario 'no_existe' no existe en forms/",
    } in saved["problems"]
    refused = client.post(f"{WB}/publish", json={"note": "roto"}, headers=bearer(token))
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert any(p["element"] == "gestionar_caso" for p in refused.get_json()["problems"])
    assert versions_published(app) == 1


def test_deleting_a_form_reports_the_tasks_that_use_it(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    resp = client.delete(f"{WB}/draft/files/forms/gestion_caso.json", headers=bearer(token)).get_json()
    assert not resp["ok"]
    assert {p["element"] for p in resp["problems"]} >= {"gestionar_caso"}
    draft = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    assert draft["removed"] == ["forms/gestion_caso.json"]
    client.post(f"{WB}/draft/reset", json={"version": None}, headers=bearer(token))
    assert client.get(f"{WB}/draft", headers=bearer(token)).get_json()["removed"] == []


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""


def test_hostile_and_broken_files_are_refused_and_nothing_changes(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    token = tokens["analista"]
    before = {p: draft_file(client, token, p) for p in (CASO, "forms/gestion_caso.json")}
    cases_ = [
        (CASO, XXE, "DOCTYPE"),
        (CASO, LAUGHS, "DOCTYPE"),
        (CASO, b"<bpmn:definitions", "XML mal formado"),
        (CASO, b"<html><body>hola</body></html>", "no es un archivo BPMN"),
        ("forms/gestion_caso.json", b'{"type": "object",', "JSON inválido"),
        ("forms/gestion_caso.json", b'{"a": 1, "a": 2}', "clave repetida"),
        ("letter_templates/respuesta_consumidor.docx", b"%PDF-1.4 no soy un docx", "no es un archivo .docx"),
        ("../../etc/passwd.bpmn", b"<x/>", "ruta no permitida"),
        ("processes/sub/x.bpmn", b"<x/>", "ruta no permitida"),
        ("scripts/x.py", b"print(1)", "ruta no permitida"),
    ]
    for path, body, words in cases_:
        resp = put(client, token, path, body)
        assert resp.status_code in (404, 422), (path, resp.status_code)
        if resp.status_code == 422:
            problem = resp.get_json()
            assert resp.content_type == "application/problem+json"
            assert words in problem["detail"], (path, problem)
    after = {p: draft_file(client, token, p) for p in before}
    assert after == before
    assert not any(f["changed"] for f in client.get(f"{WB}/draft", headers=bearer(token)).get_json()["files"])
    assert versions_published(app) == 1


def test_catalog_lists_the_drafts_references(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    catalog = client.get(f"{WB}/catalog", headers=bearer(token)).get_json()
    assert {"id": "gestion_caso", "title": "Gestión del caso"} in catalog["forms"] or any(
        f["id"] == "gestion_caso" for f in catalog["forms"]
    )
    assert {"id": "respuesta_consumidor"} in catalog["letters"]
    assert any(p["id"] == "caso" and p["file"] == CASO for p in catalog["processes"])
    assert {"code": "supervisor", "label": "Encargado/a de atención de público"} in catalog["roles"]
    adds = next(f for f in catalog["functions"] if f["name"] == "add_business_days")
    assert adds["signature"] == "add_business_days(fecha, días, región)" and "hábiles" in adds["help"]
    assert {"today", "now", "len"} <= {f["name"] for f in catalog["functions"]}
    assert "comunas" in catalog["options_sources"]
    new_form = b'{"title": "Solicitud a mesa de ayuda", "type": "object", "properties": {}}'
    put(client, token, "forms/mesa_ayuda.json", new_form)
    catalog = client.get(f"{WB}/catalog", headers=bearer(token)).get_json()
    assert {"id": "mesa_ayuda", "title": "Solicitud a mesa de ayuda"} in catalog["forms"]


def test_each_analyst_has_their_own_draft(client: FlaskClient, tokens: dict[str, str]) -> None:
    body = draft_file(client, tokens["analista"], CASO).replace(PLAZO_25, PLAZO_20)
    put(client, tokens["analista"], CASO, body)
    assert PLAZO_25 in draft_file(client, tokens["integ"], CASO)
    assert PLAZO_20 in draft_file(client, tokens["analista"], CASO)


def published_body(app: Flask, version: int, path: str) -> bytes:
    with app.extensions["ventanilla"].db.reading() as s:
        return bytes(
            s.execute(
                select(ContentFile.body).where(ContentFile.version_id == version, ContentFile.path == path)
            ).scalar_one()
        )


VISACION = "forms/visacion.json"


def test_a_newer_version_is_merged_into_the_draft_and_neither_change_is_lost(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    """Two analysts open their drafts on version 1; the second to publish is stopped, sees both changes,
    merges, and the version it publishes carries the first analyst's change too."""
    analista, integ = tokens["analista"], tokens["integ"]
    put(client, integ, VISACION, draft_file(client, integ, VISACION).replace(b"{", b"{ ", 1))
    put(client, analista, CASO, draft_file(client, analista, CASO).replace(PLAZO_25, PLAZO_20))
    first = client.post(f"{WB}/publish", json={"note": "Plazo de reclamo: 20 días"}, headers=bearer(analista))
    assert first.status_code == 201
    stale = client.post(f"{WB}/publish", json={"note": "Formato"}, headers=bearer(integ))
    assert stale.status_code == 409 and stale.content_type == "application/problem+json"
    problem = stale.get_json()
    assert "la versión 2 se publicó después" in problem["detail"]
    assert problem["mine"]["changed"] == [VISACION] and problem["theirs"]["changed"] == [CASO]
    assert versions_published(app) == 2

    merged = client.post(f"{WB}/draft/merge", headers=bearer(integ)).get_json()
    assert merged == {"base_version": 2, "taken": [CASO], "kept": [VISACION], "conflicts": []}
    again = client.post(f"{WB}/publish", json={"note": "Formato"}, headers=bearer(integ))
    assert again.status_code == 201 and again.get_json()["version"] == 3
    assert PLAZO_20 in published_body(app, 3, CASO)
    assert published_body(app, 3, VISACION).startswith(b"{ ")


def test_a_file_both_changed_waits_for_the_analysts_decision(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    analista, integ = tokens["analista"], tokens["integ"]
    put(client, analista, CASO, draft_file(client, analista, CASO).replace(PLAZO_25, PLAZO_20))
    put(client, integ, CASO, draft_file(client, integ, CASO).replace(PLAZO_25, b"plazo_dias = 30\n"))
    assert client.post(f"{WB}/publish", json={"note": "20 días"}, headers=bearer(analista)).status_code == 201

    merged = client.post(f"{WB}/draft/merge", headers=bearer(integ)).get_json()
    assert merged["conflicts"] == [CASO] and merged["base_version"] == 2
    blocked = client.post(f"{WB}/publish", json={"note": "30 días"}, headers=bearer(integ))
    assert blocked.status_code == 409 and blocked.get_json()["conflicts"] == [CASO]
    assert versions_published(app) == 2
    unknown = client.post(
        f"{WB}/draft/conflicts", json={"path": VISACION, "keep": "mine"}, headers=bearer(integ)
    )
    assert unknown.status_code == 404

    decided = client.post(
        f"{WB}/draft/conflicts", json={"path": CASO, "keep": "theirs"}, headers=bearer(integ)
    )
    assert decided.status_code == 200 and decided.get_json()["conflicts"] == []
    assert PLAZO_20 in draft_file(client, integ, CASO)  # the published copy, not the draft's 30 days
    nothing = client.post(f"{WB}/publish", json={"note": "30 días"}, headers=bearer(integ))
    assert nothing.status_code == 409 and nothing.get_json()["type"] == "/problems/nothing-to-publish"


def test_going_back_to_a_version_republishes_it_as_the_newest(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    token = tokens["analista"]
    put(client, token, CASO, draft_file(client, token, CASO).replace(PLAZO_25, PLAZO_20))
    assert client.post(f"{WB}/publish", json={"note": "20 días"}, headers=bearer(token)).status_code == 201

    back = client.post(
        f"{WB}/versions/1/restore", json={"note": "el plazo vuelve a 25"}, headers=bearer(token)
    )
    assert back.status_code == 201, back.get_json()
    assert back.get_json()["version"] == 3 and back.get_json()["changes"]["files"]["changed"] == [CASO]
    assert PLAZO_25 in published_body(app, 3, CASO)
    rows = client.get(f"{WB}/versions", headers=bearer(token)).get_json()
    assert rows[0]["note"] == "Vuelta a la versión 1: el plazo vuelve a 25"
    twice = client.post(f"{WB}/versions/1/restore", json={"note": "otra vez"}, headers=bearer(token))
    assert twice.status_code == 409
    missing = client.post(f"{WB}/versions/99/restore", json={"note": "x"}, headers=bearer(token))
    assert missing.status_code == 404 and versions_published(app) == 3


CAMUNDA = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.20.0">
  <bpmn:process id="mesa_ayuda" name="Mesa de ayuda" isExecutable="true">
    <bpmn:startEvent id="inicio"/>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="consultar_api"/>
    <bpmn:serviceTask id="consultar_api" camunda:class="cl.ejemplo.Api"/>
    <bpmn:sequenceFlow id="f2" sourceRef="consultar_api" targetRef="fin"/>
    <bpmn:endEvent id="fin"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_diagram_from_another_modeler_is_refused_element_by_element(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    token = tokens["analista"]
    saved = put(client, token, "processes/mesa_ayuda.bpmn", CAMUNDA).get_json()
    assert saved["saved"] and not saved["ok"]
    assert saved["problems"] == [
        {
            "file": "processes/mesa_ayuda.bpmn",
            "element": "consultar_api",
            "message": "la tarea de servicio no está soportada; use una tarea de script o un mensaje",
        }
    ]
    fixed = CAMUNDA.replace(
        b'<bpmn:serviceTask id="consultar_api" camunda:class="cl.ejemplo.Api"/>',
        b'<bpmn:scriptTask id="consultar_api"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
    )
    assert put(client, token, "processes/mesa_ayuda.bpmn", fixed).get_json()["ok"]
    resp = client.post(f"{WB}/publish", json={"note": "Mesa de ayuda"}, headers=bearer(token))
    assert resp.status_code == 201 and resp.get_json()["changes"]["files"]["added"] == [
        "processes/mesa_ayuda.bpmn"
    ]
