"""The shipped letter templates render from the documented context; bad templates are refused at publish."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from docx import Document

from engine import letters
from tests.conftest import ROOT

TEMPLATES = ROOT / "letter_templates"
LETTER_IDS = sorted(p.stem for p in TEMPLATES.glob("*.docx"))
# A sentence each letter must carry, so a template that renders blank or lost its body is noticed.
KEY_SENTENCES = {
    "comprobante_ingreso": "Su caso quedó registrado con el folio N° 2026-000123",
    "respuesta_consulta": "Usted tiene derecho a que se le restituya el cobro duplicado",
    "traslado_proveedor": "dentro del plazo de 10 días hábiles",
    "recordatorio_proveedor": "El plazo otorgado venció el 04-12-2026",
    "respuesta_consumidor": "El proveedor acogió su reclamo",
    "cierre_no_respuesta": "Juzgado de Policía Local competente",
    "cambio_etapa": "continuará tramitándose como reclamo",
    "presentacion_judicial": "El proveedor cobró dos veces la misma compra y no restituyó el monto.",
    "orientacion_no_consumo": "Se sugiere dirigirse a Superintendencia de Pensiones",
    "oficio_derivacion": "derivo a esa institución el caso folio N° 2026-000123",
    "respuesta_derivacion": "la derivó a Superintendencia de Electricidad y Combustibles",
    "respuesta_soni": "Agradecemos que se haya dado el tiempo de contarnos su opinión",
}
OUTCOMES = {
    "PROVEEDOR ACOGE": "El proveedor acogió su reclamo",
    "ACOGE PARCIALMENTE": "El proveedor acogió parcialmente su reclamo",
    "PROVEEDOR NO ACOGE": "El proveedor no acogió su reclamo",
    "PROVEEDOR NO RESPONDE": "El proveedor no dio respuesta a su reclamo",
    "CONSUMIDOR DESISTE": "se registró su desistimiento del reclamo",
    "": "La gestión de su reclamo ante el proveedor ha concluido",
}


def template(letter_id: str) -> bytes:
    return (TEMPLATES / f"{letter_id}.docx").read_bytes()


def context(**changes: Any) -> dict[str, Any]:
    """SAMPLE_CONTEXT as a fresh dict, with top-level or ``datos`` changes."""
    data = copy.deepcopy(dict(letters.SAMPLE_CONTEXT))
    data["datos"].update(changes.pop("datos", {}))
    data.update(changes)
    return data


def docx_with(*paragraphs: str) -> bytes:
    """A one-page template made of these paragraphs."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rendered_text(letter_id: str, ctx: dict[str, Any] | None = None) -> str:
    return letters.docx_text(letters.render(template(letter_id), ctx or context()))


def test_the_shipped_letters_each_have_a_key_sentence() -> None:
    assert set(LETTER_IDS) == set(KEY_SENTENCES)


@pytest.mark.parametrize("letter_id", LETTER_IDS)
def test_each_letter_renders_every_placeholder(letter_id: str) -> None:
    text = rendered_text(letter_id)
    for leftover in ("{{", "}}", "{%", "%}"):
        assert leftover not in text
    assert "ORD. N° 45/2026" in text  # the letter's own number, not the folio
    assert "Ana María Ejemplo Prueba" in text
    assert "Santiago, 23 de noviembre de 2026" in text
    assert "SERVICIO DE PROTECCIÓN AL CONSUMIDOR" in text  # the header
    assert "Juana Pérez Ejemplo" in text
    assert KEY_SENTENCES[letter_id] in text


EVERY_STAGE = [
    "comprobante_ingreso",
    "traslado_proveedor",
    "recordatorio_proveedor",
    "respuesta_consumidor",
    "cierre_no_respuesta",
    "cambio_etapa",
]


@pytest.mark.parametrize("letter_id", EVERY_STAGE)
def test_letters_render_before_any_process_variable_exists(letter_id: str) -> None:
    text = rendered_text(letter_id, context() | {"datos": {}})
    assert "{{" not in text
    assert "2026-000123" in text


