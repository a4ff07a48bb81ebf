"""Pure business-day rules for plazos: Ley 19.880 art. 25 días hábiles with Chilean holidays."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import holidays

from engine.clock import CHILE

# CUT region code (engine/refdata/comunas_cl.csv) → ISO 3166-2:CL subdivision used by `holidays`.
REGION_SUBDIVISIONS: Mapping[str, str] = MappingProxyType(
    {
        "01": "TA",  # Tarapacá
        "02": "AN",  # Antofagasta
        "03": "AT",  # Atacama
        "04": "CO",  # Coquimbo
        "05": "VS",  # Valparaíso
        "06": "LI",  # Libertador General Bernardo O'Higgins
        "07": "ML",  # Maule
        "08": "BI",  # Biobío
        "09": "AR",  # La Araucanía
        "10": "LL",  # Los Lagos
        "11": "AI",  # Aysén
        "12": "MA",  # Magallanes
        "13": "RM",  # Metropolitana
        "14": "LR",  # Los Ríos
        "15": "AP",  # Arica y Parinacota
        "16": "NB",  # Ñuble
    }
)

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class DueStatus(enum.StrEnum):
    """Where a case stands against its plazo, as shown on the case and the monitoring board."""

    ON_TIME = "en_plazo"
    DUE_SOON = "por_vencer"
    OVERDUE = "fuera_de_plazo"

    @property
    def label(self) -> str:
        """The words an analyst reads: 'en plazo', 'por vencer', 'fuera de plazo'."""
        return _DUE_LABELS[self]


_DUE_LABELS: Mapping[DueStatus, str] = MappingProxyType(
    {DueStatus.ON_TIME: "en plazo", DueStatus.DUE_SOON: "por vencer", DueStatus.OVERDUE: "fuera de plazo"}
)


@dataclass(frozen=True)
class Elapsed:
    """Days a case has been open: días hábiles and días corridos."""

    business: int
    calendar: int


def _subdivision(region: str | None) -> str | None:
    """The `holidays` subdivision for a CUT region code; None means national holidays only."""
    if region is None:
        return None
    try:
        return REGION_SUBDIVISIONS[region]
    except (KeyError, TypeError):
        raise ValueError(
            f"región desconocida: {region!r}; use un código de región de dos dígitos entre '01' y '16'"
        ) from None


@functools.lru_cache(maxsize=1024)
def _holidays(subdivision: str | None, year: int) -> frozenset[date]:
    """National holidays plus those of one subdivision for one year, built once per (region, year)."""
    return frozenset(holidays.country_holidays("CL", subdiv=subdivision, years=year).keys())


def _is_business(day: date, subdivision: str | None) -> bool:
    """Monday to Friday and not a holiday (the subdivision is already validated)."""
    return day.weekday() < _SATURDAY and day not in _holidays(subdivision, day.year)


def is_business_day(day: date, region: str | None = None) -> bool:
    """True for a día hábil administrativo (Ley 19.880 art. 25): weekday, not a national/regional holiday."""
    return _is_business(day, _subdivision(region))


def add_business_days(start: date, days: int, region: str | None = None) -> date:
    """The date `days` días hábiles after `start`; the next business day after `start` is day 1."""
    subdivision = _subdivision(region)
    step = _ONE_DAY if days >= 0 else -_ONE_DAY
    remaining = abs(days)
    current = start
    while remaining:
        current += step
        # Inlined _is_business: this loop runs inside the sandbox's traced scripts, where calls cost.
        if current.weekday() < _SATURDAY and current not in _holidays(subdivision, current.year):
            remaining -= 1
    return current


def add_calendar_days(start: date, days: int) -> date:
    """The date `days` días corridos after `start` (negative goes back)."""
    return start + timedelta(days=days)


def _weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays d with start < d <= end (end > start)."""
    full_weeks, rest = divmod((end - start).days, 7)
    first = start.weekday() + 1
    return full_weeks * 5 + sum(1 for offset in range(rest) if (first + offset) % 7 < _SATURDAY)


def business_days_between(start: date, end: date, region: str | None = None) -> int:
    """Number of business days d with start < d <= end; 0 when end <= start."""
    subdivision = _subdivision(region)
    if end <= start:
        return 0
    holiday_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _holidays(subdivision, year)
        if start < day <= end and day.weekday() < _SATURDAY
    )
    return _weekdays_between(start, end) - holiday_weekdays


def calendar_days_between(start: date, end: date) -> int:
    """Días corridos from `start` to `end`; negative when `end` is before `start`."""
    return (end - start).days


def due_status(
    opened: date, due: date, today: date, region: str | None = None, warn_at: float = 0.8
) -> DueStatus:
    """En plazo, por vencer (≥ warn_at of the plazo's business days used, or due today) or fuera de plazo."""
    _subdivision(region)
    if not 0.0 <= warn_at <= 1.0:
        raise ValueError(f"warn_at debe estar entre 0 y 1, no {warn_at!r}")
    if today > due:
        return DueStatus.OVERDUE
    if today == due:
        return DueStatus.DUE_SOON
    used = business_days_between(opened, today, region)
    total = business_days_between(opened, due, region)
    return DueStatus.DUE_SOON if used >= warn_at * total else DueStatus.ON_TIME


def elapsed(opened: date, today: date, region: str | None = None) -> Elapsed:
    """Días hábiles and días corridos since the case was opened (never negative)."""
    return Elapsed(
        business=business_days_between(opened, today, region),
        calendar=max(0, calendar_days_between(opened, today)),
    )


def local_date(instant: datetime) -> date:
    """The calendar date in Chile (America/Santiago) of a tz-aware instant."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("la fecha y hora debe incluir zona horaria")
    return instant.astimezone(CHILE).date()


def start_of_day(day: date) -> datetime:
    """The start of office hours (08:00) of `day` in Chile, tz-aware: when a same-day warning fires."""
    return datetime.combine(day, time(8, 0), tzinfo=CHILE)


def end_of_day(day: date) -> datetime:
    """The last second (23:59:59) of `day` in Chile, tz-aware."""
    # fold=1: when DST ends, 23:00 to 23:59 of the Saturday happens twice; the second pass is the real end.
    return datetime.combine(day, time(23, 59, 59, fold=1), tzinfo=CHILE)
