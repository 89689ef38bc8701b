"""Automatic layout (engine.layout: left to right, wrapped into rows to fit 16:9) as an undo command."""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError
from engine.layout import Size, layered_layout, unplaced

from .nodes import MoveNodesCommand


def needs_layout(graph: Graph) -> bool:
    """True when a graph of two or more nodes has them all stacked at one point (no positions saved)."""
    return unplaced(graph)


class AutoLayoutCommand(MoveNodesCommand):
    """Arrange every node left to right in rows that fit a 16:9 screen; undo puts every node back.

    `sizes` (node id → Extent or (w, h), model units) are the items' real sizes; without them the
    engine estimates the canvas's drawing. A layout that would move nothing is refused before the push."""

    def __init__(self, graph: Graph, parent: QUndoCommand | None = None, sizes: Mapping[str, Size] | None = None):
        moves = {n: (graph.nodes[n].pos, pos) for n, pos in layered_layout(graph, sizes).items()
                 if tuple(graph.nodes[n].pos) != tuple(pos)}
        if not moves:
            raise GraphError("the graph is laid out already")
        super().__init__(graph, moves, parent)
        self.setText("Automatic layout")

    def id(self) -> int:
        return -1  # a layout is its own undo step; it never merges with drags
