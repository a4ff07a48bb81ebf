"""Form checks: the problems of a form document found at load (publish) time, each naming its element."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.errors import ContentProblem
from engine.form_prefill import names_problem
from engine.form_validator import FORMATS, OPTION_SOURCES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
WIDGETS = frozenset(
    {"text", "textarea", "select", "radio", "checkbox", "checkboxes", "date", "number", "hidden", "file"}
)
# An attachment field holds the ids of the files stored on the case (engine/services/attachments.py).
FILE_WIDGET = "file"
# Sources that live in the database (platforms, providers, the agency registry): the renderer lists them,
# the service checks them.
DATABASE_SOURCES = frozenset({"platforms", "providers", "agencies"})
# Sources from the version's published lists (lists/clasificacion.json): the renderer lists them from the
# catalog, ``forms.validate`` checks them (a motivo must belong to the mercado chosen beside it).
LIST_SOURCES = frozenset({"markets", "motives", "categories"})


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


def deref(root: Mapping[str, Any], schema: Any, depth: int = 0) -> Mapping[str, Any]:
    """The schema with a local ``$ref`` merged in (sibling keywords win); booleans become ``{}``."""
    if not isinstance(schema, Mapping):
        return {}
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#") or depth > 20:
        return schema
    target = deref(root, _target(root, ref), depth + 1)
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


# --- checking a form document (publish time: every problem names file and element) ---

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
    if source is not None and source not in {*OPTION_SOURCES, *DATABASE_SOURCES, *LIST_SOURCES}:
        known = ", ".join(sorted({*OPTION_SOURCES, *DATABASE_SOURCES, *LIST_SOURCES}))
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


def _check_file(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    if schema.get("x-widget") != FILE_WIDGET:
        return
    items = deref(root, schema.get("items"))
    if schema.get("type") != "array" or items.get("type") != "integer" or "enum" in items:
        yield (
            '"x-widget": "file" requiere "type": "array" con "items": {"type": "integer"} '
            "(los números de los archivos adjuntos)"
        )


def _check_knowledge(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    flag = schema.get("x-knowledge-base")
    if flag is None:
        return
    if not isinstance(flag, bool) or (flag and (schema.get("type") != "string" or "enum" in schema)):
        yield (
            '"x-knowledge-base" debe ser true o false, y solo en un campo de texto libre '
            "(recibe la respuesta)"
        )


def _check_prefill(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    source = schema.get("x-prefill")
    if source is None:
        return
    if not isinstance(source, str) or not source.strip():
        yield '"x-prefill" debe ser una expresión (texto), p. ej. "proveedor[\'correo\']"'
        return
    problem = names_problem(source)
    if problem:
        yield problem


_CHECKS: tuple[SchemaCheck, ...] = (
    _check_refs,
    _check_format,
    _check_choices,
    _check_hints,
    _check_knowledge,
    _check_file,
    _check_prefill,
)


def _check_root(schema: Mapping[str, Any]) -> Iterator[str]:
    if schema.get("type") != "object":
        yield 'un formulario debe declarar "type": "object" en la raíz'
    declared = schema.get("$schema")
    if declared is not None and str(declared).rstrip("#") != DRAFT:
        yield f'use "$schema": "{DRAFT}" (JSON Schema 2020-12)'


def schema_problems(schema: Mapping[str, Any], file: str) -> list[ContentProblem]:
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
