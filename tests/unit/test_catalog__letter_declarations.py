"""Publishing checks what content declares beside a letter or a notice (issue 11): known audiences, true or
false flags, and a declaration only where its letter or notice is."""

from __future__ import annotations

from engine import catalog
from tests.conftest import ROOT

SHIPPED = catalog.read_dir(ROOT)
TRASLADO = b'<spiffworkflow:property name="letter_audience" value="proveedor"/>'


def _problems(old: bytes, new: bytes) -> list[str]:
    files = dict(SHIPPED)
    body = files["processes/etapa_reclamo.bpmn"]
    assert old in body
    files["processes/etapa_reclamo.bpmn"] = body.replace(old, new, 1)
    return [f"{p.element}: {p.message}" for p in catalog.validate(files)]


def test_the_shipped_content_declares_its_letters_validly() -> None:
    assert catalog.validate(SHIPPED) == []


def test_an_unknown_audience_is_refused_naming_the_element() -> None:
    found = _problems(TRASLADO, TRASLADO.replace(b"proveedor", b"empresa"))
    assert found == [
        "trasladar: 'letter_audience' vale 'empresa': use 'consumidor', 'proveedor', 'institucion'"
    ]


def test_a_declaration_without_its_letter_is_refused() -> None:
    letter = b'<spiffworkflow:property name="letter" value="traslado_proveedor"/>'
    found = _problems(letter, b"")
    assert any("'letter_audience' necesita la propiedad 'letter'" in p for p in found)
