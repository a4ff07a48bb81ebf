"""The case file page's data: the case, its open tasks with their forms, letters and diagram state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import form_prefill
from ..access import Actor, can_work, find_case
from ..catalog import Catalog
from ..errors import NotFound
from ..forms import Form
from ..models import Case, HumanTask, Instance, Platform
from ..store import CatalogStore
from . import escalation, providers
from .cases import CaseDetail, detail_of, kind_labels
from .documents import DocumentView, documents_of


@dataclass(frozen=True)
class TaskForm:
    id: str
    name: str
    element_id: str
    role: str
    assignee: str | None
    due_on: date | None
    context: Mapping[str, Any]
    form: Form | None
    workable: bool
    letters: list[str]
    notes: list[tuple[str, str]]
    prefill: Mapping[str, Any] = field(default_factory=dict)  # values its form's x-prefill suggests
    reads_registry: bool = False  # its form suggests values from the provider registry
    held_by: str | None = None  # somebody else took it: read only for the actor ("tomada por X")
    own_closure: bool = False  # a visación of a closure the actor proposed (four eyes: someone else's)
    escalation: Form | None = None  # what a reclamo needs that the case lacks (its form: "x-escalation")
    escalation_blocks: tuple[str, ...] = ()  # intake rules that refuse the escalation (the call center's)


@dataclass(frozen=True)
class DiagramState:
    """One BPMN file the case went through: what to highlight in it."""

    file: str
    visited: list[str]
    current: list[str]


@dataclass(frozen=True)
class CasePage:
    detail: CaseDetail
    platform_name: str
    holder: str | None
    tasks: list[TaskForm]
    documents: list[DocumentView]
    diagrams: list[DiagramState]
    letters: list[str]
    kinds: Mapping[str, str]  # kind code → words, for this case's version (consumer kinds and processes)
    classification: tuple[str, str, str] = ("", "", "")  # labels of mercado, motivo, categoría (its version)


NOTE_TITLES = {"cierre_propuesto_por": "Cierre propuesto por", "outcome": "Resultado propuesto"}


def _field_schema(cat: Catalog, name: str) -> Mapping[str, Any]:
    """The schema of a field of that name in any form of the version (titles and enum labels)."""
    for form in cat.forms.values():
        found = form.schema.get("properties", {}).get(name)
        if isinstance(found, Mapping):
            return found
    return {}


def _notes(cat: Catalog, context: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The variables a task shows, in words: the field's title and the option's label, not raw codes."""
    notes = []
    for name, value in context.items():
        schema = _field_schema(cat, name)
        title = NOTE_TITLES.get(name) or str(schema.get("title") or name.replace("_", " ").capitalize())
        enum, labels = schema.get("enum") or [], schema.get("x-enum-labels") or []
        text = labels[enum.index(value)] if value in enum and len(labels) == len(enum) else value
        if isinstance(text, str) and len(text) == 10 and text[4] == "-" and text[7] == "-":
            text = f"{text[8:]}-{text[5:7]}-{text[:4]}"
        notes.append((title, str(text)))
    return notes


def _file_of(cat: Catalog, process_id: str) -> str | None:
    """The file that defines a process, or the file holding an embedded subprocess of that id."""
    if process_id in cat.processes:
        return cat.processes[process_id].file
    needle = f'id="{process_id}"'.encode()
    return next(
        (path for path, body in cat.files.items() if path.startswith("processes/") and needle in body), None
    )


def _diagrams(cat: Catalog, inst: Instance, tasks: list[HumanTask]) -> list[DiagramState]:
    visited: dict[str, set[str]] = {}
    current: dict[str, set[str]] = {}
    for process_id, ids in (inst.visited or {}).items():
        file = _file_of(cat, process_id)
        if file:
            visited.setdefault(file, set()).update(ids)
    for task in tasks:
        file = _file_of(cat, task.process_id)
        if file:
            current.setdefault(file, set()).add(task.element_id)
    main = _file_of(cat, inst.process_id)
    files = sorted(set(visited) | set(current), key=lambda f: (f != main, f))
    return [DiagramState(f, sorted(visited.get(f, ())), sorted(current.get(f, ()))) for f in files]


