"""Small helpers the integration tests share: run one service call per transaction, like the API does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.access import Actor
from engine.models import Case, HumanTask, Instance, LogEntry
from engine.services import cases, messages, tasks
from engine.system import System


def open_case(
    sys_: System, data: dict[str, Any], actor: Actor, now: Any, process: str = "caso_simple"
) -> cases.CaseSummary:
    with sys_.db.writing() as s:
        return cases.open_case(s, sys_.store, data, actor, now, process_id=process)


def open_tasks(sys_: System, folio: str) -> list[HumanTask]:
    with sys_.db.reading() as s:
        return list(
            s.execute(
                select(HumanTask)
                .join(Case, Case.id == HumanTask.case_id)
                .where(Case.folio == folio, HumanTask.status == "open")
                .order_by(HumanTask.created_at)
            ).scalars()
        )


def only_task(sys_: System, folio: str, element_id: str) -> HumanTask:
    found = [t for t in open_tasks(sys_, folio) if t.element_id == element_id]
    assert len(found) == 1, (
        f"expected one open {element_id}, got {[t.element_id for t in open_tasks(sys_, folio)]}"
    )
    return found[0]


def complete(sys_: System, task_id: str, data: dict[str, Any], actor: Actor, now: Any) -> tasks.TaskView:
    with sys_.db.writing() as s:
        return tasks.complete_task(s, sys_.store, task_id, data, actor, now)


def deliver(sys_: System, folio: str, message: str, payload: dict[str, Any], now: Any) -> None:
    with sys_.db.writing() as s:
        messages.deliver_message(s, sys_.store, folio, message, payload, Actor("empresa", "proveedor"), now)


def detail(sys_: System, folio: str, actor: Actor, now: Any) -> cases.CaseDetail:
    with sys_.db.reading() as s:
        return cases.case_detail(s, folio, actor, now)


def snapshot(sys_: System, folio: str) -> tuple[int, str, int, int]:
    """(revision, state, log entries, open tasks) of a case: equal snapshots mean nothing changed."""
    with sys_.db.reading() as s:
        case = s.execute(select(Case).where(Case.folio == folio)).scalar_one()
        inst = s.get(Instance, case.id)
        assert inst is not None
        logs = s.execute(select(func.count(LogEntry.id)).where(LogEntry.case_id == case.id)).scalar_one()
        open_ = s.execute(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.case_id == case.id, HumanTask.status == "open")
        ).scalar_one()
        return inst.revision, inst.state, logs, open_
