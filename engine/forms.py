"""Forms: JSON Schema 2020-12 documents with ``x-`` UI hints, checked at load and enforced on submit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import classification, inputs, rut
from engine.classification import Classification
from engine.errors import ContentProblem, FieldError, FormInvalid, InvalidContent
from engine.form_checks import (
    DATABASE_SOURCES,
    DRAFT,
    FILE_WIDGET,
    LIST_SOURCES,
    WIDGETS,
    deref,
    schema_problems,
)
from engine.form_errors import NOT_ALLOWED, enum_labels, field_errors
from engine.form_validator import (
    FORMAT_CHECKER,
    FORMATS,
    OPTION_SOURCES,
    REQUIRED,
    UNEXPECTED,
    FormValidator,
)

__all__ = [
    "DATABASE_SOURCES",
    "DRAFT",
    "FILE_WIDGET",
    "FORMATS",
    "FORMAT_CHECKER",
    "LIST_SOURCES",
    "NOT_ALLOWED",
    "OPTION_SOURCES",
    "REQUIRED",
    "UNEXPECTED",
    "UNKNOWN_ATTACHMENT",
    "WIDGETS",
    "Form",
    "FormField",
    "FormValidator",
    "check_form_file",
    "file_ids",
    "load_form",
    "load_forms",
    "parse_document",
    "validate",
    "with_file_ids",
]


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
    prefill: str | None = None  # ``x-prefill``: an expression suggesting the field's value (form_prefill.py)


def _main_type(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        return next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


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
    schema = deref(root, raw)
    kind = _main_type(schema)
    holder = schema.get("items") if kind == "array" and isinstance(schema.get("items"), Mapping) else schema
    enum = tuple(deref(root, holder).get("enum") or ())
    return FormField(
        path=f"{prefix}{name}",
        name=name,
        title=str(schema.get("title") or name),
        required=required,
        type=kind,
        enum=enum,
        enum_labels=enum_labels(deref(root, holder), enum),
        format=schema.get("format"),
        help=schema.get("x-help"),
        widget=schema.get("x-widget"),
        options_source=schema.get("x-options-source"),
        children=_fields_of(root, schema, f"{prefix}{name}.") if kind == "object" else (),
        prefill=schema.get("x-prefill") if isinstance(schema.get("x-prefill"), str) else None,
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
        fields = _fields_of(self.schema, deref(self.schema, self.schema), "")
        object.__setattr__(self, "_validator", FormValidator(self.schema, format_checker=FORMAT_CHECKER))
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_order", {f.path: i for i, f in enumerate(_flatten(fields))})

    def fields(self) -> tuple[FormField, ...]:
        """Top-level fields in display order (``x-order`` first, then declaration order), nested inside."""
        return self._fields

    def prefill_fields(self) -> tuple[FormField, ...]:
        """The fields whose value an ``x-prefill`` expression suggests, nested ones included."""
        return tuple(item for item in _flatten(self._fields) if item.prefill)

    def knowledge_field(self) -> str | None:
        """The top-level text field that takes knowledge-base answers (``"x-knowledge-base": true``)."""
        props = deref(self.schema, self.schema).get("properties") or {}
        return next(
            (n for n, p in props.items() if isinstance(p, Mapping) and p.get("x-knowledge-base") is True),
            None,
        )

    def title_of(self, path: str) -> str:
        """A field's title as people read it (``RUT (Consumidor/a)``); the path itself for an unknown one."""
        found = {item.path: item for item in _flatten(self._fields)}
        if path not in found:
            return path
        parent = found.get(path.rpartition(".")[0])
        return f"{found[path].title} ({parent.title})" if parent else found[path].title

    def classified_fields(self) -> tuple[FormField, ...]:
        """The fields fed from the published classification (mercado, motivo, categoría), nested included."""
        return tuple(item for item in _flatten(self._fields) if item.options_source in LIST_SOURCES)

    def file_fields(self) -> tuple[FormField, ...]:
        """The attachment fields (``"x-widget": "file"``), nested ones included, in display order."""
        return tuple(item for item in _flatten(self._fields) if item.widget == FILE_WIDGET)


