"""Indicators of how the cohort was handled beyond the case row: derivations per agency against their
plazos, visación returns per ejecutivo, and which indicators have no data source yet (said, not faked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import Session

from ... import deadlines
from ...models import Agency, Case, Derivation, LogEntry
from .figures import Figure

# Tables other issues add, and what the page says until they exist (never a made-up number).
PENDING_SOURCES = {
    "soni": ("soni", "sin datos: el registro de SONI aún no existe en esta instalación"),
    "verdicts": ("verdicts", "sin datos: las respuestas de los consumidores aún no se registran"),
}


@dataclass
class _Tally:
    derived: int = 0
    acknowledged: int = 0
    acknowledged_on_time: int = 0
    answered: int = 0
    answered_on_time: int = 0
    answer_days: int = 0


@dataclass(frozen=True)
class AgencyFigures:
    """Derivations of the cohort to one agency: how many, acknowledged and answered (and within plazo)."""

    code: str
    name: str
    derived: int
    acknowledged: int
    acknowledged_on_time: int
    answered: int
    answered_on_time: int
    ack_plazo: int
    answer_plazo: int
    average_answer_days: float | None


def _business(start: datetime, end: datetime | None, region: str) -> int | None:
    if end is None:
        return None
    return deadlines.business_days_between(deadlines.local_date(start), deadlines.local_date(end), region)


def derivations(s: Session, where: Sequence[ColumnElement[bool]]) -> list[AgencyFigures]:
    """Per agency: derivations of the cohort's cases, acknowledgements and answers against its plazos."""
    agencies = {a.code: a for a in s.execute(select(Agency)).scalars()}
    rows = s.execute(
        select(
            Derivation.agency_code,
            Case.region_code,
            Derivation.created_at,
            Derivation.acknowledged_at,
            Derivation.closed_at,
            Derivation.status,
        )
        .join(Case, Case.id == Derivation.case_id)
        .where(*where)
    ).all()
    tallies: dict[str, _Tally] = {}
    for code, region, created, acked, closed, status in rows:
        tally, agency = tallies.setdefault(code, _Tally()), agencies[code]
        tally.derived += 1
        ack = _business(created, acked, region)
        if ack is not None:
            tally.acknowledged += 1
            tally.acknowledged_on_time += ack <= agency.ack_days
        answer = _business(created, closed, region) if status == "answered" else None
        if answer is not None:
            tally.answered += 1
            tally.answered_on_time += answer <= agency.answer_days
            tally.answer_days += answer
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1].derived, kv[0]))
    return [_figures(agencies[code], t) for code, t in ordered]


def _figures(agency: Agency, t: _Tally) -> AgencyFigures:
    average = round(t.answer_days / t.answered, 1) if t.answered else None
    return AgencyFigures(
        agency.code,
        agency.name,
        t.derived,
        t.acknowledged,
        t.acknowledged_on_time,
        t.answered,
        t.answered_on_time,
        agency.ack_days,
        agency.answer_days,
        average,
    )


def returns(s: Session, where: Sequence[ColumnElement[bool]]) -> list[Figure]:
    """Closures returned from visación per ejecutivo who proposed them (SPEC §4), most first."""
    rows = s.execute(
        select(LogEntry.data)
        .join(Case, Case.id == LogEntry.case_id)
        .where(LogEntry.event == "approval_returned", *where)
    ).scalars()
    counts: dict[str, int] = {}
    for data in rows:  # JSON is not grouped portably; returns are few
        who = str((data or {}).get("cierre_propuesto_por") or "desconocido")
        counts[who] = counts.get(who, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Figure(who, who, n) for who, n in ordered]


def missing(s: Session) -> dict[str, str]:
    """The indicators whose source table does not exist yet, with what the page says instead."""
    tables = set(inspect(s.connection()).get_table_names())
    return {key: message for key, (table, message) in PENDING_SOURCES.items() if table not in tables}
