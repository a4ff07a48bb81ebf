"""The bandeja: open tasks an actor may work, filtered, searched, sorted by due date, paginated, counted.
Reads the projections only (human_tasks ⋈ cases), never engine state: it must stay fast at a million cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, union
from sqlalchemy.orm import Session

from .. import deadlines, rut
from ..access import Actor, task_scope
from ..models import Case, HumanTask
from ..roles import WORKERS

PAGE_SIZE = 25
DUE_STATES = ("en_plazo", "por_vencer", "fuera_de_plazo")


@dataclass(frozen=True)
class InboxQuery:
    """What the user asked for; every field optional. ``tab``: mine | unclaimed | all."""

    tab: str = "all"
    kind: str | None = None
    stage: str | None = None
    channel: str | None = None
    due: str | None = None
    platform: str | None = None
    search: str | None = None
    page: int = 1


@dataclass(frozen=True)
class InboxRow:
    task_id: str
    task_name: str
    element_id: str
    assignee: str | None
    folio: str
    kind: str
    stage: str
    status: str
    consumer_name: str
    provider_name: str | None
    channel: str
    platform_code: str
    due_on: date | None
    due_status: str | None
    business_days: int
    calendar_days: int


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


def _roles(actor: Actor) -> list[str]:
    """The lanes whose tasks the actor may work."""
    return [r for r, workers in WORKERS.items() if actor.role in workers]


def _base(actor: Actor) -> Select[Any]:
    return (
        select(HumanTask, Case)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.status == "open", HumanTask.role.in_(_roles(actor)), task_scope(actor))
    )


def _due_clause(due: str, today: date) -> ColumnElement[bool]:
    if due == "fuera_de_plazo":
        return HumanTask.due_on < today
    if due == "por_vencer":
        return and_(HumanTask.due_on >= today, Case.warn_on <= today)
    return or_(
        HumanTask.due_on.is_(None),
        and_(HumanTask.due_on >= today, or_(Case.warn_on.is_(None), Case.warn_on > today)),
    )


def _search_clause(text: str) -> ColumnElement[bool]:
    """Folio (exact), RUT (consumer or provider, any format) or provider name (prefix, any case). Each
    branch is its own indexed lookup of case ids (a UNION, not an OR the planner would scan for)."""
    text = text.strip()
    lookups: list[Select[Any]] = [select(Case.id).where(Case.folio == text)]
    if rut.is_valid(text):
        canonical = rut.normalize(text)
        lookups += [
            select(Case.id).where(Case.consumer_rut == canonical),
            select(Case.id).where(Case.provider_rut == canonical),
        ]
    if len(text) >= 3:
        lookups.append(select(Case.id).where(func.lower(Case.provider_name).startswith(text.lower())))
    return Case.id.in_(union(*lookups)) if len(lookups) > 1 else Case.id.in_(lookups[0])


def _filtered(query: Select[Any], q: InboxQuery, actor: Actor, today: date) -> Select[Any]:
    if q.tab == "mine":
        query = query.where(HumanTask.assignee == actor.username)
    elif q.tab == "unclaimed":
        query = query.where(HumanTask.assignee.is_(None))
    for column, value in (
        (Case.kind, q.kind),
        (Case.stage, q.stage),
        (Case.channel, q.channel),
        (HumanTask.platform_code, q.platform),
    ):
        if value:
            query = query.where(column == value)
    if q.due in DUE_STATES:
        query = query.where(_due_clause(q.due, today))
    if q.search:
        query = query.where(_search_clause(q.search))
    return query


def _row(task: HumanTask, c: Case, today: date) -> InboxRow:
    spent = deadlines.elapsed(c.opened_on, today, c.region_code)
    status = (
        deadlines.due_status(c.opened_on, task.due_on, today, c.region_code).value if task.due_on else None
    )
    return InboxRow(
        task_id=task.id,
        task_name=task.name,
        element_id=task.element_id,
        assignee=task.assignee,
        folio=c.folio or "",
        kind=c.kind,
        stage=c.stage,
        status=c.status,
        consumer_name=c.consumer_name,
        provider_name=c.provider_name,
        channel=c.channel,
        platform_code=task.platform_code,
        due_on=task.due_on,
        due_status=status,
        business_days=spent.business,
        calendar_days=spent.calendar,
    )


def _counts(s: Session, q: InboxQuery, actor: Actor, today: date) -> tuple[dict[str, dict[str, int]], int]:
    """How many tasks each due-status and each kind filter would show (the other filters applied), and
    the total the query itself shows: the (kind, due) groups that its kind and due filters keep."""
    bucket = case(
        (HumanTask.due_on < today, "fuera_de_plazo"),
        (and_(HumanTask.due_on.is_not(None), Case.warn_on <= today), "por_vencer"),
        else_="en_plazo",
    )
    grouped = (
        select(Case.kind, bucket.label("due"), func.count())
        .select_from(HumanTask)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.status == "open", HumanTask.role.in_(_roles(actor)), task_scope(actor))
    )
    stmt = _filtered(grouped, replace(q, due=None, kind=None), actor, today).group_by(Case.kind, bucket)
    out: dict[str, dict[str, int]] = {"due": dict.fromkeys(DUE_STATES, 0), "kind": {}}
    total = 0
    for kind, due, n in s.execute(stmt).all():
        out["due"][due] += n
        out["kind"][kind] = out["kind"].get(kind, 0) + n
        if (not q.kind or kind == q.kind) and (q.due not in DUE_STATES or due == q.due):
            total += n
    return out, total


def inbox(s: Session, actor: Actor, q: InboxQuery, now: datetime) -> InboxPage:
    """One page of the actor's bandeja with counts per filter."""
    today = deadlines.local_date(now)
    counts, total = _counts(s, q, actor, today)
    query = _filtered(_base(actor), q, actor, today)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(q.page, 1), pages)
    rows = s.execute(
        query.order_by(HumanTask.due_on.asc().nulls_last(), HumanTask.created_at, HumanTask.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return InboxPage([_row(t, c, today) for t, c in rows], total, page, pages, counts)