# --- attachment ids in a submission (a file field holds the ids of files stored on the case) ---

UNKNOWN_ATTACHMENT = "Adjunto desconocido."


def _at(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for name in path.split("."):
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def file_ids(form: Form, data: Mapping[str, Any]) -> dict[str, list[int]]:
    """The attachment ids a submission names, by field path (fields without ids left out)."""
    found: dict[str, list[int]] = {}
    for item in form.file_fields():
        value = _at(data, item.path)
        ids = (
            [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
            if isinstance(value, list)
            else []
        )
        if ids:
            found[item.path] = ids
    return found


def with_file_ids(data: Mapping[str, Any], path: str, ids: list[int]) -> dict[str, Any]:
    """A copy of the data with ``ids`` at the dotted ``path`` (parent groups created when missing)."""
    head, _, rest = path.partition(".")
    if not rest:
        return {**data, head: list(ids)}
    inner = data.get(head)
    return {**data, head: with_file_ids(inner if isinstance(inner, Mapping) else {}, rest, ids)}


# --- validating a submission ---


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
    schema = deref(root, raw)
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


def _classification_errors(form: Form, data: Mapping[str, Any], found: Classification) -> list[FieldError]:
    """Mercado, motivo and categoría fields checked against the published classification: each code must
    exist, a motivo must belong to the mercado beside it, a categoría to the motivo beside it."""
    values = {item.path: (item.options_source, _at(data, item.path)) for item in form.classified_fields()}
    chosen = {(path.rpartition(".")[0], source): value for path, (source, value) in values.items()}
    errors = []
    for path, (source, value) in values.items():
        if isinstance(value, str):
            near = {kind: chosen.get((path.rpartition(".")[0], kind)) for kind in LIST_SOURCES}
            message = classification.value_problem(found, str(source), value, near)
            if message:
                errors.append(FieldError(path, message))
    return errors


def validate(form: Form, data: Mapping[str, Any], classified: Classification | None = None) -> dict[str, Any]:
    """The cleaned data (stripped, blanks dropped, RUTs canonical); raises FormInvalid naming every field.
    ``classified``: the version's classification, which the mercado/motivo/categoría fields must follow."""
    if not isinstance(data, Mapping):
        raise FormInvalid([FieldError("", "Debe ser un grupo de campos.")])
    cleaned: dict[str, Any] = _clean(data)
    problems = field_errors(form.schema, form._order, form._validator.iter_errors(cleaned))
    if classified is not None:
        failed = {p.field for p in problems}
        problems += [p for p in _classification_errors(form, cleaned, classified) if p.field not in failed]
    if problems:
        named = ", ".join(dict.fromkeys(form.title_of(p.field) for p in problems if p.field))
        raise FormInvalid(problems, f"Revise los campos: {named}" if named else "")
    result: dict[str, Any] = _normalize_ruts(form.schema, form.schema, cleaned)
    return result


# --- loading a form file (publish time: every problem names file and element) ---


def _parse(text: str, file: str, what: str = "el formulario") -> dict[str, Any]:
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
    except RecursionError:  # beyond the parser's own limit
        raise InvalidContent([ContentProblem(file, "#", inputs.too_deep())]) from None
    if found := inputs.problem(document):  # too deep to validate or render, or text we cannot store
        raise InvalidContent([ContentProblem(file, "#", found)])
    if not isinstance(document, dict):
        raise InvalidContent([ContentProblem(file, "#", f"{what} debe ser un objeto JSON ({{...}})")])
    if duplicates:
        raise InvalidContent([ContentProblem(file, key, f'clave repetida: "{key}"') for key in duplicates])
    return document


def parse_document(text: str, file: str, what: str = "el formulario") -> dict[str, Any]:
    """The form (or list) file's JSON object; InvalidContent for broken JSON, a non-object, a repeated key."""
    return _parse(text, file, what)


def load_form(form_id: str, text: str, file: str) -> Form:
    """Parse and check one form document; raises InvalidContent naming file and element of each problem."""
    schema = _parse(text, file)
    problems = schema_problems(schema, file)
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
