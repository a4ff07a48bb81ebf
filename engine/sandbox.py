"""The locked-down evaluator for BPMN scripts and expressions: allow-listed syntax, names and attributes."""

from __future__ import annotations

import ast
import copy
import functools
import operator
import re
import sys
import textwrap
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sized
from dataclasses import dataclass
from datetime import date, datetime
from types import CodeType, FrameType, MappingProxyType
from typing import Any

from engine import deadlines
from engine.errors import ExpressionRefused, ScriptFailed

MAX_INT_BITS = 10_000  # **, * and << on integers
MAX_ITEMS = 10_000  # sequence repetition and range(): keeps nested work (count, in, ==) within seconds
MAX_LENGTH = 1_000_000  # concatenation, join, replace, str() and f-strings
MAX_SOURCE = 50_000  # characters of one script or expression
MAX_FORMAT_NUMBER = 1_000  # width or precision inside a format spec
_FILENAME = "<bpmn>"
_SEQUENCES = (str, bytes, list, tuple)
_SCALARS: frozenset[type] = frozenset({int, float, bool, type(None)})

ALLOWED_ATTRIBUTES: frozenset[str] = frozenset(
    "get keys values items update setdefault copy append extend insert pop remove sort reverse count index "
    "upper lower strip lstrip rstrip split join startswith endswith replace title capitalize isdigit "
    "isalpha isalnum year month day hour minute second weekday isoweekday isoformat days date".split()
)

# Refused by name at check time so the analyst gets a clear message; the real barrier is that
# scripts run with empty __builtins__, so none of these objects is reachable anyway.
_REFUSED_NAMES = frozenset(
    "eval exec compile open getattr setattr delattr hasattr globals locals vars dir type object super "
    "breakpoint help memoryview classmethod staticmethod property exit quit print format isinstance "
    "issubclass callable iter next aiter anext".split()
)


class _Refused(ValueError):
    """A guard refused an operation at run time; reported as ScriptFailed with the script line."""


def _n(value: int) -> str:
    """An integer with Chilean thousands separators (100.000)."""
    return f"{value:,}".replace(",", ".")


# --- Guards against C-level blowups that the time watchdog cannot interrupt -----------------------
# Not covered in-process: quadratic C-level work on large nested data (comparing, sorting or counting
# a list of 10.000 references to a 10.000-item list: about 10^8 comparisons, seconds) and fast allocation
# inside a loop, which only the time limit bounds. A worker process with RLIMIT_CPU / RLIMIT_AS is the
# complete answer to both.


def _guard_mul(left: Any, right: Any) -> None:
    """Refuse int products above MAX_INT_BITS and sequence repetition above MAX_ITEMS."""
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _Refused(f"la multiplicación (*) daría un número de más de {_n(MAX_INT_BITS)} bits")
        return
    seq, times = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
    limit = MAX_LENGTH if isinstance(seq, (str, bytes)) else MAX_ITEMS
    if isinstance(seq, _SEQUENCES) and isinstance(times, int) and len(seq) * times > limit:
        size = _n(len(seq) * times)
        raise _Refused(f"la repetición (*) crearía {size} elementos (máximo {_n(limit)})")


def _guard_add(left: Any, right: Any) -> None:
    """Refuse concatenations longer than MAX_LENGTH."""
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES) and len(left) + len(right) > MAX_LENGTH:
        raise _Refused(f"la concatenación (+) superaría {_n(MAX_LENGTH)} elementos")


def _guard_pow(base: Any, exponent: Any) -> None:
    """Refuse integer powers above MAX_INT_BITS."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if base.bit_length() * exponent > MAX_INT_BITS:
            raise _Refused(f"la potencia (**) daría un número de más de {_n(MAX_INT_BITS)} bits")


def _guard_lshift(value: Any, shift: Any) -> None:
    """Refuse left shifts above MAX_INT_BITS."""
    if not (isinstance(value, int) and isinstance(shift, int) and value):
        return
    if value.bit_length() + shift > MAX_INT_BITS:
        raise _Refused(f"el desplazamiento (<<) daría un número de más de {_n(MAX_INT_BITS)} bits")


def _guard_mod(left: Any, right: Any) -> None:
    """Refuse printf-style formatting: its widths cannot be bounded cheaply."""
    if isinstance(left, str | bytes):
        raise _Refused("no se permite formatear texto con '%'; use f-strings")


def _guarded(guard: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A binary operator that runs its guard first."""

    def run(left: Any, right: Any) -> Any:
        guard(left, right)
        return op(left, right)

    return run


