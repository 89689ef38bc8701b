"""Automatic left-to-right layout (engine.layout, by topological layers) as an undo command."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from engine import Graph
from engine.layout import layered_layout


def needs_layout(graph: Graph) -> bool:
    """True when a graph of two or more nodes has them all stacked at one point (no positions saved)."""
    return len(graph.nodes) > 1 and len({n.pos for n in graph.nodes.values()}) == 1


class AutoLayoutCommand(QUndoCommand):
    """Arrange every node left to right by topological layers; undo puts every node back."""

    def __init__(self, graph: Graph, parent: QUndoCommand | None = None):
        super().__init__("Automatic layout", parent)
        self.graph = graph
        self.new = layered_layout(graph)
        self.old = {n: graph.nodes[n].pos for n in self.new}

    def redo(self) -> None:
        for node_id, pos in self.new.items():
            self.graph.move(node_id, pos)

    def undo(self) -> None:
        for node_id, pos in self.old.items():
            self.graph.move(node_id, pos)
