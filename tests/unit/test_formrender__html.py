"""Form renderer: the real forms as accessible HTML, and posted HTML fields back to data for validation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from flask import Flask
from jinja2 import DictLoader, Environment
from stdnum.cl import rut as stdnum_rut

from engine import forms
from engine.errors import FieldError, FormInvalid
from web import formrender
from web.formrender import (
    BAD_DATE,
    DATE_PATTERN,
    Options,
    display_values,
    errors_by_field,
    parse_submission,
    reference_options,
    render_form,
    validate_submission,
)

ROOT = Path(__file__).resolve().parents[2]
FORMS, PROBLEMS = forms.load_forms(ROOT / "forms")
PLATFORMS = [("falabella", "Falabella"), ("mercadolibre", "Mercado Libre")]
OPTIONS = reference_options(platforms=PLATFORMS)
RUT = "12.345.678-" + stdnum_rut.calc_check_digit("12345678")
WRONG_RUT = RUT[:-1] + ("1" if RUT[-1] != "1" else "2")
HOSTILE = '"><script>alert(1)</script>'
Html = Any  # lxml.html.HtmlElement (lxml ships no type hints)


def page(form_id: str, values: Any = None, errors: Any = None, options: Options = OPTIONS) -> Html:
    """The rendered form parsed as HTML, wrapped in one <div>."""
    html = render_form(FORMS[form_id], values, errors, options)
    return lxml.html.fragment_fromstring(str(html), create_parent="div")


def control(doc: Html, name: str) -> Html:
    """The one input, select or textarea with this name (the first one for radio and checkbox groups)."""
    found = doc.xpath("//*[self::input or self::select or self::textarea][@name=$n]", n=name)
    assert found, f"no control named {name}"
    return found[0]


def label_text(doc: Html, element: Html) -> str:
    labels = doc.xpath("//label[@for=$id]", id=element.get("id"))
    assert len(labels) == 1, f"{element.get('name')}: {len(labels)} labels"
    return " ".join(labels[0].text_content().split())


def field_box(element: Html) -> Html:
    """The block that holds one field: its fieldset (radio/checkbox groups) or its div.mb-3."""
    if element.get("type") in ("radio", "checkbox") and element.getparent().tag == "div":
        group = element.xpath("ancestor::fieldset[1]")
        if group and group[0].get("id") and not group[0].get("class", "").startswith("border"):
            return group[0]
    return element.xpath("ancestor::*[self::div[contains(@class, 'mb-3')] or self::fieldset][1]")[0]


def error_beside(doc: Html, name: str) -> str:
    """The error message shown in the field's own block (and wired to it with aria-describedby)."""
    element = control(doc, name)
    box = field_box(element)
    messages = box.xpath(".//div[contains(@class, 'invalid-feedback')]")
    assert len(messages) == 1, f"{name}: {len(messages)} messages"
    described = (box.get("aria-describedby") or element.get("aria-describedby") or "").split()
    assert messages[0].get("id") in described
    return str(messages[0].text_content())


def summary_links(doc: Html) -> dict[str, str]:
    """The error summary's links: target id → text."""
    return {a.get("href")[1:]: a.text_content() for a in doc.xpath("//div[@role='alert']//a")}


def test_the_shipped_forms_load() -> None:
    assert PROBLEMS == []
    assert {"ingreso_caso", "gestion_caso", "visacion", "respuesta_proveedor", "cierre_reclamo"} <= set(FORMS)


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_visible_control_has_exactly_one_label_and_ids_are_unique(form_id: str) -> None:
    doc = page(form_id)
    controls = doc.xpath("//*[self::input or self::select or self::textarea][not(@type='hidden')]")
    assert controls
    for element in controls:
        assert label_text(doc, element)
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_fields_follow_x_order_with_nested_objects_in_fieldsets() -> None:
    doc = page("ingreso_caso")
    names = list(dict.fromkeys(doc.xpath("//*[@name]/@name")))
    assert names == [
        "kind", "channel", "platform",
        "consumer.rut", "consumer.name", "consumer.email", "consumer.phone", "consumer.comuna",
        "provider.rut", "provider.name", "market", "motive", "category", "subject", "description", "adjuntos",
    ]  # fmt: skip
    consumer = doc.xpath("//fieldset[legend[starts-with(normalize-space(.), 'Consumidor/a')]]")[0]
    assert consumer.xpath(".//input/@name") == [
        "consumer.rut",
        "consumer.name",
        "consumer.email",
        "consumer.phone",
    ]
    assert consumer.xpath(".//select/@name") == ["consumer.comuna"]