def _check_rendered_size(value: Any) -> None:
    """Refuse turning into text a value (nested containers included) larger than MAX_LENGTH."""
    budget, stack = MAX_LENGTH, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            budget -= len(item)
        elif isinstance(item, list | tuple | set | frozenset | dict):
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            budget -= max(1, len(children))
            kinds = set(map(type, children))  # C speed: only look inside when something nested is there
            if kinds <= {str}:
                budget -= sum(map(len, children))
            elif not kinds <= _SCALARS:
                stack.extend(children)
        else:
            budget -= 1
        if budget < 0:
            raise _Refused(f"el texto resultante superaría {_n(MAX_LENGTH)} caracteres")


def _format_value(value: Any, conversion: int, spec: str) -> str:
    """One f-string field, refusing huge values and huge widths or precisions."""
    _check_rendered_size(value)
    if any(len(num) > 4 or int(num) > MAX_FORMAT_NUMBER for num in re.findall(r"\d+", spec)):
        raise _Refused(f"el formato pide un ancho o precisión mayor que {_n(MAX_FORMAT_NUMBER)}")
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    elif conversion == ord("s"):
        value = str(value)
    return format(value, spec)


def _str_replace(text: str, old: str, new: str, count: int = -1) -> str:
    """str.replace refusing results longer than MAX_LENGTH."""
    hits = text.count(old) if old else len(text) + 1
    hits = min(hits, count) if count >= 0 else hits
    if len(text) + hits * (len(new) - len(old)) > MAX_LENGTH:
        raise _Refused(f"replace() crearía un texto de más de {_n(MAX_LENGTH)} caracteres")
    return text.replace(old, new, count)


def _str_join(separator: str, items: Iterable[Any]) -> str:
    """str.join refusing results longer than MAX_LENGTH."""
    parts = list(items)
    size = sum(len(p) for p in parts if isinstance(p, str)) + len(separator) * max(0, len(parts) - 1)
    if size > MAX_LENGTH:
        raise _Refused(f"join() crearía un texto de más de {_n(MAX_LENGTH)} caracteres")
    return separator.join(parts)


def _list_extend(target: list[Any], items: Iterable[Any]) -> None:
    """list.extend refusing lists longer than MAX_LENGTH."""
    if isinstance(items, Sized) and len(target) + len(items) > MAX_LENGTH:
        raise _Refused(f"extend() crearía una lista de más de {_n(MAX_LENGTH)} elementos")
    target.extend(items)


def _attr(obj: Any, name: str) -> Any:
    """Attribute read at run time: allow-listed names only, never on types, size-guarded methods."""
    if name not in ALLOWED_ATTRIBUTES or isinstance(obj, type):
        raise _Refused(f"no se permite el atributo '{name}'")
    if isinstance(obj, str) and name == "replace":
        return functools.partial(_str_replace, obj)
    if isinstance(obj, str) and name == "join":
        return functools.partial(_str_join, obj)
    if isinstance(obj, list) and name == "extend":
        return functools.partial(_list_extend, obj)
    return getattr(obj, name)


def _loop_tick() -> None:
    """Called at the top of every loop body so the watchdog always sees a line event."""


