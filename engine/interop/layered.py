"""A simple left-to-right layered layout, used when engine.layout is not available."""
from __future__ import annotations

from collections import defaultdict

from ..graph import Graph

COLUMN = 190.0
ROW = 110.0


def layered_positions(graph: Graph) -> dict[str, tuple[float, float]]:
    """Positions by depth (longest path from a source); sources sit just left of their first consumer."""
    depth: dict[str, int] = {}
    order = graph.topo_order()
    for node_id in order:
        preds = [e.src for e in graph.incoming(node_id).values()]
        depth[node_id] = 1 + max((depth[p] for p in preds), default=-1)
    for node_id in order:
        consumers = [e.dst for e in graph.outgoing(node_id)]
        if not graph.incoming(node_id) and consumers:
            depth[node_id] = max(0, min(depth[c] for c in consumers) - 1)
    columns: dict[int, list[str]] = defaultdict(list)
    for node_id in order:
        columns[depth[node_id]].append(node_id)
    positions = {}
    for col, ids in columns.items():
        top = -ROW * (len(ids) - 1) / 2
        for row, node_id in enumerate(ids):
            positions[node_id] = (col * COLUMN, top + row * ROW)
    return positions


def needs_layout(graph: Graph) -> bool:
    """True when every node sits on the same spot (a graph built in code without positions)."""
    return len({n.pos for n in graph.nodes.values()}) <= 1 < len(graph.nodes)


def auto_layout(graph: Graph) -> None:
    """Lay the graph out with engine.layout.apply_layout when it exists, else with layered_positions."""
    try:
        from ..layout import apply_layout
    except ImportError:
        apply_layout = None
    if apply_layout is not None:
        apply_layout(graph)
        return
    for node_id, pos in layered_positions(graph).items():
        graph.move(node_id, pos)
