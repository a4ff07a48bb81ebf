"""Writing the BPMN DI: one diagram per undrawn process and subprocess, a pool when the process has lanes."""

from __future__ import annotations

from lxml import etree

from .. import xmlsafe
from .layered import Box, Layout, Point, layout
from .model import BPMNDI, DC, DI, MODEL, NS, SUBPROCESSES, Element, Graph, flow_nodes, read_graph


def ensure_diagram(xml: bytes, file: str = "proceso.bpmn") -> bytes:
    """Return ``xml`` unchanged when every process is drawn, else with a generated BPMN DI for the rest.

    Raises InvalidContent (engine.xmlsafe) for hostile or malformed XML. Processes with lanes are wrapped in
    a collaboration with one participant, because bpmn-js draws lanes only inside a pool; subprocesses are
    drawn collapsed, each with its own plane (bpmn-js shows them as drill-down).
    """
    root = xmlsafe.parse(xml, file).getroot()
    drawn = _drawn_processes(root)
    pending = [p for p in root.iterfind("bpmn:process", NS) if p.get("id") not in drawn]
    if not pending:
        return xml
    taken = {str(v) for v in root.xpath("//@id")}
    anchor = root.find("bpmn:relationship", NS)  # the XSD wants diagrams before relationships
    for process in pending:
        for diagram in _draw_process(root, process, taken):
            if anchor is not None:
                anchor.addprevious(diagram)
            etree.indent(diagram, space="  ", level=1)
            diagram.tail = "\n"
            before = diagram.getprevious()
            if before is not None and not (before.tail or "").strip():
                before.tail = "\n  "
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _drawn_processes(root: Element) -> set[str]:
    """Ids of processes that already have a plane, directly or through a drawn collaboration."""
    planes = {p.get("bpmnElement") for p in root.iterfind("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)}
    drawn = {str(p) for p in planes if p}
    for collab in root.iterfind("bpmn:collaboration", NS):
        if collab.get("id") in planes:
            drawn |= {str(p.get("processRef")) for p in collab.iterfind("bpmn:participant", NS)}
    return drawn


def _fresh(base: str, taken: set[str]) -> str:
    """An id not used yet in the document."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def _num(value: float) -> str:
    """A coordinate as DI writes it: integral values without a decimal point."""
    value = round(float(value), 1)
    return str(int(value)) if value.is_integer() else str(value)


def _shape(plane: Element, taken: set[str], ref: str, box: Box, **attrs: str) -> None:
    """Append a BPMNShape with its bounds."""
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=_fresh(f"{ref}_di", taken), bpmnElement=ref)
    for name, value in attrs.items():
        shape.set(name, value)
    etree.SubElement(
        shape, f"{{{DC}}}Bounds", x=_num(box.x), y=_num(box.y), width=_num(box.w), height=_num(box.h)
    )


def _edge(plane: Element, taken: set[str], ref: str, points: list[Point]) -> None:
    """Append a BPMNEdge with its waypoints."""
    edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=_fresh(f"{ref}_di", taken), bpmnElement=ref)
    for x, y in points:
        etree.SubElement(edge, f"{{{DI}}}waypoint", x=_num(x), y=_num(y))


def _plane(root: Element, ref: str, taken: set[str]) -> tuple[Element, Element]:
    """A new BPMNDiagram, at the end of the definitions, holding one BPMNPlane for ``ref``."""
    tag, nsmap = f"{{{BPMNDI}}}BPMNDiagram", {"bpmndi": BPMNDI, "dc": DC, "di": DI}
    diagram = etree.SubElement(root, tag, nsmap=nsmap, id=_fresh(f"BPMNDiagram_{ref}", taken))
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=_fresh(f"BPMNPlane_{ref}", taken))
    plane.set("bpmnElement", ref)
    return diagram, plane


def _draw_nodes(plane: Element, g: Graph, lay: Layout, taken: set[str]) -> None:
    """Shapes for the flow nodes, edges for the flows."""
    for node, kind in g.kinds.items():
        attrs = {"isExpanded": "false"} if kind in SUBPROCESSES else {}
        if kind == "exclusiveGateway":
            attrs["isMarkerVisible"] = "true"
        _shape(plane, taken, node, lay.shapes[node], **attrs)
    for flow in g.flows:
        _edge(plane, taken, flow.id, lay.edges[flow.id])


def _draw_subprocesses(root: Element, container: Element, g: Graph, taken: set[str]) -> list[Element]:
    """One plane per subprocess, recursively: bpmn-js opens it from the collapsed shape."""
    diagrams = []
    for node, sub in flow_nodes(container).items():
        if g.kinds[node] in SUBPROCESSES:
            inner = read_graph(sub, [])
            diagram, plane = _plane(root, node, taken)
            _draw_nodes(plane, inner, layout(inner), taken)
            diagrams += [diagram, *_draw_subprocesses(root, sub, inner, taken)]
    return diagrams


def _draw_process(root: Element, process: Element, taken: set[str]) -> list[Element]:
    """Diagrams for one process: its plane (a pool with lanes when it has lanes) and its subprocess planes."""
    pid = str(process.get("id"))
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    g = read_graph(process, lanes)
    lay = layout(g)
    if not lanes:
        diagram, plane = _plane(root, pid, taken)
    else:  # made inside the document, so it takes the document's prefix for BPMN
        collab = etree.SubElement(root, f"{{{MODEL}}}collaboration", id=_fresh(f"Collaboration_{pid}", taken))
        participant = etree.SubElement(
            collab, f"{{{MODEL}}}participant", id=_fresh(f"Participant_{pid}", taken)
        )
        participant.set("name", process.get("name") or pid)
        participant.set("processRef", pid)
        process.addprevious(collab)
        etree.indent(collab, space="  ", level=1)
        collab.tail = "\n  "
        diagram, plane = _plane(root, str(collab.get("id")), taken)
        pool = Box(0, lay.bands[0].y, lay.bands[0].right, sum(b.h for b in lay.bands))
        _shape(plane, taken, str(participant.get("id")), pool, isHorizontal="true")
        for lane, band in zip(lanes, lay.bands, strict=True):
            _shape(plane, taken, str(lane.get("id")), band, isHorizontal="true")
    _draw_nodes(plane, g, lay, taken)
    return [diagram, *_draw_subprocesses(root, process, g, taken)]
