"""Library kiosks (Biblioredes): which platforms are libraries, and the cases filed at each per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import CitizenIntake, Platform

LIBRARY = "library"


@dataclass(frozen=True)
class LibraryCount:
    code: str
    name: str
    region_code: str
    cases: int


def library(s: Session, code: str) -> tuple[str, str] | None:
    """(code, name) of the library platform with this code; None for any other code or kind."""
    row = s.execute(
        select(Platform.code, Platform.name).where(Platform.code == code[:20], Platform.kind == LIBRARY)
    ).first()
    return (row[0], row[1]) if row else None


def library_counts(s: Session, start: datetime, end: datetime) -> list[LibraryCount]:
    """Cases filed at each library's kiosk from ``start`` (inclusive) to ``end`` (exclusive), for the report
    the agency sends to the library network; libraries without cases are listed with 0."""
    filed = (
        select(CitizenIntake.library_code, func.count().label("n"))
        .where(CitizenIntake.filed_at >= start, CitizenIntake.filed_at < end)
        .group_by(CitizenIntake.library_code)
        .subquery()
    )
    rows = s.execute(
        select(Platform.code, Platform.name, Platform.region_code, func.coalesce(filed.c.n, 0))
        .outerjoin(filed, filed.c.library_code == Platform.code)
        .where(Platform.kind == LIBRARY)
        .order_by(Platform.region_code, Platform.code)
    ).all()
    return [LibraryCount(code, name, region, int(n)) for code, name, region, n in rows]
