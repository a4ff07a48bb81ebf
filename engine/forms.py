"""Forms: JSON Schema 2020-12 documents with ``x-`` UI hints, checked at load and enforced on submit."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema._utils import find_evaluated_property_keys_by_schema
from jsonschema.exceptions import SchemaError, ValidationError, best_match

from engine import refdata, rut
from engine.errors import ContentProblem, FieldError, FormInvalid, InvalidContent

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REQUIRED = "Este campo es obligatorio."
NOT_ALLOWED = "Valor no permitido."
UNEXPECTED = "Campo no permitido."
WIDGETS = frozenset(
    {"text", "textarea", "select", "radio", "checkbox", "checkboxes", "date", "number", "hidden"}
)
OPTION_SOURCES: Mapping[str, Callable[[], Mapping[str, Any]]] = MappingProxyType(
    {"comunas": refdata.comunas, "regions": refdata.regions, "agencies": refdata.agencies}
)
# Sources that live in the database (platforms, providers): the renderer lists them, the service checks them.
DATABASE_SOURCES = frozenset({"platforms", "providers"})
_SOURCE_MESSAGES = {
    "comunas": "Comuna desconocida.",
    "regions": "Región desconocida.",
    "agencies": "Institución desconocida.",
}
_FORMAT_MESSAGES = {
    "comuna": "Comuna desconocida.",
    "region": "Región desconocida.",
    "agency": "Institución desconocida.",
    "phone-cl": "Teléfono inválido: use 9 dígitos, p. ej. +56 9 1234 5678.",
    "email": "Correo electrónico inválido.",
    "date": "Fecha inválida.",
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
    if allowed is not False or not validator.is_type(instance, "object"):
        yield from _BASE["additionalProperties"](validator, allowed, instance, schema)
        return
    patterns = list(schema.get("patternProperties", {}))
    for name in instance:
        if name not in schema.get("properties", {}) and not any(re.search(p, name) for p in patterns):
            yield ValidationError(UNEXPECTED, path=[name])


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
        yield ValidationError(_SOURCE_MESSAGES[source])


_OWN_MESSAGES = frozenset({"required", "dependentRequired", "additionalProperties", "unevaluatedProperties"})
FormValidator = validators.extend(
    Draft202012Validator,
    {
        "required": _required,
        "dependentRequired": _dependent_required,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties,
        "x-options-source": _options_source,
    },
)


# --- walking a schema ---

_SCHEMA_KEYS = (
    "additionalProperties",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SCHEMA_MAP_KEYS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _walk(schema: Any, pointer: str = "#") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (sub)schema of a document with its JSON pointer, the document itself first."""
    if not isinstance(schema, Mapping):
        return
    yield pointer, schema
    for key in _SCHEMA_KEYS:
        if key in schema:
            yield from _walk(schema[key], f"{pointer}/{key}")
    for key in _SCHEMA_MAP_KEYS:
        for name, sub in (schema.get(key) or {}).items():
            yield from _walk(sub, f"{pointer}/{key}/{name.replace('~', '~0').replace('/', '~1')}")
    for key in _SCHEMA_LIST_KEYS:
        for index, sub in enumerate(schema.get(key) or ()):
            yield from _walk(sub, f"{pointer}/{key}/{index}")


def _target(root: Mapping[str, Any], ref: str) -> Any:
    """What a local ``#...`` reference points to (JSON pointer or ``$anchor``), or None."""
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        return next((sub for _, sub in _walk(root) if sub.get("$anchor") == fragment), None)
    node: Any = root
    for token in fragment.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _deref(root: Mapping[str, Any], schema: Any, depth: int = 0) -> Mapping[str, Any]:
    """The schema with a local ``$ref`` merged in (sibling keywords win); booleans become ``{}``."""
    if not isinstance(schema, Mapping):
        return {}
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#") or depth > 20:
        return schema
    target = _deref(root, _target(root, ref), depth + 1)
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


# --- the form and its fields ---


@dataclass(frozen=True)
class FormField:
    """One field as the HTML renderer shows it; ``children`` holds a nested object's fields."""

    path: str
    name: str
    title: str
    required: bool
    type: str | None
    enum: tuple[Any, ...] = ()
    enum_labels: tuple[str, ...] = ()
    format: str | None = None
    help: str | None = None
    widget: str | None = None
    options_source: str | None = None
    children: tuple[FormField, ...] = ()


