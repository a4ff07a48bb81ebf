"""Forms: loading and checking form files, and validating submissions with Spanish messages per field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from stdnum.cl import rut as stdnum_rut

from engine import forms
from engine.errors import FormInvalid, InvalidContent

RUT = "12345678-" + stdnum_rut.calc_check_digit("12345678")
WRONG_RUT = "12345678-" + ("1" if RUT[-1] != "1" else "2")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Ingreso de caso",
    "type": "object",
    "additionalProperties": False,
    "required": ["channel", "kind", "consumer", "description"],
    "x-order": ["channel", "kind", "consumer"],
    "properties": {
        "description": {
            "type": "string",
            "title": "Descripción",
            "minLength": 10,
            "maxLength": 40,
            "x-widget": "textarea",
            "x-help": "Cuente qué pasó.",
        },
        "consumer": {"$ref": "#/$defs/person", "title": "Consumidor"},
        "channel": {"title": "Canal", "enum": ["phone", "web"], "x-enum-labels": ["Teléfono", "Internet"]},
        "kind": {"title": "Tipo", "enum": ["inquiry", "complaint"]},
        "amount": {"type": "integer", "title": "Monto", "minimum": 1, "maximum": 1000000},
        "filed_on": {"type": "string", "format": "date"},
        "region": {"type": "string", "format": "region"},
        "agency": {"type": "string", "format": "agency"},
        "order_code": {
            "type": "string",
            "pattern": "^[A-Z]{3}-[0-9]+$",
            "x-error": "Use el formato ABC-123.",
        },
        "serial": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "$defs": {
        "person": {
            "type": "object",
            "required": ["rut", "name", "email", "comuna"],
            "properties": {
                "rut": {"type": "string", "format": "rut", "title": "RUT"},
                "name": {"type": "string", "title": "Nombre"},
                "email": {"type": "string", "format": "email", "title": "Correo"},
                "phone": {"type": "string", "format": "phone-cl", "title": "Teléfono"},
                "comuna": {"type": "string", "format": "comuna", "x-options-source": "comunas"},
            },
        }
    },
    "if": {"properties": {"channel": {"const": "phone"}}, "required": ["channel"]},
    "then": {"properties": {"kind": {"const": "inquiry"}}},
}


def _form(schema: dict[str, Any] | None = None) -> forms.Form:
    return forms.load_form("ingreso", json.dumps(schema or SCHEMA), "forms/ingreso.json")


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "web",
        "kind": "complaint",
        "description": "La tienda no entregó el producto.",
        "consumer": {
            "rut": "12.345.678-" + RUT[-1],
            "name": "Ana Pérez",
            "email": "ana@example.cl",
            "comuna": "13101",
            "phone": "+56 9 1234 5678",
        },
    }
    data.update(changes)
    return data


def _errors(form: forms.Form, data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught:
        forms.validate(form, data)
    fields = [e.field for e in caught.value.errors]
    assert len(fields) == len(set(fields)), "one error per field"
    return {e.field: e.message for e in caught.value.errors}


def _problems(text: str) -> list[str]:
    with pytest.raises(InvalidContent) as caught:
        forms.load_form("x", text, "forms/x.json")
    assert all(p.file == "forms/x.json" for p in caught.value.problems)
    return [f"{p.element}|{p.message}" for p in caught.value.problems]


# --- valid submissions are cleaned ---


def test_valid_data_comes_back_stripped_with_canonical_rut() -> None:
    data = _data(description="  La tienda no entregó el producto.  ", serial="", amount=5000)
    cleaned = forms.validate(_form(), data)
    assert cleaned["consumer"]["rut"] == RUT
    assert cleaned["description"] == "La tienda no entregó el producto."
    assert "serial" not in cleaned
    assert cleaned["amount"] == 5000
    assert data["consumer"]["rut"].startswith("12.345.678"), "the caller's data is not modified"


@pytest.mark.parametrize("phone", ["+56 9 1234 5678", "221234567", "+56221234567", "9 1234 5678"])
def test_chilean_phones_are_accepted(phone: str) -> None:
    forms.validate(_form(), _data(consumer={**_data()["consumer"], "phone": phone}))


def test_dates_regions_and_agencies_are_accepted_by_code() -> None:
    cleaned = forms.validate(_form(), _data(filed_on="2024-02-29", region="13", agency="SEC"))
    assert (cleaned["filed_on"], cleaned["region"], cleaned["agency"]) == ("2024-02-29", "13", "SEC")


# --- every problem, one per field, in Spanish ---


def test_missing_required_fields_are_reported_on_the_field_itself() -> None:
    consumer = {"rut": RUT, "name": "Ana", "comuna": "13101"}
    errors = _errors(_form(), _data(consumer=consumer, description=" "))
    assert errors == {
        "consumer.email": "Este campo es obligatorio.",
        "description": "Este campo es obligatorio.",
    }


def test_a_missing_group_is_reported_once_on_the_group() -> None:
    errors = _errors(_form(), {"channel": "web", "kind": "complaint", "description": "Algo pasó aquí."})
    assert errors == {"consumer": "Este campo es obligatorio."}


def test_every_problem_is_listed_in_display_order() -> None:
    consumer = {"rut": WRONG_RUT, "name": 7, "email": "ana@", "comuna": "99999", "phone": "12345"}
    data = _data(consumer=consumer, channel="fax", description="corto", amount=0, filed_on="2023-02-29")
    errors = _errors(_form(), data)
    assert list(errors) == [
        "channel",
        "consumer.rut",
        "consumer.name",
        "consumer.email",
        "consumer.phone",
        "consumer.comuna",
        "description",
        "amount",
        "filed_on",
    ]
    assert errors["channel"] == "Valor no permitido. Opciones: Teléfono, Internet"
    assert errors["consumer.rut"] == "RUT inválido: el dígito verificador no corresponde."
    assert errors["consumer.name"] == "Debe ser un texto."
    assert errors["consumer.email"] == "Correo electrónico inválido."
    assert errors["consumer.phone"] == "Teléfono inválido: use 9 dígitos, p. ej. +56 9 1234 5678."
    assert errors["consumer.comuna"] == "Comuna desconocida."
    assert errors["description"] == "Debe tener al menos 10 caracteres."
    assert errors["amount"] == "Debe ser mayor o igual a 1."
    assert errors["filed_on"] == "Fecha inválida."


def test_the_form_invalid_error_names_the_fields() -> None:
    with pytest.raises(FormInvalid) as caught:
        forms.validate(_form(), _data(amount="mucho"))
    assert caught.value.status == 422
    assert caught.value.detail == "Revise los campos: Monto"  # the title a person reads, never the id
    assert [e.field for e in caught.value.errors] == ["amount"]  # the id stays for programs


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": "x" * 41}, "description", "Debe tener como máximo 40 caracteres."),
        ({"amount": 1000001}, "amount", "Debe ser menor o igual a 1000000."),
        ({"amount": "100"}, "amount", "Debe ser un número entero."),
        ({"kind": "otro"}, "kind", "Valor no permitido. Opciones: inquiry, complaint"),
        ({"order_code": "abc"}, "order_code", "Use el formato ABC-123."),
        ({"serial": "12a"}, "serial", "Formato inválido."),
        ({"filed_on": "01-02-2024"}, "filed_on", "Fecha inválida."),
        ({"region": "17"}, "region", "Región desconocida."),
        ({"agency": "XYZ"}, "agency", "Institución desconocida."),
        ({"extra": "1"}, "extra", "Campo no permitido."),
    ],
)
def test_one_message_per_kind_of_problem(changes: dict[str, Any], field: str, message: str) -> None:
    assert _errors(_form(), _data(**changes)) == {field: message}


@pytest.mark.parametrize("rut", ["abc", "12.345.67A-5"])
def test_a_malformed_rut_says_so(rut: str) -> None:
    errors = _errors(_form(), _data(consumer={**_data()["consumer"], "rut": rut}))
    assert errors == {"consumer.rut": "RUT inválido: formato incorrecto."}


@pytest.mark.parametrize("phone", ["12345", "+56 1 1234 5678", "56912345678", "+56 9 1234 567"])
def test_bad_phones_are_refused(phone: str) -> None:
    errors = _errors(_form(), _data(consumer={**_data()["consumer"], "phone": phone}))
    assert errors == {"consumer.phone": "Teléfono inválido: use 9 dígitos, p. ej. +56 9 1234 5678."}


@pytest.mark.parametrize("email", ["ana", "ana@", "ana@example", "ana @example.cl", "ana@@example.cl"])
def test_bad_emails_are_refused(email: str) -> None:
    errors = _errors(_form(), _data(consumer={**_data()["consumer"], "email": email}))
    assert errors == {"consumer.email": "Correo electrónico inválido."}


def test_each_unexpected_field_gets_its_own_error() -> None:
    errors = _errors(_form(), _data(extra="1", other=2))
    assert errors == {"extra": "Campo no permitido.", "other": "Campo no permitido."}


def test_if_then_const_rule_is_reported_on_the_inner_field() -> None:
    form = _form()
    assert _errors(form, _data(channel="phone", kind="complaint")) == {"kind": "Valor no permitido."}
    assert forms.validate(form, _data(channel="phone", kind="inquiry"))["kind"] == "inquiry"


def test_if_then_uses_the_inner_x_error() -> None:
    schema = json.loads(json.dumps(SCHEMA))
    schema["then"]["properties"]["kind"]["x-error"] = "Por teléfono solo se reciben consultas."
    errors = _errors(_form(schema), _data(channel="phone", kind="complaint"))
    assert errors == {"kind": "Por teléfono solo se reciben consultas."}


def test_if_then_required_is_reported_on_the_required_field() -> None:
    schema = {
        "type": "object",
        "properties": {"channel": {"type": "string"}, "phone": {"type": "string"}},
        "if": {"properties": {"channel": {"const": "phone"}}, "required": ["channel"]},
        "then": {"required": ["phone"]},
    }
    assert _errors(_form(schema), {"channel": "phone"}) == {"phone": "Este campo es obligatorio."}


def test_root_x_error_map_overrides_messages_by_field_path() -> None:
    schema = json.loads(json.dumps(SCHEMA))
    schema["x-error"] = {
        "consumer.rut": "Revise el RUT del consumidor.",
        "description": {"required": "Describa su problema."},
    }
    consumer = {**_data()["consumer"], "rut": WRONG_RUT}
    errors = _errors(_form(schema), _data(consumer=consumer, description=""))
    assert errors == {"consumer.rut": "Revise el RUT del consumidor.", "description": "Describa su problema."}


def test_any_of_reports_the_most_relevant_inner_problem() -> None:
    schema = {
        "type": "object",
        "properties": {
            "contact": {
                "anyOf": [{"type": "string", "format": "email"}, {"type": "string", "format": "phone-cl"}]
            }
        },
    }
    form = _form(schema)
    assert forms.validate(form, {"contact": "221234567"}) == {"contact": "221234567"}
    assert set(_errors(form, {"contact": "nada"})) == {"contact"}


def test_dependent_required_and_unevaluated_properties_are_reported_per_field() -> None:
    schema = {
        "type": "object",
        "unevaluatedProperties": False,
        "properties": {"phone": {"type": "string"}, "hours": {"type": "string"}},
        "dependentRequired": {"phone": ["hours"]},
    }
    errors = _errors(_form(schema), {"phone": "221234567", "color": "rojo"})
    assert errors == {"hours": "Este campo es obligatorio.", "color": "Campo no permitido."}


def test_options_source_alone_enforces_the_reference_codes() -> None:
    schema = {"type": "object", "properties": {"comuna": {"type": "string", "x-options-source": "comunas"}}}
    assert _errors(_form(schema), {"comuna": "99999"}) == {"comuna": "Comuna desconocida."}


def test_rut_inside_array_items_is_normalized() -> None:
    schema = {"type": "object", "properties": {"ruts": {"type": "array", "items": {"format": "rut"}}}}
    dotted = stdnum_rut.format(RUT)
    assert forms.validate(_form(schema), {"ruts": [f" {dotted} "]}) == {"ruts": [RUT]}


def test_the_validator_is_built_once_per_form(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = forms.FormValidator

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(forms, "FormValidator", counting)
    form = _form()
    for _ in range(3):
        forms.validate(form, _data())
    assert len(built) == 1


# --- fields for the HTML renderer ---


def test_fields_follow_x_order_then_declaration_order_with_nested_groups() -> None:
    fields = _form().fields()
    assert [f.name for f in fields][:5] == ["channel", "kind", "consumer", "description", "amount"]
    consumer = fields[2]
    assert (consumer.title, consumer.required, consumer.type) == ("Consumidor", True, "object")
    assert [c.path for c in consumer.children] == [
        "consumer.rut",
        "consumer.name",
        "consumer.email",
        "consumer.phone",
        "consumer.comuna",
    ]
    assert consumer.children[0].format == "rut" and consumer.children[0].required
    assert not consumer.children[3].required
    assert consumer.children[4].options_source == "comunas"
    assert fields[0].enum == ("phone", "web") and fields[0].enum_labels == ("Teléfono", "Internet")
    description = fields[3]
    assert (description.widget, description.help, description.type) == (
        "textarea",
        "Cuente qué pasó.",
        "string",
    )
    assert _form().title == "Ingreso de caso"


# --- loading form files: bad content is refused with file and element ---


def test_invalid_json_names_line_and_column() -> None:
    problems = _problems('{\n  "type": "object",\n  "properties": }')
    assert len(problems) == 1
    assert problems[0].startswith("línea 3, columna 17|JSON inválido")


def test_a_form_must_be_a_json_object() -> None:
    assert _problems("[1, 2]") == ["#|el formulario debe ser un objeto JSON ({...})"]


def test_a_duplicated_key_is_refused() -> None:
    assert _problems('{"type": "object", "title": "a", "title": "b"}') == ['title|clave repetida: "title"']


def test_remote_ref_is_refused() -> None:
    text = json.dumps({"type": "object", "properties": {"a": {"$ref": "https://example.com/s.json"}}})
    [problem] = _problems(text)
    assert problem.startswith("#/properties/a|referencia externa no permitida")


def test_a_local_ref_must_exist() -> None:
    text = json.dumps({"type": "object", "properties": {"a": {"$ref": "#/$defs/nada"}}})
    assert _problems(text) == ['#/properties/a|la referencia "#/$defs/nada" no existe en este formulario']


def test_a_schema_invalid_form_is_refused() -> None:
    [problem] = _problems(json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}}))
    assert problem.startswith("#/properties/a/type|esquema JSON inválido")


def test_unknown_format_and_ui_hints_are_refused() -> None:
    text = json.dumps(
        {
            "type": "object",
            "x-order": ["b"],
            "properties": {
                "a": {"type": "string", "format": "uuid", "x-widget": "slider", "x-options-source": "bancos"}
            },
        }
    )
    problems = _problems(text)
    assert any(p.startswith('#/properties/a|formato desconocido: "uuid"') for p in problems)
    assert any(p.startswith('#/properties/a|"x-widget" desconocido') for p in problems)
    assert any(p.startswith('#/properties/a|"x-options-source" desconocido') for p in problems)
    assert any(p.startswith('#|"x-order"') for p in problems)


def test_the_root_must_be_an_object_schema_of_draft_2020_12() -> None:
    problems = _problems(json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}))
    assert [p.split("|")[0] for p in problems] == ["#", "#"]


def test_check_form_file_returns_problems_and_never_raises(tmp_path: Path) -> None:
    good = tmp_path / "bien.json"
    good.write_text(json.dumps(SCHEMA), encoding="utf-8")
    bad = tmp_path / "mal.json"
    bad.write_bytes(b"\xff\xfe{")
    assert forms.check_form_file(good) == []
    assert [p.message for p in forms.check_form_file(bad)] == ["el archivo no está en UTF-8"]
    assert forms.check_form_file(tmp_path / "no_existe.json")[0].message.startswith("no se pudo leer")


def test_load_forms_reads_every_json_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    (folder / "sub").mkdir(parents=True)
    (folder / "consulta.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (folder / "roto.json").write_text("{", encoding="utf-8")
    (folder / "sub" / "ignorado.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (folder / "notas.txt").write_text("no es un formulario", encoding="utf-8")
    loaded, problems = forms.load_forms(folder)
    assert list(loaded) == ["consulta"]
    assert loaded["consulta"].id == "consulta"
    assert [(p.file, p.element.startswith("línea 1")) for p in problems] == [("forms/roto.json", True)]
