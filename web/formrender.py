"""Form renderer: a form's JSON Schema as accessible Bootstrap 5 HTML; posts are read by ``web.formparse``."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup

from engine import forms, refdata
from engine.classification import Classification
from engine.forms import Form, FormField
from engine.services.attachments import ACCEPT
from web.formparse import BAD_ATTACHMENT as BAD_ATTACHMENT
from web.formparse import BAD_DATE as BAD_DATE
from web.formparse import BAD_INTEGER as BAD_INTEGER
from web.formparse import BAD_NUMBER as BAD_NUMBER
from web.formparse import UNCHECKED, as_text, is_date
from web.formparse import display_values as display_values
from web.formparse import errors_by_field as errors_by_field
from web.formparse import parse_submission as parse_submission
from web.formparse import validate_submission as validate_submission

TEMPLATE = "forms/_fields.html"
TEMPLATES_DIR = Path(__file__).with_name("templates")
DATE_PLACEHOLDER = "dd-mm-aaaa"
# Also the browser's own hint; written to mean the same under the HTML pattern's "v" regex flag.
DATE_PATTERN = r"\d{1,2}[\-\/]\d{1,2}[\-\/]\d{4}"
_SOURCES = ("comunas", "regions", "agencies", "platforms", "providers", "markets", "motives", "categories")
_NORTH_TO_SOUTH = "15 01 02 03 04 05 13 06 07 16 08 09 14 10 11 12".split()

Pair = tuple[str, str]


# --- options for selects fed from reference data or the database ---


@dataclass(frozen=True)
class OptionGroup:
    """Options shown under one heading (an HTML ``<optgroup>``), e.g. the comunas of one region. ``parent``:
    the code of what they depend on (the region, the mercado), for the page's script to filter by."""

    label: str
    options: tuple[Pair, ...]
    parent: str = ""


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
        OptionGroup(r.name, tuple((c.code, c.name) for c in by_name if c.region_code == r.code), r.code)
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
    markets: Choices = ()
    motives: Choices = ()
    categories: Choices = ()


def _classification_options(found: Classification) -> dict[str, Choices]:
    """Mercados; the motivos grouped by mercado (a motivo of several mercados is under each); the
    categorías grouped by motivo. The groups carry their parent's code for the dependent selects."""
    motives = tuple(
        OptionGroup(
            m.label, tuple((c, found.motives[c].label) for c in m.motives if c in found.motives), m.code
        )
        for m in found.markets
    )
    categories = tuple(
        OptionGroup(m.label, tuple((c.code, c.label) for c in m.categories), m.code)
        for m in found.motives.values()
        if m.categories
    )
    return {
        "markets": tuple((m.code, m.label) for m in found.markets),
        "motives": motives,
        "categories": categories,
    }


def reference_options(
    platforms: Sequence[Pair] = (),
    providers: Sequence[Pair] = (),
    classification: Classification | None = None,
) -> Options:
    """Options with comunas, regions and agencies from ``engine.refdata`` plus the platforms and providers,
    and the mercados, motivos and categorías of the published classification when given."""
    listed = _classification_options(classification) if classification else {}
    return Options(platforms=tuple(platforms), providers=tuple(providers), **listed)


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
    """Choices under one heading; an empty label means no ``<optgroup>``. ``parent``: see OptionGroup."""

    label: str
    choices: tuple[Choice, ...]
    parent: str = ""


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


def _flat_values(values: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Posted (name → list) or display values, or nested data, as dotted name → list of strings."""
    flat: dict[str, list[str]] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat_values(value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = [as_text(item) for item in value]
        else:
            flat[name] = [as_text(value)]
    return flat


def field_id(prefix: str, path: str) -> str:
    """The HTML id of a field rendered with this prefix (pages and scripts point at it)."""
    return _html_id(prefix, path)


def _html_id(prefix: str, path: str) -> str:
    return prefix + "campo-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


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
    if is_date(item):
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
    if widget == "select" and item.options_source:  # web/static/dependent.js filters by it
        return {"data-options-source": item.options_source}
    return dict(_FORMAT_ATTRS.get(item.format or "", {}))


def _source(item: FormField, ctx: _Context) -> Choices:
    found: Choices = ()
    if item.options_source in _SOURCES:
        found = getattr(ctx.options, str(item.options_source))
    return found or tuple(zip(map(as_text, item.enum), item.enum_labels, strict=False))


def _grouped(choices: Choices) -> list[tuple[str, list[Pair], str]]:
    groups: list[tuple[str, list[Pair], str]] = []
    for entry in choices:
        if isinstance(entry, OptionGroup):
            groups.append((entry.label, list(entry.options), entry.parent))
        elif groups and not groups[-1][0]:
            groups[-1][1].append(entry)
        else:
            groups.append(("", [entry], ""))
    return groups


def _choice_groups(
    item: FormField, ctx: _Context, html_id: str, current: list[str]
) -> tuple[ChoiceGroup, ...]:
    """The field's choices, marked as chosen; a current value not offered is kept as an option of its own."""
    groups = _grouped(_source(item, ctx))
    offered = {value for _, pairs, _ in groups for value, _ in pairs}
    kept = [value for value in dict.fromkeys(current) if value and value not in offered]
    if kept:
        groups.insert(0, ("", [(value, value) for value in kept], ""))
    index = itertools.count()
    return tuple(
        ChoiceGroup(
            label,
            tuple(Choice(f"{html_id}-{next(index)}", v, text, v in current) for v, text in pairs),
            parent,
        )
        for label, pairs, parent in groups
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
        checked=any(v.strip().casefold() not in UNCHECKED for v in current),
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
