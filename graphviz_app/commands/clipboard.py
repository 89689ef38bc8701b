"""Copy a selection to a JSON-friendly dict, and paste it back as new nodes (one undo step)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine import Graph
from engine import blocks as block_model
from engine.names import name_problem
from engine.registry import OPS

from ._records import InsertCommand

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
                "block": block_model.block_info(graph, r.id)}
               for r in graph.regions.values() if r.node_ids and set(r.node_ids) <= inside]
    return {"format": CLIPBOARD_FORMAT, "version": 1, "nodes": nodes, "edges": edges, "regions": regions}


def check_clipboard(data: Any) -> None:
    """ValueError naming what is wrong if `data` is not a copied selection."""
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        raise ValueError("the clipboard does not hold copied graph nodes")
    ids = set()
    for i, node in enumerate(data.get("nodes") or []):
        if not isinstance(node, dict) or node.get("op") not in OPS or not isinstance(node.get("id"), str):
            raise ValueError(f"copied node {i} has no known op or id")
        if node.get("name") and name_problem(node["name"]):
            raise ValueError(f"copied node {i}: {name_problem(node['name'])}")
        ids.add(node["id"])
    for i, edge in enumerate(data.get("edges") or []):
        if not isinstance(edge, dict) or edge.get("src") not in ids or edge.get("dst") not in ids:
            raise ValueError(f"copied edge {i} does not join two copied nodes")


class PasteCommand(InsertCommand):
    """Add copied nodes (new ids, names made unique) shifted by `offset`, with their edges and regions."""

    def __init__(self, graph: Graph, data: dict[str, Any], offset: tuple[float, float] = (40.0, 40.0),
                 parent: QUndoCommand | None = None):
        check_clipboard(data)
        count = len(data["nodes"])
        super().__init__(graph, f"Paste {count} node{'s' * (count != 1)}", parent)
        self.data, self.offset = data, offset

    def build(self) -> list[str]:
        mapping: dict[str, str] = {}
        for node in self.data["nodes"]:
            x, y = node.get("pos") or (0.0, 0.0)
            value = node.get("value")
            added = self.graph.add_node(node["op"], self.graph.unique_name(str(node.get("name") or node["op"])),
                                        node.get("attrs") or {}, (x + self.offset[0], y + self.offset[1]),
                                        value=None if value is None else np.asarray(value, dtype=np.float64))
            mapping[node["id"]] = added.id
        for edge in self.data.get("edges") or []:
            self.graph.connect(mapping[edge["src"]], mapping[edge["dst"]], edge["port"])
        for region in self.data.get("regions") or []:
            members = [mapping[n] for n in region.get("node_ids", []) if n in mapping]
            if not members:
                continue
            made = self.graph.add_region(str(region.get("title", "group")), members, str(region.get("color", "#4c78a8")))
            if region.get("block"):
                block_model.set_block_info(self.graph, made.id, region["block"])
        return list(mapping.values())
