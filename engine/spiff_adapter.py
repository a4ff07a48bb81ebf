"""Adapters around SpiffWorkflow: sandboxed script engine, clock-driven timers, spec-less state, pruning."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import (
    MultipleEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask,
)
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from . import sandbox
from .errors import EngineError, ScriptFailed

# SpiffWorkflow logs every task state change at INFO: far too chatty (and slow) for a server.
logging.getLogger("spiff").setLevel(logging.WARNING)


def _as_instant(value: Any) -> datetime:
    """A timer expression's value as a tz-aware instant (date → end of that day in Chile)."""
    from .deadlines import end_of_day

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return end_of_day(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return end_of_day(date.fromisoformat(text))
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ScriptFailed(f"el temporizador debe dar una fecha u hora, no {type(value).__name__}")


class _ClockedTimer:
    """Timer mixin: the due instant is computed once with the injected clock; firing is decided by our
    timers table (the scheduler sets ``event_fired``), never by the wall clock inside SpiffWorkflow."""

    expression: str

    def due_instant(self, my_task: Any) -> datetime:
        raise NotImplementedError

    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            my_task._set_internal_data(event_value=self.due_instant(my_task).isoformat())
        return bool(my_task._get_internal_data("event_fired", False))


class ClockedTimeDate(_ClockedTimer, TimeDateEventDefinition):  # type: ignore[misc]
    def due_instant(self, my_task: Any) -> datetime:
        return _as_instant(my_task.workflow.script_engine.evaluate(my_task, self.expression))


class ClockedDuration(_ClockedTimer, DurationTimerEventDefinition):  # type: ignore[misc]
    def due_instant(self, my_task: Any) -> datetime:
        text = my_task.workflow.script_engine.evaluate(my_task, self.expression)
        try:
            parsed = TimerEventDefinition.parse_iso_duration(str(text))
        except Exception as err:
            raise ScriptFailed(f"duración ISO 8601 inválida: {text!r}") from err
        now: datetime = my_task.workflow.script_engine.now
        delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        return now + delta


def _clocked(ed: Any) -> Any:
    if type(ed) is TimeDateEventDefinition:
        return ClockedTimeDate(ed.name, ed.expression, description=ed.description)
    if type(ed) is DurationTimerEventDefinition:
        return ClockedDuration(ed.name, ed.expression, description=ed.description)
    if isinstance(ed, MultipleEventDefinition):  # event-based gateways gather their events here
        ed.event_definitions = [_clocked(inner) for inner in ed.event_definitions]
    return ed


def clock_timers(spec: Any) -> None:
    """Swap a parsed spec's timer definitions for the clocked ones (specs are ours, never shared)."""
    for task_spec in spec.task_specs.values():
        ed = getattr(task_spec, "event_definition", None)
        if ed is not None:
            task_spec.event_definition = _clocked(ed)


def messages_of(event_definition: Any) -> list[Any]:
    """The message definitions an event waits on (directly or inside an event-based gateway)."""
    if isinstance(event_definition, MessageEventDefinition):
        return [event_definition]
    if isinstance(event_definition, MultipleEventDefinition):
        return [e for e in event_definition.event_definitions if isinstance(e, MessageEventDefinition)]
    return []


def timer_of(event_definition: Any) -> Any:
    """The clocked timer an event waits on (directly or inside an event-based gateway), if any."""
    if isinstance(event_definition, _ClockedTimer):
        return event_definition
    if isinstance(event_definition, MultipleEventDefinition):
        return next((e for e in event_definition.event_definitions if isinstance(e, _ClockedTimer)), None)
    return None


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Every script and expression SpiffWorkflow runs goes through engine.sandbox."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__({})
        self.functions = functions

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Any = None) -> Any:
        names = {**(external_context or {}), **context}
        return sandbox.evaluate(expression, names, functions=self.functions)

    def execute(self, script: str, context: MutableMapping[str, Any], external_context: Any = None) -> bool:
        sandbox.execute(script, context, functions=self.functions)
        return True

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise ScriptFailed("las tareas de servicio no están habilitadas")


def clock_functions(now: datetime) -> dict[str, Callable[..., Any]]:
    """The sandbox's allow-list plus ``today()`` and ``now()`` read from the injected clock."""
    from .deadlines import local_date

    today = local_date(now).isoformat()
    stamp = now.isoformat()
    return {**sandbox.DEFAULT_FUNCTIONS, "today": lambda: today, "now": lambda: stamp}


class ScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """A script engine bound to one clock reading (``now``); our errors pass through unwrapped."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        super().__init__(environment=SandboxEnvironment(clock_functions(now)))

    def validate(self, expression: str) -> None:
        sandbox.check_expression(expression)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        return self.environment.evaluate(expression, task.data, external_context)

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        try:
            return bool(self.environment.execute(script, task.data, external_context))
        except EngineError as err:
            raise ScriptFailed(f"{task.task_spec.bpmn_id or task.task_spec.name}: {err.detail}") from err


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Serializes a workflow's state without its specs: specs are stored once per content version."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> Any:
        dct["spec"], dct["subprocess_specs"] = None, {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        from uuid import UUID

        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _state_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateConverter
    config[ClockedTimeDate] = TimerConditionalEventDefinitionConverter
    config[ClockedDuration] = TimerConditionalEventDefinitionConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _state_serializer()


def dump_state(workflow: Any) -> str:
    """The workflow's state as JSON, without specs."""
    return str(_SERIALIZER.serialize_json(workflow))


def load_state(text: str, spec: Any, subprocess_specs: Mapping[str, Any], now: datetime) -> Any:
    """Rebuild a workflow from its state and the (cached) specs of its content version."""
    dct = json.loads(text)
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = ScriptEngine(now)
    return workflow


def _spliceable(task: Any, keep: set[Any]) -> bool:
    """A completed task in a straight chain that nothing in SpiffWorkflow looks up again."""
    if task.state != TaskState.COMPLETED or len(task._children) != 1 or task.id in keep:
        return False
    parent = task.parent
    if parent is None or parent.parent is None:
        return False
    spec = task.task_spec
    if isinstance(spec, (Join, SubWorkflowTask, MultiInstanceTask)):
        return False
    child = task.workflow.tasks.get(task._children[0])
    return child is not None and not isinstance(child.task_spec, (Join, MultiInstanceTask))


def prune(workflow: Any) -> int:
    """Splice finished tasks out of straight chains so a step's cost does not grow with the case's history."""
    removed = 0
    keep = set(workflow.subprocesses)
    for wf in (workflow, *workflow.subprocesses.values()):
        local_keep = keep | ({wf.last_task.id} if wf.last_task is not None else set())
        for task in list(wf.tasks.values()):
            if not _spliceable(task, local_keep):
                continue
            parent, child = task.parent, wf.tasks[task._children[0]]
            parent._children[parent._children.index(task.id)] = child.id
            child._parent = parent.id
            del wf.tasks[task.id]
            removed += 1
    return removed


_REPREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


def _drop_predicted(wf_dict: dict[str, Any], task_specs: Mapping[str, Any] | None) -> list[str]:
    """Remove the predicted part of one (sub)workflow's serialized tree (it is predicted again from the
    new spec) and name the remaining tasks whose spec the new version lacks."""
    tasks: dict[str, Any] = wf_dict["tasks"]
    dropped = {tid for tid, t in tasks.items() if t["state"] & _REPREDICTED}
    for tid in dropped:
        del tasks[tid]
    for t in tasks.values():
        t["children"] = [c for c in t["children"] if c not in dropped]
    return [t["task_spec"] for t in tasks.values() if task_specs is None or t["task_spec"] not in task_specs]


def rebase_state(text: str, spec: Any, subprocess_specs: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A state document made loadable with other specs: predicted tasks dropped. Returns the new text and
    the 'process: task' names still in the tree that the new specs lack (then it must not be loaded)."""
    dct = json.loads(text)
    _SERIALIZER.migrate(dct)
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION  # migrated to the current format just now
    missing = [f"{spec.name}: {name}" for name in _drop_predicted(dct, spec.task_specs)]
    for sub in dct.get("subprocesses", {}).values():
        sub_spec = subprocess_specs.get(sub.get("spec", ""))
        names = _drop_predicted(sub, sub_spec.task_specs if sub_spec is not None else None)
        missing += [f"{sub.get('spec', '')}: {name}" for name in names]
    return json.dumps(dct), missing


def repredict(workflow: Any) -> None:
    """Predict the rest of the tree again from the current tasks (after a rebase on new specs), as
    SpiffWorkflow itself does: a waiting event's outputs are only possible, a ready or running task's
    outputs are certain."""
    current = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for wf in (workflow, *workflow.subprocesses.values()):
        for task in [t for t in wf.tasks.values() if t.has_state(current)]:
            best = TaskState.MAYBE if task.has_state(TaskState.WAITING) else TaskState.FUTURE
            task._sync_children(task.task_spec.outputs, best)
            for child in task.children:
                child.task_spec._predict(child, mask=_REPREDICTED)
