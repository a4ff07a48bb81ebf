"""Form renderer: a form's JSON Schema as accessible Bootstrap 5 HTML, and the posted fields back as data.

The HTML works without JavaScript: every rule (conditional ones included) is checked on the server by
``engine.forms.validate``; this module only turns posted strings into typed data (dates ``dd-mm-aaaa`` →
ISO, numbers, checkboxes) and shows the Spanish messages beside their fields.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup

from engine import forms, refdata
from engine.errors import FormInvalid
from engine.forms import Form, FormField
from engine.services.attachments import ACCEPT

TEMPLATE = "forms/_fields.html"
TEMPLATES_DIR = Path(__file__).with_name("templates")
DATE_PLACEHOLDER = "dd-mm-aaaa"
# Also the browser's own hint; written to mean the same under the HTML pattern's "v" regex flag.
DATE_PATTERN = r"\d{1,2}[\-\/]\d{1,2}[\-\/]\d{4}"
BAD_DATE = "Fecha inválida: use dd-mm-aaaa."
BAD_INTEGER = "Debe ser un número entero."
BAD_NUMBER = "Debe ser un número."
BAD_ATTACHMENT = forms.UNKNOWN_ATTACHMENT

_DMY = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+", re.ASCII)  # Chilean grouping: 1.500.000
_INTEGER = re.compile(r"[+-]?\d{1,300}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?\d{1,300}(?:\.\d{1,300})?", re.ASCII)
_UNCHECKED = frozenset({"", "false", "0", "off", "no"})
_SOURCES = ("comunas", "regions", "agencies", "platforms", "providers")
_NORTH_TO_SOUTH = "15 01 02 03 04 05 13 06 07 16 08 09 14 10 11 12".split()
_MISSING: Any = object()

Pair = tuple[str, str]


# --- options for selects fed from reference data or the database ---


@dataclass(frozen=True)
class OptionGroup:
    """Options shown under one heading (an HTML ``<optgroup>``), e.g. the comunas of one region."""

    label: str
    options: tuple[Pair, ...]


Choices = Sequence[Pair | OptionGroup]


def _sort_key(text: str) -> str:
    """Spanish alphabetical order without locales: accents ignored, ñ after n."""
    folded = text.casefold().replace("ñ", "n~")
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


def _regions() -> list[refdata.Region]:
    """The regions north to south, as people in Chile list them (their codes are not geographic)."""
    rank = {code: i for i, code in enumerate(_NORTH_TO_SOUTH)}
    return sorted(refdata.regions().values(), key=lambda r: (rank.get(r.code, len(rank)), r.code))


@cache
def _comuna_groups() -> tuple[OptionGroup, ...]:
    by_name = sorted(refdata.comunas().values(), key=lambda c: _sort_key(c.name))
    return tuple(
        OptionGroup(r.name, tuple((c.code, c.name) for c in by_name if c.region_code == r.code))
        for r in _regions()
    )


@cache
def _region_pairs() -> tuple[Pair, ...]:
    return tuple((r.code, r.name) for r in _regions())


@cache
def _agency_pairs() -> tuple[Pair, ...]:
    agencies = sorted(refdata.agencies().values(), key=lambda a: _sort_key(a.name))
    return tuple((a.code, a.name) for a in agencies)


@dataclass(frozen=True)
class Options:
    """The (value, label) choices for each ``x-options-source``; reference data unless given.

    Comunas come grouped by region (north to south), alphabetical within each; platforms and providers
    live in the database, so the view passes them (without them those fields are plain text inputs).
    """

    comunas: Choices = field(default_factory=_comuna_groups)
    regions: Choices = field(default_factory=_region_pairs)
    agencies: Choices = field(default_factory=_agency_pairs)
    platforms: Choices = ()
    providers: Choices = ()


def reference_options(platforms: Sequence[Pair] = (), providers: Sequence[Pair] = ()) -> Options:
    """Options with comunas, regions and agencies from ``engine.refdata`` plus the platforms and providers."""
    return Options(platforms=tuple(platforms), providers=tuple(providers))


# --- what the template shows ---


@dataclass(frozen=True)
class Choice:
    """One option of a select, radio group or checkbox group."""

    id: str
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class ChoiceGroup:
    """Choices under one heading; an empty label means no ``<optgroup>``."""

    label: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class FieldView:
    """One field ready for the macros in ``forms/_fields.html``: widget, texts, value, error."""

    path: str
    id: str
    label: str
    widget: str
    required: bool
    help: str | None = None
    error: str | None = None
    value: str = ""
    checked: bool = False
    groups: tuple[ChoiceGroup, ...] = ()
    children: tuple[FieldView, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)
    files: tuple[Pair, ...] = ()  # a file field's attachments already named: (id, "nombre (tamaño)")

    @property
    def help_id(self) -> str:
        return f"{self.id}-ayuda"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def describedby(self) -> str:
        """The ids of the help text and the error message, for ``aria-describedby``."""
        return " ".join(i for i, shown in ((self.help_id, self.help), (self.error_id, self.error)) if shown)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(c for g in self.groups for c in g.choices)

    @property
    def target(self) -> str | None:
        """The id the error summary links to: the first thing the user can focus in this field."""
        if self.widget == "hidden":
            return None
        if self.widget == "object":
            return next((t for c in self.children if (t := c.target)), self.id)
        if self.widget in ("radio", "checkboxes") and self.choices:
            return self.choices[0].id
        return self.id


@dataclass(frozen=True)
class SummaryItem:
    """One line of the error summary; ``target`` is the id it links to (None: nothing to focus)."""

    target: str | None
    text: str


@dataclass(frozen=True)
class _Context:
    values: Mapping[str, list[str]]
    errors: Mapping[str, str]
    options: Options
    prefix: str
    attached: Mapping[str, str] = field(default_factory=dict)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _flat_values(values: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Posted (name → list) or display values, or nested data, as dotted name → list of strings."""
    flat: dict[str, list[str]] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat_values(value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = [_as_text(item) for item in value]
        else:
            flat[name] = [_as_text(value)]
    return flat


def _html_id(prefix: str, path: str) -> str:
    return prefix + "campo-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def _is_date(item: FormField) -> bool:
    return item.format == "date" or item.widget == "date"


def _has_choices(item: FormField, ctx: _Context) -> bool:
    return bool(item.enum) or bool(item.options_source and _source(item, ctx))


def _widget(item: FormField, ctx: _Context) -> str:
    """The widget shown: ``x-widget`` when it fits the field, else one chosen from type and format."""
    if item.type == "object" or item.widget in ("hidden", forms.FILE_WIDGET):
        return "object" if item.type == "object" else str(item.widget)
    if item.type == "array":
        return "checkboxes" if item.enum else "textarea"
    if item.widget in ("select", "radio"):
        return item.widget if _has_choices(item, ctx) else "text"
    if item.widget in ("text", "textarea", "date", "number", "checkbox"):
        return item.widget
    if item.type == "boolean":
        return "checkbox"
    if _has_choices(item, ctx):
        return "select"
    if _is_date(item):
        return "date"
    return "number" if item.type in ("number", "integer") else "text"


_DATE_ATTRS = {
    "placeholder": DATE_PLACEHOLDER,
    "pattern": DATE_PATTERN,
    "title": "Fecha en formato dd-mm-aaaa, p. ej. 31-12-2024",
    "autocomplete": "off",
}
_FORMAT_ATTRS: Mapping[str, Mapping[str, str]] = {
    "email": {"inputmode": "email", "spellcheck": "false", "autocomplete": "off"},
    "phone-cl": {"inputmode": "tel", "autocomplete": "off"},
    "rut": {"spellcheck": "false", "autocomplete": "off"},
}


def _attrs(item: FormField, widget: str) -> dict[str, str]:
    # No inputmode="numeric" on dates: phone keypads for it have no "-" key.
    if widget == "date":
        return dict(_DATE_ATTRS)
    if widget == "number":
        return {"inputmode": "numeric" if item.type == "integer" else "decimal"}
    if widget == "textarea":
        return {"rows": "5"}
    if widget == forms.FILE_WIDGET:
        return {"accept": ACCEPT}
    return dict(_FORMAT_ATTRS.get(item.format or "", {}))


def _source(item: FormField, ctx: _Context) -> Choices:
    found: Choices = ()
    if item.options_source in _SOURCES:
        found = getattr(ctx.options, str(item.options_source))
    return found or tuple(zip(map(_as_text, item.enum), item.enum_labels, strict=False))


def _grouped(choices: Choices) -> list[tuple[str, list[Pair]]]:
    groups: list[tuple[str, list[Pair]]] = []
    for entry in choices:
        if isinstance(entry, OptionGroup):
            groups.append((entry.label, list(entry.options)))
        elif groups and not groups[-1][0]:
            groups[-1][1].append(entry)
        else:
            groups.append(("", [entry]))
    return groups


def _choice_groups(
    item: FormField, ctx: _Context, html_id: str, current: list[str]
) -> tuple[ChoiceGroup, ...]:
    """The field's choices, marked as chosen; a current value not offered is kept as an option of its own."""
    groups = _grouped(_source(item, ctx))
    offered = {value for _, pairs in groups for value, _ in pairs}
    kept = [value for value in dict.fromkeys(current) if value and value not in offered]
    if kept:
        groups.insert(0, ("", [(value, value) for value in kept]))
    index = itertools.count()
    return tuple(
        ChoiceGroup(
            label, tuple(Choice(f"{html_id}-{next(index)}", v, text, v in current) for v, text in pairs)
        )
        for label, pairs in groups
    )


def _view(item: FormField, ctx: _Context) -> FieldView:
    widget = _widget(item, ctx)
    html_id = _html_id(ctx.prefix, item.path)
    current = ctx.values.get(item.path, [])
    choosing = widget in ("select", "radio", "checkboxes")
    value = "\n".join(current) if widget == "textarea" else (current[0] if current else "")
    return FieldView(
        path=item.path,
        id=html_id,
        label=item.title,
        widget=widget,
        required=item.required,
        help=item.help,
        error=ctx.errors.get(item.path),
        value=value,
        checked=any(v.strip().casefold() not in _UNCHECKED for v in current),
        groups=_choice_groups(item, ctx, html_id, current) if choosing else (),
        children=tuple(_view(child, ctx) for child in item.children),
        attrs=_attrs(item, widget),
        files=_files(ctx, current) if widget == forms.FILE_WIDGET else (),
    )


def _files(ctx: _Context, ids: list[str]) -> tuple[Pair, ...]:
    """The attachments a file field already names, kept as hidden inputs when the form is shown again."""
    return tuple((i, ctx.attached.get(i) or f"n.º {i}") for i in dict.fromkeys(ids) if i.strip())


def _walk(views: Sequence[FieldView], parents: str = "") -> Iterator[tuple[FieldView, str]]:
    """Every field, nested ones included, with its summary label: ``RUT (Consumidor/a)``."""
    for view in views:
        yield view, f"{view.label} ({parents})" if parents else view.label
        yield from _walk(view.children, f"{parents}, {view.label}" if parents else view.label)


def _summary(views: Sequence[FieldView], errors: Mapping[str, str]) -> tuple[SummaryItem, ...]:
    """Every error in display order, linked to its field; errors of fields not on the form come last."""
    items = [SummaryItem(v.target, f"{label}: {v.error}") for v, label in _walk(views) if v.error]
    shown = {view.path for view, _ in _walk(views)}
    rest = [
        SummaryItem(None, f"{path}: {msg}" if path else msg)
        for path, msg in errors.items()
        if path not in shown
    ]
    return tuple(items + rest)


# --- rendering ---


@cache
def _default_env() -> Environment:
    """The environment used outside an app context: web/templates, autoescaped, strict about typos."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default_for_string=True),
        undefined=StrictUndefined,
    )


def _macros(env: Environment | None) -> Any:
    """The macro module of ``forms/_fields.html``: given env, else the app's (if it has it), else ours."""
    if env is None and has_app_context():
        try:
            return current_app.jinja_env.get_template(TEMPLATE).module
        except TemplateNotFound:
            pass
    env = env or _default_env()
    escaping = env.autoescape(TEMPLATE) if callable(env.autoescape) else env.autoescape
    if not escaping:
        raise ValueError(f"the Jinja environment must autoescape {TEMPLATE}")
    return env.get_template(TEMPLATE).module


def render_form(
    form: Form,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    options: Options | None = None,
    prefix: str = "",
    env: Environment | None = None,
    attached: Mapping[int, str] | None = None,
) -> Markup:
    """The form's fields as HTML (error summary first), to put inside the page's ``<form>``.

    ``values``: the posted form (``request.form.to_dict(flat=False)``, re-shown exactly as typed) or
    ``display_values(stored_data)``. ``errors``: message by dotted field path. ``prefix`` goes before every
    HTML id (two forms on one page); input names are always the dotted paths ``parse_submission`` reads.
    ``attached``: "nombre (tamaño)" by attachment id, shown for the ids a file field already names.
    """
    labels = {str(key): text for key, text in (attached or {}).items()}
    ctx = _Context(_flat_values(values or {}), dict(errors or {}), options or Options(), prefix, labels)
    views = tuple(_view(item, ctx) for item in form.fields())
    html: Markup = _macros(env).form(views, _summary(views, ctx.errors), prefix)  # autoescaped: Markup
    return html


# --- reading a submission ---


def _iso_date(text: str) -> str:
    match = _DMY.fullmatch(text)
    if match is None:
        raise ValueError(BAD_DATE)
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(BAD_DATE) from None


def _integer(text: str) -> int:
    compact = text.replace(" ", "").lstrip("$")
    if _THOUSANDS.fullmatch(compact):
        compact = compact.replace(".", "")
    if not _INTEGER.fullmatch(compact):
        raise ValueError(BAD_INTEGER)
    return int(compact)


def _number(text: str) -> int | float:
    """A number as people in Chile write it: ``1.234,5``; a plain ``12.5`` is read as a decimal too."""
    compact = text.replace(" ", "").lstrip("$")
    if "," in compact:
        compact = compact.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(compact):
        compact = compact.replace(".", "")
    if not _DECIMAL.fullmatch(compact):
        raise ValueError(BAD_NUMBER)
    return float(compact) if "." in compact else int(compact)


def _enum_value(item: FormField, text: str) -> Any:
    return next((value for value in item.enum if _as_text(value) == text), text)


def _scalar(item: FormField, text: str) -> Any:
    """One posted string as the field's JSON value; raises ValueError with the Spanish message."""
    if _is_date(item):
        return _iso_date(text)
    if any(_as_text(value) == text for value in item.enum):
        return _enum_value(item, text)
    if item.type in ("integer", "number"):
        return _integer(text) if item.type == "integer" else _number(text)
    return text.replace("\r\n", "\n")


def _strings(posted: Mapping[str, str | list[str]], name: str) -> list[str]:
    raw = posted.get(name, [])
    return [raw] if isinstance(raw, str) else list(raw)


def _parse_field(
    item: FormField, posted: Mapping[str, str | list[str]], present: bool, errors: dict[str, str]
) -> Any:
    if item.type == "object":
        inner = _parse_object(item.children, posted, present and item.required, errors)
        # A required group is always sent, so its blank fields get their own messages beside them.
        return (
            inner if (present and item.required) or any(v is not False for v in inner.values()) else _MISSING
        )
    texts = _strings(posted, item.path)
    if item.widget == forms.FILE_WIDGET:
        return _attachment_ids(item, texts, errors)
    if item.type == "boolean":
        return any(text.strip().casefold() not in _UNCHECKED for text in texts)
    if item.type == "array":
        lines = texts if item.enum else [line for text in texts for line in text.splitlines()]
        items = [_enum_value(item, line.strip()) for line in lines if line.strip()]
        return items or _MISSING
    text = texts[0].strip() if texts else ""
    if not text:
        return _MISSING
    try:
        return _scalar(item, text)
    except ValueError as exc:
        errors[item.path] = str(exc)
        return _MISSING


def _attachment_ids(item: FormField, texts: list[str], errors: dict[str, str]) -> Any:
    """The ids a file field's hidden inputs keep (the files themselves come in ``request.files``)."""
    ids = [text.strip() for text in texts if text.strip()]
    if not all(i.isascii() and i.isdigit() and len(i) <= 18 for i in ids):
        errors[item.path] = BAD_ATTACHMENT
        return _MISSING
    return [int(i) for i in dict.fromkeys(ids)] or _MISSING


def _parse_object(
    fields: Sequence[FormField], posted: Mapping[str, str | list[str]], present: bool, errors: dict[str, str]
) -> dict[str, Any]:
    parsed = {item.name: _parse_field(item, posted, present, errors) for item in fields}
    return {name: value for name, value in parsed.items() if value is not _MISSING}


def parse_submission(
    form: Form, posted: Mapping[str, str | list[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Posted HTML fields (dotted names) as data for ``engine.forms.validate``, and the parse errors by field.

    Dates ``dd-mm-aaaa`` become ISO, numbers are parsed, a checkbox is true when sent, checkbox groups give
    lists; blank fields are left out and names the form does not declare (CSRF token…) are ignored. A field
    that does not parse is left out of the data and gets its message in the errors.
    """
    errors: dict[str, str] = {}
    return _parse_object(form.fields(), posted, True, errors), errors


def errors_by_field(err: FormInvalid) -> dict[str, str]:
    """The first message of each field (dotted path) of a FormInvalid, in the engine's display order."""
    found: dict[str, str] = {}
    for problem in err.errors:
        found.setdefault(problem.field, problem.message)
    return found


def validate_submission(
    form: Form, posted: Mapping[str, str | list[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """``parse_submission`` then ``engine.forms.validate``: (clean data, {}) or (parsed data, every error).

    A parse error (e.g. an impossible date) wins over the validator's message for the same field.
    """
    data, errors = parse_submission(form, posted)
    try:
        clean = forms.validate(form, data)
    except FormInvalid as exc:
        return data, {**errors_by_field(exc), **errors}
    return (data, errors) if errors else (clean, {})


# --- showing stored data in a form ---


def _display(value: Any, dated: bool) -> str:
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
        return text.replace(".", ",")  # read back by _number: "," is the decimal comma
    match = _ISO.fullmatch(value) if dated and isinstance(value, str) else None
    if match is not None:
        return f"{match[3]}-{match[2]}-{match[1]}"
    return _as_text(value)


def _paths(fields: Sequence[FormField]) -> Iterator[FormField]:
    for item in fields:
        yield item
        yield from _paths(item.children)


def display_values(data: Mapping[str, Any], form: Form | None = None) -> dict[str, str | list[str]]:
    """Stored (nested, ISO-dated) data as dotted name → text for ``render_form``: dates as dd-mm-aaaa.

    With ``form``, only its date fields are converted; without it, every ISO-looking date is.
    """
    dates = None if form is None else {item.path for item in _paths(form.fields()) if _is_date(item)}
    shown: dict[str, str | list[str]] = {}
    for path, value in _leaves(data, ""):
        dated = dates is None or path in dates
        shown[path] = (
            [_display(v, dated) for v in value] if isinstance(value, list) else _display(value, dated)
        )
    return shown


def _leaves(data: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of each non-object value in nested data; tuples become lists, None left out."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{path}.")
        elif value is not None:
            yield path, list(value) if isinstance(value, tuple) else value
