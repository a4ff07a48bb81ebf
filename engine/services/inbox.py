"""The bandeja: open tasks an actor may work, filtered, searched, sorted by due date, paginated, counted.
Reads the projections only, never engine state, and filters, sorts and counts on `human_tasks` alone (the
case fields it needs are copied onto each task): only the page's rows are joined to their cases. Counts
stop at COUNT_CAP ("más de 1.000"), so no request reads more than a few thousand index entries however
large the actor's backlog grows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, or_, select, text, true, union, union_all
from sqlalchemy.orm import Session

from .. import deadlines, rut
from ..access import Actor, task_scope
from ..labels import KINDS
from ..models import Case, HumanTask
from ..roles import WORKERS

PAGE_SIZE = 25
COUNT_CAP = 1000  # counts above this show as "más de 1.000": counting stops at COUNT_CAP + 1 rows
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
    market: str | None = None  # mercado and motivo codes (lists/clasificacion.json)
    motive: str | None = None
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
    days_left: int | None = None  # días hábiles to the due date (negative: how many past it)


def days_left(due_on: date | None, today: date, region: str | None) -> int | None:
    """Business days left until ``due_on`` (0 on the day itself), negative once past it."""
    if due_on is None:
        return None
    if due_on >= today:
        return deadlines.business_days_between(today, due_on, region)
    return -deadlines.business_days_between(due_on, today, region)


@dataclass(frozen=True)
class InboxPage:
    """A page of rows. ``total`` and every count are exact up to COUNT_CAP; above it they are COUNT_CAP + 1
    ("más de"), ``pages`` is then only the pages known to exist and ``has_next`` says whether one follows."""

    rows: list[InboxRow]
    total: int
    page: int
    pages: int
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    has_next: bool = False
    cap: int = COUNT_CAP  # the cap the counts were taken with

    @property
    def capped(self) -> bool:
        """Whether the total is only known to exceed the cap."""
        return self.total > self.cap


def _roles(actor: Actor) -> list[str]:
    """The lanes whose tasks the actor may work."""
    return [r for r, workers in WORKERS.items() if actor.role in workers]


def _open_tasks(actor: Actor, *columns: Any) -> Select[Any]:
    return select(*columns).where(
        HumanTask.status == "open", HumanTask.role.in_(_roles(actor)), task_scope(actor)
    )


@dataclass(frozen=True)
class _Today:
    """Today, and the widest warning any open task has (due_on - warn_on, days): a task can only be
    "por vencer" if due within that many days, so that bucket is a short range of the due-date index."""

    day: date
    warn_days: int


def _due_branches(due: str | None, today: _Today) -> list[ColumnElement[bool]]:
    """The due filter as disjoint ranges of the due-date index ("en plazo": dated from today on, or no
    date at all; one OR would make the planner scan past every overdue task)."""
    day = today.day
    if due == "fuera_de_plazo":
        return [HumanTask.due_on < day]
    if due == "por_vencer":
        soon = HumanTask.due_on.between(day, day + timedelta(days=today.warn_days))
        return [and_(soon, HumanTask.warn_on <= day)]
    if due == "en_plazo":
        later = and_(HumanTask.due_on >= day, or_(HumanTask.warn_on.is_(None), HumanTask.warn_on > day))
        return [later, HumanTask.due_on.is_(None)]
    return [true()]


def _search_branches(text: str) -> list[ColumnElement[bool]]:
    """Folio (exact), RUT (consumer or provider, any format) or provider name (prefix, any case): each
    branch an indexed lookup of its own (the provider ones on the task's scope indexes)."""
    text = text.strip()
    by_case = [Case.folio == text]
    by_task: list[ColumnElement[bool]] = []
    if rut.is_valid(text):
        canonical = rut.normalize(text)
        by_case.append(Case.consumer_rut == canonical)
        by_task.append(HumanTask.provider_rut == canonical)
    if len(text) >= 3:
        by_task.append(HumanTask.provider_key.startswith(text.lower(), autoescape=True))
    return [HumanTask.case_id.in_(select(Case.id).where(clause)) for clause in by_case] + by_task


def _parts(q: InboxQuery, actor: Actor, today: _Today, *columns: Any) -> list[Select[Any]]:
    """The actor's open tasks that the query shows (with ``columns``, the first of them the task id), as
    index ranges, each with every filter: one per due range, times one per search branch."""
    query = _open_tasks(actor, *columns)
    if q.tab == "mine":
        query = query.where(HumanTask.assignee == actor.username)
    elif q.tab == "unclaimed":
        query = query.where(HumanTask.assignee.is_(None))
    for column, value in (
        (HumanTask.kind, q.kind),
        (HumanTask.stage, q.stage),
        (HumanTask.channel, q.channel),
        (HumanTask.platform_code, q.platform),
        (HumanTask.market, q.market),
        (HumanTask.motive, q.motive),
    ):
        if value:
            query = query.where(column == value)
    dues = _due_branches(q.due, today)
    searches = _search_branches(q.search) if q.search else [true()]
    return [query.where(due, search) for due in dues for search in searches]


def _matching(q: InboxQuery, actor: Actor, today: _Today, *columns: Any) -> Subquery:
    """The query's tasks as one subquery: a single range, or the union of its ranges."""
    parts = _parts(q, actor, today, *columns)
    if len(parts) == 1:
        return parts[0].subquery()
    # Due branches are disjoint (UNION ALL keeps each ordered index range lazy); search branches may
    # overlap (a RUT both consumer and provider), so a search deduplicates.
    return (union(*parts) if q.search else union_all(*parts)).subquery()


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
        kind=task.kind,
        stage=task.stage,
        status=c.status,
        consumer_name=c.consumer_name,
        provider_name=c.provider_name,
        channel=task.channel,
        platform_code=task.platform_code,
        due_on=task.due_on,
        due_status=status,
        business_days=spent.business,
        calendar_days=spent.calendar,
        days_left=days_left(task.due_on, today, c.region_code),
    )


