"""The layered left-to-right layout: layers, rows, loop tracks, then shapes and orthogonal waypoints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from .model import EVENTS, GATEWAYS, Flow, Graph

GAP_X = 60.0  # between layers
ROW_H = 120.0  # one row: a task (80) plus the ~40 px between stacked nodes
CHANNEL_H = 30.0  # a row that only flows pass through
HOST_EXTRA = 30.0  # room under a row with boundary events for their labels
TRACK = 28.0  # vertical spacing of the loop tracks above a band (a flow label is about two lines)
POOL_HEAD = 30.0  # the participant's name strip, left of the lanes
X0 = POOL_HEAD + 50.0  # left edge of the first layer

Point = tuple[float, float]


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


def _size(kind: str, boundary_events: int) -> tuple[float, float]:
    """Shape size: events 36, gateways 50, activities 100x80 (wider when many boundary events hang on it)."""
    if kind in EVENTS:
        return 36.0, 36.0
    if kind in GATEWAYS:
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
