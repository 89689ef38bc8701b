"""What each node and edge shows after step k: edge labels by policy, badges, pulses and gradient strengths.

The canvas overlay (graphviz_app/explain/overlay.py) and the HTML lesson (engine/lesson) both read these,
so a picture of step k and a lesson's step k say the same thing.
"""
from __future__ import annotations

import numpy as np

from ..graph import Graph
from ..trace import BackwardStep, ForwardStep, NoGradStep, SumStep, Trace, UpdateStep

from .labels import Labeller, jacobian_space, partial, space_of
from .narration import Narrator
from .state import TraceState
from .update import change_text

DECADES = 5.0  # gradient magnitudes spanning this many powers of ten map onto 0..1
FULL_LABEL_EDGES, COMPACT_LABEL_EDGES = 8, 60
LABEL_POLICIES = ("auto", "full", "compact", "none")
SHOWN_TOKEN_IDS = 4  # a node holding more token ids than this shows no number: its edge label names the words


def gradient_strengths(trace: Trace) -> dict[str, float]:
    """Per edge, |∂L/∂in| (root mean square) mapped to 0..1 on a log scale over the trace."""
    rms = {s.edge: float(np.sqrt(np.mean(np.square(s.product)))) for s in trace.backward_steps()}
    positive = [v for v in rms.values() if v > 0]
    if not positive:
        return {e: 0.0 for e in rms}
    top = np.log10(max(positive))
    return {e: 0.0 if v <= 0 else float(np.clip((np.log10(v) - top + DECADES) / DECADES, 0, 1))
            for e, v in rms.items()}


def label_policy(policy: str, edge_count: int) -> str:
    """full, compact or none for edges already passed (the current edge always gets the full label)."""
    if policy not in LABEL_POLICIES:
        raise ValueError(f"edge labels: expected one of {', '.join(LABEL_POLICIES)}, got {policy!r}")
    if policy != "auto":
        return policy
    # a small graph keeps every chain rule; a lecture-sized one the ∂L/∂in; a large one its colours only
    return "full" if edge_count <= FULL_LABEL_EDGES else ("compact" if edge_count <= COMPACT_LABEL_EDGES else "none")


def edge_label(narrator: Narrator, state: TraceState, edge_id: str, past: str) -> str | None:
    """The label an edge shows in `state`; `past` is the label_policy of edges already passed."""
    labels = edge_labels(narrator, state, edge_id, past)
    return None if labels is None else labels[0]


def edge_labels(narrator: Narrator, state: TraceState, edge_id: str, past: str) -> tuple[str, str] | None:
    """(label, what it shrinks to when zoomed out: the product alone) of an edge in `state`, or None.

    The first edge leaving a parameter carries that parameter's SGD step once it happened (the gradient
    came back along it); backward steps follow the label policy; before backward, the headline's words.
    """
    update = _update_labels(narrator, state, edge_id, past)
    if update is not None:
        return update
    k = state.edge_steps.get(edge_id)
    if k is not None:
        step = narrator.trace.steps[k]
        if k == state.focus_step or past == "full":
            return narrator.edge_label(k, True), narrator.product_text(k)
        if past == "compact" or isinstance(step, NoGradStep):
            return narrator.edge_label(k, False), narrator.product_text(k)
        return None
    edge = narrator.graph.edges.get(edge_id)
    forward = None if edge is None else forward_label(narrator, state, edge.src, edge.dst)
    return None if forward is None else (forward, forward)


def _update_labels(narrator: Narrator, state: TraceState, edge_id: str, past: str) -> tuple[str, str] | None:
    """The SGD step of the parameter this edge leaves, once it happened: in full on its step, else short."""
    param = narrator.update_edges.get(edge_id)
    k = None if param is None else narrator.updates[param]
    if param is None or k is None or state.badges.get(param) != k:
        return None
    if k == state.focus_step or past == "full":
        return narrator.update_label(k), narrator.product_text(k)
    short = update_badge(narrator.labeller, narrator.update_step(param))
    return short, short


def label_edge(narrator: Narrator, k: int) -> str | None:
    """The edge whose label explains step k (backward: its edge; update: the parameter's first edge)."""
    if k < 0:
        return None
    step = narrator.trace.steps[k]
    if isinstance(step, (BackwardStep, NoGradStep)):
        return step.edge
    if isinstance(step, UpdateStep):
        return next((e for e, n in narrator.update_edges.items() if n == step.node), None)
    return None


