"""The functions BPMN code may call: size-limited builtins and date wrappers over engine.deadlines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from .. import deadlines
from .guards import MAX_ITEMS, _check_rendered_size, _n, _Refused


def _safe_range(*args: int) -> range:
    """range() limited to MAX_ITEMS numbers."""
    numbers = range(*args)
    try:
        too_long = len(numbers) > MAX_ITEMS
    except OverflowError:
        too_long = True
    if too_long:
        raise _Refused(f"range() crearía más de {_n(MAX_ITEMS)} elementos")
    return numbers


def _safe_zip(*iterables: Iterable[Any], strict: bool = False) -> zip[tuple[Any, ...]]:
    """zip() of at most 10 sequences: zip(*[big] * 100_000) would build 10^10 references in C."""
    if len(iterables) > 10:
        raise _Refused("zip() admite como máximo 10 listas")
    return zip(*iterables, strict=strict)


def _safe_str(*args: Any) -> str:
    """str() refusing values whose text would exceed MAX_LENGTH."""
    if args:
        _check_rendered_size(args[0])
    return str(*args)


def _safe_sum(values: Iterable[Any], start: int | float = 0) -> Any:
    """sum() of numbers only (summing lists or texts is quadratic)."""
    if not isinstance(start, int | float):
        raise _Refused("sum() solo suma números")
    return sum(values, start)


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    """round() with at most 100 digits either side."""
    if ndigits is not None and abs(ndigits) > 100:
        raise _Refused("round() admite como máximo 100 decimales")
    return round(number, ndigits)


_DMY = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def _parse_date(text: str) -> date:
    """A date from 'AAAA-MM-DD', 'dd-mm-aaaa' or an ISO date-time (its date in Chile)."""
    value = str(text).strip()
    try:
        if match := _DMY.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"fecha inválida: {value[:40]!r}; use 'AAAA-MM-DD' o 'dd-mm-aaaa'") from None
    return deadlines.local_date(parsed) if parsed.tzinfo else parsed.date()


def _as_date(value: date | str) -> date:
    """Accept a date, a date-time or a date text as task data stores them."""
    if isinstance(value, datetime):
        return deadlines.local_date(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_date(value)
    raise ValueError(f"se esperaba una fecha o un texto 'AAAA-MM-DD', no {type(value).__name__}")


def _as_days(value: int | str) -> int:
    """A whole number of days, also from a form's text such as '20'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", value):
        return int(value)
    raise ValueError(f"el número de días debe ser un entero, no {value!r}")


