"""Undo commands for regions (group, ungroup) and the Linear + σ block (add, expand, collapse)."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError, get_op
from engine import blocks as block_model
from engine.graph import region_problem

from ._records import InsertCommand, check_room, regions_record, restore_regions

REGION_PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2")


class GroupCommand(QUndoCommand):
    """Group nodes into a named, coloured region (encoder f(x), decoder, loss)."""

    def __init__(self, graph: Graph, title: str, node_ids: list[str], color: str | None = None,
                 parent: QUndoCommand | None = None):
        title = title.strip()
        color = color or REGION_PALETTE[len(graph.regions) % len(REGION_PALETTE)]
        problem = region_problem(title, color)
        if problem:
            raise GraphError(problem)
        if not node_ids:
            raise GraphError("select at least one node to group")
        for node_id in node_ids:
            graph.node(node_id)
        node_ids = list(dict.fromkeys(node_ids))  # a node is listed once
        super().__init__(f"Group as {title}", parent)
        self.graph, self.title, self.node_ids = graph, title, list(node_ids)
        self.color = color
        self.region_id: str | None = None

    def redo(self) -> None:
        region = self.graph.add_region(self.title, self.node_ids, self.color, region_id=self.region_id)
        self.region_id = region.id

    def undo(self) -> None:
        self.graph.remove_region(self.region_id)


class UngroupCommand(QUndoCommand):
    """Remove a region (a block goes with its region); its nodes stay."""

    def __init__(self, graph: Graph, region_id: str, parent: QUndoCommand | None = None):
        if region_id not in graph.regions:
            raise GraphError(f"there is no region '{region_id}'")
        super().__init__(f"Ungroup {graph.regions[region_id].title}", parent)
        self.graph, self.region_id = graph, region_id
        self.before = regions_record(graph)

    def redo(self) -> None:
        self.graph.remove_region(self.region_id)

    def undo(self) -> None:
        restore_regions(self.graph, self.before)


class ExpandBlockCommand(QUndoCommand):
    """Show a Linear + σ block as its primitives."""

    def __init__(self, graph: Graph, region_id: str, parent: QUndoCommand | None = None):
        block_model.block_interface(graph, region_id)  # GraphError if it is not an intact block
        if not block_model.is_collapsed(graph, region_id):
            raise GraphError("this Linear + σ block is expanded already")
        super().__init__("Expand Linear + σ", parent)
        self.graph, self.region_id = graph, region_id

    def redo(self) -> None:
        block_model.expand_block(self.graph, self.region_id)

    def undo(self) -> None:
        block_model.collapse_block(self.graph, self.region_id)


class CollapseBlockCommand(QUndoCommand):
    """Collapse a block region into one box, or make a new block from selected MatMul W → Add b → Sigmoid."""

    def __init__(self, graph: Graph, region_id: str | None = None, node_ids: list[str] | None = None,
                 parent: QUndoCommand | None = None):
        if region_id is not None:
            block_model.block_interface(graph, region_id)  # GraphError if it is not an intact block
            if block_model.is_collapsed(graph, region_id):
                raise GraphError("this Linear + σ block is collapsed already")
        else:
            self.parts = block_model.check_new_block(graph, list(node_ids or []))
        super().__init__("Collapse Linear + σ", parent)
        self.graph, self.region_id, self.created = graph, region_id, region_id is None
        self.before = regions_record(graph)

    def redo(self) -> None:
        if self.created:
            self.region_id = block_model.make_block(self.graph, self.parts.node_ids, True, self.region_id)
        else:
            block_model.collapse_block(self.graph, self.region_id)

    def undo(self) -> None:
        restore_regions(self.graph, self.before)


class AddBlockCommand(InsertCommand):
    """Add a whole Linear + σ block (W, b, MatMul, Add, Sigmoid) centred on a model position."""

    def __init__(self, graph: Graph, in_features: int, out_features: int, pos: tuple[float, float],
                 parent: QUndoCommand | None = None):
        for label, n in (("inputs", in_features), ("outputs", out_features)):
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100_000:
                raise GraphError(f"a Linear + σ block needs 1 to 100000 {label}, got {n!r}")
        check_room(graph, 5)
        get_op("Parameter")({"shape": [in_features, out_features]})  # AttrError if W would be too big
        super().__init__(graph, f"Add Linear + σ ({in_features}→{out_features})", parent)
        self.sizes, self.pos = (in_features, out_features), pos
        self.seed = graph.unused_seed()
        self.region_id: str | None = None

    def build(self) -> list[str]:
        self.region_id, parts = block_model.add_linear_sigmoid(self.graph, *self.sizes, pos=self.pos, seed=self.seed)
        return parts.node_ids