_HELPERS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "_sb_tick": _loop_tick,
        "_sb_add": _guarded(_guard_add, operator.add),
        "_sb_iadd": _guarded(_guard_add, operator.iadd),
        "_sb_mul": _guarded(_guard_mul, operator.mul),
        "_sb_imul": _guarded(_guard_mul, operator.imul),
        "_sb_pow": _guarded(_guard_pow, operator.pow),
        "_sb_lshift": _guarded(_guard_lshift, operator.lshift),
        "_sb_mod": _guarded(_guard_mod, operator.mod),
        "_sb_attr": _attr,
        "_sb_fmt": _format_value,
    }
)
_BINARY_HELPERS: Mapping[type[ast.operator], str] = {
    ast.Add: "_sb_add",
    ast.Mult: "_sb_mul",
    ast.Pow: "_sb_pow",
    ast.LShift: "_sb_lshift",
    ast.Mod: "_sb_mod",
}
_INPLACE_HELPERS: Mapping[type[ast.operator], str] = {
    **_BINARY_HELPERS,
    ast.Add: "_sb_iadd",
    ast.Mult: "_sb_imul",
}


# --- Allowed functions ------------------------------------------------------------------------------


def _safe_range(*args: int) -> range:
    """range() limited to MAX_ITEMS numbers."""
    numbers = range(*args)
    try:
        too_long = len(numbers) > MAX_ITEMS
    except OverflowError:
        too_long = True
    if too_long:
        raise _Refused(f"range() crearía más de {_n(MAX_ITEMS)} elementos")
    return numbers


def _safe_zip(*iterables: Iterable[Any], strict: bool = False) -> zip[tuple[Any, ...]]:
    """zip() of at most 10 sequences: zip(*[big] * 100_000) would build 10^10 references in C."""
    if len(iterables) > 10:
        raise _Refused("zip() admite como máximo 10 listas")
    return zip(*iterables, strict=strict)


def _safe_str(*args: Any) -> str:
    """str() refusing values whose text would exceed MAX_LENGTH."""
    if args:
        _check_rendered_size(args[0])
    return str(*args)


def _safe_sum(values: Iterable[Any], start: int | float = 0) -> Any:
    """sum() of numbers only (summing lists or texts is quadratic)."""
    if not isinstance(start, int | float):
        raise _Refused("sum() solo suma números")
    return sum(values, start)


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    """round() with at most 100 digits either side."""
    if ndigits is not None and abs(ndigits) > 100:
        raise _Refused("round() admite como máximo 100 decimales")
    return round(number, ndigits)


_DMY = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def _parse_date(text: str) -> date:
    """A date from 'AAAA-MM-DD', 'dd-mm-aaaa' or an ISO date-time (its date in Chile)."""
    value = str(text).strip()
    try:
        if match := _DMY.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"fecha inválida: {value[:40]!r}; use 'AAAA-MM-DD' o 'dd-mm-aaaa'") from None
    return deadlines.local_date(parsed) if parsed.tzinfo else parsed.date()


