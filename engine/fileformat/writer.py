"""From a Graph to a JSON-ready dict, and that dict to readable text (one node or edge per line)."""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..graph import Graph, Node, Region
from ..graph_parts import initial_value
from ..op_facts import Role
from .arrays import encode_array
from .blocks import block_entry
from .errors import CURRENT_VERSION, FORMAT_NAME, FileFormatError
from .meta import clean_for_file


def _stored_value(node: Node, weights: bool) -> bool:
    """Whether a node's array goes into `params`: trained weights, and anything its attributes cannot remake."""
    if node.value is None or not node.op.role.stored:
        return False
    if weights and node.op.role is Role.PARAMETER:
        return True
    start = initial_value(node.op)
    return start is None or not np.array_equal(node.value, start)


def _region_entry(region: Region) -> dict[str, Any]:
    """A region as written: a block keeps its kind and whether it is shown collapsed (version 2)."""
    entry: dict[str, Any] = {"id": region.id, "title": region.title, "nodes": list(region.node_ids),
                             "color": region.color}
    if region.block is not None:
        entry["block"] = block_entry(region.block)
    return entry


def graph_to_dict(graph: Graph, weights: bool = True) -> dict[str, Any]:
    """The file dict of a graph; with weights=False, arrays equal to their seeded initial value are left out."""
    nodes = [{"id": n.id, "name": n.name, "op": n.op_name, "attrs": clean_for_file(n.attrs),
              "pos": [float(n.pos[0]), float(n.pos[1])]} for n in graph.nodes.values()]
    edges = [{"id": e.id, "src": e.src, "dst": e.dst, "port": e.port} for e in graph.edges.values()]
    params = {}
    for node in graph.nodes.values():
        if _stored_value(node, weights):
            params[node.id] = encode_array(node.stored_value, f"params.{node.id}", node.file_dtype)
    regions = [_region_entry(r) for r in graph.regions.values()]
    return {"format": FORMAT_NAME, "version": CURRENT_VERSION, "nodes": nodes, "edges": edges,
            "params": params, "regions": regions, "meta": clean_for_file(graph.meta)}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _block(key: str, value: Any) -> str:
    """One top-level entry: lists and params one item per line, anything else indented JSON."""
    head = f"  {json.dumps(key)}: "
    if isinstance(value, list) and value:
        return head + "[\n" + ",\n".join(f"    {_compact(v)}" for v in value) + "\n  ]"
    if key == "params" and isinstance(value, dict) and value:
        lines = [f"    {json.dumps(k)}: {_compact(v)}" for k, v in value.items()]
        return head + "{\n" + ",\n".join(lines) + "\n  }"
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=2)
    return head + text.replace("\n", "\n  ")


def dumps_graph_dict(d: dict[str, Any]) -> str:
    """The text of a graph file; raises FileFormatError if something cannot be written as JSON."""
    try:
        text = "{\n" + ",\n".join(_block(k, v) for k, v in d.items()) + "\n}\n"
        text.encode("utf-8")  # a lone surrogate in a name would fail only when the file is written
        return text
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"cannot write the graph as JSON: {exc}") from None
