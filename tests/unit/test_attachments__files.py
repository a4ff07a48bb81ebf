"""Attachment rules without a database: accepted types by extension and content, names, sizes, the file
widget's shape in a form, and how a file field renders and parses."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from engine import forms
from engine.errors import InvalidContent
from engine.services.attachments import content_type, human_size, safe_filename
from tests.files import DOCX, EXE, JPEG, PDF, PNG, TEXT, XLSX, ZIP
from web.formrender import parse_submission, render_form


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("boleta.pdf", PDF, "application/pdf"),
        ("FOTO.JPG", JPEG, "image/jpeg"),
        ("foto.jpeg", JPEG, "image/jpeg"),
        ("captura.png", PNG, "image/png"),
        ("contrato.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("cuotas.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("nota.txt", TEXT, "text/plain; charset=utf-8"),
        ("nota.txt", "Año, señor".encode("cp1252"), "text/plain; charset=windows-1252"),
        ("virus.pdf", EXE, None),  # a program renamed: the first bytes give it away
        ("foto.png", PDF, None),
        ("contrato.docx", ZIP, None),  # any ZIP is not a Word document
        ("cuotas.xlsx", DOCX, None),
        ("nota.txt", EXE, None),
        ("programa.exe", EXE, None),
        ("sin_extension", PDF, None),
    ],
)
def test_a_file_is_accepted_only_when_extension_and_content_agree(
    name: str, body: bytes, expected: str | None
) -> None:
    assert content_type(name, body) == expected


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("C:\\Users\\ana\\Boleta.pdf", "Boleta.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ('fac"tura;\r\n.pdf', "factura.pdf"),
        ("cuenta\u202egnp.pdf", "cuentagnp.pdf"),  # no right-to-left override to fake the extension
        ("  ...  ", "archivo"),
        ("a" * 300 + ".docx", "a" * 195 + ".docx"),
    ],
)
def test_file_names_are_made_safe_to_store_and_offer(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_sizes_read_as_people_write_them() -> None:
    assert [human_size(n) for n in (820, 34_000, 1_250_000)] == ["820 bytes", "33 KB", "1,2 MB"]


def form(field: dict[str, Any]) -> forms.Form:
    schema = {"type": "object", "properties": {"adjuntos": {"title": "Documentos", **field}}}
    return forms.load_form("f", json.dumps(schema), "f.json")


@pytest.mark.parametrize(
    "field",
    [
        {"type": "string", "x-widget": "file"},
        {"type": "array", "items": {"type": "string"}, "x-widget": "file"},
        {"type": "array", "x-widget": "file"},
    ],
)
def test_a_file_field_must_hold_a_list_of_ids(field: dict[str, Any]) -> None:
    with pytest.raises(InvalidContent) as err:
        form(field)
    assert err.value.problems[0].element == "#/properties/adjuntos"
    assert '"x-widget": "file" requiere "type": "array"' in err.value.problems[0].message


FILE_FIELD = {"type": "array", "items": {"type": "integer"}, "x-widget": "file", "x-help": "Hasta 10 MB."}


def test_a_file_field_renders_a_multiple_file_input_and_keeps_named_ids() -> None:
    html = render_form(
        form(FILE_FIELD), {"adjuntos": ["7"]}, {"adjuntos": "Falta algo."}, attached={7: "boleta.pdf (1 KB)"}
    )
    doc = lxml.html.fragment_fromstring(str(html), create_parent="div")
    [picker] = doc.xpath("//input[@type='file']")
    assert (picker.get("name"), picker.get("aria-invalid")) == ("adjuntos", "true")
    assert "multiple" in picker.attrib
    assert ".pdf" in picker.get("accept") and doc.xpath(f"//label[@for='{picker.get('id')}']")
    [kept] = doc.xpath("//input[@type='hidden'][@name='adjuntos']")
    assert (
        kept.get("value") == "7" and "Archivo adjunto: boleta.pdf (1 KB)" in kept.getparent().text_content()
    )


def test_a_file_field_parses_the_kept_ids() -> None:
    assert parse_submission(form(FILE_FIELD), {"adjuntos": ["7", "12", "7"]}) == ({"adjuntos": [7, 12]}, {})
    assert parse_submission(form(FILE_FIELD), {}) == ({}, {})
    assert parse_submission(form(FILE_FIELD), {"adjuntos": ["7x"]}) == (
        {},
        {"adjuntos": "Adjunto desconocido."},
    )
