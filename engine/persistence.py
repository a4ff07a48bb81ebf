"""Workflow state ⇄ database rows: one state document per case and the projections queries read. It only
stores and loads; what a step means for the business (letters, notices, derivations) is decided above it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from . import deadlines, runtime
from .caselog import LogEvent
from .catalog import Catalog, ProcessInfo
from .errors import CaseNotFound, Conflict
from .labels import KINDS
from .models import Case, HumanTask, Instance, Subscription, Timer, table
from .store import CatalogStore


@dataclass(frozen=True)
class Waits:
    """What a workflow waits on: open human tasks, timers, (task, message) subscriptions."""

    tasks: frozenset[str] = frozenset()
    timers: frozenset[str] = frozenset()
    messages: frozenset[tuple[str, str]] = frozenset()


def waits_of(wf: runtime.Workflow, closed: bool = False) -> Waits:
    """The workflow's waits now; projections are kept in line by diffing two of these. A closed case
    leaves no work behind: no open task, no deadline on work (see ``project``)."""
    return Waits(
        tasks=frozenset() if closed else frozenset(t.id for t in runtime.human_tasks(wf)),
        timers=frozenset(t.task_id for t in runtime.waiting_timers(wf) if not (closed and t.boundary)),
        messages=frozenset((m.task_id, m.message) for m in runtime.waiting_messages(wf)),
    )


@dataclass
class Loaded:
    """A case with its running workflow, ready for one step."""

    case: Case
    instance: Instance
    catalog: Catalog
    process: ProcessInfo
    wf: runtime.Workflow
    revision: int
    before: Waits


_LOCKED = "ventanilla.locked_cases"  # Session.info key: the cases whose state row this transaction holds


def lock(s: Session, case_id: int, skip_locked: bool = False) -> bool:
    """Take the case's write lock (its ``instances`` row, FOR UPDATE) for this transaction: the first lock
    every writer of a case takes, before any task, timer or subscription row, so two writers never wait on
    each other in opposite orders (ADR 0013). PostgreSQL only: SQLite's BEGIN IMMEDIATE already serialises
    writers. ``skip_locked``: False at once, instead of waiting, when another transaction holds it."""
    held: set[int] = s.info.setdefault(_LOCKED, set())
    if case_id in held or s.get_bind().dialect.name != "postgresql":
        return True
    query = select(Instance.case_id).where(Instance.case_id == case_id)
    if s.execute(query.with_for_update(skip_locked=skip_locked)).first() is None:
        return False
    held.add(case_id)
    return True


def load(s: Session, store: CatalogStore, case_id: int, now: datetime) -> Loaded:
    """Load a case's workflow at its pinned version, holding the case's write lock (``lock``); writers are
    also checked by revision at save time."""
    lock(s, case_id)
    case, inst = _rows(s, case_id)
    cat = store.get(s, inst.version_id)
    proc = cat.process(inst.process_id)
    wf = runtime.restore(proc.definition, inst.state, now)
    return Loaded(case, inst, cat, proc, wf, inst.revision, waits_of(wf))


def _rows(s: Session, case_id: int) -> tuple[Case, Instance]:
    """The case and its state rows: from the session when this transaction read them already, else one
    query."""
    known = (
        s.identity_map.get(identity_key(Case, case_id)),
        s.identity_map.get(identity_key(Instance, case_id)),
    )
    if isinstance(known[0], Case) and isinstance(known[1], Instance):
        return known[0], known[1]
    row = s.execute(
        select(Case, Instance).join(Instance, Instance.case_id == Case.id).where(Case.id == case_id)
    ).first()
    if row is None:
        raise CaseNotFound()
    return row[0], row[1]


def create(
    s: Session,
    cat: Catalog,
    proc: ProcessInfo,
    case: Case,
    wf: runtime.Workflow,
    trail: runtime.Trail,
    now: datetime,
) -> Loaded:
    """Store a new case's first state (revision 1); its projections follow with ``project``."""
    inst = Instance(
        case_id=case.id,
        version_id=cat.version_id,
        process_id=proc.id,
        state=runtime.dump(wf),
        revision=1,
        completed=runtime.is_completed(wf),
        visited=_visited({}, trail),
        updated_at=now,
    )
    s.add(inst)
    return Loaded(case, inst, cat, proc, wf, 1, Waits())


