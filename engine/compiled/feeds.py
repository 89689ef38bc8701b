"""Feeding a compiled program: the checks of executor.resolve_feeds, with a fast path for well-formed arrays."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..executor import Feeds, resolve_feeds
from ..graph import Graph, Node


class FeedEntry:
    """What one Input or Label node accepts: dtype, fixed sizes, and the slot it fills (None if unused)."""

    def __init__(self, node: Node, slot: int | None):
        self.node = node
        self.slot = slot
        self.integer = node.op.out_dtype == "int"
        expected = tuple(node.op.infer([], []))
        self.ndim = len(expected)
        self.fixed = tuple((axis, n) for axis, n in enumerate(expected) if n is not None)

    def convert(self, data: Any) -> np.ndarray | None:
        """The array for `data`, or None when the careful path must decide (and word any error)."""
        if type(data) is not np.ndarray:
            if self.integer or self.ndim or type(data) not in (float, int):
                return None
            return np.array(data, dtype=np.float64)
        if self.integer:
            if data.dtype.kind not in "iu":
                return None
            if data.dtype != np.int64:
                data = data.astype(np.int64)
        elif data.dtype != np.float64:
            if data.dtype.kind not in "fiu":
                return None
            data = data.astype(np.float64)
        if data.ndim != self.ndim:
            return None
        shape = data.shape
        for axis, n in self.fixed:
            if shape[axis] != n:
                return None
        return data


class FeedLoader:
    """Puts feeds (keyed by node name or id) into value slots; keeps no reference to the graph."""

    def __init__(self, graph: Graph, slots: dict[str, int]):
        self.entries: dict[str, FeedEntry] = {}
        names: dict[str, int] = {}
        for node in graph.nodes.values():
            names[node.name] = names.get(node.name, 0) + 1
        for node in graph.nodes.values():
            if not node.op.role.fed:
                continue
            entry = FeedEntry(node, slots.get(node.id))
            self.entries[node.id] = entry
            if names[node.name] == 1 and node.name not in graph.nodes:
                self.entries[node.name] = entry
        self.required = [(slot, graph.nodes[node_id]) for node_id, slot in slots.items()
                         if graph.nodes[node_id].op.role.fed]

    def load(self, graph: Graph, feeds: Feeds, vals: list) -> list[Node]:
        """Fill the fed slots; return the needed Input/Label nodes that were not fed."""
        for key, data in feeds.items():
            entry = self.entries.get(key)
            arr = entry.convert(data) if entry is not None else None
            if entry is None or arr is None:
                # the executor's own checks raise the same errors as explain mode would
                resolved = resolve_feeds(graph, {key: data})
                node_id, arr = next(iter(resolved.items()))
                entry = self.entries[node_id]
            if entry.slot is not None:
                vals[entry.slot] = arr
        return [node for slot, node in self.required if vals[slot] is None]
