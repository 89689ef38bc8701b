"""Paints the state of a trace at step k onto the canvas: values, gradients, edge labels, badges, pulses."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.graph import Graph
from engine.trace import BackwardStep, ForwardStep, NoGradStep, SeedStep, SumStep, Trace, UpdateStep

from .narration import Narrator
from .state import TraceState, state_at

DECADES = 5.0  # gradient magnitudes spanning this many powers of ten map onto the edge widths
MIN_WIDTH, MAX_WIDTH = 0.8, 5.0
FULL_LABEL_EDGES = 8  # in theme units (the canvas multiplies by the theme's scale)


@dataclass
class OverlayOptions:
    """What the overlay shows besides the trace itself."""

    grad_width: bool = True  # edge thickness and colour follow |∂L/∂·| on a log scale
    full_labels: bool | None = None  # every edge keeps the whole chain rule; None: only small graphs
    vocab_words: list[str] | None = None  # to name the winning words of a max-pool
    class_names: list[str] | None = None
    probs_nodes: set[str] = field(default_factory=set)  # nodes drawn as probability bars
    check_badges: dict[str, tuple[str, str]] = field(default_factory=dict)  # wiggle check: text, tone


def options_for(graph: Graph) -> OverlayOptions:
    """Options from the graph's meta: the data set's vocabulary and classes, Softmax outputs as bars."""
    from .samples import dataset_of  # reads the data set only when the overlay is made

    probs = {n.id for n in graph.nodes.values() if n.op_name == "Softmax"}
    try:
        data = dataset_of(graph)
    except Exception:  # noqa: BLE001 - a missing data set only costs the words of the winner
        data = None
    words = list(data.vocab.words) if data is not None and data.vocab is not None else None
    classes = list(data.class_names) if data is not None else None
    return OverlayOptions(vocab_words=words, class_names=classes, probs_nodes=probs)


_BLANK = {"value": (None, "auto"), "grad": None, "state": None, "badge": (None, "info"), "hidden": False}


def _same(a: Any, b: Any) -> bool:
    """Equal for display purposes: arrays by identity (a trace never changes them), the rest by value."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is b
    return a == b


