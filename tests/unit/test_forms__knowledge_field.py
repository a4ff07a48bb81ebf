"""``"x-knowledge-base": true`` marks the free-text field taking knowledge-base answers: found by the form,
refused at publish time anywhere else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine import forms
from engine.form_checks import schema_problems

SHIPPED = Path(__file__).resolve().parents[2] / "forms" / "respuesta_consulta.json"


def _schema(field: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"respuesta": field}}


def test_the_shipped_answer_form_takes_knowledge_base_answers() -> None:
    form = forms.load_form("respuesta_consulta", SHIPPED.read_text(), "forms/respuesta_consulta.json")
    assert form.knowledge_field() == "respuesta"


def test_only_a_free_text_field_may_take_them() -> None:
    assert schema_problems(_schema({"type": "string", "x-knowledge-base": True}), "f.json") == []
    for bad in (
        {"type": "integer", "x-knowledge-base": True},
        {"type": "string", "x-knowledge-base": "sí"},
        {"type": "string", "enum": ["a"], "x-knowledge-base": True},
    ):
        problems = schema_problems(_schema(bad), "f.json")
        assert [p.message for p in problems if "x-knowledge-base" in p.message], bad
    plain = forms.load_form("f", json.dumps(_schema({"type": "string"})), "forms/f.json")
    assert plain.knowledge_field() is None
