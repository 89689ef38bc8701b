"""Columns of a left-to-right drawing: which column each node is in, and its height within the column.

Data flows in columns (topological generations). Parameters and constants are "side" nodes: they sit
above the op they feed, labels below it, both in a lane just left of that op, so the main line from x
to the loss stays straight and each side node's edge drops into its port without a loop.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from ..graph import Graph
from .sizes import Extent

ABOVE_OPS = ("Parameter", "Constant")
BELOW_OPS = ("Label",)


@dataclass(frozen=True)
class Gaps:
    """Free room between things, in model units (the canvas at theme scale 1)."""

    column: float = 180.0  # between the boxes of two columns: an edge label sits there
    label_pad: float = 14.0  # room on each side of an edge label that the layout leaves for it
    lane: float = 40.0  # between a side node and the previous column's boxes
    inset: float = 40.0  # a side node ends this far left of its op: its edge then bends without a loop
    side: float = 44.0  # between a side node and the op it feeds: that edge's label sits there
    stack: float = 60.0  # between two groups stacked in one column
    row: float = 110.0  # between two rows of a wrapped layout: the return edge runs there


@dataclass
class Columns:
    """Every node's column and y (as if in one row), plus each column's size."""

    column: dict[str, int]
    owner: dict[str, str]  # side node → the op it sits beside
    y: dict[str, float]
    spine_width: list[float]
    lane_width: list[float]
    top: list[float]
    bottom: list[float]
    members: list[list[str]] = field(default_factory=list)  # spine nodes of each column, top to bottom
    label_room: list[float] = field(default_factory=list)  # width the labels of edges into each column need

    @property
    def count(self) -> int:
        """Number of columns."""
        return len(self.spine_width)


def id_key(node_id: str) -> tuple:
    """Sort ids like n2 before n10."""
    head = node_id.rstrip("0123456789")
    tail = node_id[len(head):]
    return (head, int(tail) if tail else -1, node_id)


def is_side(graph: Graph, node_id: str) -> bool:
    """True for a parameter, constant or label that feeds something."""
    return graph.nodes[node_id].op_name in ABOVE_OPS + BELOW_OPS and graph.nx.out_degree(node_id) > 0


def assign_columns(graph: Graph) -> dict[str, int]:
    """Column of each node: its topological generation; sources one column before their first consumer."""
    column: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(graph.nx)):
        for node_id in generation:
            column[node_id] = depth
    for node_id, node in graph.nodes.items():
        consumers = [column[d] for d in graph.nx.successors(node_id)]
        if node.op.is_source and consumers:
            # side nodes share their consumer's column, so a region holding both stays one piece
            column[node_id] = min(consumers) if is_side(graph, node_id) else max(0, min(consumers) - 1)
    used = sorted(set(column.values()))  # moving sources can empty a column: close the hole
    rank = {c: i for i, c in enumerate(used)}
    return {n: rank[c] for n, c in column.items()}


def _owners(graph: Graph, column: dict[str, int]) -> dict[str, str]:
    """The op each side node sits beside: its first consumer."""
    return {n: min(graph.nx.successors(n), key=lambda d: (column[d], id_key(d)))
            for n in graph.nodes if is_side(graph, n)}


def _port_rank(graph: Graph, side: str, consumer: str) -> int:
    ports = graph.nodes[consumer].op.port_names()
    fed = [e.port for e in graph.outgoing(side) if e.dst == consumer and e.port in ports]
    return min((ports.index(p) for p in fed), default=len(ports))


def _side_gap(graph: Graph, side: str, member: str, labels: Mapping[str, tuple[float, float]],
              gaps: Gaps) -> float:
    """Room between a side node and its op: enough for the label of the edge between them."""
    heights = [labels[e.id][1] for e in graph.outgoing(side) if e.dst == member and e.id in labels]
    return max([gaps.side] + [h + 2 * gaps.label_pad for h in heights])


def _group(graph: Graph, member: str, sides: list[str], ext: dict[str, Extent], gaps: Gaps,
           labels: Mapping[str, tuple[float, float]]) -> tuple[dict[str, float], float, float]:
    """Offsets (from the member) of a member and its side nodes, and the group's top and bottom."""
    offsets = {member: 0.0}
    above = sorted((s for s in sides if graph.nodes[s].op_name in ABOVE_OPS),
                   key=lambda s: (-_port_rank(graph, s, member), id_key(s)))
    below = sorted((s for s in sides if graph.nodes[s].op_name in BELOW_OPS),
                   key=lambda s: (_port_rank(graph, s, member), id_key(s)))
    edge = -ext[member].above
    for side in above:  # nearest first, stacking upward
        offsets[side] = edge - _side_gap(graph, side, member, labels, gaps) - ext[side].below
        edge = offsets[side] - ext[side].above
    top = edge
    edge = _box_bottom(ext[member])
    for side in below:
        offsets[side] = edge + _side_gap(graph, side, member, labels, gaps) + ext[side].above
        edge = offsets[side] + ext[side].below
    return offsets, top, max(edge, ext[member].below)


