"""The only module that drives SpiffWorkflow: start, ready tasks, complete, fire timers, catch messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from . import spiff_adapter, storable
from .errors import DataUnstorable, TaskNotReady
from .roles import role_for_lane

Workflow = Any  # SpiffWorkflow's BpmnWorkflow (untyped library)


@dataclass(frozen=True)
class Definition:
    """What the runtime needs of one process: its spec and the specs of what it calls."""

    process_id: str
    spec: Any
    subprocess_specs: Mapping[str, Any]


@dataclass(frozen=True)
class HumanTaskInfo:
    id: str
    element_id: str
    name: str
    process_id: str
    lane: str | None
    role: str | None
    form_id: str | None
    letters: tuple[str, ...]
    context: Mapping[str, Any]
    four_eyes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimerInfo:
    task_id: str
    element_id: str
    name: str
    due_at: datetime
    boundary: bool = False  # a deadline on an activity (boundary event), not a wait of the process itself


@dataclass(frozen=True)
class MessageWait:
    task_id: str
    element_id: str
    message: str
    form_id: str | None = None  # the event's ``form`` property: the schema its payload must satisfy
    due_at: datetime | None = None  # the earliest timer racing it (same activity or event gateway)


EFFECT_PROPERTIES = frozenset(
    {
        "letter",
        "letters",
        "log_event",
        "log_summary",
        "notify",
        "notify_message",
        "derivation",
        "derivation_status",
        "consumer_verdict",
        "notify_company",
    }
)


@dataclass(frozen=True)
class Completed:
    """One element completed during a step; ``data`` is kept only when the element has effects to apply."""

    element_id: str
    name: str
    kind: str
    props: Mapping[str, str]
    data: Mapping[str, Any]
    process_id: str = ""


@dataclass
class Trail:
    """Elements completed during one engine run, in order (for the log, letters and notifications)."""

    completed: list[Completed] = field(default_factory=list)

    def record(self, task: Any) -> None:
        spec = task.task_spec
        if not spec.bpmn_id:
            return
        props = properties(spec)
        data = dict(task.data) if EFFECT_PROPERTIES.intersection(props) else {}
        done = Completed(
            spec.bpmn_id, spec.bpmn_name or "", type(spec).__name__, props, data, task.workflow.spec.name
        )
        self.completed.append(done)


def properties(task_spec: Any) -> Mapping[str, str]:
    """The spiffworkflow:properties of an element (form, letter, ...)."""
    props = getattr(task_spec, "extensions", {}).get("properties", {})
    return props if isinstance(props, Mapping) else {}


def listed(props: Mapping[str, str], *names: str) -> tuple[str, ...]:
    """The comma-separated values of one or more properties."""
    raw = ",".join(v for k, v in props.items() if k in names)
    return tuple(x.strip() for x in raw.split(",") if x.strip())


def shown_data(props: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any]:
    """The process variables a task's ``show`` property asks to display with it (e.g. observaciones)."""
    return {name: data[name] for name in listed(props, "show") if data.get(name) not in (None, "")}


def letter_ids(props: Mapping[str, str]) -> tuple[str, ...]:
    """Letter ids named by the ``letter``/``letters`` properties (comma-separated)."""
    return listed(props, "letter", "letters")


def start(defn: Definition, data: Mapping[str, Any], now: datetime, trail: Trail) -> Workflow:
    """A new workflow with ``data`` as its initial task data, run up to its first wait."""
    wf = BpmnWorkflow(defn.spec, dict(defn.subprocess_specs), script_engine=spiff_adapter.ScriptEngine(now))
    first = wf.get_next_task(state=TaskState.READY)
    first.data.update(data)
    advance(wf, trail)
    return wf


def restore(defn: Definition, state: str, now: datetime) -> Workflow:
    """Rebuild a workflow from its stored state and its version's specs."""
    return spiff_adapter.load_state(state, defn.spec, defn.subprocess_specs, now)


@dataclass(frozen=True)
class LiveTask:
    """A task the workflow is on now (ready, waiting or running), by process and element."""

    process_id: str
    element_id: str
    name: str
    kind: str