def store_state(
    s: Session,
    loaded: Loaded,
    now: datetime,
    trail: runtime.Trail | None = None,
    version_id: int | None = None,
) -> None:
    """Write the state and the elements the step went through, revision-checked: the loser of a race gets
    Conflict and nothing of its step is kept. ``version_id`` re-points the case to another content version
    (a migration)."""
    values: dict[str, Any] = {
        "state": runtime.dump(loaded.wf),
        "revision": loaded.revision + 1,
        "completed": runtime.is_completed(loaded.wf),
        "updated_at": now,
    }
    if version_id is not None:
        values["version_id"] = version_id
    visited = _visited(loaded.instance.visited or {}, trail) if trail and trail.completed else None
    if visited is not None:
        values["visited"] = visited
    result = s.execute(
        update(Instance)
        .where(Instance.case_id == loaded.case.id, Instance.revision == loaded.revision)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("otra acción modificó este caso al mismo tiempo; recargue e intente nuevamente")
    loaded.revision += 1
    if visited is not None:  # written above: the loaded row learns it without a second UPDATE
        set_committed_value(loaded.instance, "visited", visited)


@dataclass(frozen=True)
class Projected:
    """The log entries a step's projection implies: the events the process went through (timers, messages,
    ends) and what changed on the case row (stage, closure)."""

    trail: list[LogEvent]
    case: list[LogEvent]


CLOSED = "closed"  # the case status (and bitácora event) of a closed case


def project(s: Session, loaded: Loaded, trail: runtime.Trail, now: datetime) -> Projected:
    """Refresh what queries read: the case row, open human tasks, due timers, message subscriptions.
    Only the difference with what the workflow waited on when loaded is written: no reads needed."""
    copied_before = task_copy(loaded.case)
    case_events = _project_case(loaded, now)
    tasks = {t.id: t for t in runtime.human_tasks(loaded.wf)}  # one walk of the task tree per step
    timers = {t.task_id: t for t in runtime.waiting_timers(loaded.wf)}
    if loaded.case.status == CLOSED:  # a closed case leaves no work behind: its open tasks (a late-case
        tasks = {}  # review) and the deadlines on work (boundary timers) are cancelled; a wait the process
        timers = {k: t for k, t in timers.items() if not t.boundary}  # itself keeps (the verdict) stays
    messages = {(m.task_id, m.message): m for m in runtime.waiting_messages(loaded.wf)}
    _project_tasks(s, loaded, now, copied_before, tasks)
    _project_timers(s, loaded, timers)
    _project_subscriptions(s, loaded, messages)
    loaded.before = Waits(frozenset(tasks), frozenset(timers), frozenset(messages))
    return Projected(_trail_events(trail), case_events)


def _visited(before: dict[str, list[str]], trail: runtime.Trail | None) -> dict[str, list[str]]:
    """Which elements of which process the case went through (the diagram highlights them)."""
    visited = {pid: list(ids) for pid, ids in before.items()}
    for done in trail.completed if trail else ():
        ids = visited.setdefault(done.process_id, [])
        if done.element_id not in ids:
            ids.append(done.element_id)
    return visited


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _project_case(loaded: Loaded, now: datetime) -> list[LogEvent]:
    """Case fields the process sets by convention: stage, status, due_date, outcome."""
    case, data, events = loaded.case, runtime.variables(loaded.wf), []
    stage = data.get("stage")
    if isinstance(stage, str) and stage and stage != case.stage:
        events.append(
            LogEvent("stage_changed", f"Etapa: {stage}", data={"from": case.stage, "to": stage}, public=True)
        )
        case.stage = stage
    due = _as_date(data.get("due_date"))
    if due is not None and due != case.due_on:
        case.due_on = due
    warn = _as_date(data.get("aviso_date"))
    if warn != case.warn_on and (warn is None or case.due_on is None or warn <= case.due_on):
        case.warn_on = warn
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KINDS and kind != case.kind:
        case.kind = kind
    outcome = data.get("outcome")
    if isinstance(outcome, str) and outcome:
        case.outcome = outcome
    _project_classification(case, data)
    status = data.get("status")
    if runtime.is_completed(loaded.wf) or status == "closed":
        if case.status != CLOSED:
            case.status, case.closed_at = CLOSED, now
            case.closed_business_days = deadlines.business_days_between(
                case.opened_on, deadlines.local_date(now), case.region_code
            )
            events.append(
                LogEvent(
                    CLOSED,
                    f"Caso cerrado: {case.outcome or 'sin resultado'}",
                    data={"outcome": case.outcome},
                    public=True,
                )
            )
    elif isinstance(status, str) and status:
        case.status = status
    return events


CLASSIFICATION = ("market", "motive", "category")


def _project_classification(case: Case, data: Mapping[str, Any]) -> None:
    """The case's mercado, motivo and categoría codes, from the process data variables of those names (the
    intake form's fields, or a later task that reclassifies): when a step gives a mercado or a motivo, the
    three are taken together, so a categoría never outlives the motivo it belonged to."""
    codes = {name: data.get(name) for name in CLASSIFICATION}
    if not any(isinstance(codes[name], str) and codes[name] for name in ("market", "motive")):
        return
    for name, value in codes.items():
        code = value if isinstance(value, str) and value and len(value) <= 40 else None
        if getattr(case, name) != code:
            setattr(case, name, code)


def task_copy(case: Case) -> dict[str, Any]:
    """The case's fields each open task carries for the bandeja (filters, sorting, counts, search)."""
    due, warn = case.due_on, case.warn_on
    return {
        "due_on": due,
        "warn_on": warn,
        "warn_days": (due - warn).days if due and warn else None,
        "kind": case.kind,
        "stage": case.stage,
        "channel": case.channel,
        "provider_rut": case.provider_rut,
        "provider_key": case.provider_name.lower() if case.provider_name else None,
        "market": case.market,
        "motive": case.motive,
    }


def _project_tasks(
    s: Session,
    loaded: Loaded,
    now: datetime,
    copied_before: dict[str, Any],
    current: dict[str, runtime.HumanTaskInfo],
) -> None:
    case, copied = loaded.case, task_copy(loaded.case)
    gone = {t for t in loaded.before.tasks - current.keys() if not _closed_here(s, t)}
    if gone:
        s.execute(
            update(HumanTask)
            .where(HumanTask.id.in_(gone), HumanTask.status == "open")
            .values(status="cancelled", closed_at=now)
            .execution_options(synchronize_session=False)
        )
    if copied != copied_before and loaded.before.tasks:  # a new case has no open task to rewrite yet
        s.execute(
            update(HumanTask)
            .where(HumanTask.case_id == case.id, HumanTask.status == "open")
            .values(**copied)
            .execution_options(synchronize_session=False)
        )
    new = {task_id: info for task_id, info in current.items() if task_id not in loaded.before.tasks}
    if new:  # one batch of rows, without the unit of work's bookkeeping (nothing reads them as objects)
        s.execute(
            insert(table(HumanTask)), [_task_row(s, case, i, info, now, copied) for i, info in new.items()]
        )


def _task_row(
    s: Session, case: Case, task_id: str, info: runtime.HumanTaskInfo, now: datetime, copied: dict[str, Any]
) -> dict[str, Any]:
    """The projection row of a task that just opened, with the case fields the bandeja reads."""
    return {
        "id": task_id,
        "case_id": case.id,
        "element_id": info.element_id,
        "name": info.name,
        "process_id": info.process_id,
        "lane": info.lane,
        "role": info.role or "ejecutivo",
        "form_id": info.form_id,
        "letters": list(info.letters),
        "context": _with_proposer(s, case.id, info) or None,
        "status": "open",
        "platform_code": case.platform_code,
        "region_code": case.region_code,
        "created_at": now,
        **copied,
    }


def _closed_here(s: Session, task_id: str) -> bool:
    """Whether this step closed the task itself (it completed it): no need to cancel it too."""
    task = s.identity_map.get(identity_key(HumanTask, task_id))
    return isinstance(task, HumanTask) and task.status != "open"


def _with_proposer(s: Session, case_id: int, info: runtime.HumanTaskInfo) -> dict[str, Any]:
    """A four-eyes task shows who proposed what it reviews (the latest completer of those elements)."""
    context = dict(info.context)
    if info.four_eyes:
        proposer = s.execute(
            select(HumanTask.closed_by)
            .where(
                HumanTask.case_id == case_id,
                HumanTask.element_id.in_(info.four_eyes),
                HumanTask.status == "completed",
            )
            .order_by(HumanTask.closed_at.desc(), HumanTask.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if proposer:
            context["cierre_propuesto_por"] = proposer
    return context


def _project_timers(s: Session, loaded: Loaded, current: dict[str, runtime.TimerInfo]) -> None:
    case_id = loaded.case.id
    gone = loaded.before.timers - current.keys()
    if gone:
        s.execute(
            update(Timer)
            .where(Timer.case_id == case_id, Timer.task_id.in_(gone), Timer.status == "pending")
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
    rows = [
        {
            "case_id": case_id,
            "task_id": task_id,
            "element_id": info.element_id,
            "name": info.name,
            "due_at": info.due_at,
            "next_attempt_at": info.due_at,
            "status": "pending",
            "attempts": 0,
        }
        for task_id, info in current.items()
        if task_id not in loaded.before.timers
    ]
    if rows:
        s.execute(insert(table(Timer)), rows)


def _project_subscriptions(
    s: Session, loaded: Loaded, current: dict[tuple[str, str], runtime.MessageWait]
) -> None:
    case_id = loaded.case.id
    gone = {task_id for task_id, _ in loaded.before.messages - current.keys()}
    if gone:
        s.execute(
            update(Subscription)
            .where(
                Subscription.case_id == case_id,
                Subscription.task_id.in_(gone),
                Subscription.status == "waiting",
            )
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
    rows = [
        {
            "case_id": case_id,
            "task_id": m.task_id,
            "element_id": m.element_id,
            "message": m.message,
            "status": "waiting",
            "form_id": m.form_id,
            "due_at": m.due_at,
        }
        for key, m in current.items()
        if key not in loaded.before.messages
    ]
    if rows:
        s.execute(insert(table(Subscription)), rows)


_TRAIL_EVENTS = {
    "EndEvent": ("process_end", "Fin: {name}"),
    "IntermediateCatchEvent": ("event_caught", "Evento: {name}"),
    "BoundaryEvent": ("event_caught", "Evento: {name}"),
}


def _trail_events(trail: runtime.Trail) -> list[LogEvent]:
    """Log the events a supervisor wants to see later (timers, messages, ends); not every gateway."""
    out = []
    for done in trail.completed:
        if done.kind in _TRAIL_EVENTS and done.name and "log_event" not in done.props:
            event, text = _TRAIL_EVENTS[done.kind]
            out.append(LogEvent(event, text.format(name=done.name), element_id=done.element_id))
    return out