def _main_type(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        return next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _labels(schema: Mapping[str, Any], values: Iterable[Any]) -> tuple[str, ...]:
    """Display labels for enum values: ``x-enum-labels`` (list in enum order, or map), else the values."""
    values = list(values)
    labels = schema.get("x-enum-labels")
    if isinstance(labels, list) and len(labels) == len(values):
        return tuple(str(label) for label in labels)
    if isinstance(labels, Mapping):
        return tuple(str(labels.get(str(v), v)) for v in values)
    return tuple(str(v) for v in values)


def _display_order(schema: Mapping[str, Any]) -> list[str]:
    names = list(schema.get("properties") or {})
    first = [n for n in schema.get("x-order") or () if n in names]
    return first + [n for n in names if n not in first]


def _fields_of(root: Mapping[str, Any], schema: Mapping[str, Any], prefix: str) -> tuple[FormField, ...]:
    props = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    if prefix.count(".") > 10:  # a recursive schema is not a form: stop instead of looping
        return ()
    return tuple(_field(root, name, props[name], prefix, name in required) for name in _display_order(schema))


def _field(root: Mapping[str, Any], name: str, raw: Any, prefix: str, required: bool) -> FormField:
    schema = _deref(root, raw)
    kind = _main_type(schema)
    holder = schema.get("items") if kind == "array" and isinstance(schema.get("items"), Mapping) else schema
    enum = tuple(_deref(root, holder).get("enum") or ())
    return FormField(
        path=f"{prefix}{name}",
        name=name,
        title=str(schema.get("title") or name),
        required=required,
        type=kind,
        enum=enum,
        enum_labels=_labels(_deref(root, holder), enum),
        format=schema.get("format"),
        help=schema.get("x-help"),
        widget=schema.get("x-widget"),
        options_source=schema.get("x-options-source"),
        children=_fields_of(root, schema, f"{prefix}{name}.") if kind == "object" else (),
    )


def _flatten(fields: Iterable[FormField]) -> Iterator[FormField]:
    for item in fields:
        yield item
        yield from _flatten(item.children)


@dataclass(frozen=True)
class Form:
    """One loaded form; its validator is compiled once, here, and reused for every submission."""

    id: str
    schema: Mapping[str, Any]
    title: str
    _validator: Any = field(init=False, repr=False, compare=False)
    _fields: tuple[FormField, ...] = field(init=False, repr=False, compare=False)
    _order: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields = _fields_of(self.schema, _deref(self.schema, self.schema), "")
        object.__setattr__(self, "_validator", FormValidator(self.schema, format_checker=FORMAT_CHECKER))
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_order", {f.path: i for i, f in enumerate(_flatten(fields))})

    def fields(self) -> tuple[FormField, ...]:
        """Top-level fields in display order (``x-order`` first, then declaration order), nested inside."""
        return self._fields


# --- validating a submission ---


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
    "enum": lambda v, s: f"{NOT_ALLOWED} Opciones: {', '.join(_labels(s, v))}",
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
    "x-options-source": lambda v, s: _SOURCE_MESSAGES.get(v, NOT_ALLOWED),
}


def _message(error: ValidationError) -> str:
    """The Spanish message for one jsonschema error: the subschema's ``x-error`` wins, then our wording."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    custom = schema.get("x-error")
    if error.validator in _OWN_MESSAGES:
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


def _override(form: Form, path: str, keyword: str) -> str | None:
    """A message from the root ``x-error`` map: ``{"a.b": "msg"}`` or ``{"a.b": {"required": "msg"}}``."""
    overrides = form.schema.get("x-error")
    entry = overrides.get(path) if isinstance(overrides, Mapping) else None
    if isinstance(entry, Mapping):
        entry = entry.get(keyword)
    return entry if isinstance(entry, str) else None


# The most basic problem of a field is the one shown: missing or unexpected, then wrong type, then the rest.
_RANK = dict.fromkeys(_OWN_MESSAGES, 0) | {"type": 1}


def _field_errors(form: Form, errors: Iterable[ValidationError]) -> list[FieldError]:
    """One error per field (the most basic problem first), in the form's display order."""
    chosen: dict[str, tuple[int, int, str]] = {}
    for seen, raw in enumerate(errors):
        error = _leaf(raw)
        path = ".".join(str(part) for part in error.absolute_path)
        rank = _RANK.get(str(error.validator), 2)
        if path not in chosen or (rank, seen) < chosen[path][:2]:
            chosen[path] = (rank, seen, _override(form, path, str(error.validator)) or _message(error))
    ordered = sorted(chosen, key=lambda p: (form._order.get(p, len(form._order)), chosen[p][1]))
    return [FieldError(path, chosen[path][2]) for path in ordered]


