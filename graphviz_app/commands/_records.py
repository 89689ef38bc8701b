"""Exact snapshots of nodes, edges and regions, so an undo restores ids, values, groups and order as they were."""
from __future__ import annotations

import copy
from typing import Any, NamedTuple

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine import Graph, GraphError
from engine.graph import MAX_NODES, BlockInfo


class RegionRecord(NamedTuple):
    """A region as it was: members, colour and block (frozen, so a record can be kept and compared)."""

    id: str
    title: str
    node_ids: tuple[str, ...]
    color: str
    block: BlockInfo | None


class EdgeRecord(NamedTuple):
    """An edge and its place in the graph's edge order."""

    id: str
    src: str
    dst: str
    port: str
    index: int


def check_room(graph: Graph, count: int) -> None:
    """GraphError if `count` more nodes would not fit in the graph."""
    if len(graph.nodes) + count > MAX_NODES:
        raise GraphError(f"a graph holds at most {MAX_NODES} nodes; this one has {len(graph.nodes)}")


def node_record(graph: Graph, node_id: str) -> dict[str, Any]:
    """Everything needed to re-create a node with the same id, name, attributes, position, value and place."""
    node = graph.node(node_id)
    return {"id": node.id, "op": node.op_name, "name": node.name, "attrs": copy.deepcopy(dict(node.attrs)),
            "pos": tuple(node.pos), "value": None if node.value is None else np.array(node.value, copy=True),
            "index": list(graph.nodes).index(node_id), "file_dtype": node.file_dtype}


def restore_node(graph: Graph, record: dict[str, Any]) -> None:
    """Re-create a node from its record, at its old place in the node order."""
    value = None if record["value"] is None else np.array(record["value"], copy=True)
    graph.add_node(record["op"], record["name"], copy.deepcopy(record["attrs"]), record["pos"],
                   node_id=record["id"], value=value, index=record["index"], file_dtype=record["file_dtype"])


def edge_record(graph: Graph, edge_id: str) -> EdgeRecord:
    """An edge with its place in the edge order."""
    edge = graph.edges[edge_id]
    return EdgeRecord(edge.id, edge.src, edge.dst, edge.port, list(graph.edges).index(edge_id))


def restore_edge(graph: Graph, record: EdgeRecord) -> None:
    """Re-create an edge from its record, at its old place in the edge order."""
    graph.connect(record.src, record.dst, record.port, edge_id=record.id, index=record.index)


def regions_record(graph: Graph) -> list[RegionRecord]:
    """Every region in order, blocks included, for putting groups back exactly."""
    return [RegionRecord(r.id, r.title, tuple(r.node_ids), r.color, r.block) for r in graph.regions.values()]


def restore_regions(graph: Graph, record: list[RegionRecord]) -> None:
    """Make the regions equal to a record (re-adding all, so their order is kept too).

    The record was taken when the graph held these very nodes and edges, so each block is whole again; a member
    that is missing all the same leaves a plain group, rather than an undo that raises."""
    if regions_record(graph) == record:
        return
    for region_id in list(graph.regions):
        graph.remove_region(region_id)
    for region in record:
        members = [n for n in region.node_ids if n in graph.nodes]
        whole = region.block is not None and graph.block_problem(members, region.block) is None
        graph.add_region(region.title, members, region.color, region.id, region.block if whole else None)


class InsertCommand(QUndoCommand):
    """Base of commands that add a group of nodes: the first redo builds it, later redos restore it exactly.

    A subclass checks in its constructor that build() will succeed: redo() must never raise.
    """

    def __init__(self, graph: Graph, text: str, parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.graph = graph
        self.before = regions_record(graph)
        self.after: list[RegionRecord] | None = None
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[EdgeRecord] = []

    @property
    def node_ids(self) -> list[str]:
        """Ids of the nodes this command added (known after the first redo)."""
        return [r["id"] for r in self.nodes]

    def build(self) -> list[str]:
        """Add the nodes, edges and regions for the first time; return the new node ids."""
        raise NotImplementedError

    def redo(self) -> None:
        if self.after is None:
            ids = self.build()
            self.nodes = [node_record(self.graph, n) for n in ids]
            added = set(ids)
            self.edges = [edge_record(self.graph, e.id) for e in self.graph.edges.values() if e.dst in added]
            self.after = regions_record(self.graph)
            return
        for record in self.nodes:
            restore_node(self.graph, record)
        for record in self.edges:
            restore_edge(self.graph, record)
        restore_regions(self.graph, self.after)

    def undo(self) -> None:
        for record in reversed(self.nodes):
            self.graph.remove_node(record["id"])
        restore_regions(self.graph, self.before)