def _kind(spec: Any) -> str:
    """The task spec's type; a call activity also names the process it calls."""
    called = getattr(spec, "spec", None) if isinstance(spec, SubWorkflowTask) else None
    return f"{type(spec).__name__}:{called}" if called else type(spec).__name__


def live_tasks(wf: Workflow) -> list[LiveTask]:
    """Every READY, WAITING or STARTED task of the workflow and its subprocesses."""
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    return [
        LiveTask(t.workflow.spec.name, t.task_spec.name, t.task_spec.bpmn_name or "", _kind(t.task_spec))
        for t in wf.get_tasks(state=live)
    ]


def spec_kinds(defn: Definition) -> dict[str, dict[str, str]]:
    """Process (or subprocess) id → task spec name → type, for a definition and what it calls."""
    return {
        spec.name: {name: _kind(ts) for name, ts in spec.task_specs.items()}
        for spec in (defn.spec, *defn.subprocess_specs.values())
    }


def rebase(defn: Definition, state: str, now: datetime) -> Workflow:
    """Rebuild a workflow from a state saved under other specs (a migration): its finished and current
    tasks are kept as they are, the rest is predicted again from ``defn``. TaskNotReady if the state names
    tasks ``defn`` lacks (the caller checks that first)."""
    text, missing = spiff_adapter.rebase_state(state, defn.spec, defn.subprocess_specs)
    if missing:
        raise TaskNotReady(f"la versión nueva no tiene: {', '.join(sorted(set(missing))[:5])}")
    wf = spiff_adapter.load_state(text, defn.spec, defn.subprocess_specs, now)
    spiff_adapter.repredict(wf)
    return wf


def dump(wf: Workflow) -> str:
    """Prune finished history and serialize the state (no specs). Raises DataUnstorable when the data holds
    a value the state could not store and reload identically: the step is refused, the case stays workable."""
    spiff_adapter.prune(wf)
    found = storable.problem(_data_of(wf))
    if found is not None:
        raise DataUnstorable(f"el paso no se guardó: {found}")
    try:
        return spiff_adapter.dump_state(wf)
    except (TypeError, ValueError, RecursionError) as err:  # what the walk above missed: refuse, never brick
        raise DataUnstorable(f"el paso no se guardó: {type(err).__name__}: {str(err)[:200]}") from err


def _data_of(wf: Workflow) -> list[tuple[str, Any]]:
    """(name, value) of every variable of every task and data object the state stores; a dict shared by
    several tasks is walked once."""
    seen: set[int] = set()
    out: list[tuple[str, Any]] = []
    for w in (wf, *wf.subprocesses.values()):
        for data in (w.data, *(t.data for t in w.tasks.values())):
            if id(data) not in seen:
                seen.add(id(data))
                out.extend(data.items())
    return out


def advance(wf: Workflow, trail: Trail) -> None:
    """Run engine tasks (scripts, gateways, events) until only human tasks and waits remain."""
    wf.do_engine_steps(did_complete_task=trail.record)


def lane_of(task: Any) -> str | None:
    """A task's lane; tasks inside a subprocess or called process without lanes take the caller's lane."""
    while task is not None:
        if task.task_spec.lane:
            return str(task.task_spec.lane)
        parent_id = task.workflow.parent_task_id
        task = task.workflow.top_workflow.get_task_from_id(parent_id) if parent_id else None
    return None


def human_tasks(wf: Workflow) -> list[HumanTaskInfo]:
    """The READY user/manual tasks (SpiffWorkflow's task iterator already descends into subprocesses)."""
    out = []
    for task in wf.get_tasks(state=TaskState.READY, manual=True):
        spec, props, lane = task.task_spec, properties(task.task_spec), lane_of(task)
        out.append(
            HumanTaskInfo(
                id=str(task.id),
                element_id=spec.bpmn_id,
                name=spec.bpmn_name or spec.bpmn_id,
                process_id=task.workflow.spec.name,
                lane=lane,
                role=role_for_lane(lane),
                form_id=props.get("form"),
                letters=letter_ids(props),
                context=shown_data(props, task.data),
                four_eyes=listed(props, "four_eyes"),
            )
        )
    return out


