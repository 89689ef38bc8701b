"""How a model node (or a collapsed block) is described to its NodeItem."""
from __future__ import annotations

from engine import Graph
from engine import blocks as block_model
from engine.graph import Node
from engine.replay.looks import node_style

from .node_item import NodeLook


def node_look(node: Node) -> NodeLook:
    """Name, op label, ports and style of a model node (style and label: the engine's rule, as the lesson's)."""
    style, label = node_style(node)
    tooltip = f"{node.op_name}: {node.op.description()}"
    if node.op.leibniz:
        tooltip += f"\n{node.name} = {node.op.leibniz}"
    return NodeLook(node.id, node.name, label, node.op.category, node.op.port_names(), style, tooltip)


def block_look(graph: Graph, region_id: str) -> NodeLook:
    """A collapsed Linear + σ block drawn as one node named after its Sigmoid."""
    parts = block_model.block_parts(graph, region_id)
    name = graph.nodes[parts.sigmoid].name if parts else graph.regions[region_id].title
    weight = graph.nodes[parts.weight].name if parts else "W"
    bias = graph.nodes[parts.bias].name if parts else "b"
    tooltip = (f"{block_model.BLOCK_TITLE} block: {name} = σ(x{weight} + {bias})\n"
               "MatMul, Add and Sigmoid with parameters; double-click to expand")
    return NodeLook(region_id, name, block_model.BLOCK_TITLE, "Activations", ["x"], "block", tooltip)
