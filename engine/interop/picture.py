"""What the DOT and TikZ pictures say about nodes and edges: labels, shapes, and values and gradients."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..broadcast import fmt_shape
from ..graph import Graph
from ..layout import layered_layout
from ..shapes import infer_shapes
from ..trace import BackwardStep, NoGradStep, Trace

CATEGORY_FILL = {"Sources": "E8F1FB", "Arithmetic": "F2F2F2", "Activations": "E6F4EA", "Losses": "FDE8E6",
                 "Text": "FFF4DC"}
DEFAULT_FILL = "FFFFFF"


@dataclass
class NodeFacts:
    """Everything a picture writes about one node."""

    node_id: str
    name: str
    op: str
    shape: str
    fill: str
    pos: tuple[float, float]
    value: str | None = None
    grad: str | None = None


@dataclass
class EdgeFacts:
    """Everything a picture writes about one edge."""

    edge_id: str
    src: str
    dst: str
    port: str
    grad: str | None = None  # ∂L/∂(the input) along this edge, or why none flows
    scalar: bool = False  # the gradient along the edge is a single number


def summarize(value: np.ndarray) -> str:
    """A short text for an array: the number, a few entries, or its shape and mean."""
    array = np.asarray(value, dtype=np.float64)
    if array.size == 1:
        return f"{array.reshape(-1)[0]:.4g}"
    if array.size <= 3:
        return "[" + ", ".join(f"{v:.3g}" for v in array.reshape(-1)) + "]"
    return f"{fmt_shape(array.shape)}, mean {array.mean():.3g}"


def describe(graph: Graph, trace: Trace | None = None) -> tuple[list[NodeFacts], list[EdgeFacts]]:
    """Facts for every node and edge, in topological order; values and gradients when a trace is given."""
    shapes = infer_shapes(graph).shapes
    positions = _positions(graph)
    nodes = []
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        facts = NodeFacts(node_id, node.name, node.op_name, fmt_shape(shapes.get(node_id)),
                          CATEGORY_FILL.get(node.op.category, DEFAULT_FILL), positions[node_id])
        if trace is not None:
            if node_id in trace.values:
                facts.value = summarize(trace.values[node_id])
            if node_id in trace.grads:
                facts.grad = summarize(trace.grads[node_id])
        nodes.append(facts)
    along = _edge_gradients(trace)
    rank = {node_id: i for i, node_id in enumerate(graph.topo_order())}
    edges = [EdgeFacts(e.id, e.src, e.dst, e.port, *along.get(e.id, (None, False)))
             for e in sorted(graph.edges.values(), key=lambda e: (rank[e.dst], e.port))]
    return nodes, edges


def _edge_gradients(trace: Trace | None) -> dict[str, tuple[str, bool]]:
    if trace is None:
        return {}
    out = {}
    for step in trace.steps:
        if isinstance(step, BackwardStep):
            out[step.edge] = (summarize(step.product), np.size(step.product) == 1)
        elif isinstance(step, NoGradStep):
            out[step.edge] = ("no gradient", True)
    return out


def _positions(graph: Graph) -> dict[str, tuple[float, float]]:
    """The nodes' canvas positions, or a computed layout when every node sits on one spot."""
    spots = {n.pos for n in graph.nodes.values()}
    if len(spots) > 1 or len(graph.nodes) <= 1:
        return {n.id: n.pos for n in graph.nodes.values()}
    return layered_layout(graph)