def _clean(value: Any) -> Any:
    """Strings stripped; blank object members dropped (a blank required field then reads as missing)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item != ""}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _normalize_ruts(root: Mapping[str, Any], raw: Any, value: Any, depth: int = 0) -> Any:
    """The (valid) data with every value under ``"format": "rut"`` in canonical form ``12345678-5``."""
    schema = _deref(root, raw)
    if depth > 50:
        return value
    if schema.get("format") == "rut" and isinstance(value, str) and rut.is_valid(value):
        value = rut.normalize(value)
    if isinstance(value, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                value[name] = _normalize_ruts(root, sub, value[name], depth + 1)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        value = [_normalize_ruts(root, schema["items"], item, depth + 1) for item in value]
    branches = [*(schema.get("allOf") or ()), *(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())]
    branches += [schema[key] for key in ("then", "else") if key in schema]
    for sub in branches:
        value = _normalize_ruts(root, sub, value, depth + 1)
    return value


def validate(form: Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned data (stripped, blanks dropped, RUTs canonical); raises FormInvalid naming every field."""
    if not isinstance(data, Mapping):
        raise FormInvalid([FieldError("", "Debe ser un grupo de campos.")])
    cleaned: dict[str, Any] = _clean(data)
    problems = _field_errors(form, form._validator.iter_errors(cleaned))
    if problems:
        raise FormInvalid(problems)
    result: dict[str, Any] = _normalize_ruts(form.schema, form.schema, cleaned)
    return result


# --- loading and checking a form file (publish time: every problem names file and element) ---

SchemaCheck = Callable[[Mapping[str, Any], Mapping[str, Any]], Iterator[str]]