def _box_bottom(extent: Extent) -> float:
    """Where a label below an op starts: under the op's box, beside (not under) its value panels."""
    return min(extent.below, extent.above)


def _lane_width(sides: list[str], ext: dict[str, Extent], inset: float) -> float:
    """Room left of a column for its side nodes (each ends `inset` left of the column's widest box)."""
    return max((ext[s].width + inset for s in sides), default=0.0)


def stack_columns(graph: Graph, ext: dict[str, Extent], gaps: Gaps,
                  labels: Mapping[str, tuple[float, float]] | None = None) -> Columns:
    """Columns and heights: each column's groups stacked in the order of where their inputs are.

    `labels` (edge id → label width, height) widens the gaps where an edge's label must fit."""
    labels = labels or {}
    column = assign_columns(graph)
    owner = _owners(graph, column)
    count = max(column.values()) + 1
    members: list[list[str]] = [[] for _ in range(count)]
    sides_of: dict[str, list[str]] = {}
    for node_id in sorted(graph.nodes, key=id_key):
        if node_id in owner:
            sides_of.setdefault(owner[node_id], []).append(node_id)
        else:
            members[column[node_id]].append(node_id)
    y: dict[str, float] = {}
    cols = Columns(column, owner, y, [0.0] * count, [0.0] * count, [0.0] * count, [0.0] * count, members,
                   [0.0] * count)
    for c in range(count):
        _stack_one(graph, cols, c, sides_of, ext, gaps, labels)
    for edge in graph.edges.values():  # a label sits halfway along its edge, between the two columns
        c = column[edge.dst]
        if edge.id in labels and edge.src not in owner and column[edge.src] == c - 1:
            cols.label_room[c] = max(cols.label_room[c], labels[edge.id][0] + 2 * gaps.label_pad)
    return cols


def _stack_one(graph: Graph, cols: Columns, c: int, sides_of: dict[str, list[str]],
               ext: dict[str, Extent], gaps: Gaps, labels: Mapping[str, tuple[float, float]]) -> None:
    """Place column c: groups ordered by the mean height of their inputs, centred on those heights."""
    y = cols.y
    wanted = {}
    for m in cols.members[c]:
        placed = [y[p] for p in graph.nx.predecessors(m) if p in y]
        wanted[m] = sum(placed) / len(placed) if placed else 0.0
    order = sorted(cols.members[c], key=lambda m: (wanted[m], id_key(m)))
    cols.members[c] = order
    cursor, local = 0.0, {}
    tops, bottoms = [], []
    for k, m in enumerate(order):
        offsets, top, bottom = _group(graph, m, sides_of.get(m, []), ext, gaps, labels)
        base = 0.0 if k == 0 else cursor - top
        local.update({n: base + off for n, off in offsets.items()})
        tops.append(base + top)
        bottoms.append(base + bottom)
        cursor = base + bottom + gaps.stack
    shift = sum(wanted.values()) / len(order) - sum(local[m] for m in order) / len(order)
    y.update({n: v + shift for n, v in local.items()})
    cols.top[c], cols.bottom[c] = min(tops) + shift, max(bottoms) + shift
    cols.spine_width[c] = max(ext[m].width for m in order)
    sides = [s for m in order for s in sides_of.get(m, [])]
    cols.lane_width[c] = _lane_width(sides, ext, gaps.inset)
