"""The provider portal: a company signs in, sees the reclamos forwarded to it with their due dates, and
answers one with the form (CSRF); refused or forged posts change nothing; other companies get 404."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases, providers, users
from tests.conftest import complaint
from tests.files import PDF
from tests.integration.helpers import complete, only_task, open_tasks, snapshot
from tests.web.test_auth__login import sign_in

PASSWORD = "clave-segura-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
EJECUTIVO = Actor("eje13", "ejecutivo", "DR13", "13", "in_person")


@pytest.fixture
def folio(app: Flask) -> str:
    """Two digital companies with accounts; a reclamo forwarded to the first (Tienda Demo)."""
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", utcnow(), digital=True)
        providers.add_provider(s, "96.806.980-2", "Otra Empresa S.A.", utcnow(), digital=True)
        users.add_user(s, "tienda", PASSWORD, "proveedor", utcnow(), provider="76.086.428-5")
        users.add_user(s, "otra", PASSWORD, "proveedor", utcnow(), provider="96.806.980-2")
        summary = cases.open_case(s, sys_.store, complaint(), EJECUTIVO, utcnow())
    task = only_task(sys_, summary.folio, "trasladar")
    complete(
        sys_, task.id, {"medio_traslado": "portal", "nota_traslado": "Nota interna"}, EJECUTIVO, utcnow()
    )
    return summary.folio


def csrf(client: FlaskClient, path: str) -> str:
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def test_a_company_signs_in_to_its_list_with_due_dates(app: Flask, client: FlaskClient, folio: str) -> None:
    signed = sign_in(client, "tienda", PASSWORD)
    assert signed.headers["Location"].endswith("/empresa/reclamos")
    page = client.get("/empresa/reclamos").get_data(as_text=True)
    due = only_task(app.extensions["ventanilla"], folio, "registrar_respuesta").context[
        "vencimiento_proveedor"
    ]
    assert folio in page and "Cobro duplicado" in page and "Ana Prueba Ejemplo" in page
    assert date.fromisoformat(due).strftime("%d-%m-%Y") in page and "Pendiente de respuesta" in page
    assert "Bandeja" not in page and "Tienda Demo" in page  # no staff navigation; the company is named
    detail = client.get(f"/empresa/reclamos/{folio}").get_data(as_text=True)
    assert "Me cobraron dos veces" in detail and 'name="resultado"' in detail
    assert "Nota interna" not in detail and "eje13" not in detail


def test_answering_with_the_form_moves_the_reclamo_on(app: Flask, client: FlaskClient, folio: str) -> None:
    sign_in(client, "tienda", PASSWORD)
    form = {
        "csrf_token": csrf(client, f"/empresa/reclamos/{folio}"),
        "resultado": "acoge",
        "texto": "Anularemos el segundo cobro.",
        "adjuntos": (io.BytesIO(PDF), "nota.pdf"),
    }
    resp = client.post(f"/empresa/reclamos/{folio}", data=form, content_type="multipart/form-data")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Respuesta enviada" in page and "Anularemos el segundo cobro." in page and "Respondido" in page
    assert 'name="resultado"' not in page  # nothing left to answer
    sys_ = app.extensions["ventanilla"]
    assert [t.element_id for t in open_tasks(sys_, folio)] == ["proponer_cierre"]
    again = client.post(
        f"/empresa/reclamos/{folio}",
        data={"csrf_token": csrf(client, "/empresa/reclamos"), "resultado": "no_acoge", "texto": "Otra vez."},
    )
    assert again.status_code == 302
    assert "ya fue respondido" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert [t.element_id for t in open_tasks(sys_, folio)] == ["proponer_cierre"]


def test_a_post_without_csrf_or_with_errors_changes_nothing(
    app: Flask, client: FlaskClient, folio: str
) -> None:
    sys_ = app.extensions["ventanilla"]
    sign_in(client, "tienda", PASSWORD)
    before = snapshot(sys_, folio)
    forged = client.post(f"/empresa/reclamos/{folio}", data={"resultado": "acoge", "texto": "Acogemos todo."})
    assert forged.status_code == 400
    bad = client.post(
        f"/empresa/reclamos/{folio}",
        data={"csrf_token": csrf(client, "/empresa/reclamos"), "resultado": "acoge", "texto": "ok"},
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Revise los campos marcados." in body and 'value="acoge"' in body
    assert snapshot(sys_, folio) == before


def test_another_company_and_staff_cannot_reach_it(app: Flask, client: FlaskClient, folio: str) -> None:
    sign_in(client, "otra", PASSWORD)
    assert folio not in client.get("/empresa/reclamos").get_data(as_text=True)
    assert client.get(f"/empresa/reclamos/{folio}").status_code == 404
    token = csrf(client, "/empresa/reclamos")
    posted = client.post(f"/empresa/reclamos/{folio}", data={"csrf_token": token, "resultado": "acoge"})
    assert posted.status_code == 404
    client.post("/salir", data={"csrf_token": token})
    sign_in(client, "eje13", PASSWORD)
    assert client.get(f"/empresa/reclamos/{folio}").status_code == 403
