"""A platform's editable fields as typed in a form or an API body: cleaned and checked field by field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ...errors import FieldError

KINDS: Mapping[str, str] = {
    "regional_office": "Dirección Regional",
    "municipal": "Plataforma municipal",
    "governorate": "Gobernación",
    "library": "Biblioteca (Biblioredes)",
    "call_center": "Centro de llamados",
    "web": "Web",
    "other": "Otra",
}
# A region has one Dirección Regional (loaded with the reference data): administrators add the rest.
CREATABLE = tuple(k for k in KINDS if k != "regional_office")
PREFIX: Mapping[str, str] = {
    "regional_office": "DR",
    "municipal": "PAP",
    "governorate": "GOB",
    "library": "BIB",
    "call_center": "CC",
    "web": "WEB",
    "other": "OTR",
}
TEXTS: Mapping[str, tuple[int, int, str]] = {  # field → (min, max, message)
    "name": (3, 120, "El nombre debe tener entre 3 y 120 caracteres."),
    "address": (0, 200, "La dirección no puede tener más de 200 caracteres."),
    "manager_name": (0, 120, "El nombre del/la encargado/a no puede tener más de 120 caracteres."),
}
DATES = {
    "agreement_on": "Fecha del convenio inválida (use el formato AAAA-MM-DD).",
    "active_from": "Fecha de inicio inválida (use el formato AAAA-MM-DD).",
    "active_to": "Fecha de término inválida (use el formato AAAA-MM-DD).",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")
ONLINE = {"en_linea": True, "manual": False, True: True, False: False}


def _date(value: Any) -> date | str | None:
    """A date from a date or ISO text; '' or None is no date; anything else is returned as the error key."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return "invalid"


def _text(data: Mapping[str, Any], name: str, out: dict[str, Any], problems: list[FieldError]) -> None:
    low, high, message = TEXTS[name]
    value = str(data.get(name) or "").strip()
    if not low <= len(value) <= high:
        problems.append(FieldError(name, message))
    out[name] = value


def _contact(data: Mapping[str, Any], out: dict[str, Any], problems: list[FieldError]) -> None:
    email = str(data.get("email") or "").strip() or None
    if email is not None and (len(email) > 160 or not _EMAIL.match(email)):
        problems.append(FieldError("email", "Correo electrónico inválido."))
    phone = str(data.get("phone") or "").strip() or None
    if phone is not None and not _PHONE.match(phone):
        problems.append(FieldError("phone", "Teléfono inválido: solo dígitos, espacios, +, - y paréntesis."))
    out["email"], out["phone"] = email, phone


def _dates(data: Mapping[str, Any], out: dict[str, Any], problems: list[FieldError]) -> None:
    for name, message in DATES.items():
        value = _date(data.get(name))
        if isinstance(value, str):
            problems.append(FieldError(name, message))
            value = None
        out[name] = value
    start, end = out["active_from"], out["active_to"]
    if start is not None and end is not None and end < start:
        problems.append(FieldError("active_to", "La fecha de término no puede ser anterior a la de inicio."))


def cleaned(data: Mapping[str, Any], kinds: tuple[str, ...]) -> tuple[dict[str, Any], list[FieldError]]:
    """The fields' clean values (names as the model's) and one problem per wrong field."""
    out: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name in TEXTS:
        _text(data, name, out, problems)
    kind = str(data.get("kind") or "")
    if kind not in kinds:
        problems.append(FieldError("kind", "Elija el tipo de plataforma."))
    out["kind"] = kind
    out["comuna_code"] = str(data.get("comuna_code") or "").strip()
    online = True if data.get("online") is None else data.get("online")  # not said: online
    if online not in ONLINE:
        problems.append(FieldError("online", "Indique si registra en línea o en papel (manual)."))
    out["online"] = ONLINE.get(online, True)
    _contact(data, out, problems)
    _dates(data, out, problems)
    return out, problems


def is_active(active_from: date | None, active_to: date | None, today: date) -> bool:
    """Whether a platform attends the public on ``today`` (both ends inclusive; no end: open)."""
    return (active_from is None or active_from <= today) and (active_to is None or today <= active_to)
