"""The graph model: nodes, edges between named ports, regions; every change emits an event."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from . import ops as _ops  # noqa: F401  (registers every op)
from .errors import AttrError, GraphError
from .events import GraphEvents
from .names import MAX_NAME_CHARS, name_problem
from .registry import Op, get_op

MAX_NODES = 5000


@dataclass
class Node:
    """One op instance with a stable id, a display name, a position and (for sources) a value."""

    id: str
    op: Op
    name: str
    pos: tuple[float, float] = (0.0, 0.0)
    value: np.ndarray | None = None  # parameters and constants only

    @property
    def op_name(self) -> str:
        """The registry name of this node's op."""
        return self.op.name

    @property
    def attrs(self) -> dict[str, Any]:
        """The op's validated attributes."""
        return self.op.attrs

    @property
    def trainable(self) -> bool:
        """True for Parameter nodes."""
        return bool(getattr(self.op, "trainable", False))


@dataclass(frozen=True)
class Edge:
    """A connection from a node's output to a named input port of another node."""

    id: str
    src: str
    dst: str
    port: str


@dataclass
class Region:
    """A named, coloured group of nodes (encoder f(x), decoder, loss)."""

    id: str
    title: str
    node_ids: list[str] = field(default_factory=list)
    color: str = "#4c78a8"


