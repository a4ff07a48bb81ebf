"""Reading the BPMN model: the flow nodes, sequence flows, boundary hosts and lanes of one container."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": MODEL, "bpmndi": BPMNDI, "dc": DC, "di": DI}

SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = SUBPROCESSES | {
    *("task", "userTask", "scriptTask", "serviceTask", "manualTask"),
    *("businessRuleTask", "sendTask", "receiveTask", "callActivity"),
}
EVENTS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
GATEWAYS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS

Element = Any  # lxml ships no type information


@dataclass(frozen=True)
class Flow:
    """A sequence flow between two flow nodes of the same container."""

    id: str
    source: str
    target: str


@dataclass
class Graph:
    """What one process or subprocess draws: flow nodes in document order, flows, boundary hosts, lanes."""

    kinds: dict[str, str]
    flows: list[Flow]
    host: dict[str, str]
    lane_of: dict[str, int]
    bands: int

    def layered(self, node: str) -> str:
        """The node that stands for ``node`` in the layering: a boundary event's host, else itself."""
        return self.host.get(node, node)

    def band(self, node: str) -> int:
        """The horizontal band (lane) a node is drawn in; boundary events go with their host."""
        return self.lane_of.get(self.layered(node), 0)


def _local(el: Element) -> str:
    """The BPMN tag name of a model element; "" for comments and foreign elements."""
    if not isinstance(el.tag, str):
        return ""
    name = etree.QName(el)
    return str(name.localname) if name.namespace == MODEL else ""


def flow_nodes(container: Element) -> dict[str, Element]:
    """The flow nodes directly inside a process or subprocess, by id, in document order."""
    return {str(el.get("id")): el for el in container if _local(el) in FLOW_NODES and el.get("id")}


def read_graph(container: Element, lanes: list[Element]) -> Graph:
    """Collect the flow nodes and sequence flows directly inside a process or subprocess."""
    nodes = flow_nodes(container)
    kinds = {node: _local(el) for node, el in nodes.items()}
    host = {
        node: str(el.get("attachedToRef"))
        for node, el in nodes.items()
        if kinds[node] == "boundaryEvent" and kinds.get(str(el.get("attachedToRef")), "") in ACTIVITIES
    }
    flows = [
        Flow(str(el.get("id")), str(el.get("sourceRef")), str(el.get("targetRef")))
        for el in container.iterfind("bpmn:sequenceFlow", NS)
        if el.get("sourceRef") in kinds and el.get("targetRef") in kinds and el.get("id")
    ]
    lane_of: dict[str, int] = {}
    for index, lane in enumerate(lanes):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of.setdefault((ref.text or "").strip(), index)
    return Graph(kinds, flows, host, lane_of, max(len(lanes), 1))
