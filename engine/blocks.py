"""The "Linear + σ" block: MatMul W, Add b and Sigmoid grouped as a region of kind "block".

The primitives always stay in the graph, so running, training and saving need nothing new; the
block is a region plus an entry in graph.meta["blocks"] = {region_id: {"kind", "collapsed"}} that
says the region is a block and whether the canvas shows it as one box (collapsed) or as its
primitives (expanded).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import GraphError
from .graph import Graph
from .op_facts import Role

BLOCK_KIND = "linear_sigmoid"
BLOCK_TITLE = "Linear + σ"
BLOCK_COLOR = "#72b7b2"
META_KEY = "blocks"
# where each member sits, from the block's centre (like engine.layout: parameters one row above)
LAYOUT = {"weight": (-440.0, -120.0), "bias": (-220.0, -120.0), "matmul": (-220.0, 0.0), "add": (0.0, 0.0),
          "sigmoid": (220.0, 0.0)}


@dataclass(frozen=True)
class BlockParts:
    """The node ids that make up one Linear + σ block."""

    weight: str
    bias: str
    matmul: str
    add: str
    sigmoid: str

    @property
    def node_ids(self) -> list[str]:
        """Every member, parameters first, in the order data flows."""
        return [self.weight, self.bias, self.matmul, self.add, self.sigmoid]


def blocks(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every block entry of the graph: {region_id: {"kind", "collapsed"}} (regions that still exist)."""
    table = graph.meta.get(META_KEY) or {}
    return {rid: info for rid, info in table.items() if rid in graph.regions}


def block_info(graph: Graph, region_id: str) -> dict[str, Any] | None:
    """The block entry of a region, or None if the region is not a block."""
    return blocks(graph).get(region_id)


def set_block_info(graph: Graph, region_id: str, info: dict[str, Any] | None) -> None:
    """Write (or with None, delete) a region's block entry and emit meta_changed("blocks")."""
    table = dict(graph.meta.get(META_KEY) or {})
    if info is None:
        table.pop(region_id, None)
    else:
        table[region_id] = {"kind": str(info.get("kind", BLOCK_KIND)), "collapsed": bool(info.get("collapsed"))}
    graph.set_meta(META_KEY, table or None)


def match_parts(graph: Graph, node_ids: list[str]) -> BlockParts:
    """Find MatMul(x, W) → Add(·, b) → Sigmoid among `node_ids`, W and b being Parameters; GraphError says what
    is missing."""
    chosen = set(node_ids)
    by_op: dict[str, list[str]] = {}
    for nid in node_ids:
        by_op.setdefault(graph.node(nid).op_name, []).append(nid)
    for name in ("MatMul", "Add", "Sigmoid"):
        if len(by_op.get(name, [])) != 1:
            raise GraphError(f"a Linear + σ block needs exactly one {name} node among the selected nodes")
    matmul, add, sigmoid = by_op["MatMul"][0], by_op["Add"][0], by_op["Sigmoid"][0]
    weight = _parameter_of(graph, matmul, "W", chosen)
    add_in = graph.incoming(add)
    if "a" not in add_in or add_in["a"].src != matmul:
        raise GraphError("in a Linear + σ block the MatMul must feed input 'a' of the Add")
    bias = _parameter_of(graph, add, "b", chosen)
    sig_in = graph.incoming(sigmoid).get("x")
    if sig_in is None or sig_in.src != add:
        raise GraphError("in a Linear + σ block the Add must feed the Sigmoid")
    parts = BlockParts(weight, bias, matmul, add, sigmoid)
    extra = chosen - set(parts.node_ids)
    if extra:
        names = ", ".join(sorted(graph.node(n).name for n in extra))
        raise GraphError(f"a Linear + σ block holds only W, b, MatMul, Add and Sigmoid, not {names}")
    return parts


def _parameter_of(graph: Graph, node_id: str, port: str, chosen: set[str]) -> str:
    edge = graph.incoming(node_id).get(port)
    if edge is None or graph.node(edge.src).op.role is not Role.PARAMETER or edge.src not in chosen:
        raise GraphError(f"a Linear + σ block needs a selected Parameter feeding input '{port}' "
                         f"of '{graph.node(node_id).name}'")
    return edge.src