def _as_region(value: str | int | None) -> str | None:
    """A CUT region code: 13, '13' and '5' become '13' and '05'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip().zfill(2)
    return value if value is None else str(value)


def _add_business_days(start: date | str, days: int | str, region: str | int | None = None) -> str:
    """Sandbox form of deadlines.add_business_days: ISO text in, ISO text out."""
    return deadlines.add_business_days(_as_date(start), _as_days(days), _as_region(region)).isoformat()


def _add_calendar_days(start: date | str, days: int | str) -> str:
    """Sandbox form of deadlines.add_calendar_days."""
    return deadlines.add_calendar_days(_as_date(start), _as_days(days)).isoformat()


def _business_days_between(start: date | str, end: date | str, region: str | int | None = None) -> int:
    """Sandbox form of deadlines.business_days_between."""
    return deadlines.business_days_between(_as_date(start), _as_date(end), _as_region(region))


def _calendar_days_between(start: date | str, end: date | str) -> int:
    """Sandbox form of deadlines.calendar_days_between."""
    return deadlines.calendar_days_between(_as_date(start), _as_date(end))


def _is_business_day(day: date | str, region: str | int | None = None) -> bool:
    """Sandbox form of deadlines.is_business_day."""
    return deadlines.is_business_day(_as_date(day), _as_region(region))


def _start_of_day(day: date | str) -> str:
    """Sandbox form of deadlines.start_of_day: ISO date-time text with its offset."""
    return deadlines.start_of_day(_as_date(day)).isoformat()


def _end_of_day(day: date | str) -> str:
    """Sandbox form of deadlines.end_of_day: ISO date-time text with its offset."""
    return deadlines.end_of_day(_as_date(day)).isoformat()


def _due_status(
    opened: date | str,
    due: date | str,
    today: date | str,
    region: str | int | None = None,
    warn_at: float = 0.8,
) -> str:
    """Sandbox form of deadlines.due_status: 'en_plazo', 'por_vencer' or 'fuera_de_plazo'."""
    dates = (_as_date(opened), _as_date(due), _as_date(today))
    return deadlines.due_status(*dates, region=_as_region(region), warn_at=warn_at).value


def _make_date(year: int, month: int, day: int) -> date:
    """date(año, mes, día)."""
    return date(year, month, day)


def _format_date(value: date | str) -> str:
    """'dd-mm-aaaa' as letters and screens show dates."""
    day = _as_date(value)
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def _iso(value: date | str) -> str:
    """ISO text of a date or date-time; a date text is normalised to 'AAAA-MM-DD'."""
    return value.isoformat() if isinstance(value, date) else _as_date(value).isoformat()


SAFE_BUILTINS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        **{f.__name__: f for f in (abs, all, any, bool, dict, enumerate, float, int, len, list, max, min)},
        **{f.__name__: f for f in (set, sorted, tuple)},
        "zip": _safe_zip,
        "round": _safe_round,
        "str": _safe_str,
        "sum": _safe_sum,
        "range": _safe_range,
    }
)

DEFAULT_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        **SAFE_BUILTINS,
        "add_business_days": _add_business_days,
        "add_calendar_days": _add_calendar_days,
        "business_days_between": _business_days_between,
        "calendar_days_between": _calendar_days_between,
        "is_business_day": _is_business_day,
        "end_of_day": _end_of_day,
        "start_of_day": _start_of_day,
        "due_status": _due_status,
        "date": _make_date,
        "parse_date": _parse_date,
        "format_date": _format_date,
        "iso": _iso,
    }
)

_REGION_HELP = "región: código de dos dígitos, p. ej. '13'"
FUNCTION_HELP: Mapping[str, str] = MappingProxyType(
    {
        "abs": "abs(x): valor absoluto de un número.",
        "all": "all(valores): verdadero si todos los valores son verdaderos.",
        "any": "any(valores): verdadero si al menos un valor es verdadero.",
        "bool": "bool(x): convierte en verdadero o falso.",
        "dict": "dict(...): crea un diccionario.",
        "enumerate": "enumerate(lista): pares (posición, elemento).",
        "float": "float(x): convierte en número decimal.",
        "int": "int(x): convierte en número entero.",
        "len": "len(x): cantidad de elementos o de caracteres.",
        "list": "list(x): crea una lista.",
        "max": "max(valores): el mayor de los valores.",
        "min": "min(valores): el menor de los valores.",
        "round": "round(x, decimales): redondea un número.",
        "set": "set(x): crea un conjunto, sin repetidos.",
        "sorted": "sorted(valores): lista ordenada de los valores.",
        "str": "str(x): convierte en texto.",
        "sum": "sum(números): suma de los números.",
        "tuple": "tuple(x): crea una tupla.",
        "zip": "zip(a, b): combina listas elemento a elemento.",
        "range": f"range(n): los números de 0 a n-1 (máximo {_n(MAX_ITEMS)}).",
        "add_business_days": "add_business_days(fecha, días, región): fecha 'AAAA-MM-DD' tras sumar días "
        f"hábiles (Ley 19.880 art. 25); el día siguiente a la fecha es el día 1; {_REGION_HELP}.",
        "add_calendar_days": "add_calendar_days(fecha, días): fecha 'AAAA-MM-DD' tras sumar días corridos.",
        "business_days_between": "business_days_between(desde, hasta, región): días hábiles después de "
        f"'desde' y hasta 'hasta', inclusive; {_REGION_HELP}.",
        "calendar_days_between": "calendar_days_between(desde, hasta): días corridos entre dos fechas.",
        "is_business_day": "is_business_day(fecha, región): verdadero si la fecha es día hábil; "
        f"{_REGION_HELP}.",
        "start_of_day": "start_of_day(fecha): las 08:00 (inicio de la jornada) de la fecha en hora de Chile, "
        "para temporizadores que avisan durante el día.",
        "end_of_day": "end_of_day(fecha): último segundo (23:59:59) de la fecha en hora de Chile, "
        "como texto ISO.",
        "due_status": "due_status(inicio, vencimiento, hoy, región): 'en_plazo', 'por_vencer' o "
        "'fuera_de_plazo'.",
        "date": "date(año, mes, día): crea una fecha.",
        "parse_date": "parse_date(texto): convierte 'AAAA-MM-DD' o 'dd-mm-aaaa' en fecha.",
        "format_date": "format_date(fecha): la fecha como texto 'dd-mm-aaaa'.",
        "iso": "iso(fecha): la fecha (o fecha y hora) como texto ISO 'AAAA-MM-DD'.",
    }
)
