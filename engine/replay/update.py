"""The SGD step as the slides teach it: Θ ← Θ − α∇Θ L with the numbers, and the loss recomputed (no Qt)."""
from __future__ import annotations

import networkx as nx
import numpy as np

from ..gradcheck import forward_with
from ..graph import Graph
from ..trace import Trace, UpdateStep
from .labels import fmt_num, math_name, partial

SHOWN_ENTRIES = 3  # a matrix shows the entries its gradient moves most; the rest are counted
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def entry_name(name: str, index: tuple[int, ...]) -> str:
    """The slides' subscripts, counting from one: θ₃, W₁,₂; brackets where subscripts would run together
    (b₁[125], W[12, 3]); a scalar keeps its bare name."""
    if not index:
        return name
    numbers = [str(i + 1) for i in index]
    if name[-1:] in "₀₁₂₃₄₅₆₇₈₉ᵢⱼ" or any(len(n) > 1 for n in numbers):
        return f"{name}[{', '.join(numbers)}]"
    return name + ",".join(n.translate(_SUB) for n in numbers)


def moved_entries(step: UpdateStep, limit: int = SHOWN_ENTRIES) -> list[tuple[int, ...]]:
    """Indices of the `limit` entries with the largest |gradient| (every entry when there are few), in order."""
    grad = np.asarray(step.grad, dtype=np.float64)
    if grad.ndim == 0:
        return [()]
    flat = np.abs(grad).reshape(-1)
    if flat.size > limit + 1:  # "1 more entry" would take the line the entry itself needs
        picked = np.sort(np.argsort(-flat, kind="stable")[:limit])
    else:
        picked = np.arange(flat.size)
    return [tuple(int(i) for i in np.unravel_index(int(k), grad.shape)) for k in picked]


def _signed(x: float) -> str:
    """A number inside a sum: negative ones in parentheses, as written on a board."""
    text = fmt_num(x)
    return f"({text})" if text.startswith("−") else text


def update_lines(step: UpdateStep, name: str, loss: str = "L", limit: int = SHOWN_ENTRIES) -> list[str]:
    """'W ← W − α·∂L/∂W, α = 0.1', then 'W₁,₂: 0.5 − 0.1 · 0.21 = 0.479' per shown entry, then what is left."""
    lines = [f"{name} ← {name} − α·{partial(loss, name)},  α = {fmt_num(step.lr)}"]
    before, grad, after = (np.asarray(a, dtype=np.float64) for a in (step.before, step.grad, step.after))
    shown = moved_entries(step, limit)
    for index in shown:
        b, g, a = (float(arr[index]) if arr.ndim else float(arr) for arr in (before, grad, after))
        lines.append(f"{entry_name(name, index)}: {fmt_num(b)} − {fmt_num(step.lr)} · {_signed(g)} = {fmt_num(a)}")
    rest = int(np.size(before)) - len(shown)
    if rest > 0:
        change = fmt_num(float(np.linalg.norm((after - before).reshape(-1))), 2)
        lines.append(f"… {rest} more entries (largest |∂L/∂{math_name(name)}| shown), ‖Δ{math_name(name)}‖ = {change}")
    return lines


def change_text(step: UpdateStep, name: str) -> str:
    """A short badge: 'w 2 → 1.95' for a number, 'W: 8 entries moved' for an array."""
    if np.size(step.before) == 1:
        before, after = (float(np.reshape(a, -1)[0]) for a in (step.before, step.after))
        return f"{name} {fmt_num(before)} → {fmt_num(after)}"
    moved = int(np.count_nonzero(np.asarray(step.after) != np.asarray(step.before)))
    return f"{name}: {moved} of {int(np.size(step.before))} entries moved"


def fed_values(graph: Graph, trace: Trace) -> dict[str, np.ndarray]:
    """What the trace's example fed to the graph's Inputs and Labels."""
    return {n: v for n, v in trace.values.items()
            if n in graph.nodes and graph.nodes[n].op.role.fed}


def loss_after_update(graph: Graph, trace: Trace) -> float | None:
    """The loss of the same example with every parameter moved as the trace's SGD steps say (graph untouched).

    None when the trace made no update, has no target, or the forward pass cannot be repeated on this graph.
    """
    updates = trace.update_steps()
    if not updates or trace.target is None or trace.target not in graph.nodes:
        return None
    overrides = {step.node: np.asarray(step.after) for step in updates}
    wanted = nx.ancestors(graph.nx, trace.target) | {trace.target}
    values = forward_with(graph, fed_values(graph, trace), overrides, wanted)
    return float(np.sum(values[trace.target])) if trace.target in values else None


def loss_line(before: float, after: float, name: str = "loss") -> str:
    """'loss 0.953 → 0.871', the number that says whether the step helped."""
    return f"{name} {fmt_num(before, 3)} → {fmt_num(after, 3)}"
