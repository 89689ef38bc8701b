"""From a parsed file to a Graph: every field checked, every problem a FileFormatError saying where."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..broadcast import fmt_shape
from ..errors import AttrError
from ..graph import Edge, Graph, Node, Region
from ..graph_parts import BlockInfo, FileDtype, initial_value
from ..names import MAX_TITLE_CHARS, title_problem
from ..op_facts import Role
from ..registry import OPS, Op
from .arrays import decode_entry
from .blocks import attach_blocks, read_block
from .checks import expect_dict, expect_id, expect_keys, expect_list, expect_name, expect_number, expect_str, fail
from .errors import (
    MAX_COORD, MAX_EDGES, MAX_GRAPH_NODES, MAX_INT_ATTR, MAX_REGIONS, MAX_SEED,
    MAX_TOTAL_ENTRIES,
)
from .meta import check_meta
from .migrations import file_version, upgrade
from .sample import clean_sample

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
TOP_KEYS = ("format", "version", "nodes", "edges")
OPTIONAL_TOP_KEYS = ("params", "regions", "meta")
Stored = tuple[np.ndarray, FileDtype]  # a value read from `params`, and the dtype the file gave it
Found = tuple[int, str, BlockInfo]  # a block: the index of its region in `regions`, the region's id, the block


@dataclass
class NodeSpec:
    """One checked entry of `nodes`."""

    id: str
    name: str
    op: Op
    pos: tuple[float, float]
    where: str


def _op(entry: dict, where: str) -> Op:
    name = expect_str(entry["op"], f"{where}.op", 60)
    if name not in OPS:
        raise fail(f"{where}.op", f"unknown op {name!r} (known ops: {', '.join(sorted(OPS))})")
    op = OPS[name]()
    attrs = expect_dict(entry.get("attrs", {}), f"{where}.attrs")
    known = [a.name for a in op.attr_specs]
    for key, value in attrs.items():
        at = f"{where}.attrs.{key}"
        if key not in known:
            raise fail(at, f"{name} has no attribute {key!r} (its attributes: {', '.join(known) or 'none'})")
        try:
            op.set_attr(key, value)
        except (AttrError, TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise fail(at, str(exc) or "not a valid value") from None
        _check_int_size(op, key, at)
    return op


def _check_int_size(op: Op, key: str, where: str) -> None:
    """Sizes such as vocab_size stay small enough to run; seeds may use 32 bits."""
    value = op.attrs[key]
    limit = MAX_SEED if key == "seed" else MAX_INT_ATTR
    if op.spec(key).kind == "int" and abs(value) > limit:
        shown = value if abs(value) < 10**20 else "a huge number"
        raise fail(where, f"{shown} is more than the limit of {limit}")


def _pos(value: Any, where: str) -> tuple[float, float]:
    items = expect_list(value, where, 100)
    if len(items) != 2:
        raise fail(where, f"expected [x, y], got {len(items)} numbers")
    x, y = (expect_number(v, f"{where}[{k}]", -MAX_COORD, MAX_COORD) for k, v in enumerate(items))
    return (x, y)


def _node(entry: Any, where: str) -> NodeSpec:
    entry = expect_dict(entry, where)
    expect_keys(entry, where, ("id", "op"), ("name", "attrs", "pos"))
    node_id = expect_id(entry["id"], f"{where}.id")
    op = _op(entry, where)
    name = expect_name(entry.get("name", node_id), f"{where}.name")
    pos = _pos(entry["pos"], f"{where}.pos") if "pos" in entry else (0.0, 0.0)
    return NodeSpec(node_id, name, op, pos, where)


def _nodes(value: Any) -> list[NodeSpec]:
    specs = [_node(e, f"nodes[{k}]") for k, e in enumerate(expect_list(value, "nodes", MAX_GRAPH_NODES))]
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise fail(f"{spec.where}.id", f"id {spec.id!r} is used twice")
        seen.add(spec.id)
    total: int = sum(math.prod(s.op.infer([], [])) for s in specs if s.op.role is Role.PARAMETER)
    if total > MAX_TOTAL_ENTRIES:
        raise fail("nodes", f"the parameters hold {total} numbers, more than the limit of {MAX_TOTAL_ENTRIES}")
    return specs


def _params(value: Any, nodes: dict[str, NodeSpec]) -> dict[str, Stored]:
    out: dict[str, Stored] = {}
    for node_id, entry in expect_dict(value, "params").items():
        where = f"params.{node_id}"
        spec = nodes.get(node_id)
        if spec is None or not spec.op.role.stored:
            article = "an" if spec is not None and spec.op.name[0] in "AEIOU" else "a"
            what = "no node" if spec is None else f"{article} {spec.op.name}, which has no stored value"
            raise fail(where, f"node {node_id!r} is {what}; values belong to Parameter and Constant nodes")
        arr, dtype = decode_entry(entry, where)
        expected = tuple(spec.op.infer([], []))
        if arr.shape != expected:
            raise fail(where, f"shape {list(arr.shape)} does not match the {spec.op.name}'s shape "
                              f"{fmt_shape(expected)}")
        out[node_id] = (arr, dtype)
    return out


def _edge(entry: Any, where: str, nodes: dict[str, NodeSpec]) -> tuple[str, str, str, str]:
    entry = expect_dict(entry, where)
    expect_keys(entry, where, ("id", "src", "dst", "port"))
    edge_id = expect_id(entry["id"], f"{where}.id")
    src = expect_id(entry["src"], f"{where}.src")
    dst = expect_id(entry["dst"], f"{where}.dst")
    port = expect_str(entry["port"], f"{where}.port", 60)
    for key, node_id in (("src", src), ("dst", dst)):
        if node_id not in nodes:
            raise fail(f"{where}.{key}", f"there is no node {node_id!r}")
    ports = nodes[dst].op.port_names()
    if port not in ports:
        raise fail(where, f"node {dst!r} ({nodes[dst].op.name} '{nodes[dst].name}') has no input port {port!r} "
                          f"(its inputs: {', '.join(ports) or 'none'})")
    return edge_id, src, dst, port


def _edges(value: Any, nodes: dict[str, NodeSpec]) -> list[tuple[str, str, str, str]]:
    edges = [_edge(e, f"edges[{k}]", nodes) for k, e in enumerate(expect_list(value, "edges", MAX_EDGES))]
    ids = set(nodes)
    fed: dict[tuple[str, str], int] = {}
    for k, (edge_id, _, dst, port) in enumerate(edges):
        if edge_id in ids:
            raise fail(f"edges[{k}].id", f"id {edge_id!r} is already used by a node or an earlier edge")
        ids.add(edge_id)
        if (dst, port) in fed:
            raise fail(f"edges[{k}]", f"input {port!r} of node {dst!r} is already fed by edges[{fed[dst, port]}]")
        fed[dst, port] = k
    _check_acyclic(edges, nodes)
    return edges


def _check_acyclic(edges: list[tuple[str, str, str, str]], nodes: dict[str, NodeSpec]) -> None:
    simple = nx.DiGraph()
    simple.add_nodes_from(nodes)
    index: dict[tuple[str, str], int] = {}
    for k, (_, src, dst, _) in enumerate(edges):
        simple.add_edge(src, dst)
        index.setdefault((src, dst), k)
    if nx.is_directed_acyclic_graph(simple):  # linear; find_cycle alone took seconds on thousands of nodes
        return
    looped = next(c for c in nx.strongly_connected_components(simple) if len(c) > 1 or _self_loop(simple, c))
    cycle = nx.find_cycle(simple.subgraph(looped))
    path = " → ".join([nodes[a].name for a, _ in cycle] + [nodes[cycle[0][0]].name])
    last = max(index[a, b] for a, b in cycle)
    raise fail(f"edges[{last}]", f"the edges make a cycle ({path}); a computation graph must not loop")


def _self_loop(graph: nx.DiGraph, component: set[str]) -> bool:
    node = next(iter(component))
    return graph.has_edge(node, node)


def _region(entry: Any, where: str, nodes: dict[str, NodeSpec], used: set[str]) -> Region:
    entry = expect_dict(entry, where)
    expect_keys(entry, where, ("id", "title", "nodes"), ("color", "block"))
    region_id = expect_id(entry["id"], f"{where}.id")
    if region_id in used:
        raise fail(f"{where}.id", f"id {region_id!r} is already used")
    used.add(region_id)
    title = expect_str(entry["title"], f"{where}.title", MAX_TITLE_CHARS)
    problem = title_problem(title)
    if problem:
        raise fail(f"{where}.title", problem)
    members = expect_list(entry["nodes"], f"{where}.nodes", MAX_GRAPH_NODES)
    for j, node_id in enumerate(members):
        if not isinstance(node_id, str) or node_id not in nodes or node_id in members[:j]:
            raise fail(f"{where}.nodes[{j}]", f"{node_id!r:.60} is not a node id, or is listed twice")
    color = expect_str(entry.get("color", "#4c78a8"), f"{where}.color", 7)
    if not _COLOR.fullmatch(color):
        raise fail(f"{where}.color", f"expected a colour such as #4c78a8, got {color!r}")
    block = read_block(entry["block"], f"{where}.block") if "block" in entry else None
    return Region(region_id, title, list(members), color, block)


def _regions(value: Any, nodes: dict[str, NodeSpec], used: set[str]) -> tuple[list[Region], list[Found]]:
    """The regions, each still a plain group, and the blocks to make of them once the graph stands."""
    regions = [_region(e, f"regions[{k}]", nodes, used)
               for k, e in enumerate(expect_list(value, "regions", MAX_REGIONS))]
    found = [(k, r.id, r.block) for k, r in enumerate(regions) if r.block is not None]
    plain = [Region(r.id, r.title, r.node_ids, r.color) for r in regions]
    return plain, found


def _made_node(spec: NodeSpec, stored: Stored | None) -> Node:
    """One checked node; an initial value that cannot be drawn (scale 1e308) is refused, not a traceback."""
    if stored is not None:
        return Node(spec.id, spec.op, spec.name, spec.pos, stored[0], stored[1])
    where = f"{spec.where}.attrs"
    try:
        value = initial_value(spec.op)
    except OverflowError:
        raise fail(where, "the scale is too large to draw initial values from") from None
    if value is not None and not np.all(np.isfinite(value)):
        raise fail(where, "the initial values are not finite numbers (the scale is too large)")
    return Node(spec.id, spec.op, spec.name, spec.pos, value)


def graph_from_dict(d: Any, notes: list[str] | None = None) -> Graph:
    """Build a Graph from a parsed file dict (any supported version); FileFormatError says what is wrong.

    What an older version allowed and this one refuses is changed by the migration, a block of a version-1 file
    that its nodes no longer form opens as a plain group, and a meta.sample entry the graph cannot run on is
    left out, rather than refusing the file; `notes` (when given) receives one line for each, for the user."""
    said: list[str] = []
    from_version_1 = file_version(d) < 2
    d = upgrade(d, said)
    expect_keys(d, "file", TOP_KEYS, OPTIONAL_TOP_KEYS)
    specs = _nodes(d["nodes"])
    by_id = {s.id: s for s in specs}
    values = _params(d.get("params", {}), by_id)
    edges = _edges(d["edges"], by_id)
    regions, found = _regions(d.get("regions", []), by_id, set(by_id) | {e[0] for e in edges})
    meta = check_meta(d.get("meta", {}))
    nodes = [_made_node(s, values.get(s.id)) for s in specs]
    graph = Graph.from_parts(nodes, [Edge(*e) for e in edges], regions, meta)
    attach_blocks(graph, found, from_version_1, said)
    _drop_bad_sample_entries(graph, said)
    if notes is not None:
        notes.extend(said)
    return graph


def _drop_bad_sample_entries(graph: Graph, notes: list[str]) -> None:
    if "sample" not in graph.meta:
        return
    kept, dropped = clean_sample(graph, graph.meta["sample"])
    if not dropped:
        return
    if kept:
        graph.meta["sample"] = kept
    else:
        del graph.meta["sample"]
    notes.extend(dropped)
