"""SONI (Su Opinión Nos Interesa): from the public API, the public page and a staff page, each opinion opens a
case of its own process (processes/soni.bpmn) for the supervisor of the platform concerned; a folio is linked
only with its consumer's RUT; the reports show it in process, then closed by type, and mailbox intake."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.models import Case, Feedback, Instance
from tests.conftest import ACTORS
from tests.integration.helpers import complete, only_task
from tests.web.test_auth__login import sign_in
from tests.web.test_public__portal import Clock, clock, fields  # noqa: F401 (fixture)

OPINION = {
    "tipo_opinion": "disconformidad",
    "description": "Me atendieron con mucha demora en la oficina.",
    "platform": "DR13",
    "consumer": {"name": "Ana Prueba", "email": "ana@ejemplo.cl"},
}


def reclamo_folio(client: FlaskClient) -> str:
    body = {
        "kind": "complaint",
        "consent": True,
        "consumer": {"rut": "12.345.678-5", "name": "Ana Prueba Ejemplo", "comuna": "05101"},
        "provider": {"name": "Tienda Demo Ltda."},
        "market": "comercio",
        "motive": "cobro_indebido",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra en la tienda.",
    }
    return str(client.post("/api/v1/public/cases", json=body).get_json()["folio"])


def test_public_feedback_opens_a_case_on_its_own_process(app: Flask, client: FlaskClient) -> None:
    resp = client.post("/api/v1/public/feedback", json=OPINION)
    assert resp.status_code == 201, resp.get_json()
    folio = resp.get_json()["folio"]
    assert resp.get_json()["due_on"] and resp.get_json()["type"] == "disconformidad"
    sys_ = app.extensions["ventanilla"]
    with sys_.db.reading() as s:
        case = s.query(Case).filter_by(folio=folio).one()
        assert s.get(Instance, case.id).process_id == "soni"
        assert (case.channel, case.platform_code) == ("web", "DR13")
        assert s.get(Feedback, case.id).type == "disconformidad"
    task = only_task(sys_, folio, "responder_soni")
    assert task.role == "supervisor" and task.region_code == "13"


def test_a_linked_folio_needs_its_consumers_rut(app: Flask, client: FlaskClient) -> None:
    folio = reclamo_folio(client)
    wrong = {**OPINION, "folio_relacionado": folio, "consumer": {"rut": "11.111.111-1"}}
    resp = client.post("/api/v1/public/feedback", json=wrong)
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "folio_relacionado"
    right = {**OPINION, "platform": "", "folio_relacionado": folio, "consumer": {"rut": "12345678-5"}}
    right.pop("platform")
    resp = client.post("/api/v1/public/feedback", json=right)
    assert resp.status_code == 201
    with app.extensions["ventanilla"].db.reading() as s:
        soni = s.query(Case).filter_by(folio=resp.get_json()["folio"]).one()
        linked = s.query(Case).filter_by(folio=folio).one()
        assert soni.platform_code == "DR05" and s.get(Feedback, soni.id).about_case_id == linked.id


def test_the_public_page_takes_an_opinion(client: FlaskClient, clock: Clock) -> None:  # noqa: F811
    page = client.get("/portal/opinion")
    assert page.status_code == 200 and 'name="channel"' not in page.get_data(as_text=True)
    hidden = fields(client, "/portal/opinion")
    clock.at += timedelta(seconds=5)
    form = {"tipo_opinion": "sugerencia", "description": "Podrían abrir la oficina los sábados."}
    resp = client.post("/portal/opinion", data={**hidden, **form})
    assert resp.status_code == 201 and re.search(r'id="folio">\d{4}-\d{6}<', resp.get_data(as_text=True))


def test_staff_register_a_mailbox_opinion_and_the_reports_follow_it(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", "clave-segura-1")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/soni/nuevo").get_data(as_text=True))
    assert token
    form = {
        "csrf_token": token.group(1),
        "tipo_opinion": "disconformidad",
        "channel": "mailbox",
        "platform": "DR13",
    }
    resp = client.post("/soni/nuevo", data={**form, "description": "Esperé dos horas para ser atendida."})
    assert resp.status_code == 302
    folio = resp.headers["Location"].rsplit("/", 1)[1]
    supervisor = app.test_client()
    sign_in(supervisor, "sup13", "clave-segura-1")
    page = supervisor.get("/soni").get_data(as_text=True)
    assert folio in page and "Sin tomar" in page and "días hábiles" in page.lower()
    assert page.count(folio) >= 2  # in process and among the mailbox intake
    other = app.test_client()
    sign_in(other, "sup05", "clave-segura-1")
    assert folio not in other.get("/soni").get_data(as_text=True)
    sys_ = app.extensions["ventanilla"]
    task = only_task(sys_, folio, "responder_soni")
    answer = {
        "respuesta_soni": "Lamentamos la espera; reforzamos la atención.",
        "medio_respuesta_soni": "telefono",
    }
    complete(sys_, task.id, answer, ACTORS["sup13"], utcnow())
    page = supervisor.get("/soni").get_data(as_text=True)
    assert re.search(r'id="cerrados-disconformidad">1<', page)


def test_only_supervisors_and_central_read_the_reports(client: FlaskClient) -> None:
    sign_in(client, "eje13", "clave-segura-1")
    assert client.get("/soni").status_code == 403
