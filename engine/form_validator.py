"""Form validator: the formats a form may name and the keywords whose errors are reported per field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema._utils import find_evaluated_property_keys_by_schema
from jsonschema.exceptions import ValidationError

from engine import patterns, refdata, rut

REQUIRED = "Este campo es obligatorio."
UNEXPECTED = "Campo no permitido."
# Agencies are not here: the registry lives in the database (engine/services/derivations.agency_fields).
OPTION_SOURCES: Mapping[str, Callable[[], Mapping[str, Any]]] = MappingProxyType(
    {"comunas": refdata.comunas, "regions": refdata.regions}
)
SOURCE_MESSAGES = {
    "comunas": "Comuna desconocida.",
    "regions": "Región desconocida.",
}
_PHONE = re.compile(r"(?:\+56)?[2-9]\d{8}", re.ASCII)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# --- formats: every format a form may name is checked here, so "format" is an assertion, never a hint ---


def _is_phone(value: str) -> bool:
    return _PHONE.fullmatch(value.replace(" ", "")) is not None


def _is_email(value: str) -> bool:
    return len(value) <= 254 and _EMAIL.fullmatch(value) is not None


def _is_iso_date(value: str) -> bool:
    if _ISO_DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_STRING_FORMATS: dict[str, Callable[[str], bool]] = {
    "rut": rut.is_valid,
    "comuna": lambda value: value in refdata.comunas(),
    "region": lambda value: value in refdata.regions(),
    "agency": lambda value: value in refdata.agencies(),
    "phone-cl": _is_phone,
    "email": _is_email,
    "date": _is_iso_date,
}
FORMATS = frozenset(_STRING_FORMATS)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in _STRING_FORMATS.items():
        # Non-strings pass: the "type" keyword reports them with a clearer message.
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker


FORMAT_CHECKER = _format_checker()


# --- keywords whose errors we report per field (jsonschema reports them once, on the parent object) ---

_BASE = Draft202012Validator.VALIDATORS
Errors = Iterator[ValidationError]


def _required(validator: Any, required: list[str], instance: Any, schema: Mapping[str, Any]) -> Errors:
    if validator.is_type(instance, "object"):
        for name in required:
            if name not in instance:
                yield ValidationError(REQUIRED, path=[name])


def _dependent_required(validator: Any, value: Mapping[str, Any], instance: Any, schema: Any) -> Errors:
    if validator.is_type(instance, "object"):
        for trigger, names in value.items():
            if trigger in instance:
                yield from _required(validator, names, instance, schema)


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]) -> Errors:
    if not validator.is_type(instance, "object"):
        return
    names = list(schema.get("patternProperties", {}))
    for name in instance:
        if name in schema.get("properties", {}) or any(patterns.search(p, name) for p in names):
            continue
        if allowed is False:
            yield ValidationError(UNEXPECTED, path=[name])
        else:  # a schema every other property must satisfy (patterns matched by RE2, not re)
            yield from validator.descend(instance[name], allowed, path=name)


def _unevaluated_properties(validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]) -> Errors:
    if allowed is not False or not validator.is_type(instance, "object"):
        yield from _BASE["unevaluatedProperties"](validator, allowed, instance, schema)
        return
    evaluated = find_evaluated_property_keys_by_schema(validator, instance, schema)
    for name in instance:
        if name not in evaluated:
            yield ValidationError(UNEXPECTED, path=[name])


def _options_source(validator: Any, source: Any, instance: Any, schema: Mapping[str, Any]) -> Errors:
    # A select fed from reference data accepts only its codes, even when the analyst forgot "format".
    if isinstance(instance, str) and source in OPTION_SOURCES and instance not in OPTION_SOURCES[source]():
        yield ValidationError(SOURCE_MESSAGES[source])


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Errors:
    # RE2, not Python's re: linear time whatever the pattern (engine/patterns.py)
    if validator.is_type(instance, "string") and not patterns.search(pattern, instance):
        yield ValidationError(f"{instance!r:.80} no cumple el patrón {pattern!r:.80}")


def _pattern_properties(validator: Any, value: Mapping[str, Any], instance: Any, schema: Any) -> Errors:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in value.items():
        for name, sub in instance.items():
            if patterns.search(pattern, name):
                yield from validator.descend(sub, subschema, path=name, schema_path=pattern)


# Keywords whose errors already carry their final Spanish message: form_errors shows them as they are.
OWN_MESSAGES = frozenset({"required", "dependentRequired", "additionalProperties", "unevaluatedProperties"})
FormValidator = validators.extend(
    Draft202012Validator,
    {
        "required": _required,
        "dependentRequired": _dependent_required,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties,
        "x-options-source": _options_source,
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
    },
)
