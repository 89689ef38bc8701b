"""Copy a selection to a JSON-friendly dict, and paste it back as new nodes (one undo step)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine import EngineError, Graph
from engine.graph import BlockInfo
from engine.names import name_problem
from engine.registry import OPS

from ._records import InsertCommand, check_room

CLIPBOARD_FORMAT = "cge-selection"
MIME_TYPE = "application/x-cge-selection"


def _plain(value: Any) -> Any:
    """Attributes as JSON values (tuples become lists)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def copy_selection(graph: Graph, node_ids) -> dict[str, Any]:
    """The selected nodes, the edges among them and the regions wholly inside them, as plain JSON data."""
    chosen = [n for n in graph.nodes if n in set(node_ids)]
    inside = set(chosen)
    nodes = []
    for node_id in chosen:
        node = graph.nodes[node_id]
        nodes.append({"id": node.id, "op": node.op_name, "name": node.name,
                      "attrs": {k: _plain(v) for k, v in node.attrs.items()}, "pos": list(node.pos),
                      "value": None if node.value is None else np.asarray(node.value).tolist()})
    edges = [{"src": e.src, "dst": e.dst, "port": e.port} for e in graph.edges.values()
             if e.src in inside and e.dst in inside]
    regions = [{"title": r.title, "node_ids": list(r.node_ids), "color": r.color,
                "block": None if r.block is None else {"kind": r.block.kind, "collapsed": r.block.collapsed}}
               for r in graph.regions.values() if r.node_ids and set(r.node_ids) <= inside]
    return {"format": CLIPBOARD_FORMAT, "version": 1, "nodes": nodes, "edges": edges, "regions": regions}


def check_clipboard(data: Any) -> None:
    """ValueError naming what is wrong if `data` is not a copied selection."""
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        raise ValueError("the clipboard does not hold copied graph nodes")
    nodes, edges, regions = data.get("nodes"), data.get("edges") or [], data.get("regions") or []
    if not isinstance(nodes, list) or not nodes or not isinstance(edges, list) or not isinstance(regions, list):
        raise ValueError("the clipboard holds no list of copied nodes")
    ids = set()
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or node.get("op") not in OPS or not isinstance(node.get("id"), str):
            raise ValueError(f"copied node {i} has no known op or id")
        if not isinstance(node.get("name", ""), str) or not isinstance(node.get("attrs", {}), dict) \
                or not _is_point(node.get("pos", (0.0, 0.0))):
            raise ValueError(f"copied node {i} has a bad name, attributes or position")
        if node.get("name") and name_problem(node["name"]):
            raise ValueError(f"copied node {i}: {name_problem(node['name'])}")
        ids.add(node["id"])
    for i, edge in enumerate(edges):
        if not isinstance(edge, dict) or edge.get("src") not in ids or edge.get("dst") not in ids \
                or not isinstance(edge.get("port"), str):
            raise ValueError(f"copied edge {i} does not join two copied nodes")
    for i, region in enumerate(regions):
        if not isinstance(region, dict) or not isinstance(region.get("node_ids", []), list) \
                or not isinstance(region.get("title", ""), str) or not isinstance(region.get("color", ""), str) \
                or not isinstance(region.get("block") or {}, dict):
            raise ValueError(f"copied region {i} is not a region")


def _is_point(pos: Any) -> bool:
    return isinstance(pos, (list, tuple)) and len(pos) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in pos)


def _add_copies(graph: Graph, data: dict[str, Any], offset: tuple[float, float]) -> list[str]:
    """Add the copied nodes, their edges and regions to `graph`; returns the new node ids."""
    mapping: dict[str, str] = {}
    for node in data["nodes"]:
        x, y = node.get("pos") or (0.0, 0.0)
        value = node.get("value")
        added = graph.add_node(node["op"], graph.unique_name(str(node.get("name") or node["op"])),
                               node.get("attrs") or {}, (x + offset[0], y + offset[1]),
                               value=None if value is None else np.asarray(value, dtype=np.float64))
        mapping[node["id"]] = added.id
    for edge in data.get("edges") or []:
        graph.connect(mapping[edge["src"]], mapping[edge["dst"]], edge["port"])
    for region in data.get("regions") or []:
        members = [mapping[n] for n in region.get("node_ids", []) if n in mapping]
        if not members:
            continue
        block = region.get("block")
        graph.add_region(str(region.get("title", "group")), members, str(region.get("color", "#4c78a8")),
                         block=None if not block else BlockInfo(block.get("kind"), block.get("collapsed")))
    return list(mapping.values())


class PasteCommand(InsertCommand):
    """Add copied nodes (new ids, names made unique) shifted by `offset`, with their edges and regions."""

    def __init__(self, graph: Graph, data: dict[str, Any], offset: tuple[float, float] = (40.0, 40.0),
                 parent: QUndoCommand | None = None):
        check_clipboard(data)
        check_room(graph, len(data["nodes"]))
        offset = (float(offset[0]), float(offset[1]))
        try:
            _add_copies(Graph(), data, offset)  # a trial on an empty graph, so that build() cannot fail
        except (EngineError, ValueError) as exc:
            raise ValueError(f"the copied nodes cannot be pasted: {exc}") from None
        count = len(data["nodes"])
        super().__init__(graph, f"Paste {count} node{'s' * (count != 1)}", parent)
        self.data, self.offset = data, offset

    def build(self) -> list[str]:
        return _add_copies(self.graph, self.data, self.offset)
