"""The "Linear + σ" block: MatMul W, Add b and Sigmoid grouped as a region whose `block` field says so.

The primitives always stay in the graph, so running, training and saving need nothing new; the region's
BlockInfo says whether the canvas shows the block as one box (collapsed) or as its primitives (expanded).
The graph model keeps every block a whole chain (engine.block_chain): a block that loses a member or an inner
edge becomes a plain group.
"""
from __future__ import annotations

from dataclasses import replace

from .block_chain import BlockParts, match_parts
from .errors import GraphError
from .graph import Graph
from .graph_parts import LINEAR_SIGMOID, BlockInfo

__all__ = ["BLOCK_COLOR", "BLOCK_KIND", "BLOCK_TITLE", "LAYOUT", "BlockInfo", "BlockParts", "add_linear_sigmoid",
           "block_info", "block_interface", "block_parts", "blocks", "check_new_block", "collapse_block",
           "expand_block", "is_collapsed", "make_block", "match_parts"]

BLOCK_KIND = LINEAR_SIGMOID
BLOCK_TITLE = "Linear + σ"
BLOCK_COLOR = "#72b7b2"
# where each member sits, from the block's centre (like engine.layout: parameters one row above)
LAYOUT = {"weight": (-440.0, -120.0), "bias": (-220.0, -120.0), "matmul": (-220.0, 0.0), "add": (0.0, 0.0),
          "sigmoid": (220.0, 0.0)}


def blocks(graph: Graph) -> dict[str, BlockInfo]:
    """Every block of the graph: {region id: its BlockInfo}, in region order."""
    return {rid: region.block for rid, region in graph.regions.items() if region.block is not None}


def block_info(graph: Graph, region_id: str) -> BlockInfo | None:
    """The BlockInfo of a region, or None if the region is not a block (or does not exist)."""
    region = graph.regions.get(region_id)
    return region.block if region is not None else None


def block_parts(graph: Graph, region_id: str) -> BlockParts | None:
    """The parts of a block region, or None when it is not a block."""
    if block_info(graph, region_id) is None:
        return None
    return match_parts(graph, list(graph.regions[region_id].node_ids))


def check_new_block(graph: Graph, node_ids: list[str]) -> BlockParts:
    """The parts of a new block made of `node_ids`; GraphError if they do not form one or are in a block already."""
    problem = graph.block_problem(node_ids, BlockInfo())
    if problem:
        raise GraphError(problem)
    return match_parts(graph, node_ids)


def make_block(graph: Graph, node_ids: list[str], collapsed: bool = True,
               region_id: str | None = None) -> str:
    """Group a MatMul W → Add b → Sigmoid chain into a Linear + σ block; returns its region id."""
    parts = check_new_block(graph, node_ids)
    region = graph.add_region(BLOCK_TITLE, parts.node_ids, BLOCK_COLOR, region_id, BlockInfo(BLOCK_KIND, collapsed))
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
    """True when the region is a block shown as one box."""
    info = block_info(graph, region_id)
    return info is not None and info.collapsed


def collapse_block(graph: Graph, region_id: str) -> None:
    """Show a block as one box; GraphError if the region is not a block."""
    graph.set_block(region_id, replace(_require_block(graph, region_id), collapsed=True))


def expand_block(graph: Graph, region_id: str) -> None:
    """Show a block's primitives (MatMul W, Add b, Sigmoid) inside its region."""
    graph.set_block(region_id, replace(_require_block(graph, region_id), collapsed=False))


def block_interface(graph: Graph, region_id: str) -> tuple[tuple[str, str], str]:
    """The block's outside connections: ((node id, port) where x enters, node id whose output leaves)."""
    _require_block(graph, region_id)
    parts = match_parts(graph, graph.regions[region_id].node_ids)
    return (parts.matmul, "x"), parts.sigmoid


def _require_block(graph: Graph, region_id: str) -> BlockInfo:
    if region_id not in graph.regions:
        raise GraphError(f"there is no region '{region_id}'")
    info = graph.regions[region_id].block
    if info is None:
        raise GraphError(f"region '{graph.regions[region_id].title}' is not a Linear + σ block")
    return info
