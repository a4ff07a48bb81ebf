"""One pass over a cohort of cases, counted along several groupings at once: GROUPING SETS on PostgreSQL
(one scan of the covering index, ADR 0016), a UNION ALL of the same groupings on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, null, select, tuple_, union_all
from sqlalchemy.orm import Session

from ...models import Case
from .filters import subject_of

Key = tuple[Any, ...]
Counts = dict[tuple[str, ...], dict[Key, int]]
NAMES = ("kind", "channel", "region", "comuna", "platform", "due", "outcome", "subject", "days")
SETS: tuple[tuple[str, ...], ...] = (
    ("kind",),
    ("channel",),
    ("region",),
    ("comuna",),
    ("platform",),
    ("due",),
    ("outcome",),
    ("kind", "days"),
    ("region", "subject"),
    ("comuna", "subject"),
)


def due_bucket(today: date) -> ColumnElement[str]:
    """cerrado, or the open case's due status today: the same buckets as filters.due_condition."""
    return case(
        (Case.status == "closed", "cerrado"),
        (Case.due_on < today, "fuera_de_plazo"),
        ((Case.due_on >= today) & (Case.warn_on <= today), "por_vencer"),
        else_="en_plazo",
    )


def _columns(today: date) -> list[ColumnElement[Any]]:
    exprs = {
        "kind": Case.kind,
        "channel": Case.channel,
        "region": Case.region_code,
        "comuna": Case.comuna_code,
        "platform": Case.platform_code,
        "due": due_bucket(today),
        "outcome": Case.outcome,
        "subject": subject_of(),
        "days": Case.closed_business_days,
    }
    return [exprs[name].label(name) for name in NAMES]


def counts(s: Session, where: Sequence[ColumnElement[bool]], today: date) -> Counts:
    """For every grouping of SETS: {values of its dimensions: number of cases} over the cases ``where``."""
    cohort = select(*_columns(today)).where(*where).subquery("cohort")
    if s.get_bind().dialect.name == "postgresql":
        return _grouping_sets(s, cohort)
    return _union(s, cohort)


def _mask(names: tuple[str, ...]) -> int:
    """GROUPING(all dimensions) of a row of this set: a 1 bit for each dimension not grouped on."""
    return sum(1 << (len(NAMES) - 1 - i) for i, name in enumerate(NAMES) if name not in names)


def _grouping_sets(s: Session, cohort: Any) -> Counts:
    cols = [cohort.c[name] for name in NAMES]
    sets = [tuple_(*(cohort.c[name] for name in names)) for names in SETS]
    query = select(func.grouping(*cols), *cols, func.count()).group_by(func.grouping_sets(*sets))
    by_mask = {_mask(names): names for names in SETS}
    out: Counts = {names: {} for names in SETS}
    for mask, *values, n in s.execute(query):
        names = by_mask[mask]
        out[names][tuple(values[NAMES.index(name)] for name in names)] = n
    return out


def _union(s: Session, cohort: Any) -> Counts:
    parts: list[Select[Any]] = []
    for i, names in enumerate(SETS):
        cols = [cohort.c[name] if name in names else null().label(name) for name in NAMES]
        group = [cohort.c[name] for name in names]
        parts.append(select(literal(i).label("grouping"), *cols, func.count().label("n")).group_by(*group))
    out: Counts = {names: {} for names in SETS}
    for i, *values, n in s.execute(union_all(*parts)):
        names = SETS[i]
        out[names][tuple(values[NAMES.index(name)] for name in names)] = n
    return out