def _as_date(value: date | str) -> date:
    """Accept a date, a date-time or a date text as task data stores them."""
    if isinstance(value, datetime):
        return deadlines.local_date(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_date(value)
    raise ValueError(f"se esperaba una fecha o un texto 'AAAA-MM-DD', no {type(value).__name__}")


def _as_days(value: int | str) -> int:
    """A whole number of days, also from a form's text such as '20'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", value):
        return int(value)
    raise ValueError(f"el número de días debe ser un entero, no {value!r}")


def _as_region(value: str | int | None) -> str | None:
    """A CUT region code: 13, '13' and '5' become '13' and '05'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip().zfill(2)
    return value if value is None else str(value)


def _add_business_days(start: date | str, days: int | str, region: str | int | None = None) -> str:
    """Sandbox form of deadlines.add_business_days: ISO text in, ISO text out."""
    return deadlines.add_business_days(_as_date(start), _as_days(days), _as_region(region)).isoformat()


def _add_calendar_days(start: date | str, days: int | str) -> str:
    """Sandbox form of deadlines.add_calendar_days."""
    return deadlines.add_calendar_days(_as_date(start), _as_days(days)).isoformat()


def _business_days_between(start: date | str, end: date | str, region: str | int | None = None) -> int:
    """Sandbox form of deadlines.business_days_between."""
    return deadlines.business_days_between(_as_date(start), _as_date(end), _as_region(region))


def _calendar_days_between(start: date | str, end: date | str) -> int:
    """Sandbox form of deadlines.calendar_days_between."""
    return deadlines.calendar_days_between(_as_date(start), _as_date(end))


def _is_business_day(day: date | str, region: str | int | None = None) -> bool:
    """Sandbox form of deadlines.is_business_day."""
    return deadlines.is_business_day(_as_date(day), _as_region(region))


def _end_of_day(day: date | str) -> str:
    """Sandbox form of deadlines.end_of_day: ISO date-time text with its offset."""
    return deadlines.end_of_day(_as_date(day)).isoformat()


def _due_status(
    opened: date | str,
    due: date | str,
    today: date | str,
    region: str | int | None = None,
    warn_at: float = 0.8,
) -> str:
    """Sandbox form of deadlines.due_status: 'en_plazo', 'por_vencer' or 'fuera_de_plazo'."""
    dates = (_as_date(opened), _as_date(due), _as_date(today))
    return deadlines.due_status(*dates, region=_as_region(region), warn_at=warn_at).value


def _make_date(year: int, month: int, day: int) -> date:
    """date(año, mes, día)."""
    return date(year, month, day)


def _format_date(value: date | str) -> str:
    """'dd-mm-aaaa' as letters and screens show dates."""
    day = _as_date(value)
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def _iso(value: date | str) -> str:
    """ISO text of a date or date-time; a date text is normalised to 'AAAA-MM-DD'."""
    return value.isoformat() if isinstance(value, date) else _as_date(value).isoformat()


SAFE_BUILTINS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        **{f.__name__: f for f in (abs, all, any, bool, dict, enumerate, float, int, len, list, max, min)},
        **{f.__name__: f for f in (set, sorted, tuple)},
        "zip": _safe_zip,
        "round": _safe_round,
        "str": _safe_str,
        "sum": _safe_sum,
        "range": _safe_range,
    }
)

DEFAULT_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        **SAFE_BUILTINS,
        "add_business_days": _add_business_days,
        "add_calendar_days": _add_calendar_days,
        "business_days_between": _business_days_between,
        "calendar_days_between": _calendar_days_between,
        "is_business_day": _is_business_day,
        "end_of_day": _end_of_day,
        "due_status": _due_status,
        "date": _make_date,
        "parse_date": _parse_date,
        "format_date": _format_date,
        "iso": _iso,
    }
)

_REGION_HELP = "región: código de dos dígitos, p. ej. '13'"
FUNCTION_HELP: Mapping[str, str] = MappingProxyType(
    {
        "abs": "abs(x): valor absoluto de un número.",
        "all": "all(valores): verdadero si todos los valores son verdaderos.",
        "any": "any(valores): verdadero si al menos un valor es verdadero.",
        "bool": "bool(x): convierte en verdadero o falso.",
        "dict": "dict(...): crea un diccionario.",
        "enumerate": "enumerate(lista): pares (posición, elemento).",
        "float": "float(x): convierte en número decimal.",
        "int": "int(x): convierte en número entero.",
        "len": "len(x): cantidad de elementos o de caracteres.",
        "list": "list(x): crea una lista.",
        "max": "max(valores): el mayor de los valores.",
        "min": "min(valores): el menor de los valores.",
        "round": "round(x, decimales): redondea un número.",
        "set": "set(x): crea un conjunto, sin repetidos.",
        "sorted": "sorted(valores): lista ordenada de los valores.",
        "str": "str(x): convierte en texto.",
        "sum": "sum(números): suma de los números.",
        "tuple": "tuple(x): crea una tupla.",
        "zip": "zip(a, b): combina listas elemento a elemento.",
        "range": f"range(n): los números de 0 a n-1 (máximo {_n(MAX_ITEMS)}).",
        "add_business_days": "add_business_days(fecha, días, región): fecha 'AAAA-MM-DD' tras sumar días "
        f"hábiles (Ley 19.880 art. 25); el día siguiente a la fecha es el día 1; {_REGION_HELP}.",
        "add_calendar_days": "add_calendar_days(fecha, días): fecha 'AAAA-MM-DD' tras sumar días corridos.",
        "business_days_between": "business_days_between(desde, hasta, región): días hábiles después de "
        f"'desde' y hasta 'hasta', inclusive; {_REGION_HELP}.",
        "calendar_days_between": "calendar_days_between(desde, hasta): días corridos entre dos fechas.",
        "is_business_day": "is_business_day(fecha, región): verdadero si la fecha es día hábil; "
        f"{_REGION_HELP}.",
        "end_of_day": "end_of_day(fecha): último segundo (23:59:59) de la fecha en hora de Chile, "
        "como texto ISO.",
        "due_status": "due_status(inicio, vencimiento, hoy, región): 'en_plazo', 'por_vencer' o "
        "'fuera_de_plazo'.",
        "date": "date(año, mes, día): crea una fecha.",
        "parse_date": "parse_date(texto): convierte 'AAAA-MM-DD' o 'dd-mm-aaaa' en fecha.",
        "format_date": "format_date(fecha): la fecha como texto 'dd-mm-aaaa'.",
        "iso": "iso(fecha): la fecha (o fecha y hora) como texto ISO 'AAAA-MM-DD'.",
    }
)