def forward_label(narrator: Narrator, state: TraceState, src: str, dst: str) -> str | None:
    """Before backward reaches an edge: the headline leaving a token-id node, a max-pool's winner."""
    if dst in narrator.winners and dst in state.values:
        return narrator.winners[dst]
    if src in state.values:
        return narrator.words(src)
    return None


def is_styled(trace: Trace, state: TraceState, edge_id: str) -> bool:
    """True when backward has passed this edge: its colour and width follow the gradient's size."""
    k = state.edge_steps.get(edge_id)
    return k is not None and trace.steps[k].kind == "backward"


def pulse_edges(graph: Graph, trace: Trace, k: int) -> list[tuple[str, bool]]:
    """(edge id, backward?) along which step k moves something."""
    if k < 0:
        return []
    step = trace.steps[k]
    if isinstance(step, ForwardStep):
        return [(e.id, False) for e in graph.incoming(step.node).values()]
    if isinstance(step, BackwardStep):
        return [(step.edge, True)]
    if isinstance(step, SumStep):
        return [(edge_id, True) for edge_id, _ in step.parts]
    return []


def node_badge(labeller: Labeller, state: TraceState, node_id: str) -> tuple[str, str] | None:
    """(text, tone) of the fan-out Σ or the parameter update shown on a node, or None."""
    index = state.badges.get(node_id)
    if index is None:
        return None
    step = labeller.trace.steps[index]
    if isinstance(step, SumStep):
        return labeller.sum_badge(step), "info"
    assert isinstance(step, UpdateStep)
    return "updated: " + update_badge(labeller, step), "ok"


def update_badge(labeller: Labeller, step: UpdateStep) -> str:
    """'w 2 → 1.95' for a scalar parameter, 'W: 8 of 8 entries moved' for an array."""
    return change_text(step, labeller.name(step.node))


def loss_badge(narrator: Narrator, state: TraceState, node_id: str) -> tuple[str, str] | None:
    """('loss 0.953 → 0.871', 'ok') on the loss once the trace's last SGD update is shown, else None."""
    last = narrator.last_update
    if node_id != narrator.trace.target or last is None or state.badges.get(narrator.updated_at(last)) != last:
        return None
    change = narrator.loss_change()
    return None if change is None else (change, "ok")


def shown_value(state: TraceState, node_id: str) -> np.ndarray | None:
    """The value a node shows: none yet, or none for a row of token ids (they are words, not quantities)."""
    value = state.values.get(node_id)
    if value is not None and value.dtype.kind in "iu" and value.size > SHOWN_TOKEN_IDS:
        return None
    return value


def concealed(state: TraceState, narrator: Narrator | None = None) -> tuple[str | None, str | None]:
    """(node, edge) whose result a prediction hides: the computed node (forward only) and the current edge
    (with a narrator, also the edge that carries an SGD update's label)."""
    edge = state.focus_edge
    if edge is None and narrator is not None:
        edge = label_edge(narrator, state.focus_step)
    return (state.focus_node if state.phase == "forward" else None), edge


JACOBIAN_NOTE = "J[i, j] = ∂out_j/∂in_i (rows: inputs, columns: outputs); blue < 0 < red"


def jacobian_title(labeller: Labeller, step: BackwardStep) -> str:
    """The chain rule on one edge and the spaces of its three parts: local ∈ ℝⁿˣᵐ, upstream, product."""
    src, dst = labeller.name(step.src), labeller.name(step.dst)
    n, m = step.jacobian_shape
    return (f"{labeller.chain_formula(step)}\nlocal {partial(dst, src)} ∈ {jacobian_space(n, m)}, "
            f"upstream {partial(labeller.loss, dst)} ∈ {space_of(np.shape(step.upstream))}, "
            f"product ∈ {space_of(np.shape(step.product))}")


def jacobian_too_large(step: BackwardStep) -> str:
    """What to say instead of a Jacobian too large to draw."""
    n, m = step.jacobian_shape
    return f"The Jacobian is {n}×{m}: too large to draw; the gradients are shown."
