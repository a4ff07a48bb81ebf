"""What analysts can do in BPMN scripts and expressions: arithmetic, data, plazos, variables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from engine import sandbox
from engine.errors import ExpressionRefused, ScriptFailed


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(2 + 3) * 4 - 10 / 4", 17.5),
        ("7 // 2 + 7 % 3 + 2 ** 10 - -x", 1031),
        ("round(monto * 1.19)", 1190),
        ("abs(-x) + max(items) + min(items) + len(items) + sum(items)", 16),
        ("1 < x <= 3 and not vacio", True),
        ("'consulta' if x > 5 else 'reclamo'", "reclamo"),
        ("'ab' in texto and texto not in ('x', 'y')", True),
        ("[i * 2 for i in items if i > 1]", [4, 6]),
        ("{k: v for k, v in datos.items() if v}", {"nombre": "Ana"}),
        ("{i % 2 for i in items}", {0, 1}),
        ("any(i > 2 for i in items) and all(i > 0 for i in items)", True),
        ("sorted(datos.keys(), reverse=True)", ["nombre", "apellido"]),
        ("datos.get('nombre', '').upper() + ' ' + datos.get('rut', 's/r')", "ANA s/r"),
        ("', '.join(str(i) for i in items)", "1, 2, 3"),
        ("texto.strip().split(',')", ["abc", "d"]),
        ("texto.replace(',', ';').title()", " Abc;D "),
        ("list(zip(items, 'abc'))[1]", (2, "b")),
        ("'ab' * 3 + str(int('4') + float('0.5'))", "ababab4.5"),
        ("f'Folio {folio}: ${monto:,}'", "Folio F-1: $1,000"),
        ("f'{hoy:%d-%m-%Y} {x!r:>3}'", "15-07-2024   3"),
        ("list(range(3)) + [*items]", [0, 1, 2, 1, 2, 3]),
        ("items[1:] == [2, 3] and items[-1] == 3", True),
        ("dict(a=1).get('a') + tuple(items).count(2) + len(set(items))", 5),
        ("hoy.year * 10000 + hoy.month * 100 + hoy.day", 20240715),
        ("hoy.weekday() == 0 and hoy.isoformat() == '2024-07-15'", True),
    ],
)
def test_expressions_over_task_data(expression: str, expected: Any) -> None:
    names = {
        "x": 3,
        "monto": 1000,
        "items": [1, 2, 3],
        "vacio": [],
        "texto": " abc,d ",
        "datos": {"nombre": "Ana", "apellido": ""},
        "folio": "F-1",
        "hoy": date(2024, 7, 15),
    }
    assert sandbox.evaluate(expression, names) == expected


def test_underscore_is_refused_even_as_a_throwaway_name() -> None:
    with pytest.raises(ExpressionRefused, match="línea 1: no se permite el nombre '_'"):
        sandbox.evaluate("[n for n, _ in enumerate(items)]", {"items": [1]})
    assert sandbox.evaluate("[n for n, v in enumerate(items)]", {"items": [7, 8]}) == [0, 1]


def test_business_day_ground_truth_through_the_sandbox() -> None:
    assert sandbox.evaluate("add_business_days('2020-11-12', 20, '13') == '2020-12-11'", {}) is True


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("add_business_days(recibido, 20, region)", "2020-12-11"),
        ("add_business_days(recibido, '20', 13)", "2020-12-11"),  # form texts and numeric regions
        ("add_business_days(date(2020, 11, 12), 20, '13')", "2020-12-11"),
        ("add_business_days('12-11-2020', 20, '13')", "2020-12-11"),
        ("add_business_days('2020-11-12T10:00:00-03:00', 20, '13')", "2020-12-11"),
        ("add_business_days('2024-06-06', 1, '15')", "2024-06-10"),  # Morro de Arica
        ("add_business_days('2024-06-06', 1, 5)", "2024-06-07"),
        ("business_days_between(recibido, '2020-12-11', region)", 20),
        ("calendar_days_between(recibido, '2020-12-11')", 29),
        ("add_calendar_days(recibido, 30)", "2020-12-12"),
        ("is_business_day('2024-09-20')", False),
        ("end_of_day('2024-07-15')", "2024-07-15T23:59:59-04:00"),
        ("due_status(recibido, '2020-12-11', '2020-12-04', region)", "por_vencer"),
        ("due_status(recibido, '2020-12-11', '2020-12-14', region)", "fuera_de_plazo"),
        ("due_status(recibido, '2020-12-11', '2020-11-20', region)", "en_plazo"),
        ("format_date('2020-12-11')", "11-12-2020"),
        ("parse_date('11-12-2020')", date(2020, 12, 11)),
        ("iso(parse_date('11-12-2020'))", "2020-12-11"),
        ("iso(date(2020, 12, 11))", "2020-12-11"),
        ("iso('11-12-2020')", "2020-12-11"),
    ],
)
def test_deadline_helpers_take_and_return_iso_texts(expression: str, expected: Any) -> None:
    assert sandbox.evaluate(expression, {"recibido": "2020-11-12", "region": "13"}) == expected


def test_iso_keeps_the_time_of_a_datetime() -> None:
    stamp = datetime(2024, 7, 15, 9, 30)
    assert sandbox.evaluate("iso(stamp)", {"stamp": stamp}) == "2024-07-15T09:30:00"


def test_bad_dates_and_regions_fail_in_spanish_with_the_line() -> None:
    with pytest.raises(
        ScriptFailed, match=r"línea 2: valor inválido \(ValueError: fecha inválida: '31-02-2024'"
    ):
        sandbox.execute("a = 1\nb = add_business_days('31-02-2024', 5)", {})
    with pytest.raises(ScriptFailed, match="región desconocida: '99'"):
        sandbox.evaluate("add_business_days('2024-01-02', 5, '99')", {})


def test_script_variables_are_visible_afterwards() -> None:
    names: dict[str, Any] = {"montos": [5, 10], "temporal": 1, "contador": 1, "kind": "complaint"}
    sandbox.execute(
        """
        total = sum(montos)
        estado = "ok" if total > 10 else "bajo"
        contador += 1
        montos.append(7)
        del temporal
        for m in montos:
            if m == 10:
                continue
            if m > 6:
                break
        """,
        names,
    )
    assert names == {
        "montos": [5, 10, 7],
        "contador": 2,
        "kind": "complaint",
        "total": 15,
        "estado": "ok",
        "m": 7,
    }


def test_the_shipped_plazo_script_computes_the_due_date() -> None:
    script = (
        "# Plazos legales por defecto: consulta 5 días hábiles, reclamo 25 días hábiles.\n"
        'if kind == "inquiry":\n    plazo_dias = 5\nelse:\n    plazo_dias = 25\n'
        "due_date = add_business_days(opened_on, plazo_dias, region)"
    )
    names: dict[str, Any] = {"kind": "inquiry", "opened_on": "2020-11-12", "region": "13"}
    sandbox.execute(script, names)
    assert names["due_date"] == "2020-11-19"
    assert sandbox.names_used(script, "exec") == {"kind", "opened_on", "region"}


def test_augmented_assignment_on_items_keeps_python_semantics() -> None:
    shared = [1]
    names: dict[str, Any] = {"d": {"a": shared, "n": 2}, "l": [1, 2, 3], "alias": shared}
    sandbox.execute("d['a'] += [2]\nd['n'] *= 3\nd['n'] **= 2\nl[0:1] += [9]\nalias += [3]", names)
    assert names["d"] == {"a": [1, 2, 3], "n": 36}
    assert names["l"] == [1, 9, 2, 3]
    assert shared == [1, 2, 3]  # += mutates in place, as in Python


def test_functions_builtins_and_guard_temporaries_do_not_leak_into_task_data() -> None:
    names: dict[str, Any] = {"d": {"k": 1}, "_interno": "se conserva"}
    sandbox.execute("d['k'] += 1\nn = len(d)", names)
    assert names == {"d": {"k": 2}, "n": 1, "_interno": "se conserva"}


def test_failed_script_does_not_rebind_variables() -> None:
    names: dict[str, Any] = {"a": 0}
    with pytest.raises(
        ScriptFailed, match=r"^línea 3: división por cero \(ZeroDivisionError: division by zero\)$"
    ):
        sandbox.execute("a = 1\nb = 2\nc = b / 0", names)
    assert names == {"a": 0}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("datos['falta']", "línea 1: no existe la clave (KeyError: 'falta')"),
        ("items[10]", "línea 1: índice fuera de rango (IndexError: list index out of range)"),
        ("items + 1", "línea 1: tipo de dato incorrecto (TypeError"),
        ("desconocida + 1", "línea 1: la variable 'desconocida' no está definida (NameError)"),
        ("int('abc')", "línea 1: valor inválido (ValueError"),
    ],
)
def test_runtime_errors_become_spanish_script_failures(source: str, message: str) -> None:
    with pytest.raises(ScriptFailed) as failed:
        sandbox.evaluate(source, {"datos": {}, "items": [1]})
    assert failed.value.detail.startswith(message)


def test_statements_are_not_expressions() -> None:
    with pytest.raises(ExpressionRefused, match="sintaxis inválida en la línea 1"):
        sandbox.check_expression("x = 1")
    sandbox.check_expression("x == 1")  # no exception: accepted
    sandbox.check_script("x = 1")
    assert sandbox.evaluate("x == 1", {"x": 1}) is True


def test_code_indented_by_the_bpmn_xml_is_accepted() -> None:
    names: dict[str, Any] = {}
    sandbox.execute("\n    a = 1\n    b = a + 1\n", names)
    assert names == {"a": 1, "b": 2}
    assert sandbox.evaluate("\n   accion == 'cerrar'\n", {"accion": "cerrar"}) is True


def test_custom_functions_replace_the_default_set() -> None:
    functions = {**sandbox.DEFAULT_FUNCTIONS, "today": lambda: "2020-11-12"}
    assert sandbox.evaluate("add_business_days(today(), 20, '13')", {}, functions=functions) == "2020-12-11"


def test_compiled_code_is_cached_per_source() -> None:
    source = "monto * 2 + 17 == 9_999_999"
    sandbox._compile.cache_clear()
    assert sandbox.evaluate(source, {"monto": 1}) is False
    assert sandbox.evaluate(source, {"monto": 4_999_991}) is True
    sandbox.check_expression(source)
    info = sandbox._compile.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.parametrize(
    ("source", "mode", "expected"),
    [
        ("monto > limite and estado == 'abierto'", "eval", {"monto", "limite", "estado"}),
        ("[x for x in items if x > umbral]", "eval", {"items", "umbral"}),
        ("{k: v for k, v in datos.items()}", "eval", {"datos"}),
        ("add_business_days(opened_on, 5, region)", "eval", {"opened_on", "region"}),
        ("total = a + b\nresultado = total * 2", "exec", {"a", "b"}),
        ("contador += 1", "exec", {"contador"}),
        ("for i in items:\n    suma = i + base", "exec", {"items", "base"}),
        ("if x:\n    y = 1\nz = y", "exec", {"x"}),
        ("d['k'] = v", "exec", {"d", "v"}),
    ],
)
def test_names_used_lists_the_task_data_read(source: str, mode: str, expected: set[str]) -> None:
    assert sandbox.names_used(source, mode) == expected


def test_names_used_refuses_bad_mode_and_refused_code() -> None:
    with pytest.raises(ValueError, match="mode debe ser"):
        sandbox.names_used("x", "single")
    with pytest.raises(ExpressionRefused, match="importar módulos"):
        sandbox.names_used("import os", "exec")


def test_every_allowed_function_has_spanish_help() -> None:
    assert set(sandbox.FUNCTION_HELP) == set(sandbox.DEFAULT_FUNCTIONS)
    for name, text in sandbox.FUNCTION_HELP.items():
        assert text.startswith(f"{name}(")
    assert set(sandbox.SAFE_BUILTINS) == {
        *("abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list", "max", "min"),
        *("round", "set", "sorted", "str", "sum", "tuple", "zip", "range"),
    }
