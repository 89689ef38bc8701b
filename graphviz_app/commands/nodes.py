"""Undo commands that add, remove, move, rename and edit nodes."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError, get_op
from engine.names import name_problem

from ._records import (check_room, edge_record, node_record, regions_record, restore_edge, restore_node,
                       restore_regions)

MOVE_COMMAND_ID = 1001


class AddNodeCommand(QUndoCommand):
    """Add one node running `op_name` at a model position; a new parameter gets a seed of its own."""

    def __init__(self, graph: Graph, op_name: str, pos: tuple[float, float], attrs: dict | None = None,
                 name: str | None = None, parent: QUndoCommand | None = None):
        check_room(graph, 1)
        op = get_op(op_name)(attrs)  # AttrError here, before anything changes
        attrs = dict(attrs or {})
        if "seed" in op.attrs and "seed" not in attrs:  # the same seed would give correlated weights
            attrs["seed"] = graph.unused_seed()
        super().__init__(f"Add {op_name}", parent)
        self.graph, self.op_name, self.pos, self.attrs, self.name = graph, op_name, _point(pos), attrs, name
        self.record: dict[str, Any] | None = None

    @property
    def node_id(self) -> str | None:
        """The id of the added node (known after the first redo)."""
        return self.record["id"] if self.record else None

    def redo(self) -> None:
        if self.record is None:
            node = self.graph.add_node(self.op_name, self.name, self.attrs, self.pos)
            self.record = node_record(self.graph, node.id)
        else:
            restore_node(self.graph, self.record)

    def undo(self) -> None:
        self.graph.remove_node(self.record["id"])


class RemoveItemsCommand(QUndoCommand):
    """Delete nodes (with every edge touching them) and edges; undo puts all back with the same ids."""

    def __init__(self, graph: Graph, node_ids=(), edge_ids=(), parent: QUndoCommand | None = None):
        for node_id in node_ids:
            graph.node(node_id)  # GraphError naming a missing node
        for edge_id in edge_ids:
            if edge_id not in graph.edges:
                raise GraphError(f"there is no edge '{edge_id}'")
        if not node_ids and not edge_ids:
            raise GraphError("nothing is selected to delete")
        super().__init__("Delete", parent)
        self.graph = graph
        order = list(graph.nodes)
        self.node_ids = sorted(set(node_ids), key=order.index)
        removed = set(self.node_ids)
        touching = {e.id for e in graph.edges.values() if e.src in removed or e.dst in removed}
        edge_order = list(graph.edges)
        self.edge_ids = sorted(touching | set(edge_ids), key=edge_order.index)
        self.nodes = [node_record(graph, n) for n in self.node_ids]
        self.edges = [edge_record(graph, e) for e in self.edge_ids]
        self.regions = regions_record(graph)
        n, e = len(self.node_ids), len(set(edge_ids) - touching)
        self.setText(f"Delete {n} node{'s' * (n != 1)}" if n else f"Delete {e} edge{'s' * (e != 1)}")

    def redo(self) -> None:
        for edge_id in self.edge_ids:
            if edge_id in self.graph.edges:
                self.graph.disconnect(edge_id)
        for node_id in self.node_ids:
            self.graph.remove_node(node_id)
        for region_id, region in list(self.graph.regions.items()):
            if not region.node_ids:  # a group whose nodes are all gone goes with them
                self.graph.remove_region(region_id)

    def undo(self) -> None:
        for record in self.nodes:
            restore_node(self.graph, record)
        for record in self.edges:
            restore_edge(self.graph, record)
        restore_regions(self.graph, self.regions)


class MoveNodesCommand(QUndoCommand):
    """Move nodes to new positions; consecutive moves of the same nodes merge into one undo step."""

    def __init__(self, graph: Graph, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 parent: QUndoCommand | None = None):
        if not moves:
            raise GraphError("there is nothing to move")
        for node_id in moves:
            graph.node(node_id)
        super().__init__(f"Move {len(moves)} node{'s' * (len(moves) != 1)}", parent)
        self.graph = graph
        self.old = {k: _point(v[0]) for k, v in moves.items()}
        self.new = {k: _point(v[1]) for k, v in moves.items()}

    def id(self) -> int:
        return MOVE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveNodesCommand) or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True

    def redo(self) -> None:
        for node_id, pos in self.new.items():
            self.graph.move(node_id, pos)

    def undo(self) -> None:
        for node_id, pos in self.old.items():
            self.graph.move(node_id, pos)


class RenameCommand(QUndoCommand):
    """Give a node a new, unused name."""

    def __init__(self, graph: Graph, node_id: str, name: str, parent: QUndoCommand | None = None):
        super().__init__(f"Rename to {name.strip()}", parent)
        name = name.strip()
        problem = name_problem(name)
        if problem:
            raise GraphError(problem)
        if any(n.name == name and n.id != node_id for n in graph.nodes.values()):
            raise GraphError(f"the name '{name}' is already used by another node")
        self.graph, self.node_id, self.name = graph, node_id, name
        self.old = graph.node(node_id).name

    def redo(self) -> None:
        self.graph.rename(self.node_id, self.name)

    def undo(self) -> None:
        self.graph.rename(self.node_id, self.old)


class SetAttrCommand(QUndoCommand):
    """Set one attribute (validated now); undo also restores a parameter's old (maybe trained) value."""

    def __init__(self, graph: Graph, node_id: str, key: str, value: Any, parent: QUndoCommand | None = None):
        node = graph.node(node_id)
        super().__init__(f"Set {node.name}.{key}", parent)
        self.new, _ = graph.checked_attr(node_id, key, value)  # AttrError here, before anything changes
        self.graph, self.node_id, self.key = graph, node_id, key
        self.old = node.attrs[key]
        self.old_value = None if node.value is None else np.array(node.value, copy=True)
        self.new_value: np.ndarray | None = None

    def redo(self) -> None:
        self.graph.set_attr(self.node_id, self.key, self.new)
        node = self.graph.node(self.node_id)
        if self.new_value is None and node.value is not None:
            self.new_value = np.array(node.value, copy=True)
        elif self.new_value is not None:
            self.graph.set_value(self.node_id, self.new_value)

    def undo(self) -> None:
        self.graph.set_attr(self.node_id, self.key, self.old)
        if self.old_value is not None:
            self.graph.set_value(self.node_id, self.old_value)


class SetValueCommand(QUndoCommand):
    """Replace a parameter's or constant's array."""

    def __init__(self, graph: Graph, node_id: str, value, parent: QUndoCommand | None = None):
        node = graph.node(node_id)
        super().__init__(f"Set value of {node.name}", parent)
        if node.value is None:
            raise GraphError(f"{node.op_name} '{node.name}' holds no value to set")
        try:
            new = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise GraphError(f"the value of '{node.name}' must be a number or an array of numbers") from None
        if new.shape != node.value.shape:
            raise GraphError(f"value of '{node.name}' has shape {new.shape}, expected {node.value.shape}")
        self.graph, self.node_id, self.new = graph, node_id, new
        self.old = np.array(node.value, copy=True)

    def redo(self) -> None:
        self.graph.set_value(self.node_id, self.new)

    def undo(self) -> None:
        self.graph.set_value(self.node_id, self.old)


def _point(pos) -> tuple[float, float]:
    """A position as two finite floats, or GraphError."""
    try:
        x, y = (float(v) for v in pos)
    except (TypeError, ValueError):
        raise GraphError(f"a position is two numbers, not {pos!r:.40}") from None
    if not (np.isfinite(x) and np.isfinite(y)):
        raise GraphError("a position must be finite")
    return (x, y)
