"""Automatic layout (engine.layout: left to right, wrapped into rows to fit 16:9) as an undo command."""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from engine import Graph
from engine.layout import Size, layered_layout

from .nodes import MoveNodesCommand


def needs_layout(graph: Graph) -> bool:
    """True when a graph of two or more nodes has them all stacked at one point (no positions saved)."""
    return len(graph.nodes) > 1 and len({n.pos for n in graph.nodes.values()}) == 1


class AutoLayoutCommand(MoveNodesCommand):
    """Arrange every node left to right in rows that fit a 16:9 screen; undo puts every node back.

    `sizes` (node id → Extent or (w, h), model units) are the items' real sizes; without them the
    engine estimates the canvas's drawing."""

    def __init__(self, graph: Graph, parent: QUndoCommand | None = None, sizes: Mapping[str, Size] | None = None):
        new = layered_layout(graph, sizes)
        super().__init__(graph, {n: (graph.nodes[n].pos, pos) for n, pos in new.items()}, parent)
        self.setText("Automatic layout")

    def id(self) -> int:
        return -1  # a layout is its own undo step; it never merges with drags