def _mix(a: str, b: str, f: float) -> str:
    """Colour between a and b ('#rrggbb') at fraction f."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(ca, cb))


class Overlay:
    """One trace shown on one scene; `show(k)` paints the state after step k, `pulse(k, t)` animates."""

    def __init__(self, scene: Any, trace: Trace, graph: Graph | None = None,
                 options: OverlayOptions | None = None):
        self.scene = scene
        self.graph = graph if graph is not None else scene.graph
        self.trace = trace
        self.options = options or OverlayOptions()
        self.narrator = Narrator(self.graph, trace, self.options.vocab_words, self.options.class_names)
        self.labeller = self.narrator.labeller
        self._node_shown: dict[str, dict[str, Any]] = {}
        self._edge_shown: dict[str, tuple] = {}
        self._pulsing: set[str] = set()
        self._strength = self._gradient_strengths()
        self._winners = self.narrator.winners
        full = self.options.full_labels
        # on a small graph every edge keeps its chain rule; on a larger one only the current edge does
        self._full = len(self.graph.edges) <= FULL_LABEL_EDGES if full is None else full
        for node_id in self.options.probs_nodes & set(scene.node_items):
            scene.node_items[node_id].set_class_names(self.options.class_names)

    def __len__(self) -> int:
        return len(self.trace)

    # ----- precomputed facts
    def _gradient_strengths(self) -> dict[str, float]:
        """Per edge, |∂L/∂in| (root mean square) mapped to 0..1 on a log scale over the trace."""
        rms = {s.edge: float(np.sqrt(np.mean(np.square(s.product)))) for s in self.trace.steps_of("backward")}
        positive = [v for v in rms.values() if v > 0]
        if not positive:
            return {e: 0.0 for e in rms}
        top = np.log10(max(positive))
        return {e: 0.0 if v <= 0 else float(np.clip((np.log10(v) - top + DECADES) / DECADES, 0, 1))
                for e, v in rms.items()}

    def caption(self, k: int, hidden: bool = False) -> str:
        """Step k in words; `hidden` leaves out the result (predict, then reveal)."""
        return self.narrator.caption(k, hidden)

    # ----- painting
    def show(self, k: int, arriving: bool = False, hidden: bool = False) -> None:
        """Paint the state after step k; `arriving`: step k is under way (its result not shown yet)."""
        conceal = hidden and not arriving  # predict-then-reveal: the step happened, its result is a "?"
        state = state_at(self.trace, k, arriving or hidden)
        for node_id, item in self.scene.node_items.items():
            self._show_node(node_id, item, state, conceal and state.phase == "forward")
        for edge_id, item in self.scene.edge_items.items():
            self._show_edge(edge_id, item, state, conceal)
        if not arriving:
            self.pulse(k, None)

    def _show_node(self, node_id: str, item: Any, state: TraceState, hidden: bool) -> None:
        value = state.values.get(node_id)
        if value is not None and value.dtype.kind in "iu" and value.size > 4:
            value = None  # token ids are words, not quantities: the edge label names them instead
        kind = "probs" if node_id in self.options.probs_nodes else "auto"
        badge = self._badge(node_id, state)
        grad = state.grads.get(node_id)
        wanted = {"value": (value, kind), "grad": grad, "state": state.node_states.get(node_id),
                  "badge": badge, "hidden": hidden and node_id == state.focus_node}
        shown = self._node_shown.get(node_id)
        if shown is None:  # first paint of this node: start from a clean item in one re-layout
            item.clear_display()
            shown = self._node_shown[node_id] = dict(_BLANK)
        # each setter re-lays the node out, so only what changed is set (identity for arrays)
        changed = [key for key, v in wanted.items() if key not in shown or not _same(shown[key], v)]
        for key in changed:
            shown[key] = wanted[key]
            if key == "value":
                item.set_value(value, kind)
            elif key == "grad":
                item.set_grad(grad)
            elif key == "state":
                item.set_state(wanted["state"])
            elif key == "badge":
                item.set_badge(*badge)
            else:
                item.set_hidden_value(wanted["hidden"])

    def _badge(self, node_id: str, state: TraceState) -> tuple[str | None, str]:
        """(text, tone): the fan-out Σ or the update of this step, else a wiggle-check result."""
        index = state.badges.get(node_id)
        if index is not None:
            step = self.trace.steps[index]
            if isinstance(step, SumStep):
                return self.labeller.sum_badge(step), "info"
            return "updated: " + self._update_badge(step), "ok"
        return self.options.check_badges.get(node_id, (None, "info"))

    def forget_shown(self) -> None:
        """Repaint every item on the next show() (after an option changed)."""
        self._node_shown.clear()
        self._edge_shown.clear()

    def set_check_badges(self, badges: dict[str, tuple[str, str]]) -> None:
        """Wiggle-check marks to show on nodes from the next show() on."""
        self.options.check_badges = dict(badges)
        self.forget_shown()

    def _update_badge(self, step: UpdateStep) -> str:
        if np.size(step.before) == 1:
            return (f"{self.labeller.name(step.node)} {float(np.reshape(step.before, -1)[0]):.4g} → "
                    f"{float(np.reshape(step.after, -1)[0]):.4g}").replace("-", "−")
        return "Θ − α∇Θ L"

    def _show_edge(self, edge_id: str, item: Any, state: TraceState, hidden: bool) -> None:
        k = state.edge_steps.get(edge_id)
        label = None if k is None else self.narrator.edge_label(k, self._full or k == state.focus_step)
        edge = self.graph.edges.get(edge_id)
        if label is None and edge is not None:
            label = self._forward_label(edge, state)
        conceal = hidden and edge_id == state.focus_edge
        style: tuple = (None, None)
        if k is not None and self.options.grad_width and isinstance(self.trace.steps[k], BackwardStep):
            f = self._strength.get(edge_id, 0.0)
            theme = self.scene.theme
            style = (_mix(theme.edge, theme.backward, 0.35 + 0.65 * f), MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * f)
        wanted = (label, conceal, style)
        if self._edge_shown.get(edge_id) == wanted:
            return
        self._edge_shown[edge_id] = wanted
        item.set_label(label)
        item.set_label_hidden(conceal)
        item.set_style(*style)

    def _forward_label(self, edge: Any, state: TraceState) -> str | None:
        """Before backward reaches an edge: the headline leaving a token-id node, a max-pool's winner."""
        if edge.dst in self._winners and edge.dst in state.values:
            return self._winners[edge.dst]
        if edge.src in state.values:
            return self.narrator.words(edge.src)
        return None

    def pulse_edges(self, k: int) -> list[tuple[str, bool]]:
        """(edge id, backward?) along which step k moves something."""
        if k < 0:
            return []
        step = self.trace.steps[k]
        if isinstance(step, ForwardStep):
            return [(e.id, False) for e in self.graph.incoming(step.node).values()]
        if isinstance(step, BackwardStep):
            return [(step.edge, True)]
        if isinstance(step, SumStep):
            return [(edge_id, True) for edge_id, _ in step.parts]
        return []

    def pulse(self, k: int, t: float | None) -> None:
        """Move the pulse of step k to fraction t of its edges (backward pulses run target → source)."""
        theme = self.scene.theme
        moving = {} if t is None else {e: back for e, back in self.pulse_edges(k) if e in self.scene.edge_items}
        for edge_id in self._pulsing - set(moving):
            self.scene.edge_items[edge_id].set_pulse(None) if edge_id in self.scene.edge_items else None
        for edge_id, back in moving.items():
            self.scene.edge_items[edge_id].set_pulse(1.0 - t if back else t, theme.backward if back else theme.forward)
        self._pulsing = set(moving)

    def clear(self) -> None:
        """Remove everything this overlay painted."""
        for item in self.scene.node_items.values():
            item.clear_display()
        for item in self.scene.edge_items.values():
            item.clear_display()
        self._node_shown.clear()
        self._edge_shown.clear()
        self._pulsing.clear()


def apply_trace_state(scene: Any, trace: Trace, step: int | None) -> Overlay:
    """Show a trace on a scene as it stands after `step` (None: the whole trace); used by render.py."""
    overlay = Overlay(scene, trace, scene.graph, options_for(scene.graph))
    overlay.show(len(trace) - 1 if step is None else min(int(step), len(trace) - 1))
    return overlay
