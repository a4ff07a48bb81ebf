"""Bad input the API fuzzer (test_api__fuzz.py) and its follow-up probes found ending in a 5xx, each as a
plain request on SQLite and PostgreSQL: now a clear problem+json (or a page saying it) and nothing changed.

- ids beyond the INTEGER columns (PostgreSQL: "integer out of range"; SQLite: the driver's OverflowError);
- the NUL character in any text (PostgreSQL cannot store it, nor compare with it);
- JSON nested beyond Python's recursion (the JSON parser, the JSON Schema validator);
- an X-Channel that is not a channel (stored in the bitácora; too long for its column in PostgreSQL);
- an e-mail address that is not one, or that the mail server refuses: 502 as if the server had failed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engine import mail
from engine.clock import utcnow
from engine.models import Agency, Case, Derivation, DerivationEvent, DraftFile, HumanTask
from engine.services import derivation_callbacks, derivation_outbox
from tests.conftest import ACTORS, complaint
from tests.integration.helpers import complete, only_task, open_case, snapshot
from tests.smtp import REFUSED_DOMAIN, Inbox, free_port
from tests.web.conftest import bearer, intake
from tests.web.test_auth__login import sign_in

BEYOND = [2**31, 10**20]  # past PostgreSQL's INTEGER; past SQLite's 64-bit integers
DEEP = "[" * 100_000 + "]" * 100_000
SECRET = "secreto-compartido-de-prueba-0123456789"


def refused(resp: TestResponse, status: int, *words: str) -> dict[str, Any]:
    """An RFC 9457 problem of that status whose detail says ``words``."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body: dict[str, Any] = resp.get_json()
    assert body["status"] == status and body["title"] and body["type"]
    for word in words:
        assert word in body["detail"], body
    return body


def count(app: Flask, model: Any) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def reclamo_waiting_for_the_company(app: Flask) -> tuple[str, str]:
    """A reclamo forwarded to the company; its folio and the open "registrar la respuesta" task."""
    sys_, now = app.extensions["ventanilla"], utcnow()
    folio = open_case(sys_, complaint(), ACTORS["eje13"], now, process="caso").folio
    data = {"medio_traslado": "portal", "nota_traslado": "Nota interna"}
    complete(sys_, only_task(sys_, folio, "trasladar").id, data, ACTORS["eje13"], now)
    return folio, only_task(sys_, folio, "registrar_respuesta").id


# --- ids beyond the INTEGER columns ---


@pytest.mark.parametrize("big", BEYOND)
def test_a_path_id_beyond_the_column_names_nothing(
    client: FlaskClient, tokens: dict[str, str], big: int
) -> None:
    staff, analyst = bearer(tokens["sup13"]), bearer(tokens["analista"])
    for method, path, headers in [
        ("GET", f"/api/v1/documents/{big}.docx", staff),
        ("POST", f"/api/v1/documents/{big}/send", staff),
        ("GET", f"/api/v1/attachments/{big}", staff),
        ("POST", f"/api/v1/derivations/deliveries/{big}/retry", staff),
        ("GET", f"/api/v1/workbench/versions/{big}/export", analyst),
    ]:
        body = refused(client.open(path, method=method, headers=headers, json={"to": ["a@b.cl"]}), 404)
        assert body["title"] == "No encontrado", path
    sign_in(client, "sup13", "clave-segura-1")
    page = client.get(f"/documentos/{big}.pdf")
    assert page.status_code == 404 and "No encontrado" in page.get_data(as_text=True)


def test_version_numbers_beyond_the_column_are_refused(client: FlaskClient, tokens: dict[str, str]) -> None:
    analyst = bearer(tokens["analista"])
    before = client.get("/api/v1/workbench/draft", headers=analyst).get_json()
    refused(client.post("/api/v1/workbench/draft/reset", json={"version": 10**20}, headers=analyst), 400)
    for versions in ({"from": 2**31, "to": 1}, {"from": 1, "to": 10**20, "dry_run": False}):
        refused(client.post("/api/v1/workbench/migrations", json=versions, headers=analyst), 400, "versión")
    assert client.get("/api/v1/workbench/draft", headers=analyst).get_json() == before
    # JSON's 1.0 is the integer 1 (as JSON Schema says): the migration is refused for its own reason
    same = client.post("/api/v1/workbench/migrations", json={"from": 1.0, "to": 1}, headers=analyst)
    refused(same, 422, "dos versiones distintas")


