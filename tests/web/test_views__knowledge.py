"""The knowledge base's pages: search without accents, editing with history (supervisors and analysts), the
panel on a consulta's answer task with "usar esta respuesta" (linked, counted, logged), the report and CSV."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services.knowledge import csvio
from tests.conftest import ACTORS, complaint
from tests.integration.helpers import only_task, open_case
from tests.web.test_auth__login import csrf_token, sign_in

SHIPPED = Path(__file__).resolve().parents[2] / "knowledge" / "conocimiento.csv"
PASSWORD = "clave-segura-1"


@pytest.fixture
def kb(app: Flask) -> Flask:
    with app.extensions["ventanilla"].db.writing() as s:
        csvio.seed(s, SHIPPED.read_text(encoding="utf-8"), utcnow())
    return app


def _text(client: FlaskClient, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def test_search_without_accents_finds_garantia_legal(kb: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    page = _text(client, "/conocimiento?q=garantia")
    assert "¿Qué es la garantía legal y cuánto dura?" in page
    assert "Nuevo artículo" not in page  # an ejecutivo reads, never edits
    assert "No encontramos artículos" in _text(client, "/conocimiento?q=criptomonedas+lunares")


def test_a_supervisor_writes_and_edits_and_every_version_is_shown(kb: Flask, client: FlaskClient) -> None:
    sign_in(client, "sup13", PASSWORD)
    token = csrf_token(client, "/conocimiento/nuevo")
    bad = client.post("/conocimiento", data={"csrf_token": token, "question": "corta", "market": "comercio"})
    assert bad.status_code == 422
    assert "Escriba la pregunta (10 a 300 caracteres)." in bad.get_data(as_text=True)
    article = {
        "csrf_token": token,
        "question": "¿Puedo devolver unas zapatillas que me quedaron chicas?",
        "answer": "No es un derecho legal en compras presenciales: depende de la política de la tienda.",
        "market": "comercio",
        "motive": "Cambio de productos",
        "active": "on",
    }
    created = client.post("/conocimiento", data=article)
    assert created.status_code == 302
    url = created.headers["Location"]
    edited = client.post(
        url,
        data={
            **article,
            "answer": article["answer"] + " Pida el ticket de cambio.",
            "note": "agrega el ticket",
        },
    )
    assert edited.status_code == 302
    page = _text(client, url)
    assert "Versión 2" in page and "Versión 1" in page and "agrega el ticket" in page and "sup13" in page
    assert "zapatillas" in _text(client, "/conocimiento?q=zapatilla+chica")


def _consulta(app: Flask) -> str:
    sys_ = app.extensions["ventanilla"]
    return open_case(sys_, complaint(kind="inquiry"), ACTORS["eje13"], utcnow(), process="caso").folio


def test_usar_esta_respuesta_links_counts_and_logs_on_the_case(kb: Flask, client: FlaskClient) -> None:
    folio = _consulta(kb)
    task = only_task(kb.extensions["ventanilla"], folio, "proponer_cierre")
    sign_in(client, "eje13", PASSWORD)
    case_page = _text(client, f"/casos/{folio}")
    target = f"t{task.id[:8]}campo-respuesta"
    assert "data-kb-panel" in case_page and f'value="{target}"' in case_page
    panel = _text(client, f"/casos/{folio}/conocimiento?q=garantia&campo={target}")
    assert "Usar esta respuesta" in panel and f'data-kb-target="{target}"' in panel
    article_id = int(panel.split(f"/casos/{folio}/conocimiento/")[1].split("/")[0])
    used = client.post(
        f"/casos/{folio}/conocimiento/{article_id}/usar",
        data={"csrf_token": csrf_token(client, f"/casos/{folio}")},
    )
    assert used.status_code == 200 and "vinculada al caso" in used.get_data(as_text=True)
    assert "Respuesta tomada de la base de conocimiento" in _text(client, f"/casos/{folio}")
    assert "usado 1 vez" in _text(client, f"/conocimiento/{article_id}")
    other_client = kb.test_client()
    sign_in(other_client, "eje05", PASSWORD)  # another platform: the case is not in scope, nothing is linked
    other = other_client.post(
        f"/casos/{folio}/conocimiento/{article_id}/usar",
        data={"csrf_token": csrf_token(other_client, "/conocimiento")},
    )
    assert other.status_code == 404
    assert "usado 1 vez" in _text(client, f"/conocimiento/{article_id}")


def test_the_report_shows_most_used_and_searches_without_results(kb: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    _text(client, "/conocimiento?q=criptomonedas+lunares")
    analyst = kb.test_client()
    sign_in(analyst, "analista", PASSWORD)
    report = _text(analyst, "/conocimiento/informe")
    assert "criptomonedas lunares" in report


def test_csv_export_and_import_all_or_nothing(kb: Flask, client: FlaskClient) -> None:
    sign_in(client, "analista", PASSWORD)
    exported = client.get("/conocimiento/exportar.csv")
    assert exported.mimetype == "text/csv"
    body = exported.get_data(as_text=True)
    assert (
        body.startswith("id,pregunta,respuesta,mercado,motivo,base_legal,activo") and body.count("\n") > 100
    )
    token = csrf_token(client, "/conocimiento")
    good = "pregunta,respuesta,mercado,motivo\n"
    good += "¿Una pregunta nueva y válida?,Una respuesta bastante larga.,comercio,Otro\n"
    bad = good + ",x,comercio,Otro\n"
    resp = client.post(
        "/conocimiento/importar",
        data={"csrf_token": token, "archivo": (io.BytesIO(bad.encode()), "a.csv")},
        follow_redirects=True,
    )
    assert "No se importó nada" in resp.get_data(as_text=True) and "fila 3" in resp.get_data(as_text=True)
    resp = client.post(
        "/conocimiento/importar",
        data={"csrf_token": token, "archivo": (io.BytesIO(good.encode()), "a.csv")},
        follow_redirects=True,
    )
    assert "1 creados" in resp.get_data(as_text=True)
    assert "¿Una pregunta nueva y válida?" in _text(client, "/conocimiento?q=pregunta+nueva+valida")
