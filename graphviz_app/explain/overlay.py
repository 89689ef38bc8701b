"""Paints the state of a trace at step k onto the canvas: values, gradients, edge labels, badges, pulses."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.data import tokenize
from engine.graph import Graph
from engine.replay import view
from engine.replay.features import active_features
from engine.replay.looks import probability_nodes, score_nodes
from engine.replay.narration import Narrator
from engine.replay.sequences import sequence_rows
from engine.replay.state import TraceState, state_at
from engine.replay.winners import winner_cells
from engine.trace import Trace

from ..canvas.label_place import arrange as arrange_labels

MIN_WIDTH, MAX_WIDTH = 0.8, 5.0  # in theme units (the canvas multiplies by the theme's scale)


@dataclass
class OverlayOptions:
    """What the overlay shows besides the trace itself."""

    grad_width: bool = True  # edge thickness and colour follow |∂L/∂·| on a log scale
    labels: str = "auto"  # edges already passed: full chain rule, compact ∂L/∂in, none, or auto by size
    vocab_words: list[str] | None = None  # to name the winning words of a max-pool
    tokens: list[str] | None = None  # the typed headline's words (unknown ones keep their text)
    class_names: list[str] | None = None
    probs_nodes: set[str] = field(default_factory=set)  # nodes drawn as probability bars
    score_nodes: set[str] = field(default_factory=set)  # nodes holding one score per class (a softmax's input)
    check_badges: dict[str, tuple[str, str]] = field(default_factory=dict)  # wiggle check: text, tone


def options_for(graph: Graph) -> OverlayOptions:
    """Options from the graph's meta: the data set's vocabulary and classes, Softmax outputs as bars."""
    from engine.replay.samples import dataset_of  # reads the data set only when the overlay is made

    probs, scores = probability_nodes(graph), score_nodes(graph)  # the lesson draws the same nodes as bars
    try:
        data = dataset_of(graph)
    except Exception:  # noqa: BLE001 - a missing data set only costs the words of the winner
        data = None
    words = list(data.vocab.words) if data is not None and data.vocab is not None else None
    classes = list(data.class_names) if data is not None else None
    text = graph.meta.get("sample_text")
    tokens = tokenize(text) if isinstance(text, str) else None  # used only where it matches the ids
    return OverlayOptions(vocab_words=words, class_names=classes, probs_nodes=probs, score_nodes=scores,
                          tokens=tokens)


class _Shown:
    """What one node item shows now; arrays compare by identity (a trace never changes them)."""

    __slots__ = ("value", "kind", "grad", "state", "badge", "hidden", "marks", "words", "rows", "on_item")

    def __init__(self) -> None:
        self.value, self.kind, self.grad, self.state = None, "auto", None, None
        self.on_item: tuple | None = None  # the item's own arrays right after this overlay set them (by identity)
        self.badge: tuple[str | None, str] = (None, "info")
        self.hidden = False
        self.marks: list | None = None
        self.words: list | None = None
        self.rows: Any = None


_UNSET = object()  # a _Shown field not yet sent to the item


def _mix(a: str, b: str, f: float) -> str:
    """Colour between a and b ('#rrggbb') at fraction f."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(ca, cb))


