"""The NaN/inf guard: keep the last good weights cheaply, and find the first node where a bad number appeared."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import EngineError
from ..executor import Feeds, explain, forward
from ..graph import Graph
from .errors import TrainingDiverged


def bad_kind(value: np.ndarray) -> str | None:
    """"nan", "inf" or "-inf" if the array holds such a number (infinity wins over NaN), else None."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "fc" or np.isfinite(arr).all():
        return None
    inf = np.isinf(arr)
    if inf.any():
        return "-inf" if (arr[inf] < 0).all() else "inf"
    return "nan"


@dataclass
class ParamBackup:
    """Copies of what one optimizer step is about to change: whole arrays, or only the touched rows."""

    saved: dict[str, tuple[np.ndarray | None, np.ndarray]]

    @classmethod
    def take(cls, params: dict[str, np.ndarray], touched: dict[str, np.ndarray | None]) -> "ParamBackup":
        """Copy params[id] (or its rows touched[id]) for every id in `touched`."""
        saved = {}
        for node_id, rows in touched.items():
            value = params[node_id]
            saved[node_id] = (rows, value.copy() if rows is None else value[rows].copy())
        return cls(saved)

    def first_bad(self, params: dict[str, np.ndarray]) -> tuple[str, str] | None:
        """(parameter id, kind) of the first updated parameter holding NaN/inf, or None."""
        for node_id, (rows, _) in self.saved.items():
            kind = bad_kind(params[node_id] if rows is None else params[node_id][rows])
            if kind:
                return node_id, kind
        return None

    def restore(self, params: dict[str, np.ndarray]) -> None:
        """Write the saved values back, in place."""
        for node_id, (rows, old) in self.saved.items():
            if rows is None:
                params[node_id][...] = old
            else:
                params[node_id][rows] = old


def first_bad_node(graph: Graph, feeds: Feeds) -> tuple[str, str, str] | None:
    """(node id, kind, "value"|"gradient") of the first node, in topological order, holding NaN/inf.

    Forward values are scanned first; if all are finite, the gradients in the order backward computes them."""
    with np.errstate(all="ignore"):
        values = forward(graph, feeds)
    for node_id in graph.topo_order():
        kind = bad_kind(values[node_id]) if node_id in values else None
        if kind:
            return node_id, kind, "value"
    try:
        with np.errstate(all="ignore"):
            trace = explain(graph, feeds)
    except EngineError:
        return None
    for node_id in reversed(graph.topo_order()):
        kind = bad_kind(trace.grads[node_id]) if node_id in trace.grads else None
        if kind:
            return node_id, kind, "gradient"
    return None


def diverged(graph: Graph, step: int, node_id: str | None, kind: str, where: str,
             suspect: str = "the learning rate") -> TrainingDiverged:
    """The TrainingDiverged error with a message a student can act on."""
    tail = "; the last good weights are kept"
    if node_id is None:
        return TrainingDiverged(f"training stopped at step {step}: the loss became {kind}{tail}",
                                step, None, None, kind)
    node = graph.nodes[node_id]
    label = f"{node.op_name} '{node.name}'"
    if where == "value":
        text = f"{label} produced {kind} first"
    elif where == "gradient":
        text = f"the gradient ∂L/∂({node.name}) at {label} became {kind} first"
    else:
        text = f"the update of {label} produced {kind} ({suspect} is too large)"
    return TrainingDiverged(f"training stopped at step {step}: {text}{tail}", step, node_id, node.name, kind)
