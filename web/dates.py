"""Dates as staff and citizens read them: dd-mm-aaaa, in Chile's time (America/Santiago).

Instants are stored in UTC; shown as stored, a case opened at 21:30 in Santiago would read as the next day."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from engine.clock import CHILE


def fecha(value: date | datetime | None) -> str:
    """'30-11-2026': a date as it is; a tz-aware instant as its day in Chile; '' for nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _in_chile(value).date()
    return value.strftime("%d-%m-%Y")


def fecha_hora(value: datetime | None) -> str:
    """'30-11-2026 21:30': a tz-aware instant in Chile's time; '' for nothing."""
    return "" if value is None else _in_chile(value).strftime("%d-%m-%Y %H:%M")


def _in_chile(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("la fecha y hora debe incluir zona horaria")
    return instant.astimezone(CHILE)


def init_app(app: Flask) -> None:
    app.add_template_filter(fecha, "fecha")
    app.add_template_filter(fecha_hora, "fecha_hora")
