"""A case can never be bricked: a value its state cannot store and reload identically (a ``typename`` key that
SpiffWorkflow would take for one of its objects, circular or too deep structures, huge integers, ranges,
generators, the sandbox's own dates) is refused when the step saves, with a Spanish message naming it; the
workflow is left as it was before the value, and plain data still saves and reloads identically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine import runtime, sandbox
from engine.errors import DataUnstorable
from tests.unit.test_runtime__roundtrip import NOW, START, definition


def _circular() -> list[Any]:
    loop: list[Any] = [1]
    loop.append(loop)
    return loop


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


def _sandbox_value(script: str) -> Any:
    names: dict[str, Any] = {}
    sandbox.execute(script, names)
    return names["x"]


HOSTILE = {
    "typename": ({"typename": "zzz"}, "clave reservada «typename»"),
    "nested typename": ({"a": [{"b": {"typename": "BpmnWorkflow"}}]}, "x.a[0].b"),
    "circular": (_circular(), "anida más de 64 niveles"),
    "5000 levels": (_deep(5000), "anida más de 64 niveles"),
    "huge int": (10**5000, "más de 4.300 dígitos"),
    "range": (range(3), "(range)"),
    "generator": ((i for i in range(3)), "(generator)"),
    "sandbox date": (_sandbox_value("x = date(2024, 1, 2)"), "es una fecha (date)"),
    "sandbox parse_date": (_sandbox_value("x = parse_date('2024-01-02')"), "es una fecha (date)"),
    "set": ({1, 2}, "(set)"),
    "int key": ({1: "a"}, "clave que no es texto"),
}


def _started() -> Any:
    return runtime.start(definition(), {**START, "kind": "complaint"}, NOW, runtime.Trail())


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_value_the_state_cannot_reload_is_refused_with_its_name(name: str) -> None:
    wf = _started()
    value, expected = HOSTILE[name]
    runtime.variables(wf)["x"] = value
    with pytest.raises(DataUnstorable) as err:
        runtime.dump(wf)
    assert expected in err.value.detail
    assert err.value.status == 422
    del runtime.variables(wf)["x"]  # the step's caller rolls back; the case itself still saves and reloads
    restored = runtime.restore(definition(), runtime.dump(wf), NOW)
    assert [t.element_id for t in runtime.human_tasks(restored)] == ["trasladar"]


def test_plain_data_and_spiffs_own_types_reload_identically() -> None:
    wf = _started()
    value = {
        "texto": "ñandú \u00e9",
        "n": 10**4299,
        "lista": [1, 2.5, None, True, {"anidado": ["a"] * 3}],
        "cuando": datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
        "plazo": timedelta(days=3),
        "profundo": _deep(60),
    }
    runtime.variables(wf)["x"] = value
    restored = runtime.restore(definition(), runtime.dump(wf), NOW)
    assert runtime.variables(restored)["x"] == value
