"""Run-time size guards for *, **, <<, +, %, str.replace/join, list.extend and text formatting."""

from __future__ import annotations

import ast
import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sized
from types import MappingProxyType
from typing import Any

MAX_INT_BITS = 10_000  # **, * and << on integers
MAX_ITEMS = 10_000  # sequence repetition and range(): keeps nested work (count, in, ==) within seconds
MAX_LENGTH = 1_000_000  # concatenation, join, replace, str() and f-strings
MAX_FORMAT_NUMBER = 1_000  # width or precision inside a format spec
_SEQUENCES = (str, bytes, list, tuple)
_SCALARS: frozenset[type] = frozenset({int, float, bool, type(None)})

ALLOWED_ATTRIBUTES: frozenset[str] = frozenset(
    "get keys values items update setdefault copy append extend insert pop remove sort reverse count index "
    "upper lower strip lstrip rstrip split join startswith endswith replace title capitalize isdigit "
    "isalpha isalnum year month day hour minute second weekday isoweekday isoformat days date".split()
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


_BY_SYMBOL: Mapping[str, Callable[[Any, Any], None]] = MappingProxyType(
    {"*": _guard_mul, "**": _guard_pow, "+": _guard_add}
)
GUARDED_SYMBOLS = frozenset(_BY_SYMBOL)


def check_binary(symbol: str, left: Any, right: Any) -> None:
    """Refuse (ValueError, a Spanish message) ``left <symbol> right`` when it would build a value beyond the
    sandbox's sizes; for other evaluators of analyst code (letter templates: ``9 ** 10**7``)."""
    guard = _BY_SYMBOL.get(symbol)
    if guard is not None:
        guard(left, right)


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
