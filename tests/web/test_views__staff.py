"""The staff pages with the Flask client: new case, task forms, inbox filters and search, visación queue.
CSRF stays on: tokens are read from the pages as a browser would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import Case
from engine.services import inbox as inbox_service
from tests.web.test_auth__login import sign_in
from web.staff.inbox import shown as shown_count

PASSWORD = "clave-segura-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client: FlaskClient, path: str) -> str:
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def intake_form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "complaint",
        "channel": "in_person",
        "platform": "DR13",
        "consumer.rut": "12.345.678-5",
        "consumer.name": "Ana Prueba Ejemplo",
        "consumer.comuna": "13101",
        "consumer.email": "ana@ejemplo.cl",
        "provider.name": "Tienda Demo Ltda.",
        "market": "comercio",
        "motive": "cobro_indebido",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra en la tienda.",
    }
    data.update(overrides)
    return data


def count_cases(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count(Case.id))).scalar_one())


def register(client: FlaskClient, **overrides: str) -> str:
    resp = client.post(
        "/casos/nuevo", data={**intake_form(**overrides), "csrf_token": token(client, "/casos/nuevo")}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp.headers["Location"].rsplit("/", 1)[-1]


def test_new_case_errors_are_shown_beside_the_fields_and_nothing_is_created(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "eje13", PASSWORD)
    bad = intake_form(**{"consumer.rut": "12.345.678-9", "subject": ""})
    resp = client.post("/casos/nuevo", data={**bad, "csrf_token": token(client, "/casos/nuevo")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "RUT inválido" in html and "Este campo es obligatorio." in html
    assert 'value="12.345.678-9"' in html and 'value="Ana Prueba Ejemplo"' in html
    assert count_cases(app) == 0


def test_posting_without_the_csrf_token_changes_nothing(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    resp = client.post("/casos/nuevo", data=intake_form())
    assert resp.status_code == 400 and "El formulario expiró o no es válido" in resp.get_data(as_text=True)
    assert count_cases(app) == 0


def test_register_then_work_the_task_from_the_case_file(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    folio = register(client)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Trasladar el reclamo al proveedor" in page and "Comprobante ingreso" in page
    action = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', page)
    assert action
    refused = client.post(
        action.group(1), data={"csrf_token": token(client, f"/casos/{folio}"), "medio_traslado": "paloma"}
    )
    assert refused.status_code == 422 and "Valor no permitido" in refused.get_data(as_text=True)
    done = client.post(
        action.group(1), data={"csrf_token": token(client, f"/casos/{folio}"), "medio_traslado": "correo"}
    )
    assert done.status_code == 302
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Registrar la respuesta del proveedor" in page and "Traslado proveedor" in page


def test_inbox_filters_search_and_counts(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    first = register(client)
    register(client, kind="inquiry", **{"consumer.rut": "11.111.111-1", "provider.name": "Banco Ficticio"})
    html = client.get("/bandeja").get_data(as_text=True)
    assert "Tareas: <strong>2</strong>" in html
    assert client.get("/bandeja?kind=inquiry").get_data(as_text=True).count("/casos/20") == 1
    assert first in client.get(f"/bandeja?q={first}").get_data(as_text=True)
    assert "Banco Ficticio" in client.get("/bandeja?q=banco").get_data(as_text=True)
    by_rut = client.get("/bandeja?q=11111111-1").get_data(as_text=True)
    assert "Tareas: <strong>1</strong>" in by_rut
    assert "Tareas: <strong>0</strong>" in client.get("/bandeja?due=fuera_de_plazo").get_data(as_text=True)
    partial = client.get("/bandeja?kind=complaint", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and first in partial


def test_inbox_counts_above_the_cap_read_mas_de_and_paging_goes_on(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "eje13", PASSWORD)
    made = [register(client) for _ in range(3)]
    exact = client.get("/bandeja").get_data(as_text=True)
    assert "Tareas: <strong>3</strong>" in exact and "se cuentan hasta" not in exact
    monkeypatch.setattr(inbox_service, "COUNT_CAP", 2)
    monkeypatch.setattr(inbox_service, "PAGE_SIZE", 1)
    html = client.get("/bandeja").get_data(as_text=True)
    assert "Tareas: <strong>más de 2</strong>" in html and "Las cifras se cuentan hasta 2" in html
    assert "En plazo: más de 2" in html and "Reclamo: más de 2" in html
    shown = []
    for n in (1, 2, 3):
        page = client.get(f"/bandeja?page={n}").get_data(as_text=True)
        shown += [f for f in made if f"/casos/{f}" in page]
        assert ('rel="next"' in page) == (n < 3)
    assert sorted(shown) == sorted(made)
    assert shown_count(1000) == "1.000" and shown_count(1001) == "más de 1.000"


def test_visacion_queue_return_and_bulk_approve_with_four_eyes(client: FlaskClient, app: Flask) -> None:
    sign_in(client, "sup13", PASSWORD)
    folio = register(client, kind="inquiry")
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    action = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', page)
    assert action
    answer = {"accion": "responder", "medio_respuesta": "telefono", "respuesta": "Se orientó por teléfono."}
    client.post(action.group(1), data={**answer, "csrf_token": token(client, f"/casos/{folio}")})
    queue = client.get("/visacion").get_data(as_text=True)
    assert folio in queue and "CONSULTA RESPONDIDA" in queue
    assert re.search(r'name="task" value="([^"]+)"', queue) is None  # four eyes: nothing to select
    assert "Propuesto por usted: lo visa otra persona" in queue and 'value="aprobar"' not in queue
    client.post("/salir", data={"csrf_token": token(client, "/bandeja")})
    sign_in(client, "abo13", PASSWORD)
    task_id = re.search(r'name="task" value="([^"]+)"', client.get("/visacion").get_data(as_text=True))
    assert task_id
    resp = client.post(
        f"/visacion/{task_id.group(1)}",
        data={"decision": "devolver", "observaciones_visacion": "", "csrf_token": token(client, "/visacion")},
    )
    assert resp.status_code == 302
    assert folio in client.get("/visacion").get_data(
        as_text=True
    )  # empty observations refused: still pending
    client.post("/visacion", data={"task": task_id.group(1), "csrf_token": token(client, "/visacion")})
    assert folio not in client.get("/visacion").get_data(as_text=True)
    assert "Cerrado" in client.get(f"/casos/{folio}").get_data(as_text=True)


def test_the_bandeja_reads_the_app_clock(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    register(client)
    assert "Tareas: <strong>0</strong>" in client.get("/bandeja?due=fuera_de_plazo").get_data(as_text=True)
    later = datetime.now(UTC) + timedelta(days=90)  # the CLOCK setting (``ventanilla run --clock``) moved on
    app.config["CLOCK"] = lambda: later
    sign_in(client, "eje13", PASSWORD)  # 90 days on, the session of before has timed out
    assert "Tareas: <strong>1</strong>" in client.get("/bandeja?due=fuera_de_plazo").get_data(as_text=True)
