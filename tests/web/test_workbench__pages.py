"""The Taller de procesos pages: draft with editor links, validation list, publishing with a note, the
versions table with export and import, and the migration dry run then perform. SQLite and PostgreSQL."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.test_auth__login import sign_in
from tests.web.test_workbench__drafts import CASO, PLAZO_20, PLAZO_25, WB

PASSWORD = "clave-segura-1"


def _csrf(client: FlaskClient) -> str:
    page = client.get("/taller").get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_the_analyst_edits_validates_publishes_and_migrates(app: Flask, client: FlaskClient) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        consulta = cases.open_case(s, sys_.store, complaint(kind="inquiry"), ACTORS["eje13"], utcnow()).folio
    sign_in(client, "analista", PASSWORD)
    home = client.get("/taller").get_data(as_text=True)
    assert "Taller de procesos</a>" in home  # the navigation entry
    assert 'href="/taller/procesos/caso"' in home and 'href="/taller/formularios/gestion_caso"' in home
    assert 'href="/taller/cartas/respuesta_consumidor"' in home
    token = _csrf(client)
    assert "Sin problemas" in client.post("/taller/validar", data={"csrf_token": token}).get_data(
        as_text=True
    )

    simple = f"{WB}/draft/files/processes/caso_simple.bpmn"
    broken = client.get(simple).get_data().replace(b'value="gestion_caso"', b'value="no_existe"')
    assert client.put(simple, data=broken, headers={"X-CSRFToken": token}).status_code == 200
    resp = client.post("/taller/validar", data={"csrf_token": token})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "processes/caso_simple.bpmn" in page and ">gestionar_caso</code>" in page
    refused = client.post("/taller/publicar", data={"csrf_token": token, "note": "roto"})
    assert refused.status_code == 422 and "No se publicó" in refused.get_data(as_text=True)
    client.post("/taller/descartar", data={"csrf_token": token})

    caso = client.get(f"{WB}/draft/files/{CASO}").get_data().replace(PLAZO_25, PLAZO_20)
    client.put(f"{WB}/draft/files/{CASO}", data=caso, headers={"X-CSRFToken": token})
    assert "modificado" in client.get("/taller").get_data(as_text=True)
    done = client.post("/taller/publicar", data={"csrf_token": token, "note": "Plazo de reclamo 20 días"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/taller/versiones")
    versions = client.get("/taller/versiones").get_data(as_text=True)
    assert "Versión 2 publicada" in versions and "Plazo de reclamo 20 días" in versions
    assert "~plazo_reclamo" in versions and f"{WB}/versions/2/export" in versions
    assert "/taller/migraciones?desde=1&amp;hacia=2" in versions

    dry = client.get("/taller/migraciones?desde=1&hacia=2").get_data(as_text=True)
    assert consulta in dry and "Simulación" in dry and "Migrar los casos seguros (1)" in dry
    moved = client.post("/taller/migraciones", data={"csrf_token": token, "desde": "1", "hacia": "2"})
    assert "Casos migrados de la versión 1 a la 2: 1." in moved.get_data(as_text=True)


def test_import_a_zip_from_the_versions_page(client: FlaskClient) -> None:
    sign_in(client, "integ", PASSWORD)
    token = _csrf(client)
    exported = client.get(f"{WB}/versions/1/export").get_data()
    resp = client.post(
        "/taller/importar",
        data={"csrf_token": token, "file": (io.BytesIO(exported), "v1.zip")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Zip importado en su borrador" in resp.get_data(as_text=True)
    bad = client.post(
        "/taller/importar",
        data={"csrf_token": token, "file": (io.BytesIO(b"no es zip"), "x.zip")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "No se importó el zip" in bad.get_data(as_text=True)


def test_other_roles_see_no_workbench(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    assert "Taller de procesos" not in client.get("/bandeja").get_data(as_text=True)
    assert client.get("/taller").status_code == 403


def test_the_page_merges_a_newer_version_decides_a_conflict_and_goes_back(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    """Another analyst published while this one edited the same file: the page offers to merge, lists the
    conflict with its two choices, and the versions page republishes an old version."""
    sign_in(client, "analista", PASSWORD)
    token = _csrf(client)
    path = f"{WB}/draft/files/{CASO}"
    mine = client.get(path).get_data().replace(PLAZO_25, b"plazo_dias = 30\n")
    assert client.put(path, data=mine, headers={"X-CSRFToken": token}).status_code == 200
    other = {"Authorization": f"Bearer {tokens['integ']}"}
    theirs = client.get(path, headers=other).get_data().replace(PLAZO_25, PLAZO_20)
    assert client.put(path, data=theirs, headers=other).status_code == 200
    assert client.post(f"{WB}/publish", json={"note": "20 días"}, headers=other).status_code == 201

    home = client.get("/taller").get_data(as_text=True)
    assert "Incorporar la versión 2 a mi borrador" in home
    refused = client.post("/taller/publicar", data={"csrf_token": token, "note": "30 días"})
    assert refused.status_code == 409 and "incorpore la versión 2" in refused.get_data(as_text=True)
    merged = client.post("/taller/incorporar", data={"csrf_token": token}, follow_redirects=True)
    page = merged.get_data(as_text=True)
    assert "Decida qué copia conservar de: processes/caso.bpmn" in page
    assert 'id="conflictos"' in page and "Tomar la publicada" in page
    kept = client.post(
        "/taller/conflictos", data={"csrf_token": token, "path": CASO, "keep": "mine"}, follow_redirects=True
    )
    assert 'id="conflictos"' not in kept.get_data(as_text=True)
    assert client.post("/taller/publicar", data={"csrf_token": token, "note": "30 días"}).status_code == 302

    versions = client.get("/taller/versiones").get_data(as_text=True)
    assert "Volver a esta versión" in versions
    back = client.post(
        "/taller/versiones/2/volver",
        data={"csrf_token": token, "note": "30 era un error"},
        follow_redirects=True,
    )
    assert "La versión 2 se publicó otra vez como la versión 4" in back.get_data(as_text=True)
    latest = client.get(f"{WB}/versions").get_json()[0]
    assert latest["id"] == 4 and latest["note"] == "Vuelta a la versión 2: 30 era un error"