def block_parts(graph: Graph, region_id: str) -> BlockParts | None:
    """The parts of a block region, or None when it is not a block or its members no longer form one."""
    if block_info(graph, region_id) is None:
        return None
    try:
        return match_parts(graph, list(graph.regions[region_id].node_ids))
    except GraphError:
        return None


def check_new_block(graph: Graph, node_ids: list[str]) -> BlockParts:
    """The parts of a new block made of `node_ids`; GraphError if they do not form one or are in a block already."""
    parts = match_parts(graph, node_ids)
    for rid in blocks(graph):
        if set(graph.regions[rid].node_ids) & set(parts.node_ids):
            raise GraphError(f"'{graph.node(parts.sigmoid).name}' is already part of a block")
    return parts


def make_block(graph: Graph, node_ids: list[str], collapsed: bool = True,
               region_id: str | None = None) -> str:
    """Group a MatMul W → Add b → Sigmoid chain into a Linear + σ block; returns its region id."""
    parts = check_new_block(graph, node_ids)
    region = graph.add_region(BLOCK_TITLE, parts.node_ids, BLOCK_COLOR, region_id=region_id)
    set_block_info(graph, region.id, {"kind": BLOCK_KIND, "collapsed": collapsed})
    return region.id


def add_linear_sigmoid(graph: Graph, in_features: int, out_features: int,
                       pos: tuple[float, float] = (0.0, 0.0), name: str = "h", batched: bool = False,
                       collapsed: bool = True, seed: int | None = None) -> tuple[str, BlockParts]:
    """Add W (n×m), b (m), MatMul, Add and Sigmoid as one block centred on `pos`; returns (region id, parts)."""
    del batched  # the block works on x of shape n or B×n alike: MatMul and Add broadcast
    at = {part: (float(pos[0]) + dx, float(pos[1]) + dy) for part, (dx, dy) in LAYOUT.items()}
    seed = graph.unused_seed() if seed is None else seed  # a second block must not repeat the first's W
    weight = graph.add_node("Parameter", graph.unique_name("W"),
                            {"shape": [in_features, out_features], "seed": seed}, at["weight"])
    bias = graph.add_node("Parameter", graph.unique_name("b"), {"shape": [out_features], "init": "zeros"}, at["bias"])
    matmul = graph.add_node("MatMul", graph.unique_name("xW"), pos=at["matmul"])
    add = graph.add_node("Add", graph.unique_name("z"), pos=at["add"])
    sigmoid = graph.add_node("Sigmoid", graph.unique_name(name), pos=at["sigmoid"])
    graph.connect(weight.id, matmul.id, "W")
    graph.connect(matmul.id, add.id, "a")
    graph.connect(bias.id, add.id, "b")
    graph.connect(add.id, sigmoid.id, "x")
    parts = BlockParts(weight.id, bias.id, matmul.id, add.id, sigmoid.id)
    return make_block(graph, parts.node_ids, collapsed), parts


def is_collapsed(graph: Graph, region_id: str) -> bool:
    """True when the block is intact and shown as one box."""
    info = block_info(graph, region_id)
    return bool(info and info["collapsed"]) and block_parts(graph, region_id) is not None


def collapse_block(graph: Graph, region_id: str) -> None:
    """Show a block as one box; GraphError if the region is not an intact block."""
    _require_block(graph, region_id)
    set_block_info(graph, region_id, {"kind": BLOCK_KIND, "collapsed": True})


def expand_block(graph: Graph, region_id: str) -> None:
    """Show a block's primitives (MatMul W, Add b, Sigmoid) inside its region."""
    _require_block(graph, region_id)
    set_block_info(graph, region_id, {"kind": BLOCK_KIND, "collapsed": False})


def block_interface(graph: Graph, region_id: str) -> tuple[tuple[str, str], str]:
    """The block's outside connections: ((node id, port) where x enters, node id whose output leaves)."""
    parts = _require_block(graph, region_id)
    return (parts.matmul, "x"), parts.sigmoid


def _require_block(graph: Graph, region_id: str) -> BlockParts:
    if region_id not in graph.regions:
        raise GraphError(f"there is no region '{region_id}'")
    if block_info(graph, region_id) is None:
        raise GraphError(f"region '{graph.regions[region_id].title}' is not a Linear + σ block")
    parts = block_parts(graph, region_id)
    if parts is None:
        raise GraphError(f"block '{graph.regions[region_id].title}' is no longer a complete "
                         "MatMul W → Add b → Sigmoid chain")
    return parts
