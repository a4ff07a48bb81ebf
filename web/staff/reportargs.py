"""What the search, the Cuadro de Monitoreo and their exports read from a request: the case filter, the
period and the sort, with Spanish messages beside the fields when a value is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import request

from engine.services.monitoring.filters import CaseFilter, FilterInvalid, parse_filter
from engine.services.monitoring.periods import Period, between, current_year, parse_period

SEARCH_ROLES = ("ejecutivo", "supervisor", "abogado", "nivel_central", "director_regional")
MONITOR_ROLES = ("supervisor", "abogado", "nivel_central", "director_regional")
# The dashboard's own filters (its period is opened_from/opened_to, or `period`).
DASHBOARD_FIELDS = ("region", "comuna", "platform", "channel", "kind", "subject", "company", "provider")


@dataclass(frozen=True)
class Parsed:
    """The filter as understood, and the errors per field (then the filter is empty: nothing is shown)."""

    filter: CaseFilter
    errors: dict[str, str] = field(default_factory=dict)
    period: Period | None = None


def case_filter() -> Parsed:
    """The request's case filter; a wrong value is reported beside its field and filters nothing."""
    try:
        return Parsed(parse_filter(request.args.to_dict()))
    except FilterInvalid as err:
        return Parsed(CaseFilter(), {err.field: err.message})


def dashboard_args(today: date) -> Parsed:
    """The dashboard's period (``period`` code, or two dates; this year by default) and filters."""
    args = request.args
    try:
        found = parse_filter({k: args.get(k, "") for k in (*DASHBOARD_FIELDS, "opened_from", "opened_to")})
        if args.get("period"):
            period = parse_period(args["period"])
        elif found.opened_from or found.opened_to:
            period = between(found.opened_from or date(2000, 1, 1), found.opened_to or today)
        else:
            period = current_year(today)
    except FilterInvalid as err:
        return Parsed(CaseFilter(), {err.field: err.message})
    return Parsed(found.with_(opened_from=None, opened_to=None), period=period)


def quick_periods(today: date) -> list[Period]:
    """This month, quarter, semester and year, and last year: one click each."""
    y, m = today.year, today.month
    codes = [f"{y}-{m:02d}", f"{y}-T{(m + 2) // 3}", f"{y}-S{(m + 5) // 6}", str(y), str(y - 1)]
    return [parse_period(code) for code in codes]
