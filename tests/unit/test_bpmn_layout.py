"""Generated diagrams: each shipped process gets a drawing bpmn-js can show; a drawn file is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import combinations, pairwise
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn_layout import NS, ensure_diagram
from engine.errors import InvalidContent
from tests.conftest import ROOT

PROCESS_FILES = sorted((ROOT / "processes").glob("*.bpmn"))
# Files an analyst drew in a modeler keep their own diagram; the layout is checked on the hand-written ones.
HAND_WRITTEN = [p.name for p in PROCESS_FILES if b"BPMNDiagram" not in p.read_bytes()]
FLOW_NODE_TAGS = {
    *("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"),
    *("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"),
    *("task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "sendTask"),
    *("receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"),
}
Bounds = tuple[float, float, float, float]  # x, y, width, height

NO_LANES = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="bucle" isExecutable="true">
    <bpmn:startEvent id="inicio"/>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f2"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="paso"/>
    <bpmn:userTask id="paso" name="Paso"/>
    <bpmn:boundaryEvent id="vence" attachedToRef="paso">
      <bpmn:timerEventDefinition id="t"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="vence" targetRef="gw"/>
    <bpmn:sequenceFlow id="f4" sourceRef="paso" targetRef="fin"/>
    <bpmn:endEvent id="fin"/>
  </bpmn:process>
</bpmn:definitions>"""


@cache
def laid_out(name: str) -> bytes:
    """The shipped process file with its generated diagram."""
    return ensure_diagram((ROOT / "processes" / name).read_bytes(), name)


def tree_of(name: str) -> Any:
    return etree.fromstring(laid_out(name))


def local(el: Any) -> str:
    return str(etree.QName(el).localname)


def containers(root: Any) -> Iterator[Any]:
    """Every process and (nested) subprocess: each is drawn on a plane of its own."""
    for el in root.iter(f"{{{NS['bpmn']}}}*"):
        if local(el) in ("process", "subProcess", "transaction", "adHocSubProcess"):
            yield el