# --- Check: an allow-list of syntax, names and attributes -----------------------------------------

_ALLOWED_NODES: frozenset[type[ast.AST]] = frozenset(
    {
        *(ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.Delete, ast.Pass),
        *(ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.IfExp, ast.NamedExpr),
        *(ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Invert, ast.BinOp),
        *(ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift),
        *(ast.BitAnd, ast.BitOr, ast.BitXor, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt),
        *(ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Call, ast.keyword, ast.Constant),
        *(ast.Attribute, ast.Subscript, ast.Slice, ast.Name, ast.Load, ast.Store, ast.Del, ast.Starred),
        *(ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp),
        *(ast.GeneratorExp, ast.comprehension, ast.JoinedStr, ast.FormattedValue),
    }
)

_REFUSED_NODES: Mapping[type[ast.AST], str] = {
    ast.Import: "importar módulos",
    ast.ImportFrom: "importar módulos",
    ast.FunctionDef: "definir funciones",
    ast.AsyncFunctionDef: "definir funciones",
    ast.Lambda: "definir funciones (lambda)",
    ast.ClassDef: "definir clases",
    ast.Global: "usar global",
    ast.Nonlocal: "usar nonlocal",
    ast.Yield: "usar yield",
    ast.YieldFrom: "usar yield",
    ast.Await: "usar await",
    ast.AsyncFor: "usar async",
    ast.AsyncWith: "usar async",
    ast.With: "usar bloques with",
    ast.Try: "capturar excepciones (try)",
    ast.TryStar: "capturar excepciones (try)",
    ast.Raise: "lanzar excepciones (raise)",
    ast.Assert: "usar assert",
    ast.Return: "usar return",
    ast.Match: "usar match",
    ast.AnnAssign: "usar anotaciones de tipo",
}


def _name_problem(name: str, ctx: ast.expr_context) -> str | None:
    """Why a variable name is refused, if it is."""
    if name.startswith("_"):
        return f"no se permite el nombre '{name}'"
    if name in _REFUSED_NAMES:
        return f"no se permite usar '{name}'"
    if not isinstance(ctx, ast.Load) and name in DEFAULT_FUNCTIONS:
        return f"no se puede usar '{name}' como variable: es una función permitida"
    return None


def _attribute_problem(node: ast.Attribute) -> str | None:
    """Why an attribute access is refused, if it is."""
    if node.attr not in ALLOWED_ATTRIBUTES:
        return f"no se permite el atributo '{node.attr}'"
    if isinstance(node.ctx, ast.Store):
        return f"no se permite modificar el atributo '{node.attr}'"
    if isinstance(node.ctx, ast.Del):
        return f"no se permite eliminar el atributo '{node.attr}'"
    return None


