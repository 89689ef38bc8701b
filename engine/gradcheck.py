"""Gradient checks by finite differences: for one op, for one value of a graph, for a graph's parameters.

Two modes share one nudge: *central* differences (the strict check of `main.py check` and the tests) and
*one-sided* ones, the lecture's wiggle: "if I wiggle x a tiny bit, how does L change?" — ΔL/ε.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import networkx as nx
import numpy as np

from .errors import ExecutionError
from .executor import Feeds, computable, default_target, explain, resolve_feeds
from .graph import Graph
from .registry import Op
from .trace import Trace

WIGGLE_EPS = 1e-4
CENTRAL_EPS = 1e-6
# one-sided differences are accurate to O(ε), central ones to O(ε²): each mode gets the tolerance its
# error allows, so both still catch a wrong gradient
TOLERANCE = {"one-sided": (1e-2, 1e-7), "central": (1e-5, 1e-5)}  # (relative, absolute)


def numeric_grad(f: Callable[[], float], x: np.ndarray, eps: float = CENTRAL_EPS) -> np.ndarray:
    """∂f/∂x by central differences, wiggling each entry of x in place."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + eps
        up = f()
        flat[i] = keep - eps
        down = f()
        flat[i] = keep
        gflat[i] = (up - down) / (2 * eps)
    return grad


def check_op(op: Op, xs: list[np.ndarray], rng: np.random.Generator) -> list[tuple[int, float]]:
    """Compare each differentiable input's vjp with finite differences; returns (port, max error)."""
    xs = [np.array(x, dtype=np.int64 if np.asarray(x).dtype.kind in "iu" else np.float64) for x in xs]
    out, ctx = op.forward(*xs)
    weights = rng.normal(size=np.shape(out))  # random projection turns the output into a scalar

    def scalar() -> float:
        return float(np.sum(op.forward(*xs)[0] * weights))

    errors = []
    for i, port in enumerate(op.inputs):
        if not port.differentiable:
            continue
        analytic = op.vjp(i, weights, tuple(xs), out, ctx)
        numeric = numeric_grad(scalar, xs[i])
        scale = max(1.0, float(np.max(np.abs(numeric))))
        errors.append((i, float(np.max(np.abs(analytic - numeric))) / scale))
    return errors


@dataclass
class Nudge:
    """One entry of one value nudged by ±ε: L around it, ΔL/ε (or the central quotient), and ∂L/∂x."""

    node: str
    name: str
    index: tuple[int, ...]
    eps: float
    loss_before: float
    loss_after: float  # L with the entry raised by ε
    analytic: float
    loss_below: float | None = None  # L with the entry lowered by ε (central mode only)

    @property
    def mode(self) -> str:
        """'central' or 'one-sided'."""
        return "one-sided" if self.loss_below is None else "central"

    @property
    def numeric(self) -> float:
        """ΔL/ε, or (L(x+ε) − L(x−ε)) / 2ε in central mode."""
        if self.loss_below is None:
            return (self.loss_after - self.loss_before) / self.eps
        return (self.loss_after - self.loss_below) / (2 * self.eps)

    @property
    def error(self) -> float:
        """|numeric − analytic|."""
        return abs(self.numeric - self.analytic)

    @property
    def ok(self) -> bool:
        """True when the difference quotient matches ∂L/∂x within this mode's tolerance."""
        rel, absolute = TOLERANCE[self.mode]
        return self.error <= absolute + rel * max(abs(self.numeric), abs(self.analytic), 0.0)


WiggleResult = Nudge  # the explain dock's name for a one-sided nudge


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
            values[node_id] = fed[node_id] if node_id in fed else node.stored_value
        else:
            incoming = graph.incoming(node_id)
            xs = tuple(values[incoming[p].src] for p in node.op.port_names())
            with np.errstate(all="ignore"):
                values[node_id] = np.asarray(node.op.forward(*xs)[0], dtype=np.float64)
    return values


