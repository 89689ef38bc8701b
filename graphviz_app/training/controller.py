"""The training controller: starts, pauses and steps the worker, turns its snapshots into undoable runs."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from engine.data import PreparedData
from engine.errors import EngineError
from engine.graph import Graph
from engine.train import TrainingDiverged, TrainingSettings

from .model import ModelView, parameter_values
from .undo import TrainingRunCommand
from .worker import Snapshot, TrainingWorker

STRUCTURE_EVENTS = ("node_added", "node_removed", "edge_added", "edge_removed", "attr_changed")
WATCHED_META = ("dataset", "bindings", "training", "metrics")
IDLE, CONFIGURING, READY, RUNNING, PAUSING, BUSY, PAUSED, DIVERGED, UNTRAINABLE = (
    "idle", "configuring", "ready", "running", "pausing", "busy", "paused", "diverged", "untrainable")
ACCEPTING = (CONFIGURING, READY, PAUSED, DIVERGED)  # states in which Train, Step and Reset are accepted
SAVED_SETTINGS = ("optimizer", "lr", "batch_size", "epochs", "seed", "weight_decay")
# Plots redraw at most every 200 ms: a redraw costs ~10-20 ms of the GUI thread, which is also the thread that
# trains (in slices), so redraws are what the training speed pays for the live view (bench/dashboard_stall.py).
REDRAW_INTERVAL_MS = 200
RECHECK_MS = 300  # an untrainable graph is checked again this long after the last edit


class TrainingController(QObject):
    """Owns the worker; the dock and the views talk to this object only."""

    state_changed = Signal(str)
    status = Signal(str)
    data_ready = Signal(object)  # PreparedData of the graph being trained
    snapshot_applied = Signal(object)  # Snapshot, after the model view took its weights (≤ 10 per second)
    redraw_due = Signal(object)  # the latest Snapshot, at most 5 times per second: views repaint now
    diverged_at = Signal(object)  # node id (or None) where NaN/inf first appeared
    settings_changed = Signal(dict)  # after an undo or an open brought other training settings

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.graph: Graph | None = None
        self.data: PreparedData | None = None
        self.model: ModelView | None = None
        self.settings: dict[str, Any] = {}
        self.state = IDLE
        self.reason = ""  # why the graph cannot be trained, when state is UNTRAINABLE
        self.last_snapshot: Snapshot | None = None
        self.error_node: str | None = None
        self._stale = True
        self._applying = False
        self._run_start: dict[str, np.ndarray] = {}
        self._single = False
        self._generation = 0  # of the last configure(); the worker's answers to older ones are dropped
        self.worker = TrainingWorker(self)
        worker = self.worker
        worker.ready.connect(self._on_ready)
        worker.snapshot.connect(self._on_snapshot)
        worker.diverged.connect(self._on_diverged)
        worker.failed.connect(self._on_failed)
        worker.unusable.connect(self._untrainable)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self._last_redraw = 0.0
        self._resync_timer = QTimer(self)
        self._resync_timer.setSingleShot(True)
        self._resync_timer.timeout.connect(self._resync)

    # ----- graph
    def set_graph(self, graph: Graph | None) -> None:
        """Follow a (new) graph: the previous run is paused and a trainer for this graph is prepared."""
        if self.graph is not None:
            self._generation += 1  # the old graph's last snapshot is dropped: its document is gone
            self.worker.pause()
            self._subscribe(self.graph, False)
        self.graph, self.model, self.data, self.last_snapshot = graph, None, None, None
        self.error_node = None
        if graph is None:
            self._set_state(IDLE)
            return
        self._subscribe(graph, True)
        self.settings = dict(graph.meta.get("training") or {})
        self.settings_changed.emit(dict(self.settings))
        self._configure()

    def _subscribe(self, graph: Graph, on: bool) -> None:
        pairs = [(getattr(graph.events, n), self._on_structure_event) for n in STRUCTURE_EVENTS]
        pairs += [(graph.events.value_changed, self._on_value_event), (graph.events.meta_changed, self._on_meta_event)]
        for event, callback in pairs:
            (event.subscribe if on else event.unsubscribe)(callback)

    def _configure(self) -> None:
        self._stale = False
        self._generation += 1
        self._set_state(CONFIGURING)
        self.worker.configure(self.graph, self.settings, self.graph.meta.get("metrics"), self._generation)

    # The graph changed behind our back (an undo, an edit, the inspector): pause, then resync once.
    def _on_structure_event(self, *args: Any) -> None:
        if not self._applying:
            self._stale = True
            self._external_change()

    def _on_value_event(self, node_id: str) -> None:
        node = self.graph.nodes.get(node_id) if self.graph else None
        if not self._applying and node is not None and node.trainable:
            self._external_change()

    def _on_meta_event(self, key: Any = None) -> None:
        if self._applying or key not in WATCHED_META:
            return
        if key in ("dataset", "bindings"):
            self._stale = True
        if key == "training":
            self.settings = dict(self.graph.meta.get("training") or {})
            self._stale = True
            self.settings_changed.emit(dict(self.settings))
        self._external_change()

    def _external_change(self) -> None:
        if self.state == RUNNING:
            self.pause()
        if self.state == UNTRAINABLE:
            # the user may be wiring the missing edge: check again once the edits pause for a moment
            self._resync_timer.start(RECHECK_MS)
            return
        self._resync_timer.start(0)  # an undo emits many events: resync once, after all of them

    @Slot()
    def _resync(self) -> None:
        """Bring the trainer and the views in line with the graph after an undo, an edit or an open."""
        if self.graph is not None and self.state == UNTRAINABLE:
            self._configure()
            return
        if self.graph is None or self.state not in ACCEPTING:
            if self.graph is not None and self.state in (RUNNING, PAUSING, BUSY):
                self._resync_timer.start(50)  # try again once the worker is idle
            return
        if self._structure_changed():
            self._configure()
            return
        self.worker.load_values(parameter_values(self.graph))
        self.worker.restore_metrics(self.graph.meta.get("metrics"))

    def _structure_changed(self) -> bool:
        if self._stale or self.model is None:
            return True
        mine, theirs = self.model.graph, self.graph
        if mine.nodes.keys() != theirs.nodes.keys() or mine.edges.keys() != theirs.edges.keys():
            return True
        if any(mine.nodes[k].attrs != theirs.nodes[k].attrs for k in theirs.nodes):
            return True
        return any(mine.meta.get(k) != theirs.meta.get(k) for k in ("dataset", "bindings"))

    # ----- commands from the dock
    def train(self, epochs: int | None = None) -> None:
        """Start (or resume) training for `epochs` more epochs (default: the settings' epochs)."""
        if not self._can_act():
            return
        self._prepare_run(single=False)
        self._set_state(RUNNING)
        self.worker.run(int(epochs or self.settings.get("epochs") or TrainingSettings.epochs))
        self.status.emit("Training…")

    def pause(self) -> None:
        """Pause at once; the weights reached so far become one undoable step."""
        if self.state == RUNNING:
            self._set_state(PAUSING)  # before the worker answers: its final snapshot may come at once
            self.status.emit("Paused")
            self.worker.pause()

    def toggle(self) -> None:
        """Train if idle, pause if training."""
        if self.state == RUNNING:
            self.pause()
        else:
            self.train()

    def step(self) -> None:
        """Train on one minibatch."""
        if not self._can_act():
            return
        self._prepare_run(single=True)
        self._set_state(BUSY)
        self.worker.step_once()

    def reset_weights(self) -> None:
        """Fresh seeded weights and an empty history (undoable)."""
        if not self._can_act():
            return
        self._prepare_run(single=False)
        self._set_state(BUSY)
        self.worker.reset_weights()

    def set_lr(self, lr: float) -> None:
        """New learning rate; while training it is used from the next step on."""
        self.settings["lr"] = float(lr)
        self.worker.set_lr(float(lr))

    def set_settings(self, **changes: Any) -> None:
        """Change optimizer, batch size, epochs, seed or weight decay (the trainer is rebuilt before the next run)."""
        lr = changes.pop("lr", None)
        if lr is not None:
            self.set_lr(lr)
        if not changes:
            return
        self.settings.update(changes)
        if set(changes) - {"epochs"}:
            self._stale = True

    def _can_act(self) -> bool:
        if self.state == UNTRAINABLE:
            self.status.emit(f"This graph cannot be trained: {self.reason}")
        return self.graph is not None and self.state in ACCEPTING

    def _prepare_run(self, single: bool) -> None:
        self._clear_error_mark()
        if self._stale or (self.state != CONFIGURING and self._structure_changed()):
            self._configure()
        else:
            self.worker.load_values(parameter_values(self.graph))
        self._run_start = parameter_values(self.graph)
        self._single = single

    def _clear_error_mark(self) -> None:
        if self.error_node is not None:
            self.diverged_at.emit(None)
            self.error_node = None

    # ----- from the worker
    @Slot(object, int)
    def _on_ready(self, data: PreparedData, generation: int) -> None:
        if generation != self._generation:
            return
        self.data = data
        try:
            self.model = ModelView(self.graph, data)
        except EngineError as exc:
            self._untrainable(str(exc), generation)
            return
        if self.reason:  # it could not be trained before this edit: take the old reason away
            self.reason = ""
            self.status.emit("The graph can be trained now")
        self.data_ready.emit(data)

    @Slot(object)
    def _on_snapshot(self, shot: Snapshot) -> None:
        if shot.generation != self._generation:
            return
        if self.model is not None:
            self.model.set_values(shot.values)
        self.last_snapshot = shot
        self.snapshot_applied.emit(shot)
        if shot.final or shot.restart:
            self._redraw()
        elif not self._redraw_timer.isActive():
            since = (time.perf_counter() - self._last_redraw) * 1000.0
            self._redraw_timer.start(int(max(0.0, REDRAW_INTERVAL_MS - since)))
        if shot.final:
            self._finish(shot)

    def _redraw(self) -> None:
        self._redraw_timer.stop()
        self._last_redraw = time.perf_counter()
        if self.last_snapshot is not None:
            self.redraw_due.emit(self.last_snapshot)

    def _finish(self, shot: Snapshot) -> None:
        if shot.state == "ready":
            if self.state in (CONFIGURING, PAUSING):
                self._set_state(READY)
            return
        self._push_run(shot)
        if shot.state == "finished":
            self.status.emit(f"Finished epoch {shot.epoch}: test accuracy {shot.test_accuracy:.3f}")
        elif shot.state == "reset":
            self.status.emit("Weights reset to their seeded initial values")
        if shot.state != "diverged":
            self._set_state(PAUSED if shot.state in ("paused", "finished") else READY)

    def _push_run(self, shot: Snapshot) -> None:
        if self.graph is None:
            return
        trained = (shot.metrics or {}).get("trained_with") or {}
        used = {k: trained[k] for k in SAVED_SETTINGS if k in trained}
        settings = {**(self.graph.meta.get("training") or {}), **used}
        meta = {"metrics": shot.metrics, "training": settings}
        text = {"reset": "Reset weights", "diverged": "Training run (stopped at NaN/inf)"}.get(
            shot.state, f"Training run to step {shot.step}")
        command = TrainingRunCommand(self.graph, self._run_start, shot.values, meta,
                                     "Training step" if self._single else text, single_step=self._single)
        self._applying = True
        try:
            self.undo_stack.push(command)
        finally:
            self._applying = False
        self._run_start = parameter_values(self.graph)

    @Slot(object, object)
    def _on_diverged(self, error: TrainingDiverged, shot: Snapshot) -> None:
        if shot.generation != self._generation:
            return
        self._on_snapshot(shot)  # pushes the run that ends with the last good weights
        self._set_state(DIVERGED)
        self.error_node = error.node_id
        self.diverged_at.emit(error.node_id)
        self.status.emit(f"Paused: {error}")

    @Slot(str, int)
    def _on_failed(self, message: str, generation: int) -> None:
        if generation != self._generation:
            return
        self._set_state(PAUSED)
        self.status.emit(f"Training stopped: {message}")

    @Slot(str, int)
    def _untrainable(self, reason: str, generation: int) -> None:
        if generation != self._generation:
            return
        self.reason = reason
        self.model = None
        self._set_state(UNTRAINABLE)
        self.status.emit(f"This graph cannot be trained: {reason}")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def close(self) -> None:
        """Stop training and drop the trainer (the window is closing)."""
        self.set_graph(None)
        self.worker.close()