def test_required_fields_are_marked_and_optional_ones_are_not() -> None:
    doc = page("ingreso_caso")
    for name in ("channel", "platform", "consumer.rut", "consumer.name", "consumer.comuna", "subject"):
        assert label_text(doc, control(doc, name)).endswith("* obligatorio"), name
        assert control(doc, name).get("aria-required") == "true"
    for name in ("consumer.email", "consumer.phone", "provider.rut"):
        assert "obligatorio" not in label_text(doc, control(doc, name)), name
        assert control(doc, name).get("aria-required") is None
    mark = doc.xpath("//label[@for='campo-consumer-rut']/span[@aria-hidden='true']")[0]
    assert mark.text == " *"
    kind = doc.xpath("//fieldset[@id='campo-kind']/legend")[0]
    assert kind.xpath("string(span[@class='visually-hidden'])") == " obligatorio"


def test_selects_and_radios_show_the_enum_labels() -> None:
    doc = page("ingreso_caso")
    channel = control(doc, "channel")
    assert channel.tag == "select"
    assert channel.xpath("option/@value") == ["", "in_person", "web", "phone", "written", "mailbox"]
    assert [o.text for o in channel.xpath("option")][1:] == [
        "Presencial", "Internet", "Telefónico", "Escrito", "Buzón",
    ]  # fmt: skip
    radios = doc.xpath("//input[@name='kind']")
    assert [r.get("type") for r in radios] == ["radio"] * 3
    assert [label_text(doc, r) for r in radios] == ["Consulta", "Reclamo", "No consumo"]
    outcome = control(page("cierre_reclamo"), "outcome")
    assert [o.text for o in outcome.xpath("option")] == [
        "Seleccione…", "Proveedor acoge", "Acoge parcialmente", "Proveedor no acoge", "Consumidor desiste",
    ]  # fmt: skip


def test_an_enum_without_labels_shows_its_values() -> None:
    outcome = control(page("gestion_caso"), "outcome")
    assert outcome.xpath("option[@value='PROVEEDOR ACOGE']/text()") == ["PROVEEDOR ACOGE"]


def test_the_comuna_select_has_the_346_comunas_grouped_by_region_north_to_south() -> None:
    comuna = control(page("ingreso_caso"), "consumer.comuna")
    values = comuna.xpath(".//option[@value!='']/@value")
    assert len(values) == len(set(values)) == 346
    groups = comuna.xpath("optgroup/@label")
    assert len(groups) == 16
    assert (groups[0], groups[-1]) == ("Arica y Parinacota", "Magallanes y de la Antártica Chilena")
    santiago = comuna.xpath("optgroup[@label='Metropolitana de Santiago']/option[@value='13101']")
    assert [o.text for o in santiago] == ["Santiago"]
    names = comuna.xpath("optgroup[@label='Metropolitana de Santiago']/option/text()")
    assert names.index("Maipú") < names.index("María Pinto") < names.index("Melipilla")  # accents ignored
    assert names[names.index("Ñuñoa") + 1] == "Padre Hurtado"  # ñ after n


def test_platforms_come_from_the_options_given_else_a_text_input() -> None:
    doc = page("ingreso_caso")
    assert control(doc, "platform").xpath("option/@value") == ["", "falabella", "mercadolibre"]
    bare = page("ingreso_caso", options=reference_options())
    assert (control(bare, "platform").tag, control(bare, "platform").get("type")) == ("input", "text")
    own = page("ingreso_caso", options=Options(platforms=[("paris", "Paris")]))
    assert control(own, "platform").xpath("option/text()") == ["Seleccione…", "Paris"]
    assert len(control(own, "consumer.comuna").xpath(".//option[@value!='']")) == 346


