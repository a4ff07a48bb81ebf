"""Case search (issue 14): open and closed cases within the actor's scope, by any filter, in keyset pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, tuple_
from sqlalchemy.orm import Session

from ...access import Actor
from ...models import Case
from .filters import CaseFilter, FilterInvalid, count, scoped

PAGE_SIZE = 25
FAR_FUTURE = date(9999, 12, 31)
SORTS = {
    "recientes": "Más recientes primero",
    "antiguos": "Más antiguos primero",
    "vencimiento": "Por vencimiento",
}


@dataclass(frozen=True)
class CaseRow:
    """One case as the search lists it."""

    folio: str
    kind: str
    stage: str
    status: str
    channel: str
    platform_code: str
    region_code: str
    consumer_rut: str | None
    consumer_name: str
    provider_name: str | None
    subject: str
    opened_at: datetime
    due_on: date | None
    closed_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class SearchPage:
    """A page of results, the exact number of matches, and the cursor of the next page (None: last)."""

    rows: list[CaseRow]
    total: int
    sort: str
    next_after: str | None


def _key(sort: str) -> ColumnElement[Any]:
    if sort == "vencimiento":
        return func.coalesce(Case.due_on, literal(FAR_FUTURE))
    return Case.opened_at  # type: ignore[return-value]


def _decode(sort: str, after: str) -> tuple[Any, int]:
    """A cursor 'value|id' back to its values; FilterInvalid when it was not made by us."""
    value, _, ident = after.rpartition("|")
    try:
        if sort == "vencimiento":
            return date.fromisoformat(value), int(ident)
        return datetime.fromisoformat(value).astimezone(UTC), int(ident)
    except ValueError:
        raise FilterInvalid("after", "el cursor de página no es válido; vuelva a la primera página") from None


def search_cases(
    s: Session,
    actor: Actor,
    f: CaseFilter,
    today: date,
    *,
    sort: str = "recientes",
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """One page of the cases the actor may see that match ``f``, sorted, after the cursor ``after``."""
    if sort not in SORTS:
        raise FilterInvalid("sort", f"orden desconocido: elija {', '.join(SORTS)}")
    key, descending = _key(sort), sort == "recientes"
    query = select(Case).where(*scoped(s, actor, f, today))
    if after:
        value, ident = _decode(sort, after)
        pair, bound = tuple_(key, Case.id), tuple_(literal(value, key.type), literal(ident))
        query = query.where(pair < bound if descending else pair > bound)
    order = (key.desc(), Case.id.desc()) if descending else (key.asc(), Case.id.asc())
    found = s.execute(query.order_by(*order).limit(limit + 1)).scalars().all()
    more = len(found) > limit
    rows = [_row(c) for c in found[:limit]]
    next_after = _encode_case(sort, found[limit - 1]) if more else None
    return SearchPage(rows, count(s, actor, f, today), sort, next_after)


def _encode_case(sort: str, case: Case) -> str:
    value = (case.due_on or FAR_FUTURE) if sort == "vencimiento" else case.opened_at
    return f"{value.isoformat()}|{case.id}"


def _row(c: Case) -> CaseRow:
    return CaseRow(
        c.folio or "",
        c.kind,
        c.stage,
        c.status,
        c.channel,
        c.platform_code,
        c.region_code,
        c.consumer_rut,
        c.consumer_name,
        c.provider_name,
        c.subject,
        c.opened_at,
        c.due_on,
        c.closed_at,
        c.outcome,
    )
