"""A block in a file: {"kind": "linear_sigmoid", "collapsed": true} on its region (version 2).

Version 1 kept the same object in a side table, meta.blocks = {region id: ...}; the migration to version 2
moves each entry onto its region. A block whose nodes do not form the chain is refused with its place in
the file; in a version-1 file (where the app itself could leave a block broken by deleting a member) it
opens as a plain group instead, with a note saying so.
"""
from __future__ import annotations

from typing import Any

from ..graph import Graph
from ..graph_parts import BLOCK_KINDS, BlockInfo
from ..names import shown
from .checks import expect_dict, expect_keys, expect_str, fail, kind_of


def read_block(value: Any, where: str) -> BlockInfo:
    """The block described at `where`: a known kind, and collapsed true or false."""
    entry = expect_dict(value, where)
    expect_keys(entry, where, ("kind", "collapsed"))
    kind = expect_str(entry["kind"], f"{where}.kind", 60)
    if kind not in BLOCK_KINDS:
        raise fail(f"{where}.kind", f"unknown block kind {kind!r} (known: {', '.join(BLOCK_KINDS)})")
    collapsed = entry["collapsed"]
    if not isinstance(collapsed, bool):
        raise fail(f"{where}.collapsed", f"expected true or false, got {kind_of(collapsed)}")
    return BlockInfo(kind, collapsed)


def block_entry(block: BlockInfo) -> dict[str, Any]:
    """A block as written on its region."""
    return {"kind": block.kind, "collapsed": block.collapsed}


def attach_blocks(graph: Graph, found: list[tuple[int, str, BlockInfo]], from_version_1: bool,
                  notes: list[str]) -> None:
    """Make each region of `found` (index in `regions`, region id, block) the block its file says it is.

    A block its region's nodes do not form is refused, naming the place; a version-1 file opens with the region
    as a plain group and a note."""
    for k, region_id, block in found:
        region = graph.regions[region_id]
        problem = graph.block_problem(region.node_ids, block, region_id)
        if problem is None:
            graph.set_block(region_id, block)
        elif from_version_1:
            notes.append(f"meta.blocks.{shown(region_id)[1:-1]}: the nodes of region {shown(region.title)} do not "
                         f"form a Linear + σ block ({problem}); it opened as a plain group")
        else:
            raise fail(f"regions[{k}].block", f"the nodes of region {region_id!r} ({shown(region.title)}) do not "
                                              f"form a Linear + σ block: {problem}")