@pytest.mark.parametrize("big", BEYOND)
def test_an_attachment_id_beyond_the_column_is_an_unknown_attachment(
    app: Flask, client: FlaskClient, tokens: dict[str, str], big: int
) -> None:
    folio, task_id = reclamo_waiting_for_the_company(app)
    before = snapshot(app.extensions["ventanilla"], folio)
    data = {
        "resultado_proveedor": "acoge",
        "respuesta_proveedor_texto": "Devolvemos el cobro.",
        "adjuntos": [big],
    }
    resp = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=bearer(tokens["eje13"])
    )
    assert refused(resp, 422)["errors"] == [{"field": "adjuntos", "message": "Adjunto desconocido."}]
    assert snapshot(app.extensions["ventanilla"], folio) == before


# --- the NUL character ---


def test_nul_in_the_path_or_the_query_is_refused(client: FlaskClient, tokens: dict[str, str]) -> None:
    staff = bearer(tokens["sup13"])
    for path in ("/api/v1/cases/2026-%00", "/api/v1/tasks/%00", "/api/v1/derivations/%00/events"):
        refused(client.get(path, headers=staff), 400, "carácter nulo")
    refused(client.get("/api/v1/status?folio=%00&rut=12.345.678-5"), 400, "«folio»", "carácter nulo")
    preview = "/api/v1/workbench/templates/comprobante_ingreso/preview?folio=2026%00"
    refused(client.get(preview, headers=bearer(tokens["analista"])), 400, "carácter nulo")


def test_nul_in_a_json_body_is_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    eje = bearer(tokens["eje13"])
    description = "Me cobraron dos veces \x00 la misma compra."
    resp = client.post("/api/v1/cases", json=intake(description=description), headers=eje)
    refused(resp, 400, "«description»", "carácter nulo")
    consumer = {**complaint()["consumer"], "name": "Ana\x00"}
    refused(client.post("/api/v1/cases", json=intake(consumer=consumer), headers=eje), 400, "«consumer.name»")
    assert count(app, Case) == 0
    folio = client.post("/api/v1/cases", json=intake(), headers=eje).get_json()["folio"]
    before = snapshot(app.extensions["ventanilla"], folio)
    move = {"reason": "Cambio de plataforma", "to_platform": "DR\x0005"}
    resp = client.post(f"/api/v1/cases/{folio}/transfer", json=move, headers=bearer(tokens["sup13"]))
    refused(resp, 400, "«to_platform»")
    assert snapshot(app.extensions["ventanilla"], folio) == before


def test_nul_in_a_staff_page_is_a_message(client: FlaskClient) -> None:
    sign_in(client, "eje13", "clave-segura-1")
    page = client.get("/bandeja?q=%00")
    assert page.status_code == 400 and "carácter nulo" in page.get_data(as_text=True)


# --- JSON nested beyond the recursion limit ---


