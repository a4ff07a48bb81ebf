"""What a case's process data may hold: only values its state document stores and reloads identically.

The state is SpiffWorkflow's JSON serialization. A value outside plain JSON (and the date-times, durations
and UUIDs SpiffWorkflow's registry converts) either fails the step with a Python error, or worse, is
stored and cannot be loaded again: a dict with a ``typename`` key is taken for a serialized object on
reload, so every later step of the case would fail for good. ``problem`` names the first such value, in
Spanish, so the step is refused (nothing written) and the case stays workable (ADR 0013)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from .inputs import MAX_DEPTH

MAX_INT_DIGITS = 4_300  # Python's own limit for turning an int into text (sys.get_int_max_str_digits)
_TOO_BIG = 10**MAX_INT_DIGITS  # the smallest number of 4,301 digits
_TOO_BIG_BITS = _TOO_BIG.bit_length()
MAX_VALUES = 1_000_000  # values walked per step: shared references (a list of itself 30 times) stay bounded
RESERVED_KEY = "typename"  # SpiffWorkflow's serializer marks its own objects with this key
_SCALARS = (str, bool, float, type(None), datetime, timedelta, UUID)


def problem(values: Iterable[tuple[str, Any]]) -> str | None:
    """The first value among ``values`` (name, value) that the state cannot store and reload identically,
    described in Spanish with its path; None when all can. Iterative: depth is what it measures."""
    pending: list[tuple[Any, str, int]] = [(value, name, 1) for name, value in values]
    budget = MAX_VALUES
    while pending:
        item, path, depth = pending.pop()
        budget -= 1
        if budget < 0:
            return f"los datos del caso superan {MAX_VALUES:,} valores".replace(",", ".")
        if depth > MAX_DEPTH:
            return f"«{path[:120]}» anida más de {MAX_DEPTH} niveles (¿una lista que se contiene a sí misma?)"
        if (found := _scalar_problem(item, path)) is not None:
            if found:
                return found
            continue
        if isinstance(item, Mapping):
            if (found := _mapping_problem(item, path)) is not None:
                return found
            pending.extend((sub, f"{path}.{key}", depth + 1) for key, sub in item.items())
        elif isinstance(item, list | tuple):
            pending.extend((sub, f"{path}[{i}]", depth + 1) for i, sub in enumerate(item))
        else:
            return f"«{path[:120]}» es de un tipo que no se puede guardar ({type(item).__name__})"
    return None


def _scalar_problem(item: Any, path: str) -> str | None:
    """'' for a storable scalar, a message for a refused one, None for a container (or an unknown type)."""
    if isinstance(item, int) and not isinstance(item, bool):
        if item.bit_length() >= _TOO_BIG_BITS and abs(item) >= _TOO_BIG:
            return f"«{path[:120]}» es un número de más de {MAX_INT_DIGITS:,} dígitos".replace(",", ".")
        return ""
    if isinstance(item, _SCALARS):
        return ""
    if isinstance(item, date):  # a date alone (not a date-time): SpiffWorkflow's registry has no converter
        return f"«{path[:120]}» es una fecha (date): guarde su texto, p. ej. iso(...)"
    return None


def _mapping_problem(item: Mapping[Any, Any], path: str) -> str | None:
    if not isinstance(item, dict):
        return f"«{path[:120]}» es de un tipo que no se puede guardar ({type(item).__name__})"
    if RESERVED_KEY in item:
        return f"«{path[:120]}» usa la clave reservada «{RESERVED_KEY}»; use otro nombre"
    for key in item:
        if not isinstance(key, str):
            return f"«{path[:120]}» tiene una clave que no es texto ({key!r:.40})"
    return None
