"""Undo commands that connect and disconnect ports."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError

from ._records import edge_record, regions_record, restore_edge, restore_regions


class ConnectCommand(QUndoCommand):
    """Wire src's output to dst's input `port`; GraphError (with the model's reason) if refused."""

    def __init__(self, graph: Graph, src: str, dst: str, port: str, parent: QUndoCommand | None = None):
        reason = graph.can_connect(src, dst, port)
        if reason:
            raise GraphError(reason)
        super().__init__(f"Connect {graph.node(src).name} → {graph.node(dst).name}.{port}", parent)
        self.graph, self.src, self.dst, self.port = graph, src, dst, port
        self.edge_id: str | None = None

    def redo(self) -> None:
        edge = self.graph.connect(self.src, self.dst, self.port, edge_id=self.edge_id)
        self.edge_id = edge.id

    def undo(self) -> None:
        self.graph.disconnect(self.edge_id)


class DisconnectCommand(QUndoCommand):
    """Remove one edge; undo puts it back with the same id, in the same place of the edge order (and a block
    that the edge held together is a block again)."""

    def __init__(self, graph: Graph, edge_id: str, parent: QUndoCommand | None = None):
        if edge_id not in graph.edges:
            raise GraphError(f"there is no edge '{edge_id}'")
        edge = graph.edges[edge_id]
        super().__init__(f"Disconnect {graph.node(edge.src).name} → {graph.node(edge.dst).name}.{edge.port}", parent)
        self.graph, self.edge = graph, edge_record(graph, edge_id)
        self.regions = regions_record(graph)

    def redo(self) -> None:
        self.graph.disconnect(self.edge.id)

    def undo(self) -> None:
        restore_edge(self.graph, self.edge)
        restore_regions(self.graph, self.regions)
