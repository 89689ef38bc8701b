"""The wiggle check: "if I wiggle x a tiny bit, how does L change?" — ΔL/ε next to ∂L/∂x (no Qt)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from engine.errors import ExecutionError
from engine.executor import Feeds, computable, default_target, explain, resolve_feeds
from engine.graph import Graph
from engine.trace import Trace

DEFAULT_EPS = 1e-4
REL_TOL = 1e-2  # one-sided differences are accurate to O(ε); this still catches a wrong gradient
ABS_TOL = 1e-7


@dataclass
class WiggleResult:
    """One nudge: L before and after, ΔL/ε, the analytic ∂L/∂x at that entry, and whether they agree."""

    node: str
    name: str
    index: tuple[int, ...]
    eps: float
    loss_before: float
    loss_after: float
    analytic: float

    @property
    def numeric(self) -> float:
        """ΔL/ε: how much L moved per unit of nudge."""
        return (self.loss_after - self.loss_before) / self.eps

    @property
    def error(self) -> float:
        """|ΔL/ε − ∂L/∂x|."""
        return abs(self.numeric - self.analytic)

    @property
    def ok(self) -> bool:
        """True when ΔL/ε matches the analytic gradient within the tolerance."""
        return self.error <= ABS_TOL + REL_TOL * max(abs(self.numeric), abs(self.analytic))


def forward_with(graph: Graph, feeds: Feeds, overrides: Mapping[str, np.ndarray],
                 wanted: set[str] | None = None) -> dict[str, np.ndarray]:
    """Forward values with some nodes' values replaced (a nudged parameter or hidden value); graph untouched."""
    fed = resolve_feeds(graph, feeds)
    values: dict[str, np.ndarray] = {}
    for node_id in computable(graph, fed):
        if wanted is not None and node_id not in wanted:
            continue
        node = graph.nodes[node_id]
        if node_id in overrides:
            values[node_id] = overrides[node_id]
        elif node.op.is_source:
            values[node_id] = fed[node_id] if node_id in fed else node.value
        else:
            incoming = graph.incoming(node_id)
            xs = tuple(values[incoming[p].src] for p in node.op.port_names())
            with np.errstate(all="ignore"):
                values[node_id] = np.asarray(node.op.forward(*xs)[0], dtype=np.float64)
    return values


def _needed(graph: Graph, target: str) -> set[str]:
    import networkx as nx

    return nx.ancestors(graph.nx, target) | {target}


def wiggle(graph: Graph, feeds: Feeds, node: str, index: tuple[int, ...] | None = None,
           eps: float = DEFAULT_EPS, trace: Trace | None = None) -> WiggleResult:
    """Nudge one entry of a node's value by ε and compare ΔL/ε with the trace's ∂L/∂(node)."""
    trace = trace or explain(graph, feeds)
    node_id = graph.find(node).id
    if node_id not in trace.values:
        raise ExecutionError(f"'{graph.nodes[node_id].name}' is not computed on the way to the loss", node_id)
    value = np.asarray(trace.values[node_id])
    if value.dtype.kind in "iu":
        raise ExecutionError(f"'{graph.nodes[node_id].name}' holds integer ids: they cannot be wiggled", node_id)
    if node_id not in trace.grads:
        raise ExecutionError(f"no gradient reaches '{graph.nodes[node_id].name}'", node_id)
    grad = np.asarray(trace.grads[node_id])
    index = tuple(index) if index is not None else _largest(grad)
    nudged = value.astype(np.float64, copy=True)
    nudged[index] += eps
    target = trace.target or default_target(graph)
    after = forward_with(graph, feeds, {node_id: nudged}, _needed(graph, target))[target]
    return WiggleResult(node_id, graph.nodes[node_id].name, index, eps, float(trace.loss),
                        float(np.sum(after)), float(grad[index]) if grad.ndim else float(grad))


def _largest(grad: np.ndarray) -> tuple[int, ...]:
    """The entry where the gradient is largest: the most telling one to wiggle."""
    if grad.ndim == 0:
        return ()
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(grad))), grad.shape))


def check_all(graph: Graph, feeds: Feeds, picks: int = 3, eps: float = DEFAULT_EPS,
              seed: int = 0) -> dict[str, list[WiggleResult]]:
    """Wiggle every parameter at its largest-gradient entry and at a few seeded random entries."""
    trace = explain(graph, feeds)
    rng = np.random.default_rng(seed)
    results: dict[str, list[WiggleResult]] = {}
    for node in graph.parameters():
        if node.id not in trace.grads:
            continue
        grad = np.asarray(trace.grads[node.id])
        indices = {_largest(grad)}
        for _ in range(max(0, picks - 1)):
            if grad.ndim:
                indices.add(tuple(int(rng.integers(0, n)) for n in grad.shape))
        results[node.id] = [wiggle(graph, feeds, node.id, i, eps, trace) for i in sorted(indices)]
    return results
