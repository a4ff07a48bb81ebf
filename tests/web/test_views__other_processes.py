"""Staff pages for processes that are not consumer cases (e.g. an internal help desk): the new-case page
offers every published process with an intake form, the case file and the bandeja name them in words."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine import catalog, store
from engine.clock import utcnow
from tests.business_changes import mesa_ayuda_files
from tests.conftest import ROOT
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, token

REQUEST = {
    "proceso": "mesa_ayuda",
    "categoria": "sistema",
    "subject": "Impresora de la oficina",
    "description": "La impresora no imprime los comprobantes de ingreso.",
}


def _publish_help_desk(app: Flask) -> None:
    with app.extensions["ventanilla"].db.writing() as s:
        store.publish(s, {**catalog.read_dir(ROOT), **mesa_ayuda_files()}, "analista", "mesa", utcnow())


def test_the_new_case_page_offers_the_other_processes(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    assert "proceso=mesa_ayuda" not in client.get("/casos/nuevo").get_data(as_text=True)
    _publish_help_desk(app)
    page = client.get("/casos/nuevo").get_data(as_text=True)
    assert 'href="/casos/nuevo?proceso=mesa_ayuda">Mesa de ayuda interna</a>' in page
    form = client.get("/casos/nuevo?proceso=mesa_ayuda").get_data(as_text=True)
    assert '<h1 class="h3">Mesa de ayuda interna</h1>' in form and "Canales:" not in form
    assert 'name="consumer.rut"' not in form and 'name="categoria"' in form


def test_a_request_is_filed_and_its_file_shows_the_request_not_a_consumer(
    app: Flask, client: FlaskClient
) -> None:
    _publish_help_desk(app)
    sign_in(client, "eje13", PASSWORD)
    form = {**REQUEST, "csrf_token": token(client, "/casos/nuevo?proceso=mesa_ayuda")}
    resp = client.post("/casos/nuevo", data=form, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Solicitud registrada con el folio" in html
    assert ">Mesa de ayuda interna</span>" in html and ">Solicitud</h2>" in html
    assert "Consumidor/a y proveedor" not in html and "RUT None" not in html
    supervisor = app.test_client()
    sign_in(supervisor, "sup13", PASSWORD)
    inbox = supervisor.get("/bandeja").get_data(as_text=True)
    assert "Mesa de ayuda interna" in inbox and "Clasificar la solicitud" in inbox
    assert "Clasificar la solicitud" in supervisor.get("/bandeja?kind=mesa_ayuda").get_data(as_text=True)
    assert "Clasificar la solicitud" not in supervisor.get("/bandeja?kind=complaint").get_data(as_text=True)


def test_a_refused_request_comes_back_with_its_errors(app: Flask, client: FlaskClient) -> None:
    _publish_help_desk(app)
    sign_in(client, "eje13", PASSWORD)
    form = {**REQUEST, "subject": "", "csrf_token": token(client, "/casos/nuevo?proceso=mesa_ayuda")}
    resp = client.post("/casos/nuevo", data=form)
    assert resp.status_code == 422 and "Asunto: Este campo es obligatorio." in resp.get_data(as_text=True)
    assert 'name="proceso" value="mesa_ayuda"' in resp.get_data(as_text=True)


def test_processes_without_an_intake_form_are_not_offered(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    for process in ("etapa_reclamo", "visacion", "no_existe", "../caso"):
        assert client.get(f"/casos/nuevo?proceso={process}").status_code == 404, process
    form = {**REQUEST, "proceso": "etapa_reclamo", "csrf_token": token(client, "/casos/nuevo")}
    assert client.post("/casos/nuevo", data=form).status_code == 404