def _problem(node: ast.AST) -> str | None:
    """Why one syntax node is refused, if it is."""
    kind = type(node)
    if kind not in _ALLOWED_NODES:
        return "no se permite " + _REFUSED_NODES.get(kind, f"la construcción '{kind.__name__}'")
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) not in _ALLOWED_NODES:
        return f"no se permite el operador '{type(node.op).__name__}'"
    if isinstance(node, ast.Name):
        return _name_problem(node.id, node.ctx)
    if isinstance(node, ast.Attribute):
        return _attribute_problem(node)
    if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("_"):
        return f"no se permite el argumento '{node.arg}'"
    return None


def _check_tree(tree: ast.AST) -> None:
    """Raise ExpressionRefused naming the first refused construct and its line."""
    problems = sorted(
        (
            getattr(node, "lineno", sys.maxsize),
            getattr(node, "col_offset", 0),
            getattr(node, "end_col_offset", 0) or 0,
            problem,
        )
        for node in ast.walk(tree)
        if (problem := _problem(node))
    )
    if problems:
        line, _, _, message = problems[0]
        raise ExpressionRefused(f"línea {line}: {message}")


# --- Free names (what task data a script or expression reads) -------------------------------------

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _stored(node: ast.AST) -> set[str]:
    """Names a node binds in its own scope (comprehension variables stay inside the comprehension)."""
    if isinstance(node, ast.Name):
        return set() if isinstance(node.ctx, ast.Load) else {node.id}
    if isinstance(node, _COMPREHENSIONS):
        return set()
    return set().union(*(_stored(child) for child in ast.iter_child_nodes(node)))


