"""The gradient that reaches the softmax scores, named as the lecture names it: p − y (no Qt)."""
from __future__ import annotations

import numpy as np

from ..graph import Graph
from ..trace import BackwardStep, Trace


def _onehot(labels: np.ndarray, classes: int) -> np.ndarray:
    ids = np.asarray(labels, dtype=np.int64).reshape(-1)
    out = np.zeros((ids.size, classes))
    out[np.arange(ids.size), ids] = 1.0
    return out


def _label_of(graph: Graph, trace: Trace, loss_id: str) -> tuple[str, np.ndarray] | None:
    """(name, class ids) of the label feeding a cross-entropy node."""
    edge = graph.incoming(loss_id).get("y")
    if edge is None or edge.src not in trace.values:
        return None
    return graph.nodes[edge.src].name, np.asarray(trace.values[edge.src])


def _probs_and_label(graph: Graph, trace: Trace, step: BackwardStep) -> tuple[str, np.ndarray, str, np.ndarray] | None:
    """(name of p, p, name of y, y) when the edge feeds the scores of a softmax read by a cross-entropy."""
    dst = graph.nodes.get(step.dst)
    if dst is None:
        return None
    if dst.op_name == "SoftmaxCrossEntropy" and step.port == "z":
        label = _label_of(graph, trace, dst.id)
        scores = np.asarray(trace.values[step.src], dtype=np.float64)
        probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        return None if label is None else (f"softmax({graph.nodes[step.src].name})", probs, *label)
    if dst.op_name != "Softmax":
        return None
    readers = [graph.nodes[e.dst] for e in graph.outgoing(dst.id)]
    losses = [n for n in readers if n.op_name == "CrossEntropy"]
    if len(readers) != 1 or not losses or dst.id not in trace.values:
        return None
    label = _label_of(graph, trace, losses[0].id)
    return None if label is None else (dst.name, np.asarray(trace.values[dst.id], dtype=np.float64), *label)


def p_minus_y(graph: Graph, trace: Trace, step: BackwardStep) -> str | None:
    """'p − y' when the gradient along this edge is the softmax's output minus the one-hot label, else None.

    Checked on the numbers (for one example), so a graph that only looks like the
    lecture's decoder is never told it is one.
    """
    found = _probs_and_label(graph, trace, step)
    if found is None:
        return None
    p_name, probs, y_name, labels = found
    flat = probs.reshape(-1, probs.shape[-1])
    one_example = flat.shape[0] == 1 and labels.size == 1 and np.size(step.product) == flat.size
    if not one_example or not 0 <= int(labels.reshape(-1)[0]) < flat.shape[1]:
        return None
    expected = flat - _onehot(labels, flat.shape[1])
    if not np.allclose(np.reshape(step.product, expected.shape), expected, rtol=1e-6, atol=1e-9):
        return None
    return f"{p_name} − {y_name}"