class Overlay:
    """One trace shown on one scene; `show(k)` paints the state after step k, `pulse(k, t)` animates."""

    def __init__(self, scene: Any, trace: Trace, graph: Graph | None = None,
                 options: OverlayOptions | None = None, place_labels: bool = True):
        self.scene = scene
        self.graph = graph if graph is not None else scene.graph
        self.trace = trace
        self.options = options or OverlayOptions()
        self.narrator = Narrator(self.graph, trace, self.options.vocab_words, self.options.class_names,
                                 self.options.tokens)
        self.labeller = self.narrator.labeller
        self._node_shown: dict[str, _Shown] = {}
        self._edge_shown: dict[str, list] = {}
        self._styles: dict[tuple[str, str], tuple[str, float]] = {}
        self._pulsing: set[str] = set()
        self._arranged: tuple | None = None  # what the labels were last placed around
        self.place_labels = place_labels  # False: the caller places them (render lays the graph out first)
        self._strength = view.gradient_strengths(trace)
        self._winner_cells = winner_cells(self.graph, trace)  # a max-pool's input → its winning cells
        self._past_labels = view.label_policy(self.options.labels, len(self.graph.edges))
        self._words = {n: w for n in self.graph.nodes
                       if (w := active_features(self.graph, trace, n, self.narrator.reader)) is not None}
        self._rows = sequence_rows(self.graph, trace, self.narrator.reader)  # word rows of sequence values
        classy = (self.options.probs_nodes | self.options.score_nodes) & set(scene.node_items)
        for node_id in classy:
            scene.node_items[node_id].set_class_names(self.options.class_names)

    def label_edge(self, k: int) -> str | None:
        """The edge whose label explains step k (backward: its edge; update: the parameter's first edge)."""
        return view.label_edge(self.narrator, k)

    def __len__(self) -> int:
        return len(self.trace)

    def caption(self, k: int, hidden: bool = False) -> str:
        """Step k in words; `hidden` leaves out the result (predict, then reveal)."""
        return self.narrator.caption(k, hidden)

    # ----- painting
    def show(self, k: int, arriving: bool = False, hidden: bool = False) -> None:
        """Paint the state after step k; `arriving`: step k is under way (its result not shown yet)."""
        conceal = hidden and not arriving  # predict-then-reveal: the step happened, its result is a "?"
        state = state_at(self.trace, k, arriving or hidden)
        hide_node, hide_edge = view.concealed(state, self.narrator) if conceal else (None, None)
        for node_id, item in self.scene.node_items.items():
            self._show_node(node_id, item, state, node_id == hide_node)
        for edge_id, item in self.scene.edge_items.items():
            self._show_edge(edge_id, item, state, edge_id == hide_edge)
        if self.place_labels:
            self._arranged = arrange_labels(self.scene, self.label_edge(k), self._arranged)
        if not arriving:
            self.pulse(k, None)

    def _show_node(self, node_id: str, item: Any, state: TraceState, hidden: bool) -> None:
        value = view.shown_value(state, node_id)
        kind = "probs" if node_id in self.options.probs_nodes else (
            "scores" if node_id in self.options.score_nodes and self.options.class_names else "auto")
        words = self._words.get(node_id) if value is not None else None
        rows = self._rows.get(node_id)
        badge = self._badge(node_id, state)
        grad = state.grads.get(node_id)
        node_state = state.node_states.get(node_id)
        conceal = hidden
        shown = self._node_shown.get(node_id)
        held = shown.on_item if shown is not None else None
        if held is not None and (item.display.value is not held[0] or item.display.grad is not held[1]):
            shown = None  # someone else painted on the node (the training tint): take it back
        if shown is None:  # first paint of this node: set every overlay, in the one re-layout below
            shown = self._node_shown[node_id] = _Shown()
            shown.value = shown.kind = shown.grad = shown.state = shown.badge = shown.hidden = shown.marks = _UNSET
            shown.words = shown.rows = _UNSET
        pool = self._winner_cells.get(node_id)
        marks = pool[1] if pool is not None and pool[0] in state.values else None
        # one batched call with only what changed: a re-layout rebuilds the node's pictures
        changes: dict[str, Any] = {}
        if shown.value is not value or shown.kind != kind:
            shown.value, shown.kind = value, kind
            changes.update(value=value, kind=kind)
        if shown.grad is not grad:
            shown.grad = changes["grad"] = grad
        if shown.state != node_state:
            shown.state = changes["state"] = node_state
        if shown.badge != badge:
            shown.badge = changes["badge"] = badge
        if shown.hidden != conceal:
            shown.hidden = changes["hidden"] = conceal
        if shown.marks is not marks:
            shown.marks = changes["marks"] = marks
        if shown.words is not words:
            shown.words = changes["words"] = words
        if shown.rows is not rows:
            shown.rows = changes["rows"] = rows
        if changes:
            item.set_display(**changes)
        shown.on_item = (item.display.value, item.display.grad)

    def _badge(self, node_id: str, state: TraceState) -> tuple[str | None, str]:
        """(text, tone): the fan-out Σ or the update of this step, the loss recomputed, else a wiggle check."""
        badge = view.node_badge(self.labeller, state, node_id) or view.loss_badge(self.narrator, state, node_id)
        return badge if badge is not None else self.options.check_badges.get(node_id, (None, "info"))

    def forget_shown(self) -> None:
        """Repaint every item on the next show() (after an option changed)."""
        self._node_shown.clear()
        self._edge_shown.clear()

    def set_check_badges(self, badges: dict[str, tuple[str, str]]) -> None:
        """Wiggle-check marks to show on nodes from the next show() on."""
        self.options.check_badges = dict(badges)
        self.forget_shown()

    def _show_edge(self, edge_id: str, item: Any, state: TraceState, hidden: bool) -> None:
        label = view.edge_labels(self.narrator, state, edge_id, self._past_labels)
        conceal = hidden
        style = self._style(edge_id) if view.is_styled(self.trace, state, edge_id) else (None, None)
        shown = self._edge_shown.get(edge_id)
        if shown is None:
            shown = self._edge_shown[edge_id] = [None, False, (None, None)]
            item.clear_display()
        if shown[0] != label:
            shown[0] = label
            item.set_label(*(label or (None, None)))
        if shown[1] != conceal:
            shown[1] = conceal
            item.set_label_hidden(conceal)
        if shown[2] != style or (item.color, item.width) != style:  # the training tint restyles edges too
            shown[2] = style
            item.set_style(*style)

    def _style(self, edge_id: str) -> tuple[str | None, float | None]:
        """Colour and width from the gradient's size on a log scale (cached per theme)."""
        if not self.options.grad_width:
            return (None, None)
        theme = self.scene.theme
        key = (edge_id, theme.name)
        if key not in self._styles:
            f = self._strength.get(edge_id, 0.0)
            self._styles[key] = (_mix(theme.edge, theme.backward, 0.35 + 0.65 * f),
                                 MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * f)
        return self._styles[key]

    def pulse_edges(self, k: int) -> list[tuple[str, bool]]:
        """(edge id, backward?) along which step k moves something."""
        return view.pulse_edges(self.graph, self.trace, k)

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


def apply_trace_state(scene: Any, trace: Trace, step: int | None,
                      options: OverlayOptions | None = None) -> Overlay:
    """Show a trace on a scene as it stands after `step` (None: the whole trace); used by render.py.

    Without `options` they come from the graph (options_for).
    """
    # render.py lays the graph out for its picture and places the labels afterwards, with the same placer
    overlay = Overlay(scene, trace, scene.graph, options if options is not None else options_for(scene.graph),
                      place_labels=False)
    overlay.show(len(trace) - 1 if step is None else min(int(step), len(trace) - 1))
    return overlay