def _bucket(due_on: date | None, warn_on: date | None, today: date) -> str:
    """The due status of one task, exactly as _due_branches filters it."""
    if due_on is not None and due_on < today:
        return "fuera_de_plazo"
    if due_on is not None and warn_on is not None and warn_on <= today:
        return "por_vencer"
    return "en_plazo"


def _capped_count(q: InboxQuery, actor: Actor, today: _Today) -> Any:
    """count(*) of the query's first COUNT_CAP + 1 tasks: exact below the cap, COUNT_CAP + 1 above it."""
    found = _matching(q, actor, today, HumanTask.id)
    first = select(found.c.id).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(first).scalar_subquery()


def _counts(s: Session, q: InboxQuery, actor: Actor, today: _Today) -> tuple[dict[str, dict[str, int]], int]:
    """The total the query shows, and how many tasks each due-status and each kind option would show
    with the other filters kept. One read of at most COUNT_CAP + 1 tasks (the query without its kind and
    due filters) answers them all when they fit; otherwise each is counted up to COUNT_CAP + 1."""
    loose = replace(q, kind=None, due=None)
    probe = _matching(loose, actor, today, HumanTask.id, HumanTask.kind, HumanTask.due_on, HumanTask.warn_on)
    first = select(probe.c.kind, probe.c.due_on, probe.c.warn_on).limit(COUNT_CAP + 1)
    seen = [(k, _bucket(d, w, today.day)) for k, d, w in s.execute(first)]
    wanted = {
        ("total", ""): q,
        **{("due", due): replace(q, due=due) for due in DUE_STATES},
        **{("kind", kind): replace(q, kind=kind) for kind in KINDS},
    }
    if len(seen) <= COUNT_CAP:
        found = {
            each: sum(1 for kind, due in seen if kind == (each.kind or kind) and due == (each.due or due))
            for each in wanted.values()
        }
    else:
        rest = [each for each in dict.fromkeys(wanted.values()) if each != loose]
        values = s.execute(select(*(_capped_count(each, actor, today) for each in rest))).one()
        found = {loose: COUNT_CAP + 1, **dict(zip(rest, values, strict=True))}
    out: dict[str, dict[str, int]] = {"due": {}, "kind": {}}
    for (group, key), each in wanted.items():
        if group != "total" and (group == "due" or found[each]):
            out[group][key] = found[each]
    return out, found[q]


