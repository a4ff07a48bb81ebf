"""One row of the paper-cases template as an intake: Spanish column names and words to the intake form's
codes, the original filing time, and every problem named by its column (the intake form checks the rest)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ... import refdata
from ...catalog import Catalog
from ...errors import FormInvalid
from ...forms import validate
from .sheets import column_key, local_instant
from .subjects import Subjects

COLUMNS = (
    *("clave", "fecha_ingreso", "tipo", "canal"),
    *("consumidor_rut", "consumidor_nombre", "consumidor_correo", "consumidor_telefono", "consumidor_comuna"),
    *("proveedor_rut", "proveedor_nombre", "mercado", "motivo", "categoria", "materia", "descripcion"),
)
EXAMPLE = (
    *("F-0001", "2026-11-03 10:30", "reclamo", "presencial"),
    *("12.345.678-5", "Ana Prueba Ejemplo", "ana@ejemplo.cl", "+56 9 1234 5678", "Puente Alto"),
    *(
        "76.086.428-5",
        "Tienda Demo Ltda.",
        "Comercio y retail",
        "Cobro indebido",
        "Doble cobro o cobro duplicado",
    ),
    *("Cobro duplicado", "Me cobraron dos veces la misma compra."),
)
KINDS = {"consulta": "inquiry", "reclamo": "complaint", "no_consumo": "out_of_scope"}
CHANNELS = {"presencial": "in_person", "escrito": "written", "telefonico": "phone", "buzon": "mailbox"}
# The intake form's field paths → the template's columns, to name a problem where the user typed it.
FIELD_COLUMNS = {
    "kind": "tipo",
    "channel": "canal",
    "consumer.rut": "consumidor_rut",
    "consumer.name": "consumidor_nombre",
    "consumer.email": "consumidor_correo",
    "consumer.phone": "consumidor_telefono",
    "consumer.comuna": "consumidor_comuna",
    "consumer": "consumidor_nombre",
    "provider.rut": "proveedor_rut",
    "provider.name": "proveedor_nombre",
    "provider": "proveedor_nombre",
    "market": "mercado",
    "motive": "motivo",
    "category": "categoria",
    "subject": "materia",
    "description": "descripcion",
}
_COMUNAS = {column_key(c.name): c.code for c in refdata.comunas().values()}


def filed_at(text: str) -> datetime | None:
    """A filing time as written on paper (Chilean local time); a day alone is taken at noon."""
    return local_instant(text)


def comuna_code(text: str) -> str:
    """A comuna by its code or its name (accents and case aside); the text itself when unknown."""
    return text if text in refdata.comunas() else _COMUNAS.get(column_key(text), text)


def _intake(row: Mapping[str, str], platform: str, subjects: Subjects) -> dict[str, Any]:
    consumer = {
        "rut": row.get("consumidor_rut", ""),
        "name": row.get("consumidor_nombre", ""),
        "email": row.get("consumidor_correo", ""),
        "phone": row.get("consumidor_telefono", ""),
        "comuna": comuna_code(row.get("consumidor_comuna", "")),
    }
    provider = {"rut": row.get("proveedor_rut", ""), "name": row.get("proveedor_nombre", "")}
    typed = (row.get("mercado", ""), row.get("motivo", ""), row.get("categoria", ""))
    market, motive, category = (c or t or None for c, t in zip(subjects.codes(*typed), typed, strict=True))
    return {
        "kind": KINDS.get(column_key(row.get("tipo", "")), row.get("tipo", "")),
        "channel": CHANNELS.get(column_key(row.get("canal", "")) or "presencial", row.get("canal", "")),
        "platform": platform,
        "consumer": {k: v for k, v in consumer.items() if v},
        "provider": {k: v for k, v in provider.items() if v} if any(provider.values()) else None,
        "market": market,
        "motive": motive,
        "category": category,
        "subject": row.get("materia", ""),
        "description": row.get("descripcion", ""),
    }


def check_row(cat: Catalog, form_id: str, row: Mapping[str, str], platform: str, now: datetime) -> list[str]:
    """What is wrong with one row, one message per column ("columna: mensaje"); empty when it can be filed."""
    problems = []
    if not row.get("clave"):
        problems.append("clave: indique la clave de la fila (p. ej. el número del formulario en papel)")
    at = filed_at(row.get("fecha_ingreso", ""))
    if at is None:
        problems.append("fecha_ingreso: use AAAA-MM-DD HH:MM (hora de Chile)")
    elif at > now:
        problems.append("fecha_ingreso: la fecha es futura")
    data = intake_of(row, platform, cat)
    try:
        validate(cat.form(form_id), data, cat.classification)
    except FormInvalid as err:
        problems += [f"{FIELD_COLUMNS.get(e.field, e.field)}: {e.message}" for e in err.errors]
    return problems


def intake_of(row: Mapping[str, str], platform: str, cat: Catalog) -> dict[str, Any]:
    """The intake data of a row (mercado, motivo and categoría as the published list's codes)."""
    return {k: v for k, v in _intake(row, platform, Subjects.of(cat.classification)).items() if v is not None}
