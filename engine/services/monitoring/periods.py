"""The periods of the Cuadro de Monitoreo: a month, quarter, semester or year, or any two dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .filters import FilterInvalid

MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{2})|T([1-4])|S([12])))?$")


@dataclass(frozen=True)
class Period:
    """Both ends included (local days); ``code`` is what the page's period field holds."""

    start: date
    end: date
    code: str
    label: str


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(code: str) -> Period:
    """'2024' (year), '2024-09' (month), '2024-T3' (quarter), '2024-S2' (semester)."""
    found = PATTERN.match(code.strip())
    if not found or not 2000 <= int(found[1]) <= 2100:
        raise FilterInvalid("period", "período inválido: use 2024, 2024-09, 2024-T3 o 2024-S2")
    year = int(found[1])
    if found[2]:
        month = int(found[2])
        if not 1 <= month <= 12:
            raise FilterInvalid("period", "mes inválido: use 01 a 12")
        return Period(date(year, month, 1), _month_end(year, month), code, f"{MONTHS[month - 1]} de {year}")
    if found[3]:
        q = int(found[3])
        return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), code, f"{q}.º trimestre de {year}")
    if found[4]:
        h = int(found[4])
        return Period(date(year, 6 * h - 5, 1), _month_end(year, 6 * h), code, f"{h}.º semestre de {year}")
    return Period(date(year, 1, 1), date(year, 12, 31), code, f"año {year}")


def between(start: date, end: date) -> Period:
    """A period of any two dates (both included)."""
    if start > end:
        raise FilterInvalid("opened_from", "la fecha inicial no puede ser posterior a la final")
    return Period(start, end, "", f"{start:%d-%m-%Y} al {end:%d-%m-%Y}")


def current_year(today: date) -> Period:
    """The default period: this year so far."""
    return parse_period(str(today.year))
