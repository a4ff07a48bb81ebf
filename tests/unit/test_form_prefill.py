"""``x-prefill``: a form suggests field values from what the platform knows about the case's company. The
expressions are checked at publish time like every other; at run time a failing one is only skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import InvalidContent
from engine.form_prefill import suggested_values
from engine.forms import Form, load_form
from engine.services.providers import ProviderView, registry_data

ROOT = Path(__file__).resolve().parents[2]
TIENDA = ProviderView("76086428-5", "Tienda Demo Ltda.", "Tienda Demo", "comercio", "r@tienda.cl", True)


def _form(**fields: dict[str, Any]) -> str:
    return json.dumps({"type": "object", "properties": fields})


def _problems(text: str) -> list[str]:
    with pytest.raises(InvalidContent) as caught:
        load_form("f", text, "forms/f.json")
    return [f"{p.element}: {p.message}" for p in caught.value.problems]


def test_an_expression_reading_something_else_is_refused_at_publish_time() -> None:
    assert _problems(_form(medio={"type": "string", "x-prefill": "datos['medio']"})) == [
        '#/properties/medio: "x-prefill" lee datos, que no existe; puede leer: proveedor'
    ]
    [hostile] = _problems(_form(medio={"type": "string", "x-prefill": "proveedor.__class__"}))
    assert hostile.startswith('#/properties/medio: "x-prefill": ') and "__class__" in hostile
    assert _problems(_form(medio={"type": "string", "x-prefill": 3})) == [
        '#/properties/medio: "x-prefill" debe ser una expresión (texto), p. ej. "proveedor[\'correo\']"'
    ]
    [broken] = _problems(_form(medio={"type": "string", "x-prefill": "proveedor["}))
    assert broken.startswith('#/properties/medio: "x-prefill": ')


def _shipped(form_id: str) -> Form:
    path = ROOT / "forms" / f"{form_id}.json"
    return load_form(form_id, path.read_text(encoding="utf-8"), f"forms/{form_id}.json")


def test_the_traslado_proposes_the_medium_and_address_the_registry_knows() -> None:
    traslado = _shipped("traslado_proveedor")
    digital = {"proveedor": registry_data(TIENDA.rut, TIENDA)}
    assert suggested_values(traslado, digital) == {
        "medio_traslado": "portal",
        "contacto_proveedor": "r@tienda.cl",
    }
    by_letter = ProviderView("96806980-2", "Cable Demo S.A.", "", "", None, False)
    assert suggested_values(traslado, {"proveedor": registry_data(by_letter.rut, by_letter)}) == {
        "medio_traslado": "carta"
    }
    assert (
        suggested_values(traslado, {"proveedor": registry_data("77777777-7", None)}) == {}
    )  # not registered
    reminder = _shipped("recordatorio_proveedor")
    assert suggested_values(reminder, digital) == {"medio_recordatorio": "portal"}


def test_a_failing_expression_is_skipped_and_nested_fields_are_filled() -> None:
    form = load_form(
        "f",
        _form(
            roto={"type": "string", "x-prefill": "proveedor['no_existe']"},
            grupo={
                "type": "object",
                "properties": {"rut": {"type": "string", "x-prefill": "proveedor['rut']"}},
            },
        ),
        "forms/f.json",
    )
    assert suggested_values(form, {"proveedor": registry_data(TIENDA.rut, TIENDA)}) == {
        "grupo": {"rut": "76086428-5"}
    }
