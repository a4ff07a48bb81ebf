"""The form and letter editors' server helpers: try a form, preview it, list a template's placeholders
with the unknown ones flagged, fill a draft template with a real case. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine.clock import utcnow
from engine.letters import docx_text
from engine.models import Case, LogEntry, User
from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.conftest import bearer
from tests.web.test_workbench__drafts import WB


def docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_try_a_form_with_sample_data(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    url = f"{WB}/forms/gestion_caso/try"
    bad = client.post(
        url, json={"data": {"accion": "cerrar", "nota": "sin resultado"}}, headers=bearer(token)
    ).get_json()
    assert bad["valid"] is False
    assert [e["field"] for e in bad["errors"]] == ["outcome"]
    good = {"accion": "cerrar", "nota": "listo", "outcome": "PROVEEDOR ACOGE"}
    assert client.post(url, json={"data": good}, headers=bearer(token)).get_json() == {
        "valid": True,
        "errors": [],
    }
    schema = {
        "type": "object",
        "required": ["rut"],
        "properties": {"rut": {"type": "string", "format": "rut"}},
    }
    wrong = client.post(url, json={"data": {"rut": "12.345.678-9"}, "schema": schema}, headers=bearer(token))
    assert wrong.get_json()["valid"] is False and wrong.get_json()["errors"][0]["field"] == "rut"
    broken = client.post(url, json={"data": {}, "schema": {"type": "array"}}, headers=bearer(token))
    assert broken.status_code == 422 and broken.get_json()["problems"]


def test_preview_a_form(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    resp = client.post(f"{WB}/forms/gestion_caso/preview", json={}, headers=bearer(token))
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "Detalle de la gestión" in html and 'name="accion"' in html
    schema = {"type": "object", "properties": {"x": {"type": "string", "title": "<script>alert(1)</script>"}}}
    resp = client.post(f"{WB}/forms/nuevo/preview", json={"schema": schema}, headers=bearer(token))
    assert "<script>alert" not in resp.get_data(as_text=True) and "&lt;script&gt;" in resp.get_data(
        as_text=True
    )
    assert client.post(f"{WB}/forms/no_existe/preview", json={}, headers=bearer(token)).status_code == 422


def _inspect(client: FlaskClient, token: str, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"{WB}/templates/inspect",
        data={"file": (io.BytesIO(body), "carta.docx")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def test_inspect_flags_placeholders_no_case_can_fill(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["analista"]
    body = docx_with(
        "Folio {{ folio }}, {{ consumidor.nombre }} ({{ consumidor.telefono2 }})",
        "Boleta {{ numero_boleta }}; monto {{ datos.get('monto', '') }}",
    )
    found = _inspect(client, token, body).get_json()
    assert found["placeholders"] == [
        "consumidor.nombre",
        "consumidor.telefono2",
        "datos.monto",
        "folio",
        "numero_boleta",
    ]
    assert found["unknown"] == ["consumidor.telefono2", "numero_boleta"]
    shipped = client.post(f"{WB}/templates/inspect?id=respuesta_consumidor", headers=bearer(token)).get_json()
    assert "datos.respuesta_proveedor_texto" in shipped["placeholders"] and shipped["unknown"] == []
    assert _inspect(client, token, b"%PDF-1.4").status_code == 422
    parts = io.BytesIO()
    with zipfile.ZipFile(parts, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><roto")
    unreadable = _inspect(client, token, parts.getvalue())
    assert unreadable.status_code == 422 and "no se pudo leer la plantilla" in unreadable.get_json()["detail"]
    broken = _inspect(client, token, docx_with("{{ folio "))
    assert broken.status_code == 422 and "marcador" in broken.get_json()["detail"]


def test_preview_a_template_with_a_real_case(app: Flask, client: FlaskClient, tokens: dict[str, str]) -> None:
    """Only on a case of the previewer's region (an analyst without one previews no one's data), logged."""
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        folio = cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], utcnow()).folio
    preview = f"{WB}/templates/traslado_proveedor/preview?folio={folio}"
    refused = client.get(preview, headers=bearer(tokens["analista"]))
    assert refused.status_code == 404 and "a su alcance" in refused.get_json()["detail"]
    with sys_.db.writing() as s:
        s.execute(update(User).where(User.username == "integ").values(region_code="13"))
    token = tokens["integ"]
    resp = client.get(preview, headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    text = docx_text(resp.get_data())
    assert folio in text and "Tienda Demo Ltda." in text
    with sys_.db.reading() as s:
        logged = s.execute(
            select(LogEntry.actor, LogEntry.summary)
            .join(Case, Case.id == LogEntry.case_id)
            .where(Case.folio == folio, LogEntry.event == "letter_preview")
        ).all()
    assert [tuple(row) for row in logged] == [
        ("integ", "Vista previa de la plantilla «traslado_proveedor» con los datos del caso")
    ]
    missing = client.get(f"{WB}/templates/traslado_proveedor/preview?folio=2099-1", headers=bearer(token))
    assert missing.status_code == 404
    assert (
        client.get(f"{WB}/templates/no_hay/preview?folio={folio}", headers=bearer(token)).status_code == 404
    )
    client.put(
        f"{WB}/draft/files/letter_templates/nueva.docx",
        data=docx_with("{{ numero_boleta }}"),
        headers=bearer(token),
    )
    failed = client.get(f"{WB}/templates/nueva/preview?folio={folio}", headers=bearer(token))
    assert failed.status_code == 422 and "numero_boleta" in failed.get_json()["detail"]
