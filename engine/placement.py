"""Positions for graphs that have none (a file written without "pos"), before they are drawn."""
from __future__ import annotations

from .graph import Graph
from .layout import apply_layout


def unplaced(graph: Graph) -> bool:
    """True when two or more nodes all sit on one spot, as in a file without positions."""
    return len(graph.nodes) > 1 and len({node.pos for node in graph.nodes.values()}) == 1


def lay_out_if_unplaced(graph: Graph) -> bool:
    """Give an unplaced graph the layered layout (in memory; the file is not changed); True if it did.

    Thousands of nodes painted on top of each other cost Qt minutes and gigabytes; laid out, seconds."""
    if not unplaced(graph):
        return False
    apply_layout(graph)
    return True
