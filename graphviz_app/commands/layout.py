"""Automatic left-to-right layout (engine.layout, by topological layers) as an undo command."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError
from engine.layout import layered_layout

from .nodes import MoveNodesCommand


def needs_layout(graph: Graph) -> bool:
    """True when a graph of two or more nodes has them all stacked at one point (no positions saved)."""
    return len(graph.nodes) > 1 and len({n.pos for n in graph.nodes.values()}) == 1


class AutoLayoutCommand(MoveNodesCommand):
    """Arrange every node left to right by topological layers; undo puts every node back."""

    def __init__(self, graph: Graph, parent: QUndoCommand | None = None):
        moves = {n: (graph.nodes[n].pos, pos) for n, pos in layered_layout(graph).items()
                 if tuple(graph.nodes[n].pos) != tuple(pos)}
        if not moves:
            raise GraphError("the graph is laid out already")
        super().__init__(graph, moves, parent)
        self.setText("Automatic layout")

    def id(self) -> int:
        return -1  # a layout is its own undo step; it never merges with drags
