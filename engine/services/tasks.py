"""Task use cases: list what an actor may work, show a task with its form, claim it, complete it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import caselog, form_prefill, forms, runtime
from ..access import Actor, can_work, task_scope
from ..caselog import LogEvent
from ..errors import Conflict, Forbidden, TaskNotFound, TaskNotReady
from ..forms import Form
from ..models import Case, HumanTask, Instance
from ..persistence import Loaded
from ..roles import WORKERS
from ..store import CatalogStore
from . import attachments, derivations, escalation, providers, steps


class FourEyes(Forbidden):
    type = "/problems/four-eyes"
    title = "Principio de cuatro ojos"


@dataclass(frozen=True)
class TaskView:
    id: str
    folio: str
    case_kind: str
    case_stage: str
    name: str
    element_id: str
    role: str
    assignee: str | None
    form_id: str | None
    letters: list[str]
    platform_code: str
    region_code: str
    due_on: date | None
    created_at: datetime
    status: str
    context: dict[str, Any]


@dataclass(frozen=True)
class TaskDetail:
    task: TaskView
    form_schema: Mapping[str, Any] | None
    prefill: Mapping[str, Any] = field(default_factory=dict)  # values the form's x-prefill suggests


def _view(t: HumanTask, case: Case) -> TaskView:
    return TaskView(
        id=t.id,
        folio=case.folio or "",
        case_kind=case.kind,
        case_stage=case.stage,
        name=t.name,
        element_id=t.element_id,
        role=t.role,
        assignee=t.assignee,
        form_id=t.form_id,
        letters=list(t.letters),
        platform_code=t.platform_code,
        region_code=t.region_code,
        due_on=t.due_on,
        created_at=t.created_at,
        status=t.status,
        context=dict(t.context or {}),
    )


def list_tasks(s: Session, actor: Actor, limit: int = 100, offset: int = 0) -> list[TaskView]:
    """Open tasks the actor may work (scope + lane role), soonest due first; read from projections only."""
    roles = [r for r, workers in WORKERS.items() if actor.role in workers]
    rows = s.execute(
        select(HumanTask, Case)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.status == "open", HumanTask.role.in_(roles), task_scope(actor))
        .order_by(HumanTask.due_on.asc().nulls_last(), HumanTask.created_at)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_view(t, c) for t, c in rows]


def _visible_task(s: Session, task_id: str, actor: Actor, with_state: bool = False) -> tuple[HumanTask, Case]:
    """The task and its case when the actor may see them. ``with_state`` reads the case's engine state in the
    same query, for a step about to run (the session then has it: the step loads nothing again)."""
    query = select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id)
    if with_state:
        query = query.add_columns(Instance).join(Instance, Instance.case_id == Case.id)
    row = s.execute(query.where(HumanTask.id == task_id, task_scope(actor))).first()
    if row is None:
        raise TaskNotFound(f"no existe la tarea {task_id} a su alcance")
    return row[0], row[1]


def get_task(s: Session, store: CatalogStore, task_id: str, actor: Actor) -> TaskDetail:
    """One task with the JSON Schema of its form and the values the form suggests (``x-prefill``)."""
    task, case = _visible_task(s, task_id, actor)
    form = _form_of(s, store, case, task.form_id) if task.form_id else None
    if form is None:
        return TaskDetail(_view(task, case), None)
    prefill = {}
    if form.prefill_fields():
        prefill = form_prefill.suggested_values(form, providers.prefill_names(s, case.provider_rut))
    return TaskDetail(_view(task, case), form.schema, prefill)


def _form_of(s: Session, store: CatalogStore, case: Case, form_id: str) -> Form:
    """A form of the content version the case runs on."""
    version_id = s.execute(select(Instance.version_id).where(Instance.case_id == case.id)).scalar_one()
    return store.get(s, version_id).form(form_id)


def _workable(s: Session, task_id: str, actor: Actor, with_state: bool = False) -> tuple[HumanTask, Case]:
    task, case = _visible_task(s, task_id, actor, with_state)
    if task.status != "open":
        raise TaskNotReady("la tarea ya fue completada o ya no está disponible")
    if not can_work(actor, task):
        raise Forbidden(f"su perfil ({actor.role}) no puede trabajar tareas del rol '{task.role}'")
    if task.assignee not in (None, actor.username):
        raise Conflict(f"la tarea está tomada por {task.assignee}")
    return task, case


def _log_task(
    s: Session, case_id: int, task: HumanTask, actor: Actor, event: str, verb: str, now: datetime
) -> None:
    entry = caselog.by(actor, event, f"{verb}: {task.name}", element_id=task.element_id)
    caselog.append_log(s, case_id, [entry], now)


def claim_task(s: Session, task_id: str, actor: Actor, now: datetime) -> TaskView:
    """Take an open task into the actor's own inbox."""
    task, case = _workable(s, task_id, actor)
    if task.assignee is None:
        task.assignee = actor.username
        _log_task(s, case.id, task, actor, "task_claimed", "Tarea tomada", now)
    return _view(task, case)