@pytest.mark.parametrize(
    ("letter_id", "needed"),
    [
        ("respuesta_consulta", "datos.respuesta"),
        ("presentacion_judicial", "datos.juzgado"),
        ("orientacion_no_consumo", "datos.orientacion"),
    ],
)
def test_a_letter_without_its_essential_data_names_what_is_missing(letter_id: str, needed: str) -> None:
    with pytest.raises(letters.LetterFailed) as err:
        letters.render(template(letter_id), context() | {"datos": {}})
    assert f"'{needed}'" in err.value.detail
    assert "el caso no tiene ese dato" in err.value.detail
    assert err.value.status == 422


@pytest.mark.parametrize(("outcome", "paragraph"), OUTCOMES.items())
def test_the_consumer_reads_the_paragraph_of_their_outcome(outcome: str, paragraph: str) -> None:
    text = rendered_text("respuesta_consumidor", context(resultado=outcome))
    assert paragraph in text
    for other in OUTCOMES.values():
        if other != paragraph:
            assert other not in text


def test_the_company_answer_is_quoted_only_when_there_is_one() -> None:
    quoted = rendered_text("respuesta_consumidor")
    assert "«Revisamos el caso y reversaremos el segundo cobro en 5 días.»" in quoted
    silent = rendered_text("respuesta_consumidor", context(datos={"respuesta_proveedor_texto": ""}))
    assert "La respuesta del proveedor es la siguiente" not in silent


def test_a_missing_nested_value_is_named_in_full() -> None:
    ctx = context()
    del ctx["consumidor"]["telefono"]
    with pytest.raises(letters.LetterFailed) as err:
        letters.render(docx_with("Teléfono: {{ consumidor.telefono }}"), ctx)
    assert err.value.detail == "la plantilla usa 'consumidor.telefono' y el caso no tiene ese dato"


def test_text_typed_by_a_citizen_is_printed_literally() -> None:
    typed = 'Compré <b>dos</b> "ofertas" & pagué 3 > 2\nSegunda línea\x0c'
    text = rendered_text("traslado_proveedor", context(descripcion=typed))
    assert 'Compré <b>dos</b> "ofertas" & pagué 3 > 2\nSegunda línea' in text


def test_header_and_footer_placeholders_are_filled() -> None:
    text = rendered_text("cambio_etapa")
    assert text.splitlines()[1] == "Ventanilla única · Dirección Regional Metropolitana"
    assert text.splitlines()[-1].endswith("Folio N° 2026-000123")


@pytest.mark.parametrize("letter_id", LETTER_IDS)
def test_shipped_templates_pass_the_publish_check(letter_id: str) -> None:
    assert letters.check_template(f"letter_templates/{letter_id}.docx", template(letter_id)) == []


def test_a_broken_tag_is_refused_at_publish() -> None:
    problems = letters.check_template("letter_templates/rota.docx", docx_with("Folio {{ folio "))
    assert len(problems) == 1
    assert problems[0].file == "letter_templates/rota.docx"
    assert "marcador" in problems[0].message


def test_a_name_outside_the_letter_context_is_refused_at_publish() -> None:
    problems = letters.check_template("letter_templates/x.docx", docx_with("{{ consumidor.telefno }}"))
    assert [p.message for p in problems] == [
        "la plantilla usa 'consumidor.telefno', que no es un dato de las cartas"
    ]


def test_a_new_process_variable_is_accepted_at_publish() -> None:
    body = docx_with("Audiencia: {{ datos.fecha_audiencia }} {{ datos.get('sala', '') }}")
    assert letters.check_template("letter_templates/citacion.docx", body) == []


def test_a_template_cannot_reach_python_internals() -> None:
    body = docx_with("{{ folio.__class__.__mro__ }}")
    assert letters.check_template("letter_templates/x.docx", body)
    with pytest.raises(letters.LetterFailed):
        letters.render(body, context())


def test_a_file_that_is_not_a_docx_cannot_be_rendered() -> None:
    with pytest.raises(letters.LetterFailed) as err:
        letters.render(b"no soy un documento", context())
    assert "no es un documento Word" in err.value.detail
