"""A small helper that example builders share: add named nodes wired by port, then lay out and group."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import Graph
from ..layout import apply_layout

# Region colours: the slides' encoder / decoder / loss boxes, plus one for hidden layers.
ENCODER = "#4c78a8"
DECODER = "#f58518"
LOSS = "#e45756"
HIDDEN = "#54a24b"


class GraphBuilder:
    """Builds one example graph: `add` nodes by name, then `finish` with regions and meta."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.ids: dict[str, str] = {}
        self.laid_out = False

    def add(self, op: str, name: str, inputs: dict[str, str] | None = None, **attrs: Any) -> str:
        """Add a node called `name`, fed by {port: name of an earlier node}; returns the name."""
        node = self.graph.add_node(op, name, attrs)
        self.ids[name] = node.id
        for port, source in (inputs or {}).items():
            self.graph.connect(self.ids[source], node.id, port)
        return name

    def set_value(self, name: str, value: Any) -> None:
        """Give a parameter fixed, easy-to-follow numbers instead of random ones."""
        self.graph.set_value(self.ids[name], np.asarray(value, dtype=np.float64))

    def layout(self) -> None:
        """Ask for the automatic layout; `finish` applies it once the regions exist (rows end between them)."""
        self.laid_out = True

    def finish(self, regions: list[tuple[str, list[str], str]], meta: dict[str, Any]) -> Graph:
        """Add regions (title, node names, colour) and meta, then lay the graph out to fit a 16:9 slide."""
        for title, names, color in regions:
            self.graph.add_region(title, [self.ids[n] for n in names], color)
        self.graph.meta = meta
        if self.laid_out:
            apply_layout(self.graph)
        return self.graph
