"""Attachments on the staff pages with the Flask client: upload with the intake and task forms (multipart),
the list on the case file, downloads, limits shown beside the field. CSRF stays on."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import Attachment
from engine.services.attachments import MAX_BYTES, NOT_ALLOWED_TYPE
from tests.files import EXE, PDF, PNG
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, count_cases, intake_form, token
from web.uploads import RESELECT

FileArg = tuple[io.BytesIO, str, str]


def upload(body: bytes, name: str, mime: str = "application/octet-stream") -> FileArg:
    return io.BytesIO(body), name, mime


def count_attachments(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count(Attachment.id))).scalar_one())


def post_intake(client: FlaskClient, files: list[FileArg], **overrides: str) -> tuple[int, str, str]:
    """(status, Location, page) of the intake form posted as multipart with these files."""
    data = {**intake_form(**overrides), "csrf_token": token(client, "/casos/nuevo"), "adjuntos": files}
    resp = client.post("/casos/nuevo", data=data, content_type="multipart/form-data")
    return resp.status_code, resp.headers.get("Location", ""), resp.get_data(as_text=True)


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<div class="invalid-feedback d-block" id="{field_id}-error">([^<]*)</div>', html)
    assert found, f"no error beside {field_id}"
    return found.group(1)


def test_a_pdf_sent_with_the_intake_is_listed_on_the_case_file_and_downloads(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "eje13", PASSWORD)
    form = client.get("/casos/nuevo").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input type="file" multiple [^>]*name="adjuntos"', form)
    status, location, _ = post_intake(client, [upload(PDF, "Boleta compra.pdf", "application/pdf")])
    assert status == 302
    page = client.get(location).get_data(as_text=True)
    link = re.search(r'href="(/adjuntos/\d+)"[^>]*>Boleta compra\.pdf</a>', page)
    assert link and f"{len(PDF)} bytes" in page and "Adjunto agregado: Boleta compra.pdf" in page
    resp = client.get(link.group(1))
    assert resp.status_code == 200 and resp.data == PDF
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="Boleta compra.pdf"')
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/salir", data={"csrf_token": token(client, location)})
    sign_in(client, "eje05", PASSWORD)
    assert client.get(link.group(1)).status_code == 404


def test_an_oversized_or_disguised_file_is_refused_beside_the_field_and_nothing_is_created(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "eje13", PASSWORD)
    status, _, html = post_intake(client, [upload(PDF + bytes(MAX_BYTES), "escaneo.pdf")])
    assert status == 422
    assert field_error(html, "ingresocampo-adjuntos") == "El archivo «escaneo.pdf» supera el máximo de 10 MB."
    assert 'value="Ana Prueba Ejemplo"' in html
    status, _, html = post_intake(client, [upload(EXE, "virus.pdf", "application/pdf")])
    assert status == 422 and NOT_ALLOWED_TYPE in field_error(html, "ingresocampo-adjuntos")
    status, _, html = post_intake(client, [upload(PDF, "boleta.pdf")], subject="")
    assert status == 422 and field_error(html, "ingresocampo-adjuntos") == RESELECT
    assert (count_cases(app), count_attachments(app)) == (0, 0)


def test_a_task_form_takes_files_and_keeps_those_already_attached_when_shown_again(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "eje13", PASSWORD)
    status, location, _ = post_intake(client, [upload(PDF, "boleta.pdf")])
    page = client.get(location).get_data(as_text=True)
    forward = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)"', page)
    kept = re.search(r'href="/adjuntos/(\d+)"', page)
    assert status == 302 and forward and kept
    client.post(forward.group(1), data={"csrf_token": token(client, location), "medio_traslado": "correo"})
    page = client.get(location).get_data(as_text=True)
    answer = re.search(r'action="(/casos/[^"]+/tareas/[^"/]+)" enctype="multipart/form-data"', page)
    assert answer and "Registrar la respuesta del proveedor" in page
    fields = {"resultado_proveedor": "acoge", "csrf_token": token(client, location)}
    refused = client.post(
        answer.group(1), data={**fields, "adjuntos": [kept.group(1), upload(PNG, "carta.png")]}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and count_attachments(app) == 1
    assert re.search(rf'id="t[0-9a-f]{{8}}campo-adjuntos-error">{re.escape(RESELECT)}<', html)
    hidden = f'<input type="hidden" name="adjuntos" value="{kept.group(1)}">'
    assert f"{hidden}Archivo adjunto: boleta.pdf ({len(PDF)} bytes)" in html
    text = {"respuesta_proveedor_texto": "Acoge y devuelve el cobro."}
    done = client.post(
        answer.group(1), data={**fields, **text, "adjuntos": [kept.group(1), upload(PNG, "carta.png")]}
    )
    assert done.status_code == 302 and count_attachments(app) == 2
    page = client.get(location).get_data(as_text=True)
    assert re.search(r'href="/adjuntos/\d+"[^>]*>carta\.png</a>', page)