def test_help_text_is_wired_to_its_field() -> None:
    doc = page("ingreso_caso")
    rut = control(doc, "consumer.rut")
    help_id = rut.get("aria-describedby")
    assert doc.xpath("string(//*[@id=$id])", id=help_id) == "Con dígito verificador, p. ej. 12.345.678-5"
    visacion = page("visacion")
    notes = control(visacion, "observaciones_visacion")
    assert notes.tag == "textarea"
    assert "Obligatorias al devolver" in visacion.xpath(
        "string(//*[@id=$id])", id=notes.get("aria-describedby")
    )


def test_a_date_is_a_text_input_with_the_chilean_format_not_a_browser_date_picker() -> None:
    fecha = control(page("respuesta_proveedor"), "fecha_respuesta")
    assert fecha.get("type") == "text"
    assert fecha.get("placeholder") == "dd-mm-aaaa"
    pattern = re.compile(fecha.get("pattern"))
    assert pattern.fullmatch("05-03-2024") and pattern.fullmatch("5/3/2024")
    assert not pattern.fullmatch("2024-03-05")
    assert fecha.get("pattern") == DATE_PATTERN


def test_errors_show_beside_their_fields_and_in_a_linked_summary() -> None:
    errors = {
        "consumer.rut": "RUT inválido: el dígito verificador no corresponde.",
        "kind": "El call center registra solo consultas.",
        "provider": "Este campo es obligatorio.",
    }
    doc = page("ingreso_caso", {"consumer.rut": [WRONG_RUT]}, errors)
    assert error_beside(doc, "consumer.rut") == errors["consumer.rut"]
    assert error_beside(doc, "kind") == errors["kind"]
    rut = control(doc, "consumer.rut")
    assert "is-invalid" in rut.get("class") and rut.get("aria-invalid") == "true"
    provider = doc.xpath("//fieldset[@id='campo-provider']")[0]
    assert provider.xpath("string(div[contains(@class, 'invalid-feedback')])") == errors["provider"]
    assert doc.xpath("//*[contains(@class, 'is-invalid')]/@name") == ["kind"] * 3 + ["consumer.rut"]
    links = summary_links(doc)
    assert links == {
        "campo-kind-0": "Tipo de requerimiento: El call center registra solo consultas.",
        "campo-consumer-rut": "RUT (Consumidor/a): RUT inválido: el dígito verificador no corresponde.",
        "campo-provider-rut": "Proveedor: Este campo es obligatorio.",
    }
    assert all(doc.xpath("//*[@id=$id]", id=target) for target in links)


def test_an_error_for_a_field_not_on_the_form_is_still_listed_in_the_summary() -> None:
    doc = page("visacion", errors={"": "Debe ser un grupo de campos.", "extra": "Campo no permitido."})
    items = [" ".join(li.text_content().split()) for li in doc.xpath("//div[@role='alert']//li")]
    assert items == ["Debe ser un grupo de campos.", "extra: Campo no permitido."]
    assert summary_links(doc) == {}


def test_no_summary_without_errors() -> None:
    assert page("ingreso_caso").xpath("//div[@role='alert']") == []


def test_typed_values_are_shown_again_exactly() -> None:
    posted = {
        "kind": ["complaint"], "channel": ["web"], "consumer.rut": [" 12.345.678-9 "],
        "consumer.comuna": ["13101"], "description": ["Línea 1\nLínea 2"], "csrf_token": ["x"],
    }  # fmt: skip
    doc = page("ingreso_caso", posted)
    assert control(doc, "consumer.rut").get("value") == " 12.345.678-9 "
    assert doc.xpath("//input[@name='kind'][@checked]/@value") == ["complaint"]
    assert control(doc, "channel").xpath("option[@selected]/@value") == ["web"]
    assert control(doc, "consumer.comuna").xpath(".//option[@selected]/text()") == ["Santiago"]
    assert control(doc, "description").text == "Línea 1\nLínea 2"
    fecha = control(page("respuesta_proveedor", {"fecha_respuesta": ["5/3/2024"]}), "fecha_respuesta")
    assert fecha.get("value") == "5/3/2024"