def _check_refs(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    for keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(keyword)
        if not isinstance(ref, str):
            continue
        if not ref.startswith("#"):
            yield f'referencia externa no permitida: "{ref}"; use solo referencias internas ("#/...")'
        elif keyword == "$ref" and _target(root, ref) is None:
            yield f'la referencia "{ref}" no existe en este formulario'


def _check_format(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    name = schema.get("format")
    if isinstance(name, str) and name not in FORMATS:
        yield f'formato desconocido: "{name}"; formatos válidos: {", ".join(sorted(FORMATS))}'
    if "$id" in schema and schema is not root:
        yield 'use "$id" solo en la raíz del formulario'


def _check_choices(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    widget, source = schema.get("x-widget"), schema.get("x-options-source")
    if widget is not None and widget not in WIDGETS:
        yield f'"x-widget" desconocido: "{widget}"; valores válidos: {", ".join(sorted(WIDGETS))}'
    if source is not None and source not in OPTION_SOURCES and source not in DATABASE_SOURCES:
        known = ", ".join(sorted({*OPTION_SOURCES, *DATABASE_SOURCES}))
        yield f'"x-options-source" desconocido: "{source}"; valores válidos: {known}'
    labels, enum = schema.get("x-enum-labels"), schema.get("enum")
    if (
        labels is not None
        and not isinstance(labels, Mapping)
        and not (isinstance(labels, list) and isinstance(enum, list) and len(labels) == len(enum))
    ):
        yield '"x-enum-labels" debe ser una lista del mismo largo que "enum", o un objeto valor → etiqueta'


def _check_hints(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    order = schema.get("x-order")
    if order is not None:
        names = schema.get("properties") or {}
        unknown = [n for n in order if n not in names] if isinstance(order, list) else None
        if unknown is None or unknown:
            listed = ", ".join(map(str, unknown or []))
            yield f'"x-order" debe ser una lista de propiedades de este objeto; desconocidas: {listed}'
    for key in ("x-help", "title"):
        if key in schema and not isinstance(schema[key], str):
            yield f'"{key}" debe ser un texto'
    custom = schema.get("x-error")
    if custom is not None and schema is not root and not isinstance(custom, str):
        yield '"x-error" debe ser un texto'
    if schema is root and custom is not None and not isinstance(custom, Mapping):
        yield '"x-error" en la raíz debe ser un objeto: ruta del campo → mensaje'


_CHECKS: tuple[SchemaCheck, ...] = (_check_refs, _check_format, _check_choices, _check_hints)


def _check_root(schema: Mapping[str, Any]) -> Iterator[str]:
    if schema.get("type") != "object":
        yield 'un formulario debe declarar "type": "object" en la raíz'
    declared = schema.get("$schema")
    if declared is not None and str(declared).rstrip("#") != DRAFT:
        yield f'use "$schema": "{DRAFT}" (JSON Schema 2020-12)'


def _schema_problems(schema: Mapping[str, Any], file: str) -> list[ContentProblem]:
    """Every problem of a parsed form document: meta-schema, root, references, formats and UI hints."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        pointer = "#" + "".join(f"/{part}" for part in exc.absolute_path)
        return [ContentProblem(file, pointer, f"esquema JSON inválido: {exc.message}")]
    problems = [ContentProblem(file, "#", message) for message in _check_root(schema)]
    for pointer, sub in _walk(schema):
        problems += [ContentProblem(file, pointer, msg) for check in _CHECKS for msg in check(sub, schema)]
    return problems


def _parse(text: str, file: str) -> dict[str, Any]:
    """The JSON object in the text; raises InvalidContent naming line and column, or a duplicated key."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        duplicates.extend(sorted({key for key in keys if keys.count(key) > 1}))
        return dict(items)

    try:
        document = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        where = f"línea {exc.lineno}, columna {exc.colno}"
        raise InvalidContent([ContentProblem(file, where, f"JSON inválido: {exc.msg}")]) from None
    if not isinstance(document, dict):
        raise InvalidContent([ContentProblem(file, "#", "el formulario debe ser un objeto JSON ({...})")])
    if duplicates:
        raise InvalidContent([ContentProblem(file, key, f'clave repetida: "{key}"') for key in duplicates])
    return document


def load_form(form_id: str, text: str, file: str) -> Form:
    """Parse and check one form document; raises InvalidContent naming file and element of each problem."""
    schema = _parse(text, file)
    problems = _schema_problems(schema, file)
    if problems:
        raise InvalidContent(problems)
    form = Form(id=form_id, schema=schema, title=str(schema.get("title") or form_id))
    try:  # a $ref cycle would otherwise blow up in front of a citizen, on the first submission
        list(form._validator.iter_errors({}))
    except RecursionError:
        raise InvalidContent([ContentProblem(file, "#", "referencias $ref circulares")]) from None
    return form


def _read(path: Path, file: str) -> tuple[Form | None, list[ContentProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [ContentProblem(file, "", "el archivo no está en UTF-8")]
    except OSError as exc:
        return None, [ContentProblem(file, "", f"no se pudo leer el archivo: {exc.strerror or exc}")]
    try:
        return load_form(path.stem, text, file), []
    except InvalidContent as exc:
        return None, exc.problems


def check_form_file(path: Path, *, file: str | None = None) -> list[ContentProblem]:
    """The problems of one form file (empty when it is fine); never raises. ``file`` labels the problems."""
    return _read(path, file or str(path))[1]


def load_forms(directory: Path) -> tuple[dict[str, Form], list[ContentProblem]]:
    """Every ``*.json`` form in the folder (not recursive) by id, and the problems of those refused."""
    if not directory.is_dir():
        return {}, [ContentProblem(directory.name, "", "no existe la carpeta de formularios")]
    forms: dict[str, Form] = {}
    problems: list[ContentProblem] = []
    for path in sorted(directory.glob("*.json")):
        form, found = _read(path, f"{directory.name}/{path.name}")
        problems += found
        if form is not None:
            forms[form.id] = form
    return forms, problems