def plane_of(root: Any, container: Any) -> Any:
    """The plane a container is drawn on: its own, or its collaboration's when it sits in a pool."""
    refs = {container.get("id")}
    for participant in root.iterfind("bpmn:collaboration/bpmn:participant", NS):
        if participant.get("processRef") == container.get("id"):
            refs.add(participant.getparent().get("id"))
    planes = [
        p for p in root.iterfind("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS) if p.get("bpmnElement") in refs
    ]
    assert len(planes) == 1, f"{container.get('id')}: {len(planes)} planes"
    return planes[0]


def flow_nodes(container: Any) -> list[Any]:
    return [el for el in container if isinstance(el.tag, str) and local(el) in FLOW_NODE_TAGS]


def bounds(plane: Any) -> dict[str, Bounds]:
    """Bounds of every shape on a plane, by the id of the element it draws."""
    found = {}
    for shape in plane.iterfind("bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        x, y, w, h = (float(b.get(k)) for k in ("x", "y", "width", "height"))
        found[str(shape.get("bpmnElement"))] = (x, y, w, h)
    return found


def waypoints(plane: Any, flow_id: str) -> list[tuple[float, float]]:
    edges = [e for e in plane.iterfind("bpmndi:BPMNEdge", NS) if e.get("bpmnElement") == flow_id]
    assert len(edges) == 1, f"{flow_id}: {len(edges)} edges"
    return [(float(p.get("x")), float(p.get("y"))) for p in edges[0].iterfind("di:waypoint", NS)]


def overlap(a: Bounds, b: Bounds) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner: Bounds, outer: Bounds) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and outer[1] <= inner[1]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


files = pytest.mark.parametrize("name", HAND_WRITTEN)


@files
def test_every_flow_node_has_exactly_one_shape_on_its_plane(name: str) -> None:
    root = tree_of(name)
    all_shapes = [s.get("bpmnElement") for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")]
    for container in containers(root):
        on_plane = bounds(plane_of(root, container))
        for node in flow_nodes(container):
            assert all_shapes.count(node.get("id")) == 1, node.get("id")
            assert node.get("id") in on_plane, (
                f"{node.get('id')} is not on the plane of {container.get('id')}"
            )


@files
def test_subprocesses_are_drawn_collapsed_with_a_plane_to_drill_into(name: str) -> None:
    root = tree_of(name)
    planes = {p.get("bpmnElement") for p in root.iterfind("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)}
    for sub in root.iter(f"{{{NS['bpmn']}}}subProcess"):
        shape = root.find(f".//bpmndi:BPMNShape[@bpmnElement='{sub.get('id')}']", NS)
        assert shape.get("isExpanded") == "false"
        assert sub.get("id") in planes


@files
def test_every_sequence_flow_has_an_orthogonal_edge_into_its_target(name: str) -> None:
    root = tree_of(name)
    for container in containers(root):
        plane = plane_of(root, container)
        shapes = bounds(plane)
        for flow in container.iterfind("bpmn:sequenceFlow", NS):
            points = waypoints(plane, flow.get("id"))
            assert len(points) >= 2, flow.get("id")
            assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), flow.get("id")
            x, y, _, h = shapes[flow.get("targetRef")]
            assert points[-1][0] == x and y <= points[-1][1] <= y + h, f"{flow.get('id')} misses its target"


@files
def test_shapes_do_not_overlap(name: str) -> None:
    root = tree_of(name)
    for container in containers(root):
        nodes = flow_nodes(container)
        shapes = bounds(plane_of(root, container))
        attached = {(n.get("id"), n.get("attachedToRef")) for n in nodes if n.get("attachedToRef")}
        for a, b in combinations([n.get("id") for n in nodes], 2):
            if (a, b) not in attached and (b, a) not in attached:
                assert not overlap(shapes[a], shapes[b]), f"{name}: {a} overlaps {b}"


@files
def test_boundary_events_sit_on_the_bottom_edge_of_their_host(name: str) -> None:
    root = tree_of(name)
    for container in containers(root):
        plane = plane_of(root, container)
        shapes = bounds(plane)
        for event in container.iterfind("bpmn:boundaryEvent", NS):
            ex, ey, ew, eh = shapes[event.get("id")]
            hx, hy, hw, hh = shapes[event.get("attachedToRef")]
            assert ey + eh / 2 == hy + hh and hx <= ex + ew / 2 <= hx + hw, event.get("id")
            for flow in container.iterfind(f"bpmn:sequenceFlow[@sourceRef='{event.get('id')}']", NS):
                assert waypoints(plane, flow.get("id"))[0] == (ex + ew / 2, ey + eh), flow.get("id")


@files
def test_lanes_are_drawn_in_a_pool_and_hold_their_nodes(name: str) -> None:
    root = tree_of(name)
    for process in root.iterfind("bpmn:process", NS):
        shapes = bounds(plane_of(root, process))
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        participant = root.find(f"bpmn:collaboration/bpmn:participant[@processRef='{process.get('id')}']", NS)
        assert (participant is not None) == bool(lanes)
        lane_of = {
            ref.text: lane.get("id") for lane in lanes for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }
        for lane in lanes:
            assert inside(shapes[lane.get("id")], shapes[participant.get("id")])
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                host = process.find(f"bpmn:boundaryEvent[@id='{ref.text}']", NS)
                if host is not None and lane_of.get(host.get("attachedToRef")) != lane.get("id"):
                    continue  # drawn on its host, in the host's lane
                assert inside(shapes[ref.text], shapes[lane.get("id")]), (
                    f"{ref.text} outside {lane.get('id')}"
                )


def test_loops_run_above_the_nodes_they_jump_back_over() -> None:
    root = tree_of("etapa_reclamo.bpmn")
    plane = plane_of(root, root.find("bpmn:process", NS))
    shapes = bounds(plane)
    points = waypoints(plane, "r_reintento")  # second reminder: back to waiting for the provider
    assert min(y for _, y in points) < min(shapes[n][1] for n in ("gw_espera", "registrar_respuesta"))
    assert points[-1] == (shapes["gw_espera"][0], shapes["gw_espera"][1] + 25)


def test_the_laid_out_processes_are_still_valid_for_spiffworkflow() -> None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for path in PROCESS_FILES:
        parser.add_bpmn_xml(etree.ElementTree(tree_of(path.name)), filename=path.name)
    for process_id in parser.get_process_ids():
        assert parser.get_spec(process_id) is not None
        parser.get_subprocess_specs(process_id)


def test_a_process_without_lanes_gets_a_plane_of_its_own_and_no_pool() -> None:
    out = ensure_diagram(NO_LANES)
    root = etree.fromstring(out)
    VALIDATOR.validate(root)
    assert root.find("bpmn:collaboration", NS) is None
    plane = plane_of(root, root.find("bpmn:process", NS))
    assert plane.get("bpmnElement") == "bucle"
    shapes = bounds(plane)
    assert set(shapes) == {"inicio", "gw", "paso", "vence", "fin"}
    loop = waypoints(plane, "f3")  # from the timer back to the gateway, over the top
    assert loop[0] == (shapes["vence"][0] + 18, shapes["vence"][1] + 36)
    assert min(y for _, y in loop) < shapes["paso"][1]


@pytest.mark.parametrize("name", [p.name for p in PROCESS_FILES])
def test_a_drawn_file_comes_back_byte_identical(name: str) -> None:
    drawn = laid_out(name)
    assert ensure_diagram(drawn, name) == drawn


def test_hostile_xml_is_refused() -> None:
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x "boom">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&x;</bpmn:definitions>"""
    with pytest.raises(InvalidContent, match="DOCTYPE"):
        ensure_diagram(hostile, "hostil.bpmn")
