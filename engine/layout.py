"""Automatic left-to-right layout: data flows in columns, parameters sit beside the op they feed."""
from __future__ import annotations

import networkx as nx

from .graph import Graph

Position = tuple[float, float]

# Sources other than data inputs are "side" nodes: they hang above (weights, constants) or below
# (labels) the op they feed, so the main line from x to the loss stays straight.
_ABOVE = ("Parameter", "Constant")
_BELOW = ("Label",)
SIDE_SHIFT = 0.35  # in columns


def _id_key(node_id: str) -> tuple:
    """Sort ids like n2 before n10."""
    head = node_id.rstrip("0123456789")
    tail = node_id[len(head):]
    return (head, int(tail) if tail else -1, node_id)


def _columns(graph: Graph) -> dict[str, int]:
    """Column of each node: its topological generation; sources one column before their first consumer."""
    column: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(graph.nx)):
        for node_id in generation:
            column[node_id] = depth
    for node_id, node in graph.nodes.items():
        consumers = [column[d] for d in graph.nx.successors(node_id)]
        if node.op.is_source and consumers:
            # side nodes share their consumer's column, so a region holding both stays one box
            column[node_id] = min(consumers) if _is_side(graph, node_id) else max(0, min(consumers) - 1)
    return column


def _is_side(graph: Graph, node_id: str) -> bool:
    node = graph.nodes[node_id]
    return node.op_name in _ABOVE + _BELOW and graph.nx.out_degree(node_id) > 0


def _first_consumer(graph: Graph, node_id: str, column: dict[str, int]) -> str:
    return min(graph.nx.successors(node_id), key=lambda d: (column[d], _id_key(d)))


def _place_spine(graph: Graph, column: dict[str, int], dy: float) -> dict[str, float]:
    """y of the main-line nodes: each column stacked and centred on where its inputs are."""
    y: dict[str, float] = {}
    spine = [n for n in graph.nodes if not _is_side(graph, n)]
    for col in sorted({column[n] for n in spine}):
        members = [n for n in spine if column[n] == col]
        wanted = {}
        for node_id in members:
            placed = [y[p] for p in graph.nx.predecessors(node_id) if p in y]
            wanted[node_id] = sum(placed) / len(placed) if placed else 0.0
        members.sort(key=lambda n: (wanted[n], _id_key(n)))
        centre = sum(wanted.values()) / len(members)
        for k, node_id in enumerate(members):
            y[node_id] = centre + (k - (len(members) - 1) / 2) * dy
    return y


def _place_sides(graph: Graph, column: dict[str, int], y: dict[str, float], dy: float) -> None:
    """Put each side node above (weights) or below (labels) its first consumer, in the free row nearest it."""
    taken: dict[int, list[float]] = {}
    for node_id, value in y.items():
        taken.setdefault(column[node_id], []).append(value)
    sides = [n for n in graph.nodes if _is_side(graph, n)]
    sides.sort(key=lambda n: (column[n], _id_key(n)))
    for node_id in sides:
        consumer = _first_consumer(graph, node_id, column)
        step = dy if graph.nodes[node_id].op_name in _BELOW else -dy
        rows = taken.setdefault(column[node_id], [])
        candidate = y[consumer] + step
        while any(abs(candidate - r) < dy * 0.99 for r in rows):
            candidate += step
        y[node_id] = candidate
        rows.append(candidate)


def layered_layout(graph: Graph, dx: float = 320.0, dy: float = 210.0) -> dict[str, Position]:
    """Positions {node id: (x, y)} for a left-to-right drawing; deterministic for a given graph."""
    if not graph.nodes:
        return {}
    column = _columns(graph)
    y = _place_spine(graph, column, dy)
    _place_sides(graph, column, y, dy)
    # side nodes lean a little left, so their edge drops into the consumer's port without a loop
    return {n: ((column[n] - (SIDE_SHIFT if _is_side(graph, n) else 0.0)) * dx, y[n]) for n in graph.nodes}


def apply_layout(graph: Graph, dx: float = 320.0, dy: float = 210.0) -> None:
    """Move every node to its place in `layered_layout` (one node_moved event per node)."""
    for node_id, pos in layered_layout(graph, dx, dy).items():
        graph.move(node_id, pos)
