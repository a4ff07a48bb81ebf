"""Diagram interchange for processes written by hand: a layered left-to-right layout that bpmn-js can draw."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from lxml import etree

from . import xmlsafe

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": MODEL, "bpmndi": BPMNDI, "dc": DC, "di": DI}

GAP_X = 60.0  # between layers
ROW_H = 120.0  # one row: a task (80) plus the ~40 px between stacked nodes
CHANNEL_H = 30.0  # a row that only flows pass through
HOST_EXTRA = 30.0  # room under a row with boundary events for their labels
TRACK = 28.0  # vertical spacing of the loop tracks above a band (a flow label is about two lines)
POOL_HEAD = 30.0  # the participant's name strip, left of the lanes
X0 = POOL_HEAD + 50.0  # left edge of the first layer

_SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
_ACTIVITIES = _SUBPROCESSES | {
    *("task", "userTask", "scriptTask", "serviceTask", "manualTask"),
    *("businessRuleTask", "sendTask", "receiveTask", "callActivity"),
}
_EVENTS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
_GATEWAYS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
_FLOW_NODES = _ACTIVITIES | _EVENTS | _GATEWAYS

Point = tuple[float, float]
Element = Any  # lxml ships no type information


@dataclass(frozen=True)
class Box:
    """A shape's bounds, in diagram pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.h

    @property
    def cx(self) -> float:
        """The horizontal centre."""
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        """The vertical centre."""
        return self.y + self.h / 2


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


@dataclass
class Plan:
    """The layout's abstract grid: layer (column) and row of every node, rows of flows spanning layers."""

    g: Graph
    rank: dict[str, int]
    layer: dict[str, int]
    back: set[str]
    rows: dict[str, int] = field(default_factory=dict)
    via: dict[str, list[int]] = field(default_factory=dict)
    tracks: dict[str, tuple[int, int]] = field(default_factory=dict)
    channels: set[tuple[int, int, int]] = field(default_factory=set)  # (band, layer, row) held by long flows


@dataclass
class Layout:
    """Shapes (flow nodes) and edge waypoints (flows) of one plane, plus the lane bands."""

    shapes: dict[str, Box]
    edges: dict[str, list[Point]]
    bands: list[Box]


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


# --- reading the model -------------------------------------------------------------------------------


def _local(el: Element) -> str:
    """The BPMN tag name of a model element; "" for comments and foreign elements."""
    if not isinstance(el.tag, str):
        return ""
    name = etree.QName(el)
    return str(name.localname) if name.namespace == MODEL else ""


def _flow_nodes(container: Element) -> dict[str, Element]:
    """The flow nodes directly inside a process or subprocess, by id, in document order."""
    return {str(el.get("id")): el for el in container if _local(el) in _FLOW_NODES and el.get("id")}


