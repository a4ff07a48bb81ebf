"""Escape and denial-of-service payloads the sandbox must refuse, each with a clear Spanish message."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest

from engine import sandbox
from engine.errors import ExpressionRefused, ScriptFailed

# (payload, text the message must contain): refused when checked, before anything runs.
REFUSED_AT_CHECK = [
    ("().__class__.__base__.__subclasses__()", "no se permite el atributo '__class__'"),
    ("__import__('os')", "no se permite el nombre '__import__'"),
    ("import os", "no se permite importar módulos"),
    ("from os import path", "no se permite importar módulos"),
    ("open('/etc/passwd').read()", "no se permite usar 'open'"),
    ("eval('1')", "no se permite usar 'eval'"),
    ("exec('x=1')", "no se permite usar 'exec'"),
    ("getattr(1, '__class__')", "no se permite usar 'getattr'"),
    ("globals()", "no se permite usar 'globals'"),
    ("locals()", "no se permite usar 'locals'"),
    ("vars()", "no se permite usar 'vars'"),
    ('"{0.__class__}".format(1)', "no se permite el atributo 'format'"),
    ("\"{x.__init__.__globals__}\".format_map({'x': 1})", "no se permite el atributo 'format_map'"),
    ('f"{(1).__class__}"', "no se permite el atributo '__class__'"),
    ("(x for x in []).gi_frame.f_back.f_globals", "no se permite el atributo 'gi_frame'"),
    ("[y for y in ().__class__.__bases__]", "no se permite el atributo '__class__'"),
    ("lambda: 1", "no se permite definir funciones (lambda)"),
    ("type(1)", "no se permite usar 'type'"),
    ("int.mro()", "no se permite el atributo 'mro'"),
    ("dict(__class__=1)", "no se permite el argumento '__class__'"),
    ("1 @ 2", "no se permite el operador 'MatMult'"),
]

SCRIPTS_REFUSED_AT_CHECK = [
    ("def f():\n    pass", "línea 1: no se permite definir funciones"),
    ("class A:\n    pass", "línea 1: no se permite definir clases"),
    ("x = 1\nglobal y", "línea 2: no se permite usar global"),
    ("with open('x') as f:\n    pass", "línea 1: no se permite usar bloques with"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "línea 1: no se permite capturar excepciones (try)"),
    ("raise ValueError()", "línea 1: no se permite lanzar excepciones (raise)"),
    ("x = (yield)", "línea 1: no se permite usar yield"),
    ("a = 1\nd = {}\ndel d.keys", "línea 3: no se permite eliminar el atributo 'keys'"),
    ("fecha.year = 2020", "línea 1: no se permite modificar el atributo 'year'"),
    ("_secreto = 1", "línea 1: no se permite el nombre '_secreto'"),
    ("len = 3", "línea 1: no se puede usar 'len' como variable: es una función permitida"),
    ("for date in fechas:\n    pass", "línea 1: no se puede usar 'date' como variable"),
    ("x = (\n", "sintaxis inválida en la línea 1"),
]


@pytest.mark.parametrize(("payload", "message"), REFUSED_AT_CHECK)
def test_expression_escape_is_refused_at_check_time(payload: str, message: str) -> None:
    mode_check = sandbox.check_script if payload.startswith(("import", "from")) else sandbox.check_expression
    with pytest.raises(ExpressionRefused) as refused:
        mode_check(payload)
    assert refused.value.detail.startswith("línea 1: ")
    assert message in refused.value.detail


@pytest.mark.parametrize(("payload", "message"), REFUSED_AT_CHECK)
def test_escape_never_runs_even_when_executed_directly(payload: str, message: str) -> None:
    names: dict[str, Any] = {"x": 1}
    with pytest.raises(ExpressionRefused, match="no se permite"):
        sandbox.execute(payload, names)
    assert names == {"x": 1}


@pytest.mark.parametrize(("payload", "message"), SCRIPTS_REFUSED_AT_CHECK)
def test_script_construct_is_refused_naming_it_and_its_line(payload: str, message: str) -> None:
    with pytest.raises(ExpressionRefused) as refused:
        sandbox.check_script(payload)
    assert message in refused.value.detail


def test_infinite_loop_times_out_quickly_with_a_spanish_message() -> None:
    started = time.monotonic()
    with pytest.raises(ScriptFailed, match=r"^el script superó el tiempo máximo de 0,2 s$"):
        sandbox.execute("while True: pass", {}, time_limit=0.2)
    assert time.monotonic() - started < 5  # a loose bound: the point is that it stops at all


def test_busy_nested_loops_and_comprehensions_time_out() -> None:
    with pytest.raises(ScriptFailed, match="tiempo máximo"):
        sandbox.execute("n = 0\nwhile 1:\n    n += 1", {}, time_limit=0.2)
    with pytest.raises(ScriptFailed, match="tiempo máximo"):
        sandbox.evaluate("[0 for a in range(10000) for b in range(10000)]", {}, time_limit=0.2)


def test_watchdog_restores_the_previous_trace_function() -> None:
    before = sys.gettrace()
    sandbox.evaluate("1 + 1", {})
    assert sys.gettrace() is before
    with pytest.raises(ScriptFailed):
        sandbox.execute("while True: pass", {}, time_limit=0.05)
    assert sys.gettrace() is before


# (expression, message): C-level blowups that a trace cannot interrupt are refused by guards.
BLOWUPS = [
    ("10 ** 10 ** 10", "la potencia (**) daría un número de más de 10.000 bits"),
    ("'a' * 10**9", "la repetición (*) crearía 1.000.000.000 elementos (máximo 1.000.000)"),
    ("[1] * 10**9", "la repetición (*) crearía 1.000.000.000 elementos (máximo 10.000)"),
    ("10**9 * (1,)", "la repetición (*) crearía 1.000.000.000 elementos"),
    ("range(10**12)", "range() crearía más de 10.000 elementos"),
    ("range(0, 10**30, 2)", "range() crearía más de 10.000 elementos"),
    ("1 << 10**9", "el desplazamiento (<<) daría un número de más de 10.000 bits"),
    ("(2 ** 5000) * (2 ** 5000)", "la multiplicación (*) daría un número de más de 10.000 bits"),
    ("f'{1:>1000000000}'", "el formato pide un ancho o precisión mayor que 1.000"),
    ("f'{1.5:.{10**9}f}'", "el formato pide un ancho o precisión mayor que 1.000"),
    ("'%1000000000d' % 1", "no se permite formatear texto con '%'"),
    ("round(5, -10**8)", "round() admite como máximo 100 decimales"),
    ("sum([[1]] * 10, [])", "sum() solo suma números"),
    (
        "('a' * 100000).replace('a', 'a' * 100000)",
        "replace() crearía un texto de más de 1.000.000 caracteres",
    ),
    ("','.join(['a' * 100000] * 100)", "join() crearía un texto de más de 1.000.000 caracteres"),
    ("str([[1] * 10000] * 10000)", "el texto resultante superaría 1.000.000 caracteres"),
    ("f'{[[1] * 10000] * 10000}'", "el texto resultante superaría 1.000.000 caracteres"),
]


@pytest.mark.parametrize(("expression", "message"), BLOWUPS)
def test_huge_results_are_refused_before_they_are_built(expression: str, message: str) -> None:
    with pytest.raises(ScriptFailed) as failed:
        sandbox.evaluate(expression, {})
    assert failed.value.detail.startswith("línea 1: ")
    assert message in failed.value.detail


def test_growth_by_doubling_in_a_loop_is_refused_with_its_line() -> None:
    with pytest.raises(ScriptFailed, match=r"línea 3: la concatenación \(\+\) superaría 1\.000\.000"):
        sandbox.execute("s = 'ab' * 50000\nfor i in range(10):\n    s += s", {})
    with pytest.raises(ScriptFailed, match=r"línea 3: extend\(\) crearía una lista de más de 1\.000\.000"):
        sandbox.execute("l = [1] * 10\nfor i in range(30):\n    l.extend(l)", {})
    with pytest.raises(ScriptFailed, match=r"línea 3: la repetición \(\*\) crearía"):
        sandbox.execute("l = [1]\nfor i in range(30):\n    l *= 2", {})


def test_variable_named_like_an_allowed_function_is_refused() -> None:
    with pytest.raises(ScriptFailed, match="la variable 'len' tiene el nombre de una función permitida"):
        sandbox.evaluate("len(x)", {"len": 3, "x": [1]})
    with pytest.raises(ScriptFailed, match="la variable 'add_business_days' tiene el nombre"):
        sandbox.execute("y = 1", {"add_business_days": "2024-01-01"})


def test_script_may_not_assign_a_custom_function_name() -> None:
    functions = {**sandbox.DEFAULT_FUNCTIONS, "today": lambda: "2024-01-01"}
    with pytest.raises(
        ScriptFailed, match="el script asigna 'today', que es el nombre de una función permitida"
    ):
        sandbox.execute("today = 1", {}, functions=functions)


def test_builtins_are_not_reachable_at_run_time() -> None:
    with pytest.raises(ScriptFailed, match="la variable 'id' no está definida"):
        sandbox.evaluate("id(1)", {})
    with pytest.raises(ScriptFailed, match="la variable 'len' no está definida"):
        sandbox.evaluate("len([])", {}, functions={})


def test_attributes_of_types_and_functions_are_refused_at_run_time() -> None:
    # Unbound methods would bypass the size guards on str.replace / str.join.
    with pytest.raises(ScriptFailed, match="línea 1: no se permite el atributo 'get'"):
        sandbox.evaluate("dict.get({}, 'a')", {})
    with pytest.raises(ScriptFailed, match="AttributeError"):
        sandbox.evaluate("str.replace('a', 'a', 'b')", {})


def test_data_keys_starting_with_underscore_cannot_replace_the_guards() -> None:
    names = {"_sb_mul": "not a function", "x": "a"}
    with pytest.raises(ScriptFailed, match="repetición"):
        sandbox.evaluate("x * 10**9", names)


def test_oversized_source_is_refused() -> None:
    with pytest.raises(ExpressionRefused, match=r"el código tiene más de 50\.000 caracteres"):
        sandbox.check_expression("1 + " * 20_000 + "1")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 + " * 12_000 + "1", "el código está demasiado anidado"),
        ("(" * 300 + "1" + ")" * 300, "sintaxis inválida en la línea 1: too many nested parentheses"),
        ("x\x00", "sintaxis inválida: source code string cannot contain null bytes"),
    ],
)
def test_pathological_sources_are_refused_without_crashing(source: str, message: str) -> None:
    with pytest.raises(ExpressionRefused) as refused:
        sandbox.check_expression(source)
    assert refused.value.detail.startswith(message)