def ready_human_task(wf: Workflow, task_id: str) -> Any:
    """The READY human task with this id; TaskNotReady when it is no longer open (finished tasks may have
    been pruned from the tree, so "absent" means "already done" here: the projection vouched it existed)."""
    try:
        task = wf.get_task_from_id(UUID(task_id))
    except Exception:
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady("la tarea ya fue completada o ya no está disponible")
    return task


def complete(wf: Workflow, task: Any, data: Mapping[str, Any], trail: Trail) -> None:
    """Complete a human task with its (validated) form data and advance the process."""
    task.data.update(data)
    task.run()
    trail.record(task)
    advance(wf, trail)


def waiting_timers(wf: Workflow) -> list[TimerInfo]:
    """Timer events waiting to fire, with the due instant computed from the injected clock."""
    out = []
    for task in wf.event_manager.tasks.values():
        timer = spiff_adapter.timer_of(task.task_spec.event_definition)
        if task.state == TaskState.WAITING and timer is not None:
            value = task._get_internal_data("event_value")
            if value and not task._get_internal_data("event_fired", False):
                spec = task.task_spec
                name = timer.name or spec.bpmn_name or spec.bpmn_id
                due = datetime.fromisoformat(value)
                out.append(TimerInfo(str(task.id), spec.bpmn_id, name, due, isinstance(spec, BoundaryEvent)))
    return out


def fire_timer(wf: Workflow, task_id: str, trail: Trail) -> bool:
    """Fire one waiting timer (the database decided it is due); False if it no longer waits."""
    try:
        task = wf.get_task_from_id(UUID(task_id))
    except Exception:
        return False
    if task is None or task.state != TaskState.WAITING:
        return False
    task._set_internal_data(event_fired=True)
    wf.refresh_timers()
    advance(wf, trail)
    return True


def _timer_due(task: Any) -> datetime | None:
    """When a waiting timer event fires (None for anything else or a timer already fired)."""
    if task.state != TaskState.WAITING or spiff_adapter.timer_of(task.task_spec.event_definition) is None:
        return None
    value = task._get_internal_data("event_value")
    if not value or task._get_internal_data("event_fired", False):
        return None
    return datetime.fromisoformat(value)


def _racing_due(task: Any) -> datetime | None:
    """The deadline of a message wait: the earliest timer among its siblings (boundary events of the same
    activity, or the events after the same event-based gateway)."""
    siblings = task.parent.children if task.parent is not None else []
    dues = [due for sibling in siblings if sibling is not task and (due := _timer_due(sibling))]
    return min(dues, default=None)


def waiting_messages(wf: Workflow) -> list[MessageWait]:
    """Message events the workflow waits for (also inside event-based gateways)."""
    out = []
    for task in wf.event_manager.tasks.values():
        if task.state == TaskState.WAITING:
            spec = task.task_spec
            for ed in spiff_adapter.messages_of(spec.event_definition):
                form = properties(spec).get("form")
                out.append(MessageWait(str(task.id), spec.bpmn_id, ed.name, form, _racing_due(task)))
    return out


def catch_message(wf: Workflow, name: str, payload: Mapping[str, Any], trail: Trail) -> int:
    """Deliver a message to the waiting events that catch it; returns how many caught it."""
    for task in list(wf.event_manager.tasks.values()):
        if task.state != TaskState.WAITING:
            continue
        for ed in spiff_adapter.messages_of(task.task_spec.event_definition):
            if ed.name == name:
                wf.catch(BpmnEvent(ed, dict(payload)))
                advance(wf, trail)
                return 1
    return 0


def variables(wf: Workflow) -> Mapping[str, Any]:
    """The case's current data: the data of the most recently completed task, looking into subprocesses
    too (a called stage sets stage, due_date ... long before it returns to the main process)."""
    last = [w.last_task for w in (wf, *wf.subprocesses.values()) if w.last_task is not None]
    if not last:
        return {}
    newest = max(last, key=lambda t: t.last_state_change or 0)
    return newest.data  # type: ignore[no-any-return]


def set_variables(wf: Workflow, values: Mapping[str, Any]) -> None:
    """Set process variables on every live task (e.g. the new region after a transfer)."""
    for w in (wf, *wf.subprocesses.values()):
        for task in w.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            task.data.update(values)
        if w.last_task is not None:
            w.last_task.data.update(values)


def is_completed(wf: Workflow) -> bool:
    return bool(wf.is_completed())