# Plans that read a whole range before returning a row: table scans, bitmap scans, and sorting a range
# that an index (or a merge of index ranges) already yields in order. A plan that must still sort (a
# search's few matches) then looks enormously costly, which would trigger JIT compilation: off as well.
UNBOUNDED_PLANS = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "jit")


@contextmanager
def _index_ranges(s: Session) -> Iterator[None]:
    """PostgreSQL's statistics mix open tasks with the far more numerous closed ones, so it misjudges how
    many open tasks a range holds and may pick a table or bitmap scan, which cannot stop at a LIMIT. The
    bandeja only reads the partial open-task indexes' ranges: the other plans are switched off meanwhile."""
    if s.get_bind().dialect.name != "postgresql":
        yield
        return
    for plan in UNBOUNDED_PLANS:
        s.execute(text(f"SET LOCAL {plan} = off"))
    yield  # on an error the transaction is rolled back, and SET LOCAL with it
    for plan in UNBOUNDED_PLANS:
        s.execute(text(f"SET LOCAL {plan} TO DEFAULT"))


def _today(s: Session, now: datetime) -> _Today:
    widest = s.execute(select(func.max(HumanTask.warn_days)).where(HumanTask.status == "open")).scalar()
    return _Today(deadlines.local_date(now), max(0, widest or 0))


def inbox(s: Session, actor: Actor, q: InboxQuery, now: datetime) -> InboxPage:
    """One page of the actor's bandeja with (capped) counts per filter."""
    with _index_ranges(s):
        return _inbox(s, actor, q, now)


def _page_ids(s: Session, q: InboxQuery, actor: Actor, today: _Today, page: int) -> list[str]:
    """The page's task ids (and the next page's first), in the bandeja's order. Without a search the
    ranges are disjoint and ordered (dated tasks before undated ones): read in turn, each only as far as
    the page needs. A search's few matches are merged and sorted."""
    offset = (page - 1) * PAGE_SIZE
    columns = (HumanTask.id, HumanTask.due_on, HumanTask.created_at)
    if q.search:
        found = _matching(q, actor, today, *columns)
        merged = (found.c.due_on.asc().nulls_last(), found.c.created_at, found.c.id)
        query = select(found.c.id).order_by(*merged).limit(PAGE_SIZE + 1).offset(offset)
        return list(s.execute(query).scalars())
    ids: list[str] = []
    for part in _parts(q, actor, today, *columns):
        order = (HumanTask.due_on.asc().nulls_last(), HumanTask.created_at, HumanTask.id)
        wanted = offset + PAGE_SIZE + 1 - len(ids)
        ids += s.execute(part.order_by(*order).limit(wanted)).scalars()
        if len(ids) > offset + PAGE_SIZE:
            break
    return ids[offset:]


def _inbox(s: Session, actor: Actor, q: InboxQuery, now: datetime) -> InboxPage:
    today = _today(s, now)
    q = q if q.due is None or q.due in DUE_STATES else replace(q, due=None)
    counts, total = _counts(s, q, actor, today)
    exact = total <= COUNT_CAP
    known = max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE))
    page = min(max(q.page, 1), known) if exact else max(q.page, 1)
    ids = _page_ids(s, q, actor, today, page)
    loaded = s.execute(
        select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id).where(HumanTask.id.in_(ids))
    ).all()
    by_id = {t.id: (t, c) for t, c in loaded}
    rows = [by_id[i] for i in ids if i in by_id]
    has_next = len(rows) > PAGE_SIZE
    pages = known if exact else max(known, page + has_next)
    shown = [_row(t, c, today.day) for t, c in rows[:PAGE_SIZE]]
    return InboxPage(shown, total, page, pages, counts, has_next, COUNT_CAP)
