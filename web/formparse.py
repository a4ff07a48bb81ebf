"""Form posts read back: posted HTML fields as typed data (dates, numbers, checkboxes), stored data shown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from engine import forms
from engine.errors import FormInvalid
from engine.forms import Form, FormField

BAD_DATE = "Fecha inválida: use dd-mm-aaaa."
BAD_INTEGER = "Debe ser un número entero."
BAD_NUMBER = "Debe ser un número."
BAD_ATTACHMENT = forms.UNKNOWN_ATTACHMENT
UNCHECKED = frozenset({"", "false", "0", "off", "no"})

_DMY = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+", re.ASCII)  # Chilean grouping: 1.500.000
_INTEGER = re.compile(r"[+-]?\d{1,300}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?\d{1,300}(?:\.\d{1,300})?", re.ASCII)
_MISSING: Any = object()


def as_text(value: Any) -> str:
    """A value as the text an HTML input holds: booleans as ``true``/``false``, None as empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def is_date(item: FormField) -> bool:
    """Whether the field holds a date (shown and posted as dd-mm-aaaa, stored as ISO)."""
    return item.format == "date" or item.widget == "date"


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
    return next((value for value in item.enum if as_text(value) == text), text)


def _scalar(item: FormField, text: str) -> Any:
    """One posted string as the field's JSON value; raises ValueError with the Spanish message."""
    if is_date(item):
        return _iso_date(text)
    if any(as_text(value) == text for value in item.enum):
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
        return any(text.strip().casefold() not in UNCHECKED for text in texts)
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
    return as_text(value)


def _paths(fields: Sequence[FormField]) -> Iterator[FormField]:
    for item in fields:
        yield item
        yield from _paths(item.children)


def display_values(data: Mapping[str, Any], form: Form | None = None) -> dict[str, str | list[str]]:
    """Stored (nested, ISO-dated) data as dotted name → text for ``render_form``: dates as dd-mm-aaaa.

    With ``form``, only its date fields are converted; without it, every ISO-looking date is.
    """
    dates = None if form is None else {item.path for item in _paths(form.fields()) if is_date(item)}
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