def _task_form(cat: Catalog, actor: Actor, t: HumanTask, names: Mapping[str, Any]) -> TaskForm:
    """An open task as the case file shows it; a workable one with the values its form suggests."""
    form = cat.forms.get(t.form_id) if t.form_id else None
    held_by = t.assignee if t.assignee not in (None, actor.username) else None
    own_closure = (t.context or {}).get("cierre_propuesto_por") == actor.username
    workable = can_work(actor, t) and held_by is None and not own_closure
    suggests = form is not None and bool(form.prefill_fields())
    return TaskForm(
        t.id,
        t.name,
        t.element_id,
        t.role,
        t.assignee,
        t.due_on,
        dict(t.context or {}),
        form,
        workable,
        list(t.letters),
        _notes(cat, t.context or {}),
        form_prefill.suggested_values(form, names) if suggests and workable and form else {},
        suggests,
        held_by,
        own_closure,
    )


def _case_intake(case: Case) -> dict[str, Any]:
    """The case row as intake data (what the page knows without loading the workflow)."""
    data: dict[str, Any] = {
        "kind": case.kind,
        "channel": case.channel,
        "platform": case.platform_code,
        "subject": case.subject,
        "description": case.description,
    }
    consumer = {"rut": case.consumer_rut, "name": case.consumer_name, "comuna": case.comuna_code}
    data["consumer"] = {k: v for k, v in consumer.items() if v}
    if case.provider_name:
        data["provider"] = {"rut": case.provider_rut, "name": case.provider_name}
    classified = {"market": case.market, "motive": case.motive, "category": case.category}
    data.update({k: v for k, v in classified.items() if v})
    return data


def _with_escalation(cat: Catalog, case: Case, inst: Instance, task: TaskForm) -> TaskForm:
    """A task whose form can turn a consulta into a reclamo asks for what the reclamo's intake requires."""
    if not task.workable or task.form is None or not task.form.schema.get("x-escalation"):
        return task
    intake = escalation.intake_form(cat, inst.process_id)
    if intake is None or case.kind == escalation.COMPLAINT:
        return task
    asks, blocks = escalation.missing(intake, _case_intake(case))
    extra = escalation.subform(intake, asks) if asks else None
    return replace(task, escalation=extra, escalation_blocks=tuple(blocks))


def case_page(s: Session, store: CatalogStore, folio: str, actor: Actor, now: datetime) -> CasePage:
    """Everything the case file shows, read from projections and the pinned content version."""
    return page_of(s, store, find_case(s, folio, actor), actor, now)


def page_of(s: Session, store: CatalogStore, case: Case, actor: Actor, now: datetime) -> CasePage:
    """``case_page`` of a case already found in the actor's scope."""
    detail = detail_of(s, case, now)
    inst = s.get(Instance, case.id)  # None: a legacy case imported as history (no process, read only)
    cat = store.get(s, inst.version_id) if inst is not None else store.latest(s)
    tasks = list(
        s.execute(
            select(HumanTask)
            .where(HumanTask.case_id == case.id, HumanTask.status == "open")
            .order_by(HumanTask.created_at)
        ).scalars()
    )
    names = providers.prefill_names(s, case.provider_rut)
    forms = (
        [_with_escalation(cat, case, inst, _task_form(cat, actor, t, names)) for t in tasks]
        if inst is not None  # legacy history has no process and so no task
        else []
    )
    platform = s.get(Platform, case.platform_code)
    holder = next((t.assignee for t in tasks if t.assignee), None)
    return CasePage(
        detail,
        platform.name if platform else case.platform_code,
        holder,
        forms,
        documents_of(s, case),
        _diagrams(cat, inst, tasks) if inst is not None else [],
        sorted(cat.letters),
        kind_labels(cat),
        cat.classification.labels(case.market, case.motive, case.category),
    )


def diagram_xml(s: Session, store: CatalogStore, folio: str, file: str, actor: Actor) -> bytes:
    """A process file of the case's content version (the caller adds diagram layout when missing)."""
    case = find_case(s, folio, actor)
    inst = s.get(Instance, case.id)
    if inst is None:
        raise NotFound(f"el caso {folio} no tiene proceso")
    body = store.get(s, inst.version_id).files.get(f"processes/{file}")
    if body is None:
        raise NotFound(f"el diagrama {file} no existe en la versión del caso")
    return body