def test_hostile_values_and_messages_are_escaped() -> None:
    values = {
        "consumer.name": [HOSTILE], "description": ["</textarea><script>alert(2)</script>"],
        "channel": [HOSTILE], "kind": [HOSTILE],
    }  # fmt: skip
    html = str(render_form(FORMS["ingreso_caso"], values, {"consumer.name": HOSTILE}, OPTIONS))
    assert "<script" not in html
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert doc.xpath("//script") == []
    assert control(doc, "consumer.name").get("value") == HOSTILE
    assert control(doc, "description").text == "</textarea><script>alert(2)</script>"
    assert error_beside(doc, "consumer.name") == HOSTILE
    assert control(doc, "channel").xpath("option[@selected]/@value") == [HOSTILE]


def test_stored_data_is_shown_with_dates_as_dd_mm_aaaa() -> None:
    stored = {
        "resultado_proveedor": "acoge",
        "fecha_respuesta": "2024-03-05",
        "respuesta_proveedor_texto": "Ok.",
    }
    shown = display_values(stored, FORMS["respuesta_proveedor"])
    assert shown["fecha_respuesta"] == "05-03-2024"
    assert control(page("respuesta_proveedor", shown), "fecha_respuesta").get("value") == "05-03-2024"
    nested = display_values({"consumer": {"rut": "12345678-5", "since": "2023-12-31"}, "n": 1.5, "x": None})
    assert nested == {"consumer.rut": "12345678-5", "consumer.since": "31-12-2023", "n": "1,5"}
    assert display_values({"a": 2.0, "b": 1e-7, "c": [True, False]}) == {
        "a": "2",
        "b": "0,0000001",
        "c": ["true", "false"],
    }
    assert display_values({"note": "2024-01-02"}, FORMS["visacion"]) == {"note": "2024-01-02"}


# --- parsing a submission ---


def test_parse_builds_nested_data_from_dotted_names_and_drops_blanks_and_unknown_names() -> None:
    posted = {
        "kind": ["inquiry"], "channel": ["web"], "platform": ["falabella"], "consumer.rut": [f" {RUT} "],
        "consumer.name": ["Ana Pérez"], "consumer.email": [""], "consumer.comuna": ["13101"],
        "provider.rut": [""], "provider.name": ["  "], "subject": ["Cobro"],
        "description": ["Me cobraron\r\ndos veces."], "csrf_token": ["abc"], "consumer.evil": ["x"],
    }  # fmt: skip
    data, errors = parse_submission(FORMS["ingreso_caso"], posted)
    assert errors == {}
    assert data == {
        "kind": "inquiry", "channel": "web", "platform": "falabella",
        "consumer": {"rut": RUT, "name": "Ana Pérez", "comuna": "13101"},
        "subject": "Cobro", "description": "Me cobraron\ndos veces.",
    }  # fmt: skip


def test_parse_turns_dd_mm_aaaa_dates_into_iso() -> None:
    form = FORMS["respuesta_proveedor"]
    for typed in ("05-03-2024", "5-3-2024", "05/03/2024"):
        data, errors = parse_submission(form, {"fecha_respuesta": [typed]})
        assert (data, errors) == ({"fecha_respuesta": "2024-03-05"}, {})
    assert parse_submission(form, {"fecha_respuesta": "29-02-2024"})[0] == {"fecha_respuesta": "2024-02-29"}