def test_deeply_nested_json_bodies_are_refused(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    folio, task_id = reclamo_waiting_for_the_company(app)
    before = snapshot(app.extensions["ventanilla"], folio)
    headers = {**bearer(tokens["eje13"]), "Content-Type": "application/json"}
    for path, body in [
        ("/api/v1/cases", DEEP),
        (f"/api/v1/tasks/{task_id}/complete", '{"data": ' * 5000 + "{}" + "}" * 5000),
    ]:
        refused(client.post(path, data=body, headers=headers), 400, "anida más de 64 niveles")
    assert snapshot(app.extensions["ventanilla"], folio) == before


def test_a_deeply_nested_form_file_is_refused_and_not_stored(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    analyst = bearer(tokens["analista"])
    put = client.put("/api/v1/workbench/draft/files/forms/profundo.json", data=DEEP, headers=analyst)
    refused(put, 422, "anida más de 64 niveles")
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.execute(select(DraftFile).where(DraftFile.path == "forms/profundo.json")).first() is None


def test_a_form_as_deep_as_a_body_may_be_is_checked_and_rendered(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(30):  # 61 levels with the body's own
        schema = {"type": "object", "properties": {"grupo": schema}}
    analyst = bearer(tokens["analista"])
    tried = client.post(
        "/api/v1/workbench/forms/profundo/try", json={"schema": schema, "data": {}}, headers=analyst
    )
    assert tried.status_code == 200 and tried.get_json()["valid"] is True
    shown = client.post("/api/v1/workbench/forms/profundo/preview", json={"schema": schema}, headers=analyst)
    assert shown.status_code == 200 and 'id="campo-grupo"' in shown.get_data(as_text=True)


# --- agency callbacks: the engine reads their raw body itself ---


def test_a_signed_callback_with_nul_or_deep_json_is_refused_and_nothing_is_recorded(
    app: Flask, client: FlaskClient
) -> None:
    sys_, now = app.extensions["ventanilla"], utcnow()
    with sys_.db.writing() as s:
        sec = s.get(Agency, "SEC")
        assert sec is not None
        sec.channel, sec.endpoint_url, sec.secret = "webservice", "http://127.0.0.1:9/", SECRET
    folio = open_case(sys_, complaint(kind="inquiry"), ACTORS["eje13"], now, process="caso").folio
    derive = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corresponde a la SEC."}
    complete(sys_, only_task(sys_, folio, "proponer_cierre").id, derive, ACTORS["eje13"], now)
    with sys_.db.reading() as s:
        derivation_id = s.execute(select(Derivation.id)).scalar_one()
    before = snapshot(sys_, folio)
    nul = json.dumps({"event_id": "acuse\x00-1", "type": "acknowledged"}).encode()
    stamp = str(int(app.config["CLOCK"]().timestamp()))
    for body, words in [(nul, "«event_id» contiene el carácter nulo"), (DEEP.encode(), "anida más de 64")]:
        headers = {
            "Content-Type": "text/plain",
            derivation_outbox.SIGNATURE_HEADER: derivation_callbacks.sign_callback(
                SECRET, derivation_id, stamp, body
            ),
            derivation_callbacks.TIMESTAMP_HEADER: stamp,
        }
        resp = client.post(f"/api/v1/derivations/{derivation_id}/events", data=body, headers=headers)
        refused(resp, 400, words)
    assert count(app, DerivationEvent) == 0 and snapshot(sys_, folio) == before


# --- X-Channel ---


def test_an_unknown_channel_header_is_refused(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    folio, task_id = reclamo_waiting_for_the_company(app)
    before = snapshot(app.extensions["ventanilla"], folio)
    for channel in ("canal-inventado-muy-largo-para-la-columna", "WEB"):
        headers = {**bearer(tokens["eje13"]), "X-Channel": channel}
        refused(client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers), 400, "X-Channel", "in_person")
    assert snapshot(app.extensions["ventanilla"], folio) == before
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.get(HumanTask, task_id).assignee is None  # type: ignore[union-attr]
    claimed = client.post(
        f"/api/v1/tasks/{task_id}/claim", headers={**bearer(tokens["eje13"]), "X-Channel": "phone"}
    )
    assert claimed.status_code == 200


# --- e-mail addresses ---


def test_a_malformed_or_refused_address_is_422_not_a_server_failure(
    app: Flask, client: FlaskClient, tokens: dict[str, str], smtp: tuple[mail.MailSettings, Inbox]
) -> None:
    settings, inbox = smtp
    eje = bearer(tokens["eje13"])
    folio = client.post("/api/v1/cases", json=intake(), headers=eje).get_json()["folio"]
    [doc] = client.get(f"/api/v1/cases/{folio}/documents", headers=eje).get_json()["documents"]
    before = snapshot(app.extensions["ventanilla"], folio)
    app.config["MAIL_SETTINGS"] = mail.MailSettings(host="127.0.0.1", port=free_port(), timeout=2)  # nobody
    resp = client.post(f"/api/v1/documents/{doc['id']}/send", json={"to": ["ana@ejemplo"]}, headers=eje)
    assert refused(resp, 422, "«ana@ejemplo» no es válida")["type"] == "/problems/mail-address-invalid"
    app.config["MAIL_SETTINGS"] = settings
    resp = client.post(
        f"/api/v1/documents/{doc['id']}/send", json={"to": [f"nadie@{REFUSED_DOMAIN}"]}, headers=eje
    )
    refused(resp, 422, "rechazó los destinatarios", f"nadie@{REFUSED_DOMAIN}")
    assert inbox.received == [] and snapshot(app.extensions["ventanilla"], folio) == before


# --- werkzeug's own errors ---


def test_no_route_and_wrong_method_are_problems_in_spanish(client: FlaskClient) -> None:
    assert refused(client.get("/api/v1/nada"), 404)["detail"] == "No existe nada en esta dirección."
    resp = client.delete("/api/v1/cases")
    assert refused(resp, 405, "DELETE")["title"] == "Método no permitido"
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
