"""A call activity whose process is chosen at run time (``called_element``): checked at publish time, any
process of the version can be called, the choice survives save/restore, an unknown one refuses the step."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import catalog, runtime
from engine.errors import ScriptFailed
from tests.unit.test_catalog__validate import HEADER, content, process, validate  # noqa: F401 (fixture)

NOW = datetime(2024, 9, 13, 15, 0, tzinfo=UTC)


def _caller(expression: str) -> str:
    body = f"""<bpmn:callActivity id="paso" calledElement="hijo_a"><bpmn:extensionElements>
      <spiffworkflow:properties><spiffworkflow:property name="called_element" value="{expression}"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>"""
    return process(body)


def _child(pid: str) -> str:
    return f"""{HEADER}
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:laneSet id="ls_{pid}"><bpmn:lane id="l_{pid}" name="ejecutivo">
      <bpmn:flowNodeRef>i_{pid}</bpmn:flowNodeRef><bpmn:flowNodeRef>t_{pid}</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>f_{pid}</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="i_{pid}"><bpmn:outgoing>a_{pid}</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="a_{pid}" sourceRef="i_{pid}" targetRef="t_{pid}"/>
    <bpmn:userTask id="t_{pid}" name="Tarea {pid}"><bpmn:extensionElements>
      <spiffworkflow:properties><spiffworkflow:property name="form" value="revision_atraso"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>a_{pid}</bpmn:incoming><bpmn:outgoing>b_{pid}</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="b_{pid}" sourceRef="t_{pid}" targetRef="f_{pid}"/>
    <bpmn:endEvent id="f_{pid}"><bpmn:incoming>b_{pid}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def _definition(tmp_path: Path, expression: str) -> runtime.Definition:
    files = {
        "processes/prueba.bpmn": _caller(expression).encode(),
        "processes/hijo_a.bpmn": _child("hijo_a").encode(),
        "processes/hijo_b.bpmn": _child("hijo_b").encode(),
        "forms/revision_atraso.json": (
            catalog.read_dir(Path(__file__).parents[2])["forms/revision_atraso.json"]
        ),
    }
    return catalog.build(files).process("prueba").definition


def test_the_process_is_chosen_when_the_activity_starts_and_survives_restore(tmp_path: Path) -> None:
    defn = _definition(tmp_path, "destino or 'hijo_a'")
    wf = runtime.start(defn, {"destino": "hijo_b"}, NOW, runtime.Trail())
    assert [t.element_id for t in runtime.human_tasks(wf)] == ["t_hijo_b"]
    restored = runtime.restore(defn, runtime.dump(wf), NOW)
    [task] = runtime.human_tasks(restored)
    assert (task.element_id, task.process_id) == ("t_hijo_b", "hijo_b")
    runtime.complete(restored, runtime.ready_human_task(restored, task.id), {}, runtime.Trail())
    assert runtime.is_completed(restored)
    default = runtime.start(defn, {"destino": ""}, NOW, runtime.Trail())
    assert [t.element_id for t in runtime.human_tasks(default)] == ["t_hijo_a"]


def test_a_process_missing_from_the_version_refuses_the_step(tmp_path: Path) -> None:
    defn = _definition(tmp_path, "destino")
    with pytest.raises(ScriptFailed, match="no_existe"):
        runtime.start(defn, {"destino": "no_existe"}, NOW, runtime.Trail())


def test_a_hostile_called_element_is_refused_at_publish(content: Path) -> None:  # noqa: F811
    lines = validate(content, "p.bpmn", _caller("destino.__class__"))
    assert any(line.startswith("processes/p.bpmn: paso: propiedad 'called_element'") for line in lines), lines
