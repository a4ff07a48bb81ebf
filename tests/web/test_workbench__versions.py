"""Versions over the workbench API: who/when/note, change summary and open cases per version; export as
a zip and import it back; hostile zips are refused with a clear message. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.conftest import bearer
from tests.web.test_workbench__drafts import CASO, PLAZO_20, PLAZO_25, WB, draft_file, put

HELP_DESK = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="mesa_ayuda" name="Mesa de ayuda" isExecutable="true">
    <bpmn:startEvent id="inicio"/>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="fin"/>
    <bpmn:endEvent id="fin"/>
  </bpmn:process>
</bpmn:definitions>"""


def _open_case(app: Flask, process: str = "caso") -> str:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        return cases.open_case(
            s, sys_.store, complaint(), ACTORS["eje13"], utcnow(), process_id=process
        ).folio


def test_versions_list_changes_and_open_cases(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    token = tokens["analista"]
    _open_case(app)
    _open_case(app, "caso_simple")
    put(client, token, CASO, draft_file(client, token, CASO).replace(PLAZO_25, PLAZO_20))
    put(client, token, "processes/mesa_ayuda.bpmn", HELP_DESK)
    client.delete(f"{WB}/draft/files/letter_templates/cambio_etapa.docx", headers=bearer(token))
    # the letter is still named by caso.bpmn: refused, then put back
    assert client.post(f"{WB}/publish", json={"note": "x"}, headers=bearer(token)).status_code == 422
    client.post(f"{WB}/draft/reset", json={}, headers=bearer(token))
    put(client, token, CASO, draft_file(client, token, CASO).replace(PLAZO_25, PLAZO_20))
    put(client, token, "processes/mesa_ayuda.bpmn", HELP_DESK)
    resp = client.post(f"{WB}/publish", json={"note": "Plazo 20 y mesa de ayuda"}, headers=bearer(token))
    assert resp.status_code == 201, resp.get_json()
    _open_case(app)

    listed = client.get(f"{WB}/versions", headers=bearer(token)).get_json()
    assert [v["id"] for v in listed] == [2, 1]
    v2, v1 = listed
    assert (v2["published_by"], v2["note"], v2["open_cases"]) == ("analista", "Plazo 20 y mesa de ayuda", 1)
    assert v1["open_cases"] == 2
    assert v2["changes"]["files"] == {
        "added": ["processes/mesa_ayuda.bpmn"],
        "removed": [],
        "changed": [CASO],
    }
    assert v2["changes"]["elements"]["caso"]["changed"] == ["plazo_reclamo"]
    assert v2["changes"]["elements"]["mesa_ayuda"] == {
        "added": ["f1", "fin", "inicio"],
        "removed": [],
        "changed": [],
    }
    assert len(v1["changes"]["files"]["added"]) > 20  # the first version adds everything
    assert v2["published_at"].startswith("20")


def _zip(entries: list[tuple[str, bytes]], link: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in entries:
            zf.writestr(name, body)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return out.getvalue()


def _import(client: FlaskClient, token: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"{WB}/import",
        data={"file": (io.BytesIO(data), "contenido.zip")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def test_export_import_round_trip(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    exported = client.get(f"{WB}/versions/1/export", headers=bearer(token))
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.get_data())) as zf:
        names = zf.namelist()
    assert (
        CASO in names and "forms/gestion_caso.json" in names and "letter_templates/cambio_etapa.docx" in names
    )
    put(client, token, CASO, draft_file(client, token, CASO).replace(PLAZO_25, PLAZO_20))
    client.delete(f"{WB}/draft/files/forms/visacion.json", headers=bearer(token))
    resp = _import(client, token, exported.get_data())
    assert resp.status_code == 200 and resp.get_json()["ok"], resp.get_json()
    draft = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    assert not any(f["changed"] for f in draft["files"]) and draft["removed"] == []
    assert client.get(f"{WB}/versions/99/export", headers=bearer(token)).status_code == 404


@pytest.mark.parametrize(
    ("entries", "link", "words"),
    [
        ([("../processes/x.bpmn", HELP_DESK)], None, "'..'"),
        ([("/processes/x.bpmn", HELP_DESK)], None, "ruta absoluta"),
        ([("processes/x.bpmn", HELP_DESK)], "processes/y.bpmn", "enlace simbólico"),
        ([("processes/x.bpmn", HELP_DESK), ("README.md", b"hola")], None, "ruta no permitida"),
        ([("processes/x.bpmn", b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>")], None, "DOCTYPE"),
        ([(f"forms/f{i}.json", b"{}") for i in range(301)], None, "entradas"),
        ([("processes/x.bpmn", b"<" + b" " * (6 * 1024 * 1024))], None, "5 MB"),
    ],
)
def test_hostile_zips_are_refused(
    client: FlaskClient,
    tokens: dict[str, str],
    entries: list[tuple[str, bytes]],
    link: str | None,
    words: str,
) -> None:
    token = tokens["analista"]
    before = client.get(f"{WB}/draft", headers=bearer(token)).get_json()
    resp = _import(client, token, _zip(entries, link))
    assert resp.status_code == 422, resp.get_json()
    assert words in resp.get_json()["detail"]
    assert client.get(f"{WB}/draft", headers=bearer(token)).get_json() == before


def test_not_a_zip_is_refused(client: FlaskClient, tokens: dict[str, str]) -> None:
    resp = _import(client, tokens["analista"], b"PK\x03\x04 roto")
    assert resp.status_code == 422 and "zip" in resp.get_json()["detail"]