class _Prober:
    """L as a function of one entry of one node's value, everything else as in the trace."""

    def __init__(self, graph: Graph, feeds: Feeds, trace: Trace):
        self.graph, self.feeds, self.trace = graph, feeds, trace
        self.target = trace.target or default_target(graph)
        self.needed = nx.ancestors(graph.nx, self.target) | {self.target}

    def node_value(self, node_id: str) -> np.ndarray:
        """The node's value in the trace, refusing what cannot be wiggled."""
        name = self.graph.nodes[node_id].name
        if node_id not in self.trace.values:
            raise ExecutionError(f"'{name}' is not computed on the way to the loss", node_id)
        value = np.asarray(self.trace.values[node_id])
        if value.dtype.kind in "iu":
            raise ExecutionError(f"'{name}' holds integer ids: they cannot be wiggled", node_id)
        if node_id not in self.trace.grads:
            raise ExecutionError(f"no gradient reaches '{name}'", node_id)
        return value

    def loss(self, node_id: str, value: np.ndarray, index: tuple[int, ...], delta: float) -> float:
        """L with value[index] moved by delta."""
        nudged = value.astype(np.float64, copy=True)
        nudged[index] += delta
        return float(np.sum(forward_with(self.graph, self.feeds, {node_id: nudged}, self.needed)[self.target]))

    def nudge(self, node_id: str, index: tuple[int, ...], eps: float, central: bool) -> Nudge:
        """One entry checked in the chosen mode."""
        value = self.node_value(node_id)
        base = self.trace.loss
        if base is None:
            raise ExecutionError("the trace has no loss to compare the wiggled ones with", node_id)
        grad = np.asarray(self.trace.grads[node_id])
        below = self.loss(node_id, value, index, -eps) if central else None
        return Nudge(node_id, self.graph.nodes[node_id].name, index, eps, base,
                     self.loss(node_id, value, index, eps), float(grad[index]) if grad.ndim else float(grad),
                     below)


def wiggle(graph: Graph, feeds: Feeds, node: str, index: tuple[int, ...] | None = None,
           eps: float = WIGGLE_EPS, trace: Trace | None = None) -> Nudge:
    """Nudge one entry of a node's value by ε (one-sided) and compare ΔL/ε with the trace's ∂L/∂(node)."""
    prober = _Prober(graph, feeds, trace or explain(graph, feeds))
    node_id = graph.find(node).id
    prober.node_value(node_id)
    grad = np.asarray(prober.trace.grads[node_id])
    return prober.nudge(node_id, tuple(index) if index is not None else _largest(grad), eps, central=False)


def _largest(grad: np.ndarray) -> tuple[int, ...]:
    """The entry where the gradient is largest: the most telling one to wiggle."""
    if grad.ndim == 0:
        return ()
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(grad))), grad.shape))


def _entries_to_check(grad: np.ndarray, limit: int) -> np.ndarray:
    """Up to `limit` flat entries: half among those the example moves (non-zero gradient), half spread evenly.

    Sparse gradients (an embedding, a bag-of-words θ) are zero almost everywhere, so evenly spread
    picks alone would mostly check rows the example never touches.
    """
    if grad.size <= limit:
        return np.arange(grad.size)
    active = np.flatnonzero(grad)
    if active.size > limit // 2:
        active = active[np.linspace(0, active.size - 1, limit // 2).astype(int)]
    spread = np.linspace(0, grad.size - 1, limit - active.size).astype(int)
    return np.unique(np.concatenate([active, spread]))


def check_parameters(graph: Graph, feeds: Feeds, picks: int, eps: float, central: bool,
                     target: str | None = None) -> dict[str, list[Nudge]]:
    """Nudge up to `picks` entries of every parameter that gets a gradient (its largest entry among them)."""
    trace = explain(graph, feeds, target)
    prober = _Prober(graph, feeds, trace)
    results: dict[str, list[Nudge]] = {}
    for node in graph.parameters():
        if node.id not in trace.grads:
            continue
        grad = np.asarray(trace.grads[node.id])
        flat = {int(np.ravel_multi_index(_largest(grad), grad.shape)) if grad.ndim else 0}
        flat |= {int(k) for k in _entries_to_check(grad.reshape(-1), max(picks - 1, 0))}
        indices = [tuple(int(i) for i in np.unravel_index(k, grad.shape)) for k in sorted(flat)][:max(picks, 1)]
        results[node.id] = [prober.nudge(node.id, i, eps, central) for i in indices]
    return results


def check_all(graph: Graph, feeds: Feeds, picks: int = 3, eps: float = WIGGLE_EPS) -> dict[str, list[Nudge]]:
    """The wiggle check of every parameter: one-sided nudges at a few entries each (explain dock)."""
    return check_parameters(graph, feeds, picks, eps, central=False)


@dataclass
class ParamCheck:
    """Result for one parameter: the worst relative error between analytic and numeric gradient."""

    name: str
    max_error: float
    ok: bool


def check_graph(graph: Graph, feeds: Feeds, target: str | None = None, tol: float = 1e-5,
                max_entries: int = 200) -> list[ParamCheck]:
    """Gradient-check every parameter of a graph by central differences (up to `max_entries` entries each)."""
    results = []
    for nudges in check_parameters(graph, feeds, max_entries, CENTRAL_EPS, True, target).values():
        worst = max(n.error / max(1.0, abs(n.numeric)) for n in nudges)
        results.append(ParamCheck(nudges[0].name, worst, worst <= tol))
    return results
