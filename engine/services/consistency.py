"""The consistency checker (``ventanilla check``): rebuild each case from its stored state and compare it with
what queries read — open tasks, pending timers, message subscriptions, the case row and its bitácora — and
rebuild the projections where they differ (``repair``), which the state alone decides safely."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import persistence, runtime
from ..access import SYSTEM
from ..caselog import LogEvent, append_log
from ..models import Case, HumanTask, Instance, LogEntry, Subscription, Timer
from ..persistence import Loaded, Waits
from ..store import CatalogStore


@dataclass(frozen=True)
class CaseCheck:
    """What the checker found on one case: problems in Spanish (none: consistent), and whether rebuilding
    its projections from the state would fix them all."""

    case_id: int
    folio: str
    problems: list[str] = field(default_factory=list)
    repairable: bool = True


def case_ids(s: Session, folios: Sequence[str] = (), after: int = 0, limit: int = 500) -> list[int]:
    """Ids of the cases to check, in order: the named folios, or every case after ``after`` (a page)."""
    query = select(Case.id).where(Case.id > after).order_by(Case.id).limit(limit)
    if folios:
        query = query.where(Case.folio.in_(folios))
    return list(s.execute(query).scalars())


def _stored_waits(s: Session, case_id: int) -> Waits:
    """What the projections say the case waits on."""
    tasks = s.execute(
        select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.status == "open")
    ).scalars()
    timers = s.execute(
        select(Timer.task_id).where(Timer.case_id == case_id, Timer.status == "pending")
    ).scalars()
    messages = s.execute(
        select(Subscription.task_id, Subscription.message).where(
            Subscription.case_id == case_id, Subscription.status == "waiting"
        )
    ).all()
    return Waits(frozenset(tasks), frozenset(timers), frozenset((t, m) for t, m in messages))


def _differences(label: str, stored: frozenset[Any], live: frozenset[Any]) -> list[str]:
    out = []
    if extra := stored - live:
        out.append(f"{label} en la base que el proceso ya no espera: {sorted(map(str, extra))}")
    if missing := live - stored:
        out.append(f"{label} que el proceso espera y faltan en la base: {sorted(map(str, missing))}")
    return out


def _load(s: Session, store: CatalogStore, case_id: int, now: datetime) -> Loaded | str:
    try:
        return persistence.load(s, store, case_id, now)
    except Exception as err:  # a state that cannot be loaded is exactly what the checker must report
        return f"el estado del proceso no se puede cargar ({type(err).__name__}: {str(err)[:200]})"


def check_case(s: Session, store: CatalogStore, case_id: int, now: datetime) -> CaseCheck:
    """Compare one case's projections, case row and bitácora with its workflow rebuilt from its state."""
    folio = s.execute(select(Case.folio).where(Case.id == case_id)).scalar_one_or_none() or str(case_id)
    loaded = _load(s, store, case_id, now)
    if isinstance(loaded, str):
        return CaseCheck(case_id, folio, [loaded], repairable=False)
    closed = loaded.case.status == persistence.CLOSED  # no work behind it (persistence.project)
    stored, live = _stored_waits(s, case_id), persistence.waits_of(loaded.wf, closed)
    problems = _differences("tareas abiertas", stored.tasks, live.tasks)
    problems += _differences("temporizadores pendientes", stored.timers, live.timers)
    problems += _differences("suscripciones a mensajes", stored.messages, live.messages)
    completed = runtime.is_completed(loaded.wf)
    if loaded.instance.completed != completed:
        flag = loaded.instance.completed
        problems.append(f"la marca de proceso terminado dice {flag} y el estado dice {completed}")
    if completed and loaded.case.status != "closed":
        problems.append(f"el proceso terminó y el caso figura '{loaded.case.status}'")
    problems += _log_problems(s, loaded)
    return CaseCheck(case_id, folio, problems)


def _log_problems(s: Session, loaded: Loaded) -> list[str]:
    """The bitácora has the case's intake and, for a closed case, its closure."""
    rows = s.execute(
        select(LogEntry.event, func.count())
        .where(LogEntry.case_id == loaded.case.id)
        .group_by(LogEntry.event)
    ).all()
    events: dict[str, int] = {event: count for event, count in rows}
    problems = [] if events else ["la bitácora del caso está vacía"]
    if loaded.case.status == "closed" and not events.get("closed"):
        problems.append("el caso está cerrado y la bitácora no registra su cierre")
    return problems


def repair_case(s: Session, store: CatalogStore, case_id: int, now: datetime) -> CaseCheck:
    """Bring the case's projections and row in line with its state (tasks, timers and subscriptions the
    process waits on are opened; those it no longer waits on are cancelled) and log it; nothing of the state
    or the bitácora is changed. Returns the check made before the repair."""
    found = check_case(s, store, case_id, now)
    if not found.problems or not found.repairable:
        return found
    loaded = persistence.load(s, store, case_id, now)
    live = persistence.waits_of(loaded.wf, loaded.case.status == persistence.CLOSED).tasks
    s.execute(  # a task the process still waits on keeps its row (its id): reopened, not inserted again
        update(HumanTask)
        .where(HumanTask.id.in_(live), HumanTask.status != "open")
        .values(status="open", closed_at=None, closed_by=None)
        .execution_options(synchronize_session=False)
    )
    loaded.before = _stored_waits(s, case_id)
    projected = persistence.project(s, loaded, runtime.Trail(), now)
    loaded.instance.completed = runtime.is_completed(loaded.wf)
    summary = "Reparación de consistencia: " + "; ".join(found.problems)[:500]
    repaired = LogEvent("consistency_repaired", summary, actor=SYSTEM.username, role=SYSTEM.role)
    append_log(s, case_id, [repaired, *projected.case], now)
    return found


def instance_count(s: Session) -> int:
    """How many cases have a stored state (what a full check goes through)."""
    return int(s.execute(select(func.count()).select_from(Instance)).scalar_one())
