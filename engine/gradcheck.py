"""Gradient checks by central differences, for one op or for the parameters of a whole graph."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .executor import Feeds, explain, forward
from .graph import Graph
from .registry import Op


def numeric_grad(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences, wiggling each entry of x in place ("if I wiggle x a tiny bit…")."""
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


def _entries_to_check(grad: np.ndarray, limit: int) -> np.ndarray:
    """Up to `limit` entries: half among those the example moves (non-zero gradient), half spread evenly.

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


@dataclass
class ParamCheck:
    """Result for one parameter: analytic vs numeric gradient."""

    name: str
    max_error: float
    ok: bool


def check_graph(graph: Graph, feeds: Feeds, target: str | None = None, tol: float = 1e-5,
                max_entries: int = 200) -> list[ParamCheck]:
    """Gradient-check every parameter of a graph (up to `max_entries` entries of each, spread out)."""
    trace = explain(graph, feeds, target)
    target_id = trace.target
    results = []
    for node in graph.parameters():
        if node.id not in trace.grads:
            continue
        flat = node.value.reshape(-1)
        picks = _entries_to_check(trace.grads[node.id].reshape(-1), max_entries)
        worst = 0.0
        for k in picks:
            keep = flat[k]
            flat[k] = keep + 1e-6
            up = float(np.sum(forward(graph, feeds)[target_id]))
            flat[k] = keep - 1e-6
            down = float(np.sum(forward(graph, feeds)[target_id]))
            flat[k] = keep
            numeric = (up - down) / 2e-6
            analytic = float(trace.grads[node.id].reshape(-1)[k])
            worst = max(worst, abs(numeric - analytic) / max(1.0, abs(numeric)))
        results.append(ParamCheck(node.name, worst, worst <= tol))
    return results
