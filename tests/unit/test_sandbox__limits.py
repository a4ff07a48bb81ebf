"""Analyst code is bounded in memory and CPU: a BPMN script that keeps allocating is stopped with a clear
Spanish error long before it reaches gigabytes, and a letter template computing ``9 ** 10**7`` (19.5 s of
CPU before) or looping for ever is stopped too; the process stays well and ordinary code runs as before."""

from __future__ import annotations

import time

import pytest

from engine import letters, sandbox
from engine.errors import ScriptFailed
from engine.letters import LetterFailed
from engine.sandbox import limits
from tests.unit.test_letters__render import context, docx_with, rendered_text

GROWING = "x = []\nfor i in range(10000):\n    x.append('a' * 1000000)\n"  # 10 GB, 1 MB a line


def _failure(script: str) -> str:
    try:
        sandbox.execute(script, {}, time_limit=60)
    except ScriptFailed as err:
        return err.detail
    raise AssertionError("the script was not stopped")


def test_a_script_allocating_gigabytes_is_stopped_with_a_clear_error() -> None:
    before = limits.resident_bytes()
    assert "el script superó la memoria máxima de 256 MB" in _failure(GROWING)
    assert limits.resident_bytes() - before < limits.MAX_MEMORY  # what it built is gone with it


def test_a_comprehension_building_a_huge_value_is_stopped() -> None:
    assert "memoria máxima" in _failure("x = [str(i) * 1000 for i in range(10000) for j in range(1000)]")


def test_ordinary_scripts_run_as_before() -> None:
    names = {"monto": 9990}
    sandbox.execute("filas = [str(i) * 10 for i in range(1000)]\ntotal = monto * 2", names)
    assert names["total"] == 19980 and len(names["filas"]) == 1000


def test_a_template_raising_a_huge_power_is_refused_at_once() -> None:
    started = time.process_time()
    with pytest.raises(LetterFailed) as err:  # Jinja's ** groups to the left: 9 ** 10 ** 7 is (9 ** 10) ** 7
        letters.render(docx_with("Monto: {{ 9 ** (10 ** 7) }}"), context())
    assert time.process_time() - started < 2
    assert "la potencia (**) daría un número de más de 10.000 bits" in err.value.detail
    with pytest.raises(LetterFailed):
        letters.render(docx_with("{{ 'x' * 10**9 }}"), context())


def test_a_template_looping_for_ever_is_stopped_by_its_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "TIME_LIMIT", 0.5)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
    started = time.process_time()
    with pytest.raises(LetterFailed) as err:
        letters.render(docx_with(loop), context())
    assert time.process_time() - started < 5
    assert "la plantilla superó el tiempo máximo de 0,5 s" in err.value.detail


def test_the_shipped_letters_still_render() -> None:
    assert "Reclamo" in rendered_text("comprobante_ingreso") or rendered_text("comprobante_ingreso")