def complete_task(
    s: Session, store: CatalogStore, task_id: str, data: Mapping[str, Any], actor: Actor, now: datetime
) -> TaskView:
    """Validate and complete one open human task, then advance the process. Raises TaskNotReady, FormInvalid,
    Conflict (another writer won the race; nothing of this call is applied)."""
    task, case = _workable(s, task_id, actor, with_state=True)
    extra = data.get(escalation.EXTRA) if isinstance(data, Mapping) else None
    data = {k: v for k, v in data.items() if k != escalation.EXTRA} if isinstance(data, Mapping) else data

    def act(loaded: Loaded, trail: runtime.Trail) -> list[LogEvent]:
        spiff_task = runtime.ready_human_task(loaded.wf, task_id)
        clean = _clean_submission(s, loaded, task, case, spiff_task, data, actor)
        kind_before = case.kind
        runtime.complete(loaded.wf, spiff_task, clean, trail)
        if (
            kind_before != escalation.COMPLAINT
            and runtime.variables(loaded.wf).get("kind") == escalation.COMPLAINT
        ):
            extra_data = extra if isinstance(extra, Mapping) else {}
            escalation.check(loaded.catalog, case, loaded.wf, loaded.instance.process_id, extra_data)
        task.status, task.closed_at, task.closed_by = "completed", now, actor.username
        task.assignee = task.assignee or actor.username
        done = f"Tarea completada: {task.name}"
        return [caselog.by(actor, "task_completed", done, element_id=task.element_id, data=clean)]

    steps.advance(s, store, case.id, act, actor, now)
    return _view(task, case)


def _clean_submission(
    s: Session,
    loaded: Loaded,
    task: HumanTask,
    case: Case,
    spiff_task: Any,
    data: Mapping[str, Any],
    actor: Actor,
) -> dict[str, Any]:
    """The submission as the task's form validates it, with what the registries and four eyes add."""
    form = loaded.catalog.form(task.form_id) if task.form_id else None
    clean = forms.validate(form, data, loaded.catalog.classification) if form else {}
    if form:
        attachments.check_references(s, case.id, form, clean)
        clean.update(derivations.agency_fields(s, form, clean))
    closer = _four_eyes(
        s, case.id, runtime.listed(runtime.properties(spiff_task.task_spec), "four_eyes"), actor
    )
    if closer:
        clean["cierre_propuesto_por"] = closer
    return clean


def complete_task_with_files(
    s: Session,
    store: CatalogStore,
    task_id: str,
    data: Mapping[str, Any],
    files_by_field: attachments.FilesByField,
    actor: Actor,
    now: datetime,
) -> TaskView:
    """complete_task with the files posted in the form's file fields: stored on the task's case first, their
    ids added to the data. One transaction (the caller's): a refused form or file leaves nothing stored."""
    task, case = _workable(s, task_id, actor)
    posted = {path: files for path, files in files_by_field.items() if files}
    if posted:
        form = _form_of(s, store, case, task.form_id) if task.form_id else None
        data = attachments.store_posted(s, case.id, form, data, posted, actor, now, task.element_id)
    return complete_task(s, store, task_id, data, actor, now)


def _four_eyes(s: Session, case_id: int, element_ids: tuple[str, ...], actor: Actor) -> str | None:
    """Four eyes (visación): whoever completed the latest of ``element_ids`` in this case may not complete
    this task. Returns that person, so the process and the log can name whose closure was reviewed."""
    if not element_ids:
        return None
    closer = s.execute(
        select(HumanTask.closed_by)
        .where(
            HumanTask.case_id == case_id,
            HumanTask.element_id.in_(element_ids),
            HumanTask.status == "completed",
        )
        .order_by(HumanTask.closed_at.desc(), HumanTask.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if closer == actor.username:
        raise FourEyes("no puede visar un cierre que usted mismo propuso: debe hacerlo otra persona")
    return closer


def release_task(s: Session, task_id: str, actor: Actor, now: datetime) -> TaskView:
    """Give a claimed task back to the team's unclaimed pool (only its holder or a supervisor)."""
    task, case = _visible_task(s, task_id, actor)
    if task.status != "open":
        raise TaskNotReady("la tarea ya fue completada o ya no está disponible")
    if task.assignee not in (actor.username, None) and actor.role not in ("supervisor", "abogado"):
        raise Forbidden("solo quien tomó la tarea o un/a supervisor/a puede liberarla")
    if task.assignee is not None:
        task.assignee = None
        _log_task(s, case.id, task, actor, "task_released", "Tarea liberada", now)
    return _view(task, case)
