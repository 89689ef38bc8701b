"""The graph model: nodes, edges between named ports, regions; every change emits an event."""
from __future__ import annotations

import copy as _copy
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, TypeVar

import networkx as nx
import numpy as np

from . import ops as _ops  # noqa: F401  (registers every op)
from .errors import AttrError, GraphError
from .events import GraphEvents
from .names import MAX_NAME_CHARS, MAX_TITLE_CHARS, name_problem, title_problem
from .registry import Op, get_op

MAX_NODES = 5000
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

_Item = TypeVar("_Item")


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
    def stored_value(self) -> np.ndarray:
        """The array a parameter or constant holds; GraphError for a node that holds none (an input is fed)."""
        if self.value is None:
            raise GraphError(f"{self.op_name} '{self.name}' holds no value")
        return self.value

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

    @classmethod
    def from_parts(cls, nodes: Iterable[Node], edges: Iterable[Edge], regions: Iterable[Region] = (),
                   meta: dict[str, Any] | None = None) -> Graph:
        """A graph made at once from its parts, kept in their order (the file reader's constructor).

        Each part is checked as add_node, connect and add_region check it (GraphError says what is wrong);
        the graph takes the parts themselves. No events are emitted: nobody follows a graph not yet made.
        """
        graph = cls()
        for node in nodes:
            graph._take_node(node)
        for edge in edges:
            graph._take_edge(edge)
        graph._refuse_cycles()
        for region in regions:
            graph._take_region(region)
        graph.meta = meta if meta is not None else {}
        return graph

    def copy(self) -> Graph:
        """An independent copy: the same ids, order, names, values (in new arrays), regions and meta."""
        nodes = [Node(n.id, type(n.op)(dict(n.attrs)), n.name, n.pos, None if n.value is None else n.value.copy())
                 for n in self.nodes.values()]
        regions = [Region(r.id, r.title, list(r.node_ids), r.color) for r in self.regions.values()]
        return Graph.from_parts(nodes, self.edges.values(), regions, _copy.deepcopy(self.meta))

    def _take_node(self, node: Node) -> None:
        if len(self.nodes) >= MAX_NODES:
            raise GraphError(f"a graph holds at most {MAX_NODES} nodes")
        if node.id in self.nodes:
            raise GraphError(f"node id '{node.id}' is already used")
        node.pos = (float(node.pos[0]), float(node.pos[1]))
        node.value = self._checked_value(node, node.value) if node.value is not None else _initial_value(node.op)
        self.nodes[node.id] = node
        self.nx.add_node(node.id)

    def _take_edge(self, edge: Edge) -> None:
        if edge.id in self.edges or edge.id in self.nodes:
            raise GraphError(f"edge id '{edge.id}' is already used")
        for end in (edge.src, edge.dst):
            self.node(end)
        target = self.nodes[edge.dst]
        if edge.port not in target.op.port_names():
            raise GraphError(f"{target.op_name} '{target.name}' has no input port '{edge.port}'")
        if edge.port in self.incoming(edge.dst):
            raise GraphError(f"input '{edge.port}' of '{target.name}' is fed twice")
        self.edges[edge.id] = edge
        self.nx.add_edge(edge.src, edge.dst, key=edge.id, edge=edge)

    def _refuse_cycles(self) -> None:
        """One search over the whole graph, instead of one per edge as connect does."""
        if nx.is_directed_acyclic_graph(self.nx):  # linear; find_cycle alone takes seconds on thousands of nodes
            return
        looped = next(c for c in nx.strongly_connected_components(self.nx)
                      if len(c) > 1 or self.nx.has_edge(next(iter(c)), next(iter(c))))
        cycle = nx.find_cycle(self.nx.subgraph(looped))
        names = " → ".join(self.nodes[a].name for a, *_ in cycle)
        raise GraphError(f"the edges make a cycle ({names} → {self.nodes[cycle[0][0]].name})")

    def _take_region(self, region: Region) -> None:
        problem = region_problem(region.title, region.color)
        if problem:
            raise GraphError(problem)
        if region.id in self.regions or region.id in self.nodes or region.id in self.edges:
            raise GraphError(f"region id '{region.id}' is already used")
        for nid in region.node_ids:
            self.node(nid)
        if len(set(region.node_ids)) != len(region.node_ids):
            raise GraphError(f"region '{region.title}' lists a node twice")
        self.regions[region.id] = region

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

    def unused_seed(self) -> int:
        """The smallest seed ≥ 1 that no node's `seed` attribute uses (new layers start from their own weights)."""
        taken = {n.attrs["seed"] for n in self.nodes.values() if "seed" in n.attrs}
        return next(seed for seed in itertools.count(1) if seed not in taken)

    # ----- nodes
    def add_node(self, op: str, name: str | None = None, attrs: dict[str, Any] | None = None,
                 pos: tuple[float, float] = (0.0, 0.0), node_id: str | None = None,
                 value: np.ndarray | None = None, index: int | None = None) -> Node:
        """Add a node running `op`; parameters get their initial value unless `value` is given.

        `index` puts the node at that place in the graph's order (undo puts a node back where it was).
        """
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
        _put(self.nodes, node_id, node, index)
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

    def checked_attr(self, node_id: str, key: str, value: Any) -> tuple[Any, np.ndarray | None]:
        """(the attribute in canonical form, the node's value after it) or AttrError; changes nothing."""
        node = self.node(node_id)
        trial = type(node.op)(dict(node.attrs))
        try:
            trial.set_attr(key, value)
            fresh = _initial_value(trial)
        except AttrError as exc:
            raise AttrError(f"{node.op_name} '{node.name}'.{key}: {exc}") from None
        except (OverflowError, ValueError, MemoryError):  # e.g. a uniform init over ±1e308
            raise AttrError(f"{node.op_name} '{node.name}'.{key}: the initialiser cannot make values "
                            f"with {key} = {value!r:.40}") from None
        return trial.attrs[key], fresh

    def set_attr(self, node_id: str, key: str, value: Any) -> None:
        """Validate and set an attribute; a parameter whose shape or init changes is re-initialised."""
        canonical, fresh = self.checked_attr(node_id, key, value)  # nothing changes if this refuses
        node = self.nodes[node_id]
        node.op.set_attr(key, canonical)
        if fresh is not None:
            node.value = fresh
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

    def connect(self, src: str, dst: str, port: str, edge_id: str | None = None,
                index: int | None = None) -> Edge:
        """Connect src's output to dst's input `port` (at `index` in the edge order); GraphError says why if refused."""
        reason = self.can_connect(src, dst, port)
        if reason:
            raise GraphError(reason)
        edge_id = edge_id or self.new_id("e")
        if edge_id in self.edges:
            raise GraphError(f"edge id '{edge_id}' is already used")
        edge = Edge(edge_id, src, dst, port)
        _put(self.edges, edge_id, edge, index)
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
        """Group nodes into a named region; GraphError if the title breaks the rule or a node is missing."""
        problem = region_problem(title, color)
        if problem:
            raise GraphError(problem)
        for nid in node_ids:
            self.node(nid)
        if len(set(node_ids)) != len(node_ids):
            raise GraphError(f"region '{title}' lists a node twice")
        region = Region(region_id or self.new_id("r"), title, list(node_ids), color)
        self.regions[region.id] = region
        self.events.region_changed.emit(region.id)
        return region

    def remove_region(self, region_id: str) -> Region:
        """Ungroup a region (its nodes stay)."""
        region = self.regions.pop(region_id)
        self.events.region_changed.emit(region_id)
        return region

    # ----- meta
    def set_meta(self, key: str, value: Any) -> None:
        """Set graph.meta[key] (None removes the entry) and emit meta_changed(key)."""
        if value is None:
            self.meta.pop(key, None)
        else:
            self.meta[key] = value
        self.events.meta_changed.emit(key)

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


def region_problem(title: object, color: object) -> str | None:
    """Why a region cannot have this title or colour (a colour is written #rrggbb), or None when it can."""
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        return f"a region colour is written like #4c78a8, not {color!r:.20}"
    return title_problem(title)


def _put(table: dict[str, _Item], key: str, item: _Item, index: int | None) -> None:
    """table[key] = item, placed at `index` in the table's order (at the end when None)."""
    if index is None or index >= len(table):
        table[key] = item
        return
    items = list(table.items())
    items.insert(max(index, 0), (key, item))
    table.clear()
    table.update(items)


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
