"""Form renderer through HTTP: a throwaway Flask app renders a real form and validates what is posted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest
from flask import Flask, redirect, render_template_string, request, url_for
from flask.testing import FlaskClient
from flask.typing import ResponseReturnValue
from stdnum.cl import rut as stdnum_rut

from engine import forms
from engine.errors import FormInvalid
from web.formrender import BAD_DATE, errors_by_field, parse_submission, reference_options, render_form

ROOT = Path(__file__).resolve().parents[2]
RUT = "12.345.678-" + stdnum_rut.calc_check_digit("12345678")
WRONG_RUT = RUT[:-1] + ("1" if RUT[-1] != "1" else "2")
HOSTILE = '"><script>alert(1)</script>'
PAGE = """<!doctype html>
<html lang="es-CL"><head><meta charset="utf-8"><title>{{ form.title }}</title></head>
<body><h1>{{ form.title }}</h1>
<form method="post" novalidate>{{ fields }}
<button type="submit" class="btn btn-primary">Guardar</button></form>
</body></html>"""


def make_app(accepted: list[dict[str, Any]]) -> Flask:
    """One route per form id: GET shows the empty form, POST validates and re-shows it with the errors."""
    app = Flask(__name__, template_folder=str(ROOT / "web" / "templates"))
    app.config["TESTING"] = True
    catalog, _ = forms.load_forms(ROOT / "forms")
    options = reference_options(platforms=[("falabella", "Falabella"), ("ripley", "Ripley")])

    @app.route("/formularios/<form_id>", methods=["GET", "POST"])
    def fill(form_id: str) -> ResponseReturnValue:
        form = catalog[form_id]
        values: dict[str, list[str]] = {}
        errors: dict[str, str] = {}
        if request.method == "POST":
            values = request.form.to_dict(flat=False)
            data, errors = parse_submission(form, values)
            try:
                clean = forms.validate(form, data)
            except FormInvalid as exc:
                errors = {**errors_by_field(exc), **errors}  # a parse error wins for its field
            else:
                if not errors:
                    accepted.append(clean)
                    return redirect(url_for("fill", form_id=form_id), code=303)
        return render_template_string(PAGE, form=form, fields=render_form(form, values, errors, options))

    return app


@pytest.fixture
def accepted() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def form_client(accepted: list[dict[str, Any]]) -> FlaskClient:
    return make_app(accepted).test_client()


def intake(**changes: str) -> dict[str, str]:
    """A valid ingreso_caso as the browser posts it: dotted names, texts as typed, plus a CSRF token."""
    return {
        "kind": "inquiry",
        "channel": "web",
        "platform": "falabella",
        "consumer.rut": RUT,
        "consumer.name": "Ana Pérez Soto",
        "consumer.email": "",
        "consumer.phone": "+56 9 1234 5678",
        "consumer.comuna": "13101",
        "provider.rut": "",
        "provider.name": "",
        "market": "comercio",
        "motive": "cobro_indebido",
        "category": "",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra.",
        "csrf_token": "token-que-se-ignora",
        **changes,
    }


def document(body: bytes) -> Any:
    return lxml.html.fromstring(body)


def beside(doc: Any, name: str) -> str:
    """The error message shown with the field named ``name`` (linked by aria-describedby)."""
    element = doc.xpath("//*[@name=$n]", n=name)[0]
    box = element.xpath("ancestor::*[self::div[contains(@class, 'mb-3')] or self::fieldset][1]")[0]
    ids = f"{box.get('aria-describedby', '')} {element.get('aria-describedby', '')}".split()
    shown = [doc.xpath("string(//*[@id=$id])", id=i) for i in ids if i.endswith("-error")]
    return shown[0] if shown else ""


def value_of(doc: Any, name: str) -> str:
    return str(doc.xpath("//input[@name=$n]/@value", n=name)[0])


def test_the_empty_form_is_shown_with_labelled_fields(form_client: FlaskClient) -> None:
    response = form_client.get("/formularios/ingreso_caso")
    assert response.status_code == 200
    doc = document(response.data)
    assert doc.xpath("//div[@role='alert']") == []
    for element in doc.xpath("//form//*[self::input or self::select or self::textarea]"):
        assert len(doc.xpath("//label[@for=$id]", id=element.get("id"))) == 1
    assert len(doc.xpath("//select[@name='consumer.comuna']//option[@value!='']")) == 346


def test_missing_fields_and_a_wrong_rut_are_shown_beside_the_fields_keeping_what_was_typed(
    form_client: FlaskClient, accepted: list[dict[str, Any]]
) -> None:
    posted = intake(**{"consumer.rut": WRONG_RUT, "consumer.name": "", "subject": "", "kind": "complaint"})
    response = form_client.post("/formularios/ingreso_caso", data=posted)
    assert response.status_code == 200
    assert accepted == []
    doc = document(response.data)
    assert beside(doc, "consumer.rut") == "RUT inválido: el dígito verificador no corresponde."
    assert beside(doc, "consumer.name") == "Este campo es obligatorio."
    assert beside(doc, "subject") == "Este campo es obligatorio."
    assert beside(doc, "provider.name") == ""  # the provider group itself is missing, shown on its legend
    provider = doc.xpath("//fieldset[@id='campo-provider']/div[contains(@class, 'invalid-feedback')]")
    assert [p.text_content() for p in provider] == ["Este campo es obligatorio."]
    assert value_of(doc, "consumer.rut") == WRONG_RUT
    assert value_of(doc, "consumer.phone") == "+56 9 1234 5678"
    assert doc.xpath("//input[@name='kind'][@checked]/@value") == ["complaint"]
    assert doc.xpath("//select[@name='consumer.comuna']//option[@selected]/text()") == ["Santiago"]
    assert doc.xpath("string(//textarea[@name='description'])") == "Me cobraron dos veces la misma compra."
    summary = doc.xpath("//div[@role='alert']//a/@href")
    assert summary == ["#campo-consumer-rut", "#campo-consumer-name", "#campo-provider-rut", "#campo-subject"]


def test_a_conditional_rule_is_enforced_on_the_server(form_client: FlaskClient) -> None:
    response = form_client.post("/formularios/ingreso_caso", data=intake(channel="phone", kind="complaint"))
    doc = document(response.data)
    assert beside(doc, "kind") == "El call center registra solo consultas."


def test_a_valid_intake_is_accepted_as_nested_json(
    form_client: FlaskClient, accepted: list[dict[str, Any]]
) -> None:
    posted = intake(kind="complaint", **{"provider.name": "Tienda Ejemplo SpA", "consumer.rut": f" {RUT} "})
    response = form_client.post("/formularios/ingreso_caso", data=posted)
    assert response.status_code == 303
    assert accepted == [
        {
            "kind": "complaint",
            "channel": "web",
            "platform": "falabella",
            "consumer": {
                "rut": "12345678-" + RUT[-1],
                "name": "Ana Pérez Soto",
                "phone": "+56 9 1234 5678",
                "comuna": "13101",
            },
            "provider": {"name": "Tienda Ejemplo SpA"},
            "market": "comercio",
            "motive": "cobro_indebido",
            "subject": "Cobro duplicado",
            "description": "Me cobraron dos veces la misma compra.",
        }
    ]


def test_a_dated_form_is_accepted_with_an_iso_date(
    form_client: FlaskClient, accepted: list[dict[str, Any]]
) -> None:
    posted = {
        "resultado_proveedor": "acoge_parcialmente",
        "respuesta_proveedor_texto": "Devolverá la mitad del cobro.",
        "fecha_respuesta": "05-03-2024",
    }
    response = form_client.post("/formularios/respuesta_proveedor", data=posted)
    assert response.status_code == 303
    assert accepted == [{**posted, "fecha_respuesta": "2024-03-05"}]


def test_an_impossible_date_is_shown_again_as_typed_with_its_message(
    form_client: FlaskClient, accepted: list[dict[str, Any]]
) -> None:
    posted = {
        "resultado_proveedor": "acoge",
        "respuesta_proveedor_texto": "Acoge.",
        "fecha_respuesta": "31-02-2024",
    }
    response = form_client.post("/formularios/respuesta_proveedor", data=posted)
    assert response.status_code == 200
    assert accepted == []
    doc = document(response.data)
    assert beside(doc, "fecha_respuesta") == BAD_DATE
    assert value_of(doc, "fecha_respuesta") == "31-02-2024"


def test_hostile_input_comes_back_escaped(form_client: FlaskClient) -> None:
    posted = intake(**{"consumer.name": HOSTILE, "consumer.rut": HOSTILE, "description": "</textarea><b>x"})
    response = form_client.post("/formularios/ingreso_caso", data=posted)
    doc = document(response.data)
    assert b"<script" not in response.data
    assert doc.xpath("//script | //b") == []
    assert value_of(doc, "consumer.name") == HOSTILE
    assert beside(doc, "consumer.rut") == "RUT inválido: formato incorrecto."
