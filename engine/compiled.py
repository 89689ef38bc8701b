"""Train mode: the same math as explain mode, without recording, planned once for speed."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ExecutionError
from .executor import Feeds, computable, default_target, resolve_feeds
from .graph import Graph


@dataclass
class SparseRows:
    """A gradient that is zero except on some rows: grad[rows] += values (rows may repeat)."""

    rows: np.ndarray
    values: np.ndarray
    shape: tuple

    def to_dense(self) -> np.ndarray:
        """The full gradient array."""
        out = np.zeros(self.shape)
        np.add.at(out, self.rows, self.values)
        return out


class Plan:
    """A graph compiled for repeated forward/backward on minibatches (no trace is kept)."""

    def __init__(self, graph: Graph, target: str | None = None):
        self.graph = graph
        self.target = graph.find(target).id if target else default_target(graph)

    def loss_and_grads(self, feeds: Feeds) -> tuple[float, dict[str, np.ndarray | SparseRows]]:
        """The target's value and ∂target/∂θ for every parameter that reaches it."""
        graph = self.graph
        fed = resolve_feeds(graph, feeds)
        order = [n for n in computable(graph, fed)]
        if self.target not in order:
            raise ExecutionError(f"cannot compute '{graph.nodes[self.target].name}' from these inputs", self.target)
        values, saved = {}, {}
        for node_id in order:
            node = graph.nodes[node_id]
            if node.op.is_source:
                values[node_id] = fed[node_id] if node_id in fed else node.value
                continue
            incoming = graph.incoming(node_id)
            xs = tuple(values[incoming[p].src] for p in node.op.port_names())
            values[node_id], ctx = node.op.forward(*xs)
            saved[node_id] = (xs, ctx)
        grads = {self.target: np.ones_like(values[self.target])}
        for node_id in reversed(order):
            if node_id not in grads or graph.nodes[node_id].op.is_source:
                continue
            node = graph.nodes[node_id]
            xs, ctx = saved[node_id]
            incoming = graph.incoming(node_id)
            for i, port in enumerate(node.op.inputs):
                src = incoming[port.name].src
                if not port.differentiable or values[src].dtype.kind in "iu":
                    continue
                g = node.op.vjp(i, grads[node_id], xs, values[node_id], ctx)
                grads[src] = grads[src] + g if src in grads else g
        params = {n.id: grads[n.id] for n in graph.parameters() if n.id in grads}
        return float(values[self.target]), params

    def outputs(self, feeds: Feeds, node: str) -> np.ndarray:
        """Forward only, returning one node's value (e.g. class probabilities for prediction)."""
        from .executor import forward

        node_id = self.graph.find(node).id
        values = forward(self.graph, feeds)
        if node_id not in values:
            raise ExecutionError(f"cannot compute '{self.graph.nodes[node_id].name}' from these inputs", node_id)
        return values[node_id]
