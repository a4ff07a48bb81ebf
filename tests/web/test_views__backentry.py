"""Back-entry of a manual platform's paper cases: the template, a report per row, nothing created until the
user accepts the valid rows, the cases created in batches with their original filing time (and a deadline
counted from it), and a re-upload that creates nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import deadlines
from engine.access import Actor
from engine.clock import utcnow
from engine.models import Case
from engine.services import cases
from tests.web.network import PASSWORD, csrf
from tests.web.test_auth__login import sign_in

HEADER = (
    "clave;fecha_ingreso;tipo;canal;consumidor_rut;consumidor_nombre;consumidor_correo;consumidor_telefono;"
)
HEADER += "consumidor_comuna;proveedor_rut;proveedor_nombre;mercado;motivo;categoria;materia;descripcion\n"


def _file() -> bytes:
    day = (utcnow() - timedelta(days=40)).date().isoformat()
    rows = [
        f"F-1;{day} 10:30;reclamo;presencial;12.345.678-5;Ana Prueba;ana@ejemplo.cl;;Puente Alto;"
        "76.086.428-5;Tienda Demo Ltda.;Comercio y retail;Cobro indebido;Doble cobro o cobro duplicado;"
        "Cobro duplicado;Me cobraron dos veces la misma compra.\n",
        f"F-2;{day} 11:00;consulta;escrito;11.111.111-1;Luis Ejemplo;;;13101;;;"
        "comercio;garantia_legal;;Garantía;"
        "¿Cuánto dura la garantía legal?\n",
        f"F-3;{day} 12:00;reclamo;presencial;12.345.678-9;Rut Malo;;;Maipú;;Tienda;"
        "comercio;cobro_indebido;;Cobro;"
        "Un reclamo sin RUT válido.\n",
    ]
    return (HEADER + "".join(rows)).encode("cp1252")  # as Excel in Spanish saves a CSV


def _upload(client: FlaskClient) -> str:
    resp = client.post(
        "/carga-papel",
        data={
            "csrf_token": csrf(client, "/carga-papel"),
            "platform": "DR13",
            "file": (io.BytesIO(_file()), "papel.csv"),
        },
    )
    assert resp.status_code == 302
    return str(resp.headers["Location"])


def test_paper_cases_are_checked_then_created_with_their_filing_time(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "admin13", PASSWORD)
    template = client.get("/carga-papel/plantilla.xlsx")
    assert template.status_code == 200 and template.data.startswith(b"PK")
    job = _upload(client)
    report = client.get(job).get_data(as_text=True)
    assert "Válida: 2" in report and "Con errores: 1" in report
    assert "consumidor_rut: " in report  # the problem named by the template's column
    token = csrf(client, job)
    refused = client.post(f"{job}/crear", data={"csrf_token": token})
    assert refused.status_code == 422 and "acepte cargar solo las válidas" in refused.get_data(as_text=True)
    assert client.post(f"{job}/crear", data={"csrf_token": token, "accept_partial": "1"}).status_code == 302
    assert 'role="progressbar"' in client.get(job).get_data(as_text=True)
    progress = client.post(f"{job}/avanzar", data={"csrf_token": token}).get_data(as_text=True)
    assert "100 %" in progress and "2 caso(s) creado(s)" in progress
    final = client.get(job).get_data(as_text=True)
    folio = final.split("Folio ", 1)[1].split("<", 1)[0].strip()
    sys_ = app.extensions["ventanilla"]
    with sys_.db.reading() as s:
        detail = cases.case_detail(s, folio, Actor("central", "nivel_central"), utcnow())
    filed = detail.summary.opened_at
    assert (utcnow() - filed).days >= 39 and detail.summary.platform_code == "DR13"
    assert detail.summary.due_on == deadlines.add_business_days(deadlines.local_date(filed), 25, "13")
    assert detail.summary.due_status == "fuera_de_plazo"
    assert any(e.event == "backentry" and e.actor == "admin13" for e in detail.log)
    with sys_.db.reading() as s:  # the classification typed as the list's labels, stored as its codes
        row = s.execute(select(Case).where(Case.folio == folio)).scalar_one()
        assert (row.market, row.motive, row.category) == ("comercio", "cobro_indebido", "doble_cobro")
    again = client.get(_upload(client)).get_data(as_text=True)
    assert "Ya cargada: 2" in again and "Válida" not in again  # a re-upload creates nothing twice
