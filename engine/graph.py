"""The graph model: nodes, edges between named ports, regions; every change emits an event."""
from __future__ import annotations

import copy as _copy
import itertools
from typing import Any, Iterable, TypeVar

import networkx as nx
import numpy as np

from . import ops as _ops  # noqa: F401  (registers every op)
from .block_chain import match_parts
from .errors import AttrError, GraphError
from .events import GraphEvents
from .graph_parts import BlockInfo, Edge, FileDtype, Node, Region, block_info_problem, initial_value, region_problem
from .names import MAX_NAME_CHARS, name_problem
from .registry import Op, get_op

__all__ = ["MAX_NODES", "BlockInfo", "Edge", "Graph", "Node", "Region", "region_problem"]

MAX_NODES = 5000

_Item = TypeVar("_Item")


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
        nodes = [Node(n.id, type(n.op)(dict(n.attrs)), n.name, n.pos, None if n.value is None else n.value.copy(),
                      n.file_dtype) for n in self.nodes.values()]
        regions = [Region(r.id, r.title, list(r.node_ids), r.color, r.block) for r in self.regions.values()]
        return Graph.from_parts(nodes, self.edges.values(), regions, _copy.deepcopy(self.meta))

    def _take_node(self, node: Node) -> None:
        if len(self.nodes) >= MAX_NODES:
            raise GraphError(f"a graph holds at most {MAX_NODES} nodes")
        if node.id in self.nodes:
            raise GraphError(f"node id '{node.id}' is already used")
        node.pos = (float(node.pos[0]), float(node.pos[1]))
        node.value = self._checked_value(node, node.value) if node.value is not None else initial_value(node.op)
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
        if region.id in self.regions or region.id in self.nodes or region.id in self.edges:
            raise GraphError(f"region id '{region.id}' is already used")
        problem = region_problem(region.title, region.color)
        if problem:
            raise GraphError(problem)
        for nid in region.node_ids:
            self.node(nid)
        if len(set(region.node_ids)) != len(region.node_ids):
            raise GraphError(f"region '{region.title}' lists a node twice")
        problem = self.block_problem(region.node_ids, region.block) if region.block is not None else None
        if problem:
            raise GraphError(f"region '{region.title}' is not a block: {problem}")
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
                 value: np.ndarray | None = None, index: int | None = None, file_dtype: FileDtype = "float64") -> Node:
        """Add a node running `op`; parameters get their initial value unless `value` is given.

        `index` puts the node at that place in the graph's order (undo puts a node back where it was, with the
        `file_dtype` it was read with).
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
                    (float(pos[0]), float(pos[1])), file_dtype=file_dtype)
        node.value = self._checked_value(node, value) if value is not None else initial_value(instance)
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
                region.block = None  # a block missing a member is a plain group (its edges went first, too)
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
            fresh = initial_value(trial)
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
        unblocked = self._drop_broken_blocks(edge)  # before any event: whoever listens sees whole blocks only
        self.events.edge_removed.emit(edge_id)
        for region_id in unblocked:
            self.events.region_changed.emit(region_id)
        return edge

    def _drop_broken_blocks(self, edge: Edge) -> list[str]:
        """Make each block whose chain this edge held a plain group (a block is always a whole chain); their ids."""
        unblocked = []
        for region in self.regions.values():
            if region.block is not None and edge.src in region.node_ids and edge.dst in region.node_ids \
                    and self.block_problem(region.node_ids, region.block, region.id) is not None:
                region.block = None
                unblocked.append(region.id)
        return unblocked

    # ----- regions
    def add_region(self, title: str, node_ids: list[str], color: str = "#4c78a8",
                   region_id: str | None = None, block: BlockInfo | None = None) -> Region:
        """Group nodes into a named region (a block when `block` is given); GraphError if the title or colour
        breaks the rule, a node is missing, or the nodes do not form the block."""
        region = Region(region_id or self.new_id("r"), title, list(node_ids), color, block)
        self._take_region(region)
        self.events.region_changed.emit(region.id)
        return region

    def remove_region(self, region_id: str) -> Region:
        """Ungroup a region (its nodes stay)."""
        region = self.regions.pop(region_id)
        self.events.region_changed.emit(region_id)
        return region

    def set_block(self, region_id: str, block: BlockInfo | None) -> None:
        """Make a region a block (shown collapsed or expanded), or with None a plain group; emits region_changed."""
        region = self.regions.get(region_id)
        if region is None:
            raise GraphError(f"there is no region '{region_id}'")
        problem = self.block_problem(region.node_ids, block, region_id) if block is not None else None
        if problem:
            raise GraphError(f"region '{region.title}' is not a block: {problem}")
        region.block = block
        self.events.region_changed.emit(region_id)

    def block_problem(self, node_ids: list[str], block: BlockInfo, region_id: str | None = None) -> str | None:
        """Why these nodes cannot form this block, in words, or None when they can (engine.block_chain's rule).

        A node belongs to one block at most; `region_id` names the region that holds the nodes already, if any."""
        problem = block_info_problem(block)
        if problem:
            return problem
        try:
            parts = match_parts(self, node_ids)
        except GraphError as exc:
            return str(exc)
        for other in self.regions.values():
            if other.id != region_id and other.block is not None and set(other.node_ids) & set(parts.node_ids):
                return f"'{self.nodes[parts.sigmoid].name}' is already part of a block"
        return None

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


def _put(table: dict[str, _Item], key: str, item: _Item, index: int | None) -> None:
    """table[key] = item, placed at `index` in the table's order (at the end when None)."""
    if index is None or index >= len(table):
        table[key] = item
        return
    items = list(table.items())
    items.insert(max(index, 0), (key, item))
    table.clear()
    table.update(items)


def _default_name(op: Op) -> str:
    """A source reads as on the slides (x, y, θ, c); any other node is named after its op."""
    return op.leibniz if op.is_source else op.name.lower()


def _id_key(item: Any) -> tuple:
    """Sort ids like n2 < n10."""
    text = item if isinstance(item, str) else item.id
    head = text.rstrip("0123456789")
    tail = text[len(head):]
    return (head, int(tail) if tail else -1, text)
