"""Form patterns are matched in linear time (RE2): ``^(a+)+$`` on a long input answers at once instead of
stalling the server, and a pattern only a backtracking engine can run is refused at publish time."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from engine import forms
from engine.errors import FormInvalid, InvalidContent


def _form(field: dict[str, Any], **root: Any) -> forms.Form:
    schema = {"type": "object", "properties": {"codigo": field}, **root}
    return forms.load_form("patron", json.dumps(schema), "forms/patron.json")


def test_a_catastrophic_pattern_is_matched_in_linear_time() -> None:
    form = _form({"type": "string", "pattern": "^(a+)+$"})
    started = time.monotonic()
    with pytest.raises(FormInvalid) as err:
        forms.validate(form, {"codigo": "a" * 100_000 + "b"})
    assert time.monotonic() - started < 1.0  # Python's re: 27 characters took 7 s
    assert [e.field for e in err.value.errors] == ["codigo"]
    assert forms.validate(form, {"codigo": "a" * 100_000}) == {"codigo": "a" * 100_000}


@pytest.mark.parametrize("pattern", [r"^(a)\1$", "^(?=a)a$", "^(?<!b)a$"])
def test_a_pattern_only_backtracking_can_run_is_refused_at_publish(pattern: str) -> None:
    with pytest.raises(InvalidContent) as err:
        _form({"type": "string", "pattern": pattern})
    problem = err.value.problems[0]
    assert problem.file == "forms/patron.json" and "no se puede usar" in problem.message


def test_property_name_patterns_use_the_same_engine() -> None:
    form = _form(
        {"type": "string"},
        patternProperties={"^(x+)+$": {"type": "integer"}},
        additionalProperties={"type": "string"},
    )
    started = time.monotonic()
    assert forms.validate(form, {"x" * 50_000 + "y": "texto", "xx": 3}) == {
        "x" * 50_000 + "y": "texto",
        "xx": 3,
    }
    with pytest.raises(FormInvalid) as err:
        forms.validate(form, {"xx": "no es número", "otro": 4})
    assert time.monotonic() - started < 1.0
    assert sorted(e.field for e in err.value.errors) == ["otro", "xx"]
    with pytest.raises(InvalidContent):
        _form({"type": "string"}, patternProperties={r"^(a)\1$": {}})