def _graph(container: Element, lanes: list[Element]) -> Graph:
    """Collect the flow nodes and sequence flows directly inside a process or subprocess."""
    nodes = _flow_nodes(container)
    kinds = {node: _local(el) for node, el in nodes.items()}
    host = {
        node: str(el.get("attachedToRef"))
        for node, el in nodes.items()
        if kinds[node] == "boundaryEvent" and kinds.get(str(el.get("attachedToRef")), "") in _ACTIVITIES
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


def _size(kind: str, boundary_events: int) -> tuple[float, float]:
    """Shape size: events 36, gateways 50, activities 100x80 (wider when many boundary events hang on it)."""
    if kind in _EVENTS:
        return 36.0, 36.0
    if kind in _GATEWAYS:
        return 50.0, 50.0
    return max(100.0, 90.0 * boundary_events), 80.0  # labels of boundary events are 90 wide


# --- layering ----------------------------------------------------------------------------------------


def _out_edges(g: Graph) -> dict[str, list[Flow]]:
    """Flows leaving each layered node: its own flows first, then those of its boundary events."""
    out: dict[str, list[Flow]] = defaultdict(list)
    for flow in sorted(g.flows, key=lambda f: f.source in g.host):
        out[g.layered(flow.source)].append(flow)
    return out


def _roots(g: Graph, out: dict[str, list[Flow]]) -> list[str]:
    """Where the walk starts: start events, nodes nothing flows into, then the rest (document order)."""
    nodes = [n for n in g.kinds if n not in g.host]
    entered = {g.layered(f.target) for flows in out.values() for f in flows}
    starts = [n for n in nodes if g.kinds[n] == "startEvent"]
    return starts + [n for n in nodes if n not in entered] + nodes


def _walk(g: Graph) -> tuple[dict[str, int], list[str], set[str], dict[str, list[Flow]]]:
    """Depth-first walk from the start events: preorder rank, postorder, back edges (flows closing loops)."""
    out = _out_edges(g)
    rank: dict[str, int] = {}
    post: list[str] = []
    back: set[str] = set()
    open_: set[str] = set()
    for root in _roots(g, out):
        if root in rank:
            continue
        rank[root] = len(rank)
        open_.add(root)
        stack = [(root, iter(out[root]))]
        while stack:
            node, todo = stack[-1]
            flow = next(todo, None)
            if flow is None:
                stack.pop()
                open_.discard(node)
                post.append(node)
                continue
            target = g.layered(flow.target)
            if target in open_:
                back.add(flow.id)
            elif target not in rank:
                rank[target] = len(rank)
                open_.add(target)
                stack.append((target, iter(out[target])))
    return rank, post, back, out


def _plan(g: Graph) -> Plan:
    """Layer = longest path from the start events over the flows that are not back edges."""
    rank, post, back, out = _walk(g)
    layer = dict.fromkeys(post, 0)
    for node in reversed(post):  # reverse postorder: a topological order once back edges are ignored
        for flow in out[node]:
            if flow.id not in back:
                target = g.layered(flow.target)
                layer[target] = max(layer[target], layer[node] + 1)
    plan = Plan(g, rank, layer, back)
    _place_rows(plan)
    _assign_tracks(plan)
    return plan


# --- rows ----------------------------------------------------------------------------------------------


def _claim_channel(taken: set[tuple[int, int, int]], band: int, first: int, end: int, wish: int) -> list[int]:
    """One row, free in every layer from ``first`` up to (not including) ``end``, for a long flow."""
    row = wish
    while any((band, k, row) in taken for k in range(first, end)):
        row += 1
    taken.update((band, k, row) for k in range(first, end))
    return [row] * (end - first)


def _claim(taken: set[tuple[int, int, int]], band: int, layer: int, row: int) -> int:
    """Take the first free row at or below ``row`` in one band and layer."""
    while (band, layer, row) in taken:
        row += 1
    taken.add((band, layer, row))
    return row


def _leaving_row(plan: Plan, flow: Flow) -> int:
    """The row a flow leaves its source on: one below the host for flows out of boundary events."""
    row = plan.rows[plan.g.layered(flow.source)]
    return row + 1 if flow.source in plan.g.host else row


def _arrival_row(plan: Plan, flow: Flow) -> int:
    """The row a flow reaches the layer before its target on (its last passing row when it spans layers)."""
    return plan.via[flow.id][-1] if flow.id in plan.via else _leaving_row(plan, flow)


def _wish(plan: Plan, node: str, incoming: list[Flow]) -> int:
    """The row a node would like: the topmost one its flows from the same band arrive on."""
    g = plan.g
    return min((_arrival_row(plan, f) for f in incoming if g.band(f.source) == g.band(node)), default=0)


def _place_rows(plan: Plan) -> None:
    """Rows, layer by layer: a node takes the row its flows arrive on; a long flow, one straight channel row.

    Nodes go first (topmost wish first) so shapes line up; then the cell under a host of boundary events is
    kept free where possible, for the flows leaving them; then long flows starting here take their channel.
    """
    g, layer, taken = plan.g, plan.layer, set[tuple[int, int, int]]()
    forward = [f for f in g.flows if f.id not in plan.back]
    incoming: dict[str, list[Flow]] = defaultdict(list)
    for flow in forward:
        incoming[g.layered(flow.target)].append(flow)
    starting: dict[int, list[Flow]] = defaultdict(list)  # long flows, by the layer they leave
    for flow in forward:
        if layer[g.layered(flow.target)] - layer[g.layered(flow.source)] > 1:
            starting[layer[g.layered(flow.source)]].append(flow)
    hosts, by_layer = set(g.host.values()), defaultdict[int, list[str]](list)
    for node in layer:
        by_layer[layer[node]].append(node)
    for k in range(max(layer.values(), default=-1) + 1):
        wishes = {node: _wish(plan, node, incoming[node]) for node in by_layer[k]}
        for node in sorted(by_layer[k], key=lambda n: (wishes[n], plan.rank[n])):
            plan.rows[node] = _claim(taken, g.band(node), k, wishes[node])
        taken |= {(g.band(n), k, plan.rows[n] + 1) for n in by_layer[k] if n in hosts}
        for flow in sorted(
            starting[k - 1],
            key=lambda f: (_leaving_row(plan, f), plan.rank[g.layered(f.source)]),
        ):
            band, end = g.band(flow.source), layer[g.layered(flow.target)]
            plan.via[flow.id] = _claim_channel(taken, band, k, end, _leaving_row(plan, flow))
            plan.channels.update((band, j, plan.via[flow.id][0]) for j in range(k, end))


def _assign_tracks(plan: Plan) -> None:
    """Loops run on tracks above the upper band they join; enclosing loops run further out: no crossings."""
    g, placed = plan.g, defaultdict[int, list[tuple[int, int, int]]](list)

    def span(flow: Flow) -> tuple[int, int]:
        return plan.layer[g.layered(flow.target)], plan.layer[g.layered(flow.source)]

    loops = sorted((f for f in g.flows if f.id in plan.back), key=lambda f: span(f)[1] - span(f)[0])
    for flow in loops:
        band, (lo, hi) = min(g.band(flow.source), g.band(flow.target)), span(flow)
        level = 1 + max((lv for a, b, lv in placed[band] if a <= hi and lo <= b), default=-1)
        placed[band].append((lo, hi, level))
        plan.tracks[flow.id] = (band, level)


# --- geometry ------------------------------------------------------------------------------------------


@dataclass
class Grid:
    """Pixel positions of the plan's columns (layers), bands (lanes) and rows."""

    left: list[float]
    width: list[float]
    band_top: list[float]
    band_h: list[float]
    centre: list[list[float]]  # per band and row: the y its nodes and passing flows are centred on
    row0: list[float]  # per band: top of its first row, below the loop tracks

    def cy(self, band: int, row: int) -> float:
        """Vertical centre of a row."""
        return self.centre[band][row]

    def gap(self, layer: int) -> float:
        """Middle of the gap right of a layer, where flows turn."""
        return self.left[layer] + self.width[layer] + GAP_X / 2


def _columns(plan: Plan, sizes: dict[str, tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Left edge and width of each layer: as wide as its widest shape."""
    widths = [36.0] * (max(plan.layer.values(), default=0) + 1)
    for node, k in plan.layer.items():
        widths[k] = max(widths[k], sizes[node][0])
    return [X0 + x for x in accumulate((w + GAP_X for w in widths[:-1]), initial=0.0)], widths


def _row_heights(plan: Plan) -> list[list[float]]:
    """Rows with shapes are ROW_H (more under boundary events, for labels); rows only flows use are thin."""
    g, flows = plan.g, {f.id: f for f in plan.g.flows}
    used = [0] * g.bands
    for flow_id, passing in plan.via.items():
        band = g.band(flows[flow_id].source)
        used[band] = max(used[band], *(r + 1 for r in passing))
    full = {(g.band(node), row) for node, row in plan.rows.items()}
    for band, row in full:
        used[band] = max(used[band], row + 1)
    hosts = {(g.band(host), plan.rows[host]) for host in g.host.values()}
    return [
        [(ROW_H + HOST_EXTRA * ((b, r) in hosts) if (b, r) in full else CHANNEL_H) for r in range(used[b])]
        or [ROW_H]  # an empty lane still gets one row
        for b in range(g.bands)
    ]


def _grid(plan: Plan, sizes: dict[str, tuple[float, float]]) -> Grid:
    """Columns, then bands stacked top-down: loop tracks, then the rows."""
    left, widths = _columns(plan, sizes)
    levels = [0] * plan.g.bands
    for band, level in plan.tracks.values():
        levels[band] = max(levels[band], level + 1)
    grid, y = Grid(left, widths, [], [], [], []), 0.0
    for band, heights in enumerate(_row_heights(plan)):
        grid.band_top.append(y)
        y += TRACK * (levels[band] + 1)
        grid.row0.append(y)
        grid.centre.append([])
        for h in heights:
            grid.centre[-1].append(y + min(h, ROW_H) / 2)
            y += h
        grid.band_h.append(y - grid.band_top[-1])
    return grid


def _boxes(plan: Plan, grid: Grid, sizes: dict[str, tuple[float, float]]) -> dict[str, Box]:
    """Shapes centred in their cell; boundary events spread along their host's bottom edge."""
    g, shapes = plan.g, {}
    for node, k in plan.layer.items():
        w, h = sizes[node]
        cx, cy = grid.left[k] + grid.width[k] / 2, grid.cy(g.band(node), plan.rows[node])
        shapes[node] = Box(cx - w / 2, cy - h / 2, w, h)
    hanging: dict[str, list[str]] = defaultdict(list)
    for event, host in g.host.items():
        hanging[host].append(event)
    for host, events in hanging.items():
        box, slot = shapes[host], shapes[host].w / len(events)
        for i, event in enumerate(events):
            shapes[event] = Box(box.x + slot * (i + 0.5) - 18, box.bottom - 18, 36, 36)
    return shapes


# --- routing -------------------------------------------------------------------------------------------


def _clear(a: Point, b: Point, shapes: dict[str, Box]) -> bool:
    """True when the axis-parallel segment a-b touches no shape."""
    (x1, x2), (y1, y2) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    return not any(s.x < x2 and x1 < s.right and s.y < y2 and y1 < s.bottom for s in shapes.values())


def _exit(
    plan: Plan, grid: Grid, shapes: dict[str, Box], flow: Flow, first: tuple[int, int] | None
) -> tuple[list[Point], float]:
    """Where a flow leaves its source (the right side, or down from a boundary event) and where it may turn.

    From a boundary event the flow drops straight to ``first`` (band, row) when nothing is in the way (no
    shape, no long flow in the host's column), else just below the host and over to the next gap, where it
    turns a little right of the middle so as not to run along the flows turning there.
    """
    src, g = shapes[flow.source], plan.g
    if flow.source not in g.host:
        return [(src.right, src.cy)], grid.gap(plan.layer[flow.source])
    k = plan.layer[g.host[flow.source]]
    if first is not None and (first[0], k, first[1]) not in plan.channels:
        corner = (src.cx, grid.cy(*first))
        down, along = ((src.cx, src.bottom), corner), (corner, (grid.gap(k), corner[1]))
        if corner[1] > src.bottom and _clear(*down, shapes) and _clear(*along, shapes):
            return [(src.cx, src.bottom), corner], grid.gap(k)
    return [(src.cx, src.bottom), (src.cx, src.bottom + 12)], grid.gap(k) + 11


def _forward(plan: Plan, grid: Grid, shapes: dict[str, Box], flow: Flow) -> list[Point]:
    """Orthogonal path left to right, turning only in the gaps between layers."""
    g, tgt = plan.g, shapes[flow.target]
    band, start = g.band(flow.source), plan.layer[g.layered(flow.source)]
    via = plan.via.get(flow.id, [])
    ys = [grid.cy(band, row) for row in via] + [tgt.cy]
    first = (band, via[0]) if via else (g.band(flow.target), plan.rows[g.layered(flow.target)])
    points, turn = _exit(plan, grid, shapes, flow, first)
    y = points[-1][1]
    for i, y_next in enumerate(ys):
        if y_next != y:
            x = turn if i == 0 else grid.gap(start + i)
            points += [(x, y), (x, y_next)]
            y = y_next
    return [*points, (tgt.x, tgt.cy)]


def _backward(plan: Plan, grid: Grid, shapes: dict[str, Box], flow: Flow) -> list[Point]:
    """A loop: out of the source, up to its own track above the band, back left and into the target."""
    g, tgt = plan.g, shapes[flow.target]
    points, _ = _exit(plan, grid, shapes, flow, None)
    k_out, k_in = plan.layer[g.layered(flow.source)], plan.layer[g.layered(flow.target)]
    band, level = plan.tracks[flow.id]
    nudge = min(8 + 6 * level, GAP_X / 2 - 4)  # apart from each other and from forward turns
    x_out = grid.left[k_out] + grid.width[k_out] + nudge
    x_in = grid.left[k_in] - nudge
    track = grid.row0[band] - TRACK * (level + 1)
    y = points[-1][1]
    return [*points, (x_out, y), (x_out, track), (x_in, track), (x_in, tgt.cy), (tgt.x, tgt.cy)]


def layout(g: Graph) -> Layout:
    """Lay out one container: shapes for every flow node, waypoints for every flow, one band per lane."""
    plan = _plan(g)
    hanging: dict[str, int] = defaultdict(int)
    for host in g.host.values():
        hanging[host] += 1
    sizes = {node: _size(kind, hanging[node]) for node, kind in g.kinds.items()}
    grid = _grid(plan, sizes)
    shapes = _boxes(plan, grid, sizes)
    edges = {f.id: (_backward if f.id in plan.back else _forward)(plan, grid, shapes, f) for f in g.flows}
    right = grid.left[-1] + grid.width[-1] + 50
    bands = [
        Box(POOL_HEAD, top, right - POOL_HEAD, h) for top, h in zip(grid.band_top, grid.band_h, strict=True)
    ]
    return Layout(shapes, edges, bands)


# --- writing the DI ------------------------------------------------------------------------------------


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
        attrs = {"isExpanded": "false"} if kind in _SUBPROCESSES else {}
        if kind == "exclusiveGateway":
            attrs["isMarkerVisible"] = "true"
        _shape(plane, taken, node, lay.shapes[node], **attrs)
    for flow in g.flows:
        _edge(plane, taken, flow.id, lay.edges[flow.id])


def _draw_subprocesses(root: Element, container: Element, g: Graph, taken: set[str]) -> list[Element]:
    """One plane per subprocess, recursively: bpmn-js opens it from the collapsed shape."""
    diagrams = []
    for node, sub in _flow_nodes(container).items():
        if g.kinds[node] in _SUBPROCESSES:
            inner = _graph(sub, [])
            diagram, plane = _plane(root, node, taken)
            _draw_nodes(plane, inner, layout(inner), taken)
            diagrams += [diagram, *_draw_subprocesses(root, sub, inner, taken)]
    return diagrams


def _draw_process(root: Element, process: Element, taken: set[str]) -> list[Element]:
    """Diagrams for one process: its plane (a pool with lanes when it has lanes) and its subprocess planes."""
    pid = str(process.get("id"))
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    g = _graph(process, lanes)
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
