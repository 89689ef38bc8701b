"""Where the lesson page draws each node, port, edge and region (in page units; the player scales to fit).

`node_centres` is the one place where the layout is chosen: today the positions saved in the file (a 16:9
slide layout could replace it there). Node styles and edge curves follow the canvas's rules
(engine.replay.looks); labels are placed per frame by engine/lesson/labels.py.
"""
from __future__ import annotations

from typing import Any

from ..graph import Edge, Graph, Node
from ..replay.looks import curve_controls, node_style

OP_WIDTH, SIDE_WIDTH, NODE_HEIGHT = 200.0, 176.0, 160.0
REGION_PAD, MARGIN = 16.0, 70.0

Point = tuple[float, float]


def node_centres(graph: Graph) -> dict[str, Point]:
    """The centre of each node on the page: the file's own positions."""
    return {node.id: (float(node.pos[0]), float(node.pos[1])) for node in graph.nodes.values()}


def page_layout(graph: Graph) -> dict[str, Any]:
    """Nodes with boxes and ports, edges as curves with a label spot, regions as boxes, and the bounds."""
    centres = node_centres(graph)
    nodes = [_node(graph, node, centres[node.id]) for node in graph.nodes.values()]
    by_id = {n["id"]: n for n in nodes}
    edges = [_edge(edge, by_id) for edge in graph.edges.values()]
    regions = [_region(region.title, region.color, [by_id[i] for i in region.node_ids if i in by_id])
               for region in graph.regions.values() if any(i in by_id for i in region.node_ids)]
    return {"nodes": nodes, "edges": edges, "regions": regions, "bounds": _bounds(nodes, regions)}


def _node(graph: Graph, node: Node, centre: Point) -> dict[str, Any]:
    style, op_label = node_style(node)  # as the canvas draws it
    width = OP_WIDTH if style == "op" else SIDE_WIDTH
    ports = node.op.port_names()
    top = centre[1] - NODE_HEIGHT / 2
    port_ys = {p: round(top + NODE_HEIGHT * (i + 1) / (len(ports) + 1), 1) for i, p in enumerate(ports)}
    return {"id": node.id, "name": node.name, "op": op_label, "style": style, "category": node.op.category,
            "x": round(centre[0] - width / 2, 1), "y": round(top, 1), "w": width, "h": NODE_HEIGHT,
            "ports": port_ys}


def _edge(edge: Edge, nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The canvas's cubic curve from the source's output to the target's input port, and a spot on it."""
    src, dst = nodes[edge.src], nodes[edge.dst]
    start = (src["x"] + src["w"], src["y"] + src["h"] / 2)
    end = (dst["x"], dst["ports"].get(edge.port, dst["y"] + dst["h"] / 2))
    c1, c2 = curve_controls(start, end)
    curve = [*start, *c1, *c2, *end]
    mid = [(curve[i] + 3 * curve[i + 2] + 3 * curve[i + 4] + curve[i + 6]) / 8 for i in (0, 1)]
    return {"id": edge.id, "src": edge.src, "dst": edge.dst, "port": edge.port,
            "curve": [round(v, 1) for v in curve], "label": [round(v, 1) for v in mid]}


def _region(title: str, color: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    x0 = min(m["x"] for m in members) - REGION_PAD
    y0 = min(m["y"] for m in members) - REGION_PAD
    x1 = max(m["x"] + m["w"] for m in members) + REGION_PAD
    y1 = max(m["y"] + m["h"] for m in members) + REGION_PAD
    return {"title": title, "color": color, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}


def _bounds(nodes: list[dict[str, Any]], regions: list[dict[str, Any]]) -> list[float]:
    """x, y, width, height of everything drawn, with a margin for labels and region titles."""
    boxes = [(n["x"], n["y"], n["x"] + n["w"], n["y"] + n["h"]) for n in nodes]
    boxes += [(r["x"], r["y"] - 30.0, r["x"] + r["w"], r["y"] + r["h"]) for r in regions]
    if not boxes:
        return [0.0, 0.0, 800.0, 450.0]
    x0, y0 = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    x1, y1 = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
    return [round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1)]
