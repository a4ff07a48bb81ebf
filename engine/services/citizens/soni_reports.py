"""SONI reports (``/soni``): cases in process with días hábiles y corridos open and who holds them, closed
cases by type and period, mailbox intake, and per platform the disconformidades and the time taken.
Supervisors and regional directors see their region, nivel central everything."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import deadlines
from ...access import Actor, case_scope
from ...models import Case, Feedback, HumanTask, Platform
from . import feedback

UNASSIGNED = "Sin tomar (supervisores/as de la región)"


@dataclass(frozen=True)
class OpenFeedback:
    folio: str
    type: str
    platform: str
    opened_on: date
    due_on: date | None
    business_days: int
    calendar_days: int
    holder: str


@dataclass(frozen=True)
class PlatformLine:
    platform: str
    disconformidades: int
    closed: int
    average_business_days: float | None


@dataclass(frozen=True)
class SoniReport:
    in_process: list[OpenFeedback]
    closed_by_type: dict[str, int]
    mailbox: list[tuple[str, str, date]]  # folio, type, opened on
    by_platform: list[PlatformLine]


def _rows(
    s: Session, actor: Actor, start: date, end: date, kind: str | None, folio: str | None
) -> list[tuple[Case, str]]:
    query = (
        select(Case, Feedback.type)
        .outerjoin(Feedback, Feedback.case_id == Case.id)
        .where(
            Case.kind == feedback.PROCESS, case_scope(actor), Case.opened_on >= start, Case.opened_on <= end
        )
        .order_by(Case.opened_on, Case.id)
    )
    if kind:
        query = query.where(Feedback.type == kind)
    if folio:
        query = query.where(Case.folio == folio)
    return [(case, found or "sin tipo") for case, found in s.execute(query).all()]


def _holders(s: Session, ids: list[int]) -> dict[int, str]:
    rows = s.execute(
        select(HumanTask.case_id, HumanTask.assignee).where(
            HumanTask.case_id.in_(ids), HumanTask.status == "open"
        )
    ).all()
    return {case_id: assignee or UNASSIGNED for case_id, assignee in rows}


def soni_report(
    s: Session,
    actor: Actor,
    start: date,
    end: date,
    now: datetime,
    kind: str | None = None,
    folio: str | None = None,
) -> SoniReport:
    """The SONI report for cases opened from ``start`` to ``end`` (inclusive) in the actor's scope."""
    rows = _rows(s, actor, start, end, kind, folio)
    names: dict[str, str] = {code: name for code, name in s.execute(select(Platform.code, Platform.name))}
    holders = _holders(s, [case.id for case, _ in rows if case.status != "closed"])
    today = deadlines.local_date(now)
    in_process, closed, mailbox = [], Counter[str](), []
    spent: dict[str, list[int]] = defaultdict(list)
    complaints = Counter[str]()
    for case, found in rows:
        platform = names.get(case.platform_code, case.platform_code)
        complaints[platform] += found == "disconformidad"
        if case.channel == "mailbox":
            mailbox.append((case.folio or "", found, case.opened_on))
        if case.status == "closed" and case.closed_at is not None:
            closed[found] += 1
            took = deadlines.elapsed(case.opened_on, deadlines.local_date(case.closed_at), case.region_code)
            spent[platform].append(took.business)
            continue
        days = deadlines.elapsed(case.opened_on, today, case.region_code)
        holder = holders.get(case.id, UNASSIGNED)
        in_process.append(
            OpenFeedback(
                case.folio or "",
                found,
                platform,
                case.opened_on,
                case.due_on,
                days.business,
                days.calendar,
                holder,
            )
        )
    lines = [
        PlatformLine(
            p, complaints[p], len(spent[p]), round(sum(spent[p]) / len(spent[p]), 1) if spent[p] else None
        )
        for p in sorted(set(complaints) | set(spent))
    ]
    lines.sort(key=lambda line: (-line.disconformidades, -(line.average_business_days or 0)))
    return SoniReport(in_process, dict(closed), mailbox, lines)