@pytest.mark.parametrize(
    "typed",
    [
        "31-02-2024",
        "2024-03-05",
        "05-13-2024",
        "mañana",
        "05-03-24",
        "\u0660\u0665-\u0660\u0663-\u0662\u0660\u0662\u0664",
    ],
)
def test_an_invalid_date_is_a_field_error_and_is_not_passed_on(typed: str) -> None:
    data, errors = parse_submission(FORMS["respuesta_proveedor"], {"fecha_respuesta": [typed]})
    assert data == {}
    assert errors == {"fecha_respuesta": BAD_DATE} == {"fecha_respuesta": "Fecha inválida: use dd-mm-aaaa."}


def test_a_parse_error_wins_over_the_validators_message_and_all_errors_are_reported() -> None:
    posted = {"resultado_proveedor": ["acoge"], "fecha_respuesta": ["31-02-2024"]}
    _, errors = validate_submission(FORMS["respuesta_proveedor"], posted)
    assert errors == {"respuesta_proveedor_texto": "Este campo es obligatorio.", "fecha_respuesta": BAD_DATE}


WIDGETS_FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["amount"],
    "properties": {
        "amount": {"type": "integer", "title": "Monto reclamado", "minimum": 1},
        "rate": {"type": "number", "title": "Tasa"},
        "urgent": {"type": "boolean", "title": "Urgente"},
        "topics": {
            "type": "array", "title": "Materias", "x-widget": "checkboxes",
            "items": {
                "enum": ["cobro", "garantia", "envio"], "x-enum-labels": ["Cobro", "Garantía", "Envío"],
            },
        },
        "ticket": {"type": "string", "x-widget": "hidden"},
        "agency": {"type": "string", "title": "Institución", "x-options-source": "agencies"},
        "region": {"type": "string", "title": "Región", "x-options-source": "regions", "x-widget": "radio"},
        "extra": {
            "type": "object", "title": "Adicional",
            "properties": {"notify": {"type": "boolean", "title": "Avisar"}, "note": {"type": "string"}},
        },
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def widgets_form() -> forms.Form:
    return forms.load_form("widgets", json.dumps(WIDGETS_FORM), "widgets.json")


def test_numbers_checkboxes_and_hidden_fields_render(widgets_form: forms.Form) -> None:
    values = {"urgent": ["true"], "topics": ["cobro", "envio"], "ticket": ["T-1"], "amount": ["1.500"]}
    doc = lxml.html.fragment_fromstring(str(render_form(widgets_form, values)), create_parent="div")
    assert control(doc, "amount").get("inputmode") == "numeric"
    assert control(doc, "amount").get("value") == "1.500"
    assert control(doc, "rate").get("inputmode") == "decimal"
    urgent = control(doc, "urgent")
    assert (urgent.get("type"), urgent.get("checked"), label_text(doc, urgent)) == (
        "checkbox",
        "checked",
        "Urgente",
    )
    topics = doc.xpath("//input[@name='topics']")
    assert [label_text(doc, t) for t in topics] == ["Cobro", "Garantía", "Envío"]
    assert [t.get("value") for t in topics if t.get("checked") is not None] == ["cobro", "envio"]
    assert (control(doc, "ticket").get("type"), control(doc, "ticket").get("value")) == ("hidden", "T-1")
    assert control(doc, "agency").xpath("option[@value='SEC']/text()") == [
        "Superintendencia de Electricidad y Combustibles"
    ]
    assert len(doc.xpath("//input[@name='region'][@type='radio']")) == 16


def test_parse_types_numbers_booleans_and_lists(widgets_form: forms.Form) -> None:
    posted = {
        "amount": ["$ 1.500.000"], "rate": ["1.234,5"], "urgent": ["true"], "topics": ["cobro", "envio"],
        "ticket": ["T-1"], "region": ["13"], "extra.note": [""],
    }  # fmt: skip
    data, errors = parse_submission(widgets_form, posted)
    assert errors == {}
    assert data == {
        "amount": 1_500_000, "rate": 1234.5, "urgent": True, "topics": ["cobro", "envio"],
        "ticket": "T-1", "region": "13",
    }  # fmt: skip
    assert forms.validate(widgets_form, data) == data
    unchecked, _ = parse_submission(
        widgets_form, {"amount": ["7"], "rate": ["12.5"], "extra.notify": ["true"]}
    )
    assert unchecked == {"amount": 7, "rate": 12.5, "urgent": False, "extra": {"notify": True}}
    shown = display_values({"amount": 1500, "rate": 1.234})
    assert parse_submission(widgets_form, shown)[0] == {"amount": 1500, "rate": 1.234, "urgent": False}


@pytest.mark.parametrize(
    ("name", "typed"), [("amount", "1,5"), ("amount", "mil"), ("rate", "1e3"), ("rate", "nan")]
)
def test_a_malformed_number_is_a_field_error(widgets_form: forms.Form, name: str, typed: str) -> None:
    data, errors = parse_submission(widgets_form, {name: [typed]})
    assert name not in data
    assert errors == {name: "Debe ser un número entero." if name == "amount" else "Debe ser un número."}


# --- the full round trip ---


def test_round_trip_parse_validate_and_show_the_errors_beside_the_fields() -> None:
    form = FORMS["ingreso_caso"]
    posted = {
        "kind": ["complaint"], "channel": ["web"], "platform": ["falabella"], "consumer.rut": [WRONG_RUT],
        "consumer.name": [""], "consumer.comuna": ["13101"], "subject": ["Cobro"], "description": ["corto"],
        "market": ["comercio"], "motive": ["cobro_indebido"],
    }  # fmt: skip
    data, parse_errors = parse_submission(form, posted)
    assert parse_errors == {}
    with pytest.raises(FormInvalid) as raised:
        forms.validate(form, data)
    errors = errors_by_field(raised.value)
    assert errors == {
        "consumer.rut": "RUT inválido: el dígito verificador no corresponde.",
        "consumer.name": "Este campo es obligatorio.",
        "provider": "Este campo es obligatorio.",
        "description": "Debe tener al menos 10 caracteres.",
    }
    doc = page("ingreso_caso", posted, errors)
    for name in ("consumer.rut", "consumer.name", "description"):
        assert error_beside(doc, name) == errors[name]
    assert control(doc, "consumer.rut").get("value") == WRONG_RUT
    assert list(summary_links(doc)) == [
        "campo-consumer-rut",
        "campo-consumer-name",
        "campo-provider-rut",
        "campo-description",
    ]


def test_a_valid_submission_validates_to_clean_data() -> None:
    posted = {
        "accion": ["cerrar"],
        "outcome": ["PROVEEDOR ACOGE"],
        "resumen_cierre": ["El proveedor devolvió el dinero."],
    }
    data, errors = validate_submission(FORMS["cierre_reclamo"], posted)
    assert (data, errors) == (
        {
            "accion": "cerrar",
            "outcome": "PROVEEDOR ACOGE",
            "resumen_cierre": "El proveedor devolvió el dinero.",
        },
        {},
    )
    _, conditional = validate_submission(FORMS["cierre_reclamo"], {**posted, "outcome": [""]})
    assert conditional == {"outcome": "Este campo es obligatorio."}


def test_errors_by_field_keeps_the_first_message_of_each_field() -> None:
    err = FormInvalid([FieldError("a", "uno"), FieldError("b", "dos"), FieldError("a", "tres")])
    assert errors_by_field(err) == {"a": "uno", "b": "dos"}


# --- the Jinja environment ---


def test_inside_an_app_without_the_template_the_renderer_falls_back_to_its_own() -> None:
    with Flask(__name__).app_context():
        assert "campo-decision-0" in str(render_form(FORMS["visacion"]))


def test_an_environment_that_does_not_autoescape_is_refused() -> None:
    macros = DictLoader({formrender.TEMPLATE: "{% macro form(a, b, c) %}{% endmacro %}"})
    unsafe = Environment(loader=macros, autoescape=False)  # noqa: S701  (the point of the test)
    with pytest.raises(ValueError, match="autoescape"):
        render_form(FORMS["visacion"], env=unsafe)
