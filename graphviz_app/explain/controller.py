"""Explain mode's controller: makes traces from the chosen example and drives player, overlay and panels."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from engine.data import tokenize
from engine.errors import EngineError
from engine.executor import explain
from engine.graph import Graph
from engine.trace import Trace

from ..setting_field import training_settings
from .jacobian_panel import JacobianPanel
from .overlay import Overlay, options_for
from .player import TracePlayer
from .sample_picker import SamplePicker
from engine.replay.samples import Sample
from .wiggle_panel import WigglePanel

STRUCTURE_EVENTS = ("node_added", "node_removed", "edge_added", "edge_removed", "attr_changed", "node_renamed")


class ExplainController(QObject):
    """Owns the trace of the current example; the window's scene shows it through an Overlay."""

    trace_changed = Signal(object)  # the new Trace, or None when cleared
    message = Signal(str)
    settings_changed = Signal()  # graph.meta["training"] changed (an edit, an undo, another graph): α with it

    def __init__(self, scene: Any, undo_stack: Any = None, instant: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.scene = scene
        self.undo_stack = undo_stack
        self.graph: Graph | None = None
        self.trace: Trace | None = None
        self.overlay: Overlay | None = None
        self.sample: Sample | None = None
        self.fresh = False  # the trace matches the graph's current parameters and the chosen example
        self._applying = False
        self.check_badges: dict[str, tuple[str, str]] = {}
        self.grad_width = True
        self.player = TracePlayer(self, instant=instant)
        self.picker = SamplePicker()
        self.picker.changed.connect(self._example_changed)
        self.jacobian = JacobianPanel()
        self.wiggle = WigglePanel(self.feeds)
        self.wiggle.badges_changed.connect(self._set_check_badges)
        self.player.step_changed.connect(self._step_changed)
        self.selected_edge: str | None = None
        self.step_lock: str | None = None  # why the steps belong to someone else now (a practice question is open)
        self.set_graph(scene.graph)

    # ----- graph
    def set_graph(self, graph: Graph) -> None:
        """Follow a new graph (after Open/New): forget the trace, offer its examples."""
        if self.graph is not None:
            self._subscribe(self.graph, False)
        self.graph = graph
        self._subscribe(graph, True)
        self.clear()
        self.player.set_predict(False)
        self.picker.set_graph(graph)
        self.wiggle.set_graph(graph)
        self.settings_changed.emit()

    def _subscribe(self, graph: Graph, on: bool) -> None:
        graph.events.follow(STRUCTURE_EVENTS, self._structure_edited, on)
        graph.events.follow(["value_changed"], self._values_edited, on)
        graph.events.follow(["meta_changed"], self._meta_changed, on)

    def _meta_changed(self, key: str) -> None:
        if key == "training":
            self.settings_changed.emit()

    def lr(self) -> float:
        """The learning rate α of an SGD step: the graph's own (graph.meta["training"], shared with training)."""
        return float(training_settings(self.graph)["lr"])

    def _structure_edited(self, *args: Any) -> None:
        self.picker.follow_graph()
        self.wiggle.forget()
        self._graph_edited()

    def _values_edited(self, *args: Any) -> None:
        self.wiggle.forget()  # the checks were made with the old weights, also when an SGD step moved them
        self._graph_edited()

    def _graph_edited(self) -> None:
        if self._applying:
            return
        self.fresh = False
        if self.trace is not None:
            self.clear()
            self.message.emit("The graph changed: run Forward again to explain it")

    def _example_changed(self) -> None:
        self.fresh = False

    def clear(self) -> None:
        """Remove the trace and every overlay."""
        self.player.clear()
        if self.overlay is not None:
            self.overlay.clear()
        self.trace, self.overlay = None, None
        self.jacobian.show_edge(None, None)
        self.trace_changed.emit(None)

    # ----- traces
    def feeds(self) -> dict:
        """Feeds of the chosen example (ValueError or EngineError says what is wrong)."""
        self.sample = self.picker.sample()
        return self.sample.feeds

    def compute(self, lr: float | None = None) -> Trace | None:
        """A fresh trace of the chosen example (with an SGD update when lr is given); None on error."""
        assert self.graph is not None
        try:
            trace = explain(self.graph, self.feeds(), lr=lr)
        except (EngineError, ValueError) as exc:
            self.message.emit(f"Cannot explain: {exc}")
            return None
        self.load(trace, self.sample.text if self.sample is not None else None)
        return trace

    def load(self, trace: Trace, text: str | None = None) -> None:
        """Show a trace from its start; `text` is its headline, if any (names the max-pool's words)."""
        assert self.graph is not None
        if self.overlay is not None:
            self.overlay.clear()
        self.trace = trace
        options = options_for(self.graph)
        options.check_badges = dict(self.check_badges)
        options.grad_width = self.grad_width
        text = text if text is not None else (self.sample.text if self.sample is not None else None)
        if text:
            options.tokens = tokenize(text)
        self.overlay = Overlay(self.scene, trace, self.graph, options)
        self.fresh = True
        self.player.load(self.overlay)
        self.trace_changed.emit(trace)

    def ensure_trace(self) -> bool:
        """Compute a trace unless the current one is still fresh."""
        return (self.trace is not None and self.fresh) or self.compute() is not None

    def ensure_steps(self) -> bool:
        """A trace to step through: the one shown while steps are left (an SGD step's, whose update made it
        stale, included), else a fresh one."""
        if self.trace is not None and self.player.step < self.player.last:
            return True
        return self.ensure_trace()

    def _phase_end(self, kind: str) -> int:
        assert self.trace is not None
        indices = [i for i, s in enumerate(self.trace.steps) if s.kind in kind.split()]
        return indices[-1] if indices else -1

    # ----- commands
    def lock_steps(self, reason: str | None) -> None:
        """While `reason` is set, the commands that move or replace the trace on the canvas (Space, →, ←, P,
        Forward, Backward, Play, SGD Step, predict mode) only say it: practice owns the step of an open question."""
        self.step_lock = reason

    def steps_free(self) -> bool:
        """True unless the steps are locked (then the reason goes to the status bar)."""
        if self.step_lock is None:
            return True
        self.message.emit(self.step_lock)
        return False

    def set_predict(self, on: bool) -> None:
        """Predict, then reveal, on or off (switching would reveal a locked step: refused then)."""
        if on != self.player.predict and self.steps_free():
            self.player.set_predict(on)

    def forward(self) -> None:
        """Play the forward pass: every node computes its value in turn."""
        if self.steps_free() and self.ensure_trace():
            end = self._phase_end("forward")
            if self.player.step >= end:
                self.player.seek(-1)
            self.player.play(end)

    def backward(self) -> None:
        """Play the backward pass (after the forward pass, which is shown whole if not yet played)."""
        if not self.steps_free() or not self.ensure_trace():
            return
        start = self._phase_end("forward")
        end = self._phase_end("seed backward sum nograd")
        if self.player.step < start or self.player.step >= end:
            self.player.seek(start)
        self.player.play(end)

    def step(self) -> None:
        """One event of the trace (computing the trace first if needed)."""
        if self.steps_free() and self.ensure_steps():
            self.player.advance()

    def step_back(self) -> None:
        """One event back."""
        if self.trace is not None and self.steps_free():
            self.player.step_back()

    def play_pause(self) -> None:
        """Play the whole trace, or pause it."""
        if self.steps_free() and self.ensure_steps():
            self.player.toggle()

    def sgd_step(self, lr: float | None = None) -> None:
        """Forward → loss → backward → update Θ ← Θ − α∇Θ L, applied through the undo stack (α: the graph's)."""
        if not self.steps_free():
            return
        trace = self.compute(lr=self.lr() if lr is None else lr)
        if trace is None:
            return
        self._apply_updates(trace)
        self.fresh = False  # the parameters moved: the next run needs a new trace
        self.player.play()

    def _apply_updates(self, trace: Trace) -> None:
        from ..commands import SetValueCommand

        assert self.graph is not None
        updates = trace.steps_of("update")
        self._applying = True
        try:
            if self.undo_stack is None:
                for step in updates:
                    self.graph.set_value(step.node, step.after)
                return
            self.undo_stack.beginMacro(f"SGD step (α = {updates[0].lr:g})" if updates else "SGD step")
            for step in updates:
                self.undo_stack.push(SetValueCommand(self.graph, step.node, step.after))
            self.undo_stack.endMacro()
        finally:
            self._applying = False

    # ----- panels
    def select_edge(self, edge_id: str | None) -> None:
        """The edge whose Jacobian the panel shows."""
        self.selected_edge = edge_id
        self.jacobian.show_edge(self.trace, edge_id, self.player.step)

    def _step_changed(self, k: int) -> None:
        if self.selected_edge is not None:
            self.jacobian.show_edge(self.trace, self.selected_edge, k)

    def _set_check_badges(self, badges: dict) -> None:
        self.check_badges = dict(badges)
        if self.overlay is not None:
            self.overlay.set_check_badges(self.check_badges)
            self.player.refresh()
        else:
            for node_id, item in self.scene.node_items.items():
                item.set_badge(*self.check_badges.get(node_id, (None, "info")))

    def caption(self, k: int) -> str:
        """The step in words for the timeline and the presenter."""
        if self.overlay is None:
            return "Press Forward (Ctrl+Shift+F) to run the example through the graph."
        player = self.player
        return self.overlay.caption(k, hidden=player.predict and not player.revealed and k == player.step)
