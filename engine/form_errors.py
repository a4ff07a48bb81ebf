"""Form errors: jsonschema validation errors translated into one Spanish message per field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from engine import rut
from engine.errors import FieldError
from engine.form_validator import OWN_MESSAGES, SOURCE_MESSAGES

NOT_ALLOWED = "Valor no permitido."
_FORMAT_MESSAGES = {
    "comuna": "Comuna desconocida.",
    "region": "Región desconocida.",
    "agency": "Institución desconocida.",
    "phone-cl": "Teléfono inválido: use 9 dígitos, p. ej. +56 9 1234 5678.",
    "email": "Correo electrónico inválido.",
    "date": "Fecha inválida.",
}


def enum_labels(schema: Mapping[str, Any], values: Iterable[Any]) -> tuple[str, ...]:
    """Display labels for enum values: ``x-enum-labels`` (list in enum order, or map), else the values."""
    values = list(values)
    labels = schema.get("x-enum-labels")
    if isinstance(labels, list) and len(labels) == len(values):
        return tuple(str(label) for label in labels)
    if isinstance(labels, Mapping):
        return tuple(str(labels.get(str(v), v)) for v in values)
    return tuple(str(v) for v in values)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _chars(count: int) -> str:
    return f"{count} carácter" if count == 1 else f"{count} caracteres"


_TYPE_NOUNS = {
    "string": "un texto",
    "number": "un número",
    "integer": "un número entero",
    "boolean": "sí o no",
    "object": "un grupo de campos",
    "array": "una lista",
    "null": "nulo",
}


def _type_message(expected: str | list[str]) -> str:
    kinds = [expected] if isinstance(expected, str) else expected
    return "Debe ser " + " o ".join(_TYPE_NOUNS.get(kind, kind) for kind in kinds) + "."


def _items(count: int) -> str:
    return "un elemento" if count == 1 else f"{count} elementos"


_MESSAGES: dict[str, Callable[[Any, Mapping[str, Any]], str]] = {
    "type": lambda v, s: _type_message(v),
    "enum": lambda v, s: f"{NOT_ALLOWED} Opciones: {', '.join(enum_labels(s, v))}",
    "const": lambda v, s: NOT_ALLOWED,
    "not": lambda v, s: NOT_ALLOWED,
    "minLength": lambda v, s: f"Debe tener al menos {_chars(v)}.",
    "maxLength": lambda v, s: f"Debe tener como máximo {_chars(v)}.",
    "minimum": lambda v, s: f"Debe ser mayor o igual a {_number(v)}.",
    "maximum": lambda v, s: f"Debe ser menor o igual a {_number(v)}.",
    "exclusiveMinimum": lambda v, s: f"Debe ser mayor que {_number(v)}.",
    "exclusiveMaximum": lambda v, s: f"Debe ser menor que {_number(v)}.",
    "multipleOf": lambda v, s: f"Debe ser múltiplo de {_number(v)}.",
    "minItems": lambda v, s: f"Debe tener al menos {_items(v)}.",
    "maxItems": lambda v, s: f"Debe tener como máximo {_items(v)}.",
    "uniqueItems": lambda v, s: "Hay valores repetidos.",
    "pattern": lambda v, s: "Formato inválido.",
    "format": lambda v, s: _FORMAT_MESSAGES.get(v, "Formato inválido."),
    "x-options-source": lambda v, s: SOURCE_MESSAGES.get(v, NOT_ALLOWED),
}


def _message(error: ValidationError) -> str:
    """The Spanish message for one jsonschema error: the subschema's ``x-error`` wins, then our wording."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    custom = schema.get("x-error")
    if error.validator in OWN_MESSAGES:
        return str(error.message)
    if isinstance(custom, str):
        return custom
    if error.validator == "format" and error.validator_value == "rut":
        try:
            rut.normalize(error.instance)
        except ValueError as exc:
            return f"{exc}."
    render = _MESSAGES.get(str(error.validator))
    return render(error.validator_value, schema) if render else NOT_ALLOWED


def _leaf(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf without their own ``x-error``, the most relevant inner error."""
    custom = error.schema.get("x-error") if isinstance(error.schema, Mapping) else None
    if error.validator in ("anyOf", "oneOf") and error.context and custom is None:
        return _leaf(best_match(error.context))
    return error


def _override(root: Mapping[str, Any], path: str, keyword: str) -> str | None:
    """A message from the root ``x-error`` map: ``{"a.b": "msg"}`` or ``{"a.b": {"required": "msg"}}``."""
    overrides = root.get("x-error")
    entry = overrides.get(path) if isinstance(overrides, Mapping) else None
    if isinstance(entry, Mapping):
        entry = entry.get(keyword)
    return entry if isinstance(entry, str) else None


# The most basic problem of a field is the one shown: missing or unexpected, then wrong type, then the rest.
_RANK = dict.fromkeys(OWN_MESSAGES, 0) | {"type": 1}


def field_errors(
    root: Mapping[str, Any], order: Mapping[str, int], errors: Iterable[ValidationError]
) -> list[FieldError]:
    """One error per field (the most basic problem first), in display ``order`` (field path → position)."""
    chosen: dict[str, tuple[int, int, str]] = {}
    for seen, raw in enumerate(errors):
        error = _leaf(raw)
        path = ".".join(str(part) for part in error.absolute_path)
        rank = _RANK.get(str(error.validator), 2)
        if path not in chosen or (rank, seen) < chosen[path][:2]:
            chosen[path] = (rank, seen, _override(root, path, str(error.validator)) or _message(error))
    ordered = sorted(chosen, key=lambda p: (order.get(p, len(order)), chosen[p][1]))
    return [FieldError(path, chosen[path][2]) for path in ordered]