def _expr_reads(node: ast.AST, bound: frozenset[str]) -> set[str]:
    """Names read by a node that were not bound before it."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) and node.id not in bound else set()
    if isinstance(node, _COMPREHENSIONS):
        local, reads = set(bound), set()
        for generator in node.generators:
            reads |= _expr_reads(generator.iter, frozenset(local))
            local |= _stored(generator.target)
            reads |= set().union(*(_expr_reads(cond, frozenset(local)) for cond in generator.ifs))
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return reads.union(*(_expr_reads(part, frozenset(local)) for part in parts))
    return set().union(*(_expr_reads(child, bound) for child in ast.iter_child_nodes(node)))


def _block_reads(body: list[ast.stmt], bound: set[str]) -> set[str]:
    """Names a block of statements reads before assigning them, in source order."""
    reads: set[str] = set()
    for stmt in body:
        if isinstance(stmt, ast.For):
            reads |= _expr_reads(stmt.iter, frozenset(bound))
            bound |= _stored(stmt.target)
            reads |= _block_reads(stmt.body + stmt.orelse, bound)
        elif isinstance(stmt, ast.If | ast.While):
            reads |= _expr_reads(stmt.test, frozenset(bound))
            reads |= _block_reads(stmt.body + stmt.orelse, bound)
        else:
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                reads |= {stmt.target.id} - bound
            reads |= _expr_reads(stmt, frozenset(bound))
            bound |= _stored(stmt)
    return reads


# --- Guarding rewrite and compile cache -----------------------------------------------------------


def _call(helper: str, *args: ast.expr) -> ast.Call:
    """A call to one of the run-time guards."""
    return ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=list(args), keywords=[])


def _tick(loop: ast.stmt) -> ast.stmt:
    """A call at the top of a loop body: `while True: pass` alone jumps to itself and emits no line event."""
    return ast.copy_location(ast.Expr(value=_call("_sb_tick")), loop)


class _Guard(ast.NodeTransformer):
    """Route risky operators, attribute reads and f-string fields through the run-time guards."""

    def __init__(self) -> None:
        self._temps = 0

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        helper = _BINARY_HELPERS.get(type(node.op))
        return node if helper is None else ast.copy_location(_call(helper, node.left, node.right), node)

    def visit_While(self, node: ast.While) -> ast.While:
        self.generic_visit(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_call("_sb_attr", node.value, ast.Constant(node.attr)), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.FormattedValue:
        self.generic_visit(node)
        spec: ast.expr = node.format_spec or ast.Constant("")
        field = _call("_sb_fmt", node.value, ast.Constant(node.conversion), spec)
        return ast.copy_location(ast.FormattedValue(value=field, conversion=-1, format_spec=None), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        self.generic_visit(node)
        helper = _INPLACE_HELPERS.get(type(node.op))
        if helper is None:
            return node
        target = node.target
        if isinstance(target, ast.Name):
            update = _call(helper, ast.Name(id=target.id, ctx=ast.Load()), node.value)
            return ast.copy_location(ast.Assign(targets=[target], value=update), node)
        if not isinstance(target, ast.Subscript):
            return node  # attribute targets never pass the check
        # d[k] += v evaluates d and k once, like Python does: keep them in temporaries.
        holder, statements, load = self._temp(), [], ast.Load()
        statements.append(ast.Assign(targets=[ast.Name(id=holder, ctx=ast.Store())], value=target.value))
        index = target.slice
        if not isinstance(index, ast.Slice):
            key = self._temp()
            statements.append(ast.Assign(targets=[ast.Name(id=key, ctx=ast.Store())], value=index))
            index = ast.Name(id=key, ctx=ast.Load())
        read = ast.Subscript(value=ast.Name(id=holder, ctx=ast.Load()), slice=copy.deepcopy(index), ctx=load)
        write = ast.Subscript(value=ast.Name(id=holder, ctx=load), slice=index, ctx=ast.Store())
        statements.append(ast.Assign(targets=[write], value=_call(helper, read, node.value)))
        return [ast.copy_location(statement, node) for statement in statements]

    def _temp(self) -> str:
        self._temps += 1
        return f"_sb_t{self._temps}"


@dataclass(frozen=True)
class _Program:
    """A checked, guarded and compiled script or expression."""

    code: CodeType
    reads: frozenset[str]
    stores: frozenset[str]


def _syntax_message(exc: SyntaxError) -> str:
    """'sintaxis inválida en la línea N: ...' (Python's own reason, in English, after the colon)."""
    where = f" en la línea {exc.lineno}" if exc.lineno else ""
    return f"sintaxis inválida{where}: {exc.msg}"


def _parse(source: str, mode: str) -> ast.AST:
    """Parse analyst code, tolerating the uniform indentation BPMN XML adds."""
    if len(source) > MAX_SOURCE:
        raise ExpressionRefused(f"el código tiene más de {_n(MAX_SOURCE)} caracteres")
    try:
        return ast.parse(textwrap.dedent(source), filename=_FILENAME, mode=mode)
    except SyntaxError as exc:
        raise ExpressionRefused(_syntax_message(exc)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionRefused("el código está demasiado anidado o contiene caracteres inválidos") from None


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> _Program:
    """Check, guard and compile once per source text: later calls cost a cache lookup."""
    tree = _parse(source, mode)
    try:
        _check_tree(tree)
        if isinstance(tree, ast.Expression):
            reads = _expr_reads(tree.body, frozenset())
        else:
            reads = _block_reads(getattr(tree, "body", []), set())
        stores = frozenset(
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        )
        code = compile(ast.fix_missing_locations(_Guard().visit(tree)), _FILENAME, mode, dont_inherit=True)
    except SyntaxError as exc:
        raise ExpressionRefused(_syntax_message(exc)) from None
    except (RecursionError, MemoryError):
        raise ExpressionRefused("el código está demasiado anidado") from None
    return _Program(code=code, reads=frozenset(reads - DEFAULT_FUNCTIONS.keys()), stores=stores)


# --- Running under the watchdog -------------------------------------------------------------------

_ERROR_REASONS: Mapping[str, str] = {
    "ZeroDivisionError": "división por cero",
    "KeyError": "no existe la clave",
    "IndexError": "índice fuera de rango",
    "TypeError": "tipo de dato incorrecto",
    "ValueError": "valor inválido",
    "AttributeError": "atributo inexistente",
    "OverflowError": "número demasiado grande",
    "MemoryError": "memoria insuficiente",
    "RecursionError": "anidamiento excesivo",
}


def _script_line(exc: BaseException) -> int | str:
    """The innermost line of the analyst's code in the traceback."""
    line: int | str = "?"
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _FILENAME and tb.tb_lineno is not None:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: Exception) -> str:
    """A Spanish message with line and exception type for a failure inside analyst code."""
    line = _script_line(exc)
    if isinstance(exc, _Refused):
        return f"línea {line}: {exc}"
    if isinstance(exc, NameError) and exc.name:
        return f"línea {line}: la variable '{exc.name}' no está definida (NameError)"
    kind = type(exc).__name__
    return f"línea {line}: {_ERROR_REASONS.get(kind, 'error al ejecutar')} ({kind}: {str(exc)[:200]})"


def _run(program: _Program, namespace: dict[str, Any], time_limit: float) -> Any:
    """Run compiled code under a sys.settrace watchdog; every failure becomes ScriptFailed."""
    if time_limit <= 0:
        raise ValueError("time_limit debe ser positivo")
    deadline = time.monotonic() + time_limit

    def watchdog(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != _FILENAME:
            return None  # guards and helpers run untraced; the script's next line checks the time
        if time.monotonic() > deadline:
            seconds = f"{time_limit:g}".replace(".", ",")
            raise ScriptFailed(f"el script superó el tiempo máximo de {seconds} s")
        return watchdog

    previous = sys.gettrace()
    sys.settrace(watchdog)
    try:
        return eval(program.code, namespace)  # noqa: S307 - allow-listed, guarded, empty __builtins__
    except ScriptFailed:
        raise
    except Exception as exc:
        raise ScriptFailed(_describe(exc)) from exc
    finally:
        sys.settrace(previous)


def _namespace(names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> dict[str, Any]:
    """Task data plus allowed functions and guards, with no builtins; data may not shadow a function."""
    clashes = sorted(key for key in names if key in functions)
    if clashes:
        raise ScriptFailed(
            f"la variable '{clashes[0]}' tiene el nombre de una función permitida; cambie el nombre del dato"
        )
    namespace = dict(names)
    namespace.update(functions)
    namespace.update(_HELPERS)
    namespace["__builtins__"] = {}
    return namespace


# --- Public API ------------------------------------------------------------------------------------


def check_expression(source: str) -> None:
    """Raise ExpressionRefused unless `source` is an expression the sandbox allows."""
    _compile(source, "eval")


def check_script(source: str) -> None:
    """Raise ExpressionRefused unless `source` is a script the sandbox allows."""
    _compile(source, "exec")


def names_used(source: str, mode: str) -> set[str]:
    """Variables an expression ('eval') or script ('exec') reads before assigning; functions excluded."""
    if mode not in ("eval", "exec"):
        raise ValueError("mode debe ser 'eval' o 'exec'")
    return set(_compile(source, mode).reads)


def evaluate(
    source: str,
    names: Mapping[str, Any],
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    time_limit: float = 1.0,
) -> Any:
    """Value of a checked expression over task data; raises ExpressionRefused or ScriptFailed."""
    program = _compile(source, "eval")
    return _run(program, _namespace(names, DEFAULT_FUNCTIONS if functions is None else functions), time_limit)


def execute(
    source: str,
    names: MutableMapping[str, Any],
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    time_limit: float = 1.0,
) -> None:
    """Run a checked script over task data; on success `names` holds the script's variables."""
    program = _compile(source, "exec")
    allowed = DEFAULT_FUNCTIONS if functions is None else functions
    taken = sorted(program.stores & allowed.keys())
    if taken:
        raise ScriptFailed(f"el script asigna '{taken[0]}', que es el nombre de una función permitida")
    namespace = _namespace(names, allowed)
    _run(program, namespace, time_limit)
    internal = allowed.keys() | _HELPERS.keys()
    result = {k: v for k, v in namespace.items() if not k.startswith("_") and k not in internal}
    for gone in [k for k in names if not k.startswith("_") and k not in result]:
        del names[gone]
    names.update(result)