class Graph:
    """A computation graph kept in a networkx MultiDiGraph, emitting events on every change."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self.regions: dict[str, Region] = {}
        self.meta: dict[str, Any] = {}
        self.nx = nx.MultiDiGraph()
        self.events = GraphEvents()
        self._ids = itertools.count(1)

    # ----- lookup
    def node(self, node_id: str) -> Node:
        """The node with this id, or GraphError."""
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(f"there is no node '{node_id}'") from None

    def find(self, name_or_id: str) -> Node:
        """A node by id or by its (unique) name."""
        if name_or_id in self.nodes:
            return self.nodes[name_or_id]
        hits = [n for n in self.nodes.values() if n.name == name_or_id]
        if len(hits) != 1:
            raise GraphError(f"there is no node named '{name_or_id}'" if not hits
                             else f"more than one node is named '{name_or_id}'")
        return hits[0]

    def incoming(self, node_id: str) -> dict[str, Edge]:
        """The edges into a node, by input port."""
        return {d["edge"].port: d["edge"] for _, _, d in self.nx.in_edges(node_id, data=True)}

    def outgoing(self, node_id: str) -> list[Edge]:
        """The edges out of a node, in creation order."""
        return sorted((d["edge"] for _, _, d in self.nx.out_edges(node_id, data=True)), key=_id_key)

    def topo_order(self) -> list[str]:
        """Node ids so that every node comes after its inputs (ties broken by id, so stable)."""
        return list(nx.lexicographical_topological_sort(self.nx, key=_id_key))

    def new_id(self, prefix: str = "n") -> str:
        """An id not used by any node, edge or region."""
        while True:
            candidate = f"{prefix}{next(self._ids)}"
            if candidate not in self.nodes and candidate not in self.edges and candidate not in self.regions:
                return candidate

    def unique_name(self, base: str) -> str:
        """`base`, or base2, base3… if taken (a long base is shortened so the name stays within the limit)."""
        taken = {n.name for n in self.nodes.values()}
        if base not in taken:
            return base
        numbered = (base[:MAX_NAME_CHARS - len(str(i))] + str(i) for i in itertools.count(2))
        return next(name for name in numbered if name not in taken)

    # ----- nodes
    def add_node(self, op: str, name: str | None = None, attrs: dict[str, Any] | None = None,
                 pos: tuple[float, float] = (0.0, 0.0), node_id: str | None = None,
                 value: np.ndarray | None = None) -> Node:
        """Add a node running `op`; parameters get their initial value unless `value` is given."""
        if len(self.nodes) >= MAX_NODES:
            raise GraphError(f"a graph holds at most {MAX_NODES} nodes")
        node_id = node_id or self.new_id("n")
        if node_id in self.nodes:
            raise GraphError(f"node id '{node_id}' is already used")
        if name:
            _check_name(name)
        instance = get_op(op)(attrs)
        node = Node(node_id, instance, name or self.unique_name(_default_name(instance)),
                    (float(pos[0]), float(pos[1])))
        node.value = self._checked_value(node, value) if value is not None else _initial_value(instance)
        self.nodes[node_id] = node
        self.nx.add_node(node_id)
        self.events.node_added.emit(node_id)
        return node

    def remove_node(self, node_id: str) -> None:
        """Remove a node and every edge touching it (edge_removed is emitted first)."""
        self.node(node_id)
        for _, _, d in list(self.nx.in_edges(node_id, data=True)) + list(self.nx.out_edges(node_id, data=True)):
            self.disconnect(d["edge"].id)
        for region in self.regions.values():
            if node_id in region.node_ids:
                region.node_ids.remove(node_id)
                self.events.region_changed.emit(region.id)
        del self.nodes[node_id]
        self.nx.remove_node(node_id)
        self.events.node_removed.emit(node_id)

    def set_attr(self, node_id: str, key: str, value: Any) -> None:
        """Validate and set an attribute; a parameter whose shape or init changes is re-initialised."""
        node = self.node(node_id)
        try:
            node.op.set_attr(key, value)
        except AttrError as exc:
            raise AttrError(f"{node.op_name} '{node.name}'.{key}: {exc}") from None
        if hasattr(node.op, "initial_value"):
            node.value = _initial_value(node.op)
            self.events.value_changed.emit(node_id)
        self.events.attr_changed.emit(node_id, key)

    def set_value(self, node_id: str, value: np.ndarray) -> None:
        """Replace a parameter's or constant's array (same shape)."""
        node = self.node(node_id)
        node.value = self._checked_value(node, value)
        self.events.value_changed.emit(node_id)

    def rename(self, node_id: str, name: str) -> None:
        """Give a node a new display name."""
        name = _check_name(name.strip())
        self.node(node_id).name = name
        self.events.node_renamed.emit(node_id)

    def move(self, node_id: str, pos: tuple[float, float]) -> None:
        """Set a node's position on the canvas."""
        self.node(node_id).pos = (float(pos[0]), float(pos[1]))
        self.events.node_moved.emit(node_id)

    # ----- edges
    def can_connect(self, src: str, dst: str, port: str) -> str | None:
        """Why connecting src → dst.port is refused, or None if it is allowed."""
        if src not in self.nodes or dst not in self.nodes:
            return f"there is no node '{src if src not in self.nodes else dst}'"
        a, b = self.nodes[src], self.nodes[dst]
        if port not in b.op.port_names():
            ports = ", ".join(b.op.port_names()) or "none"
            return f"{b.op_name} '{b.name}' has no input port '{port}' (its inputs: {ports})"
        taken = self.incoming(dst).get(port)
        if taken is not None:
            return f"input '{port}' of '{b.name}' is already fed by '{self.nodes[taken.src].name}'"
        if src == dst or nx.has_path(self.nx, dst, src):
            return f"connecting '{a.name}' → '{b.name}' would make a cycle ('{b.name}' already feeds '{a.name}')"
        return None

    def connect(self, src: str, dst: str, port: str, edge_id: str | None = None) -> Edge:
        """Connect src's output to dst's input `port`; GraphError says why if refused."""
        reason = self.can_connect(src, dst, port)
        if reason:
            raise GraphError(reason)
        edge_id = edge_id or self.new_id("e")
        if edge_id in self.edges:
            raise GraphError(f"edge id '{edge_id}' is already used")
        edge = Edge(edge_id, src, dst, port)
        self.edges[edge_id] = edge
        self.nx.add_edge(src, dst, key=edge_id, edge=edge)
        self.events.edge_added.emit(edge_id)
        return edge

    def disconnect(self, edge_id: str) -> Edge:
        """Remove one edge."""
        edge = self.edges.pop(edge_id, None)
        if edge is None:
            raise GraphError(f"there is no edge '{edge_id}'")
        self.nx.remove_edge(edge.src, edge.dst, key=edge_id)
        self.events.edge_removed.emit(edge_id)
        return edge

    # ----- regions
    def add_region(self, title: str, node_ids: list[str], color: str = "#4c78a8",
                   region_id: str | None = None) -> Region:
        """Group nodes into a named region."""
        for nid in node_ids:
            self.node(nid)
        region = Region(region_id or self.new_id("r"), title, list(node_ids), color)
        self.regions[region.id] = region
        self.events.region_changed.emit(region.id)
        return region

    def remove_region(self, region_id: str) -> Region:
        """Ungroup a region (its nodes stay)."""
        region = self.regions.pop(region_id)
        self.events.region_changed.emit(region_id)
        return region

    # ----- helpers
    def parameters(self) -> list[Node]:
        """Trainable parameter nodes in topological order."""
        return [self.nodes[i] for i in self.topo_order() if self.nodes[i].trainable]

    def _checked_value(self, node: Node, value: Any) -> np.ndarray:
        arr = np.array(value, dtype=np.float64)
        expected = node.op.infer([], []) if node.op.is_source else None
        if expected is not None and tuple(arr.shape) != tuple(expected):
            raise GraphError(f"value of '{node.name}' has shape {arr.shape}, expected {tuple(expected)}")
        return arr


def _check_name(name: str) -> str:
    """`name` if it follows the name rule (engine.names), else GraphError saying why."""
    problem = name_problem(name)
    if problem:
        raise GraphError(problem)
    return name


def _initial_value(op: Op) -> np.ndarray | None:
    return op.initial_value() if hasattr(op, "initial_value") else None


def _default_name(op: Op) -> str:
    return {"Input": "x", "Label": "y", "Parameter": "θ", "Constant": "c"}.get(op.name, op.name.lower())


def _id_key(item: Any) -> tuple:
    """Sort ids like n2 < n10."""
    text = item if isinstance(item, str) else item.id
    head = text.rstrip("0123456789")
    tail = text[len(head):]
    return (head, int(tail) if tail else -1, text)
