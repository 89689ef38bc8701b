"""The training session: one object with one `State`, owning the Trainer of the graph shown in the window.

graph.meta["training"] is the only place the settings live. The dock changes it with undo commands; the session
follows the graph: the learning rate α and the epoch count reach the trainer at its next step, any other change
(optimizer, batch size, seed, the graph's structure or data) builds a new trainer. Weights and history edited in
the graph (an undo, a reset) are taken over by the trainer before it trains again.

The trainer trains a private copy of the graph in short slices on the GUI thread (runner.py says why); the
window's graph gets the trained weights and the history as one undoable command when a run pauses, finishes or
diverges.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from engine.data import PreparedData
from engine.errors import EngineError
from engine.graph import Graph
from engine.train import Metrics, Trainer, TrainingDiverged, TrainingError, TrainingSettings

from ..setting_field import training_settings
from .build import TrainerBuild, TrainerBuilder
from .model import ModelView, copy_parameters, parameter_values, structure_differs
from .runner import Runner
from .snapshot import Snapshot, SnapshotMaker, ViewClock
from .undo import TrainingRunCommand

WATCHED_META = ("dataset", "bindings", "training", "metrics")
RECHECK_MS = 300  # an untrainable graph is checked again this long after the last edit (the user may be wiring)


class State(Enum):
    """What the session is doing; the dock's buttons follow it."""

    NO_GRAPH = "no graph"
    PREPARING = "preparing"  # a trainer is being built (data set loaded) on a helper thread
    UNTRAINABLE = "untrainable"  # `reason` says why
    READY = "ready"  # Train starts a run of `epochs` epochs
    RUNNING = "running"
    PAUSED = "paused"  # a run stopped before its last epoch: Train resumes it


ACCEPTING = (State.PREPARING, State.READY, State.PAUSED)  # Train, Step and Reset are accepted (queued if preparing)


class TrainingSession(QObject):
    """Owns the trainer; the dock and the views talk to this object only."""

    state_changed = Signal(object)  # State
    status = Signal(str)
    data_ready = Signal(object)  # PreparedData of a newly built trainer
    snapshot = Signal(object)  # Snapshot, after the model view took its weights (≤ 7 per second)
    redraw_due = Signal(object)  # the latest Snapshot, about 3 times per second: views repaint now
    diverged_at = Signal(object)  # node id (or None) where NaN/inf first appeared
    cleared = Signal()  # another graph is shown: views forget everything about the previous one
    settings_changed = Signal()  # graph.meta["training"] changed (an edit, an undo, another graph)

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.graph: Graph | None = None
        self.state = State.NO_GRAPH
        self.reason = ""
        self.trainer: Trainer | None = None
        self.data: PreparedData | None = None
        self.model: ModelView | None = None
        self.last_snapshot: Snapshot | None = None
        self.error_node: str | None = None
        self._pending: Callable[[], None] | None = None  # Train, Step or Reset pressed while preparing
        self._announce = True  # the trainer being built follows an edit (not a graph just opened)
        self._run_from: int | None = None  # the epoch the run under way (or paused) started at
        self._run_start: tuple[dict[str, np.ndarray], Any, int] | None = None  # graph weights, metrics, steps
        self._restored_from: Any = None  # the graph's metrics the trainer's history is known to equal
        self._shots: SnapshotMaker | None = None
        self.runner = Runner(self)
        self.runner.progressed.connect(lambda: self._publish())
        self.runner.finished.connect(self._finish_run)
        self.runner.diverged.connect(self._diverged)
        self.runner.failed.connect(self._failed)
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.timeout.connect(self._sync)
        self.builder = TrainerBuilder(self)
        self.builder.built.connect(self._on_built)
        self._views = ViewClock(self._redraw)

    # ----- the graph
    def set_graph(self, graph: Graph | None) -> None:
        """Follow another graph; a run of the previous one stops (the window settled it into its graph first)."""
        if self.graph is not None:
            self.runner.stop()
            self._subscribe(self.graph, False)
        self._drop_trainer()
        self.builder.cancel()
        self._pending, self._run_from, self._run_start = None, None, None
        self.graph, self.reason, self.last_snapshot = graph, "", None
        self.error_node = None
        self.cleared.emit()
        self.settings_changed.emit()
        if graph is None:
            self._set_state(State.NO_GRAPH)
            return
        self._subscribe(graph, True)
        self._start_build(announce=False)  # the window is saying what it opened: the reason waits in the docks

    def settings_dict(self) -> dict[str, Any]:
        """The graph's training settings as it holds them, with defaults for those it has not."""
        return training_settings(self.graph)

    @property
    def run_target(self) -> int | None:
        """The epoch the run under way (or paused) ends at, None when no run is open."""
        if self._run_from is None or self.trainer is None:
            return None
        return self._run_from + self.trainer.settings.epochs

    def _subscribe(self, graph: Graph, on: bool) -> None:
        ev = graph.events
        for event in (ev.node_added, ev.node_removed, ev.edge_added, ev.edge_removed, ev.attr_changed,
                      ev.value_changed):
            (event.subscribe if on else event.unsubscribe)(self._graph_changed)
        (graph.events.meta_changed.subscribe if on else graph.events.meta_changed.unsubscribe)(self._meta_changed)

    def _graph_changed(self, *args: object) -> None:
        # called in the middle of an edit or an undo: act once it is over, never inside it
        self._sync_timer.start(RECHECK_MS if self.state is State.UNTRAINABLE else 0)

    def _meta_changed(self, key: str) -> None:
        if key == "training":
            self.settings_changed.emit()  # the dock shows it at once
            self._take_live_settings()  # the next step uses the new α; other changes wait for the sync
        if key in WATCHED_META:
            self._graph_changed()

    def _take_live_settings(self) -> None:
        if self.trainer is None:
            return
        try:
            wanted = TrainingSettings.from_dict(self.graph.meta.get("training"))
        except TrainingError:
            return  # the sync says why
        if self.trainer.take_settings(wanted) and self.state is State.RUNNING:
            self.runner.target = self.run_target

    def _start_build(self, announce: bool = True) -> None:
        """Build a trainer in the background; `announce`: a graph it cannot train is said in the status bar."""
        self._announce = announce
        self._drop_trainer()
        self.builder.start(self.graph.copy())
        self._set_state(State.PREPARING)

    @Slot(object)
    def _on_built(self, build: TrainerBuild) -> None:
        if build.trainer is None:
            self._untrainable(build.error)
            return
        trainer = build.trainer
        try:
            self.model = ModelView(build.graph, trainer.data)  # the graph the trainer has, not one edited since
        except EngineError as exc:
            build.discard()
            self._untrainable(str(exc))
            return
        self.trainer, self.data = trainer, trainer.data
        self._restored_from = build.graph.meta.get("metrics")
        self._shots = SnapshotMaker(trainer, self._restored_from)
        if self.reason:  # it could not be trained before this edit: take the old reason away
            self.reason = ""
            self.status.emit("The graph can be trained now")
        self.data_ready.emit(trainer.data)
        self._set_state(State.PAUSED if self._run_open() else State.READY)
        self._publish(final=True, test=build.test)
        self._sync()  # what changed while the trainer was being built (a learning rate typed meanwhile…)
        if self._pending is not None and self.state in (State.READY, State.PAUSED):
            pending, self._pending = self._pending, None
            pending()

    def _drop_trainer(self) -> None:
        if self.trainer is not None:
            self.trainer.close()
        self.trainer, self.model, self.data, self._shots = None, None, None, None

    def _untrainable(self, reason: str) -> None:
        self._drop_trainer()
        asked = self._pending is not None
        self._pending = None  # a Train pressed while preparing does not wait for the graph to be fixed
        self.reason = reason
        self._set_state(State.UNTRAINABLE)
        if self._announce or asked:  # on opening, unasked, the Training dock and the dashboard say why
            self.status.emit(f"This graph cannot be trained: {reason}")

    # ----- following the graph
    def _sync(self) -> None:
        """Bring the trainer in line with the graph: settings, structure, weights and history."""
        self._sync_timer.stop()
        graph, trainer = self.graph, self.trainer
        if graph is None or self.state is State.PREPARING:
            return  # a trainer being built syncs when it arrives
        if trainer is None:
            self._start_build()
            return
        try:
            wanted = TrainingSettings.from_dict(graph.meta.get("training"))
        except TrainingError as exc:
            self.pause()
            self._untrainable(str(exc))
            return
        if structure_differs(trainer.graph, graph) or not trainer.take_settings(wanted):
            if self.state is State.RUNNING:
                self.pause()
                self.status.emit("Training paused: the model changed, so it is prepared again; Train goes on "
                                 "from the weights reached")
            self._start_build()
        elif self.state is State.RUNNING:
            self.runner.target = self.run_target
            if self._edited_during_run():
                self.pause()
        else:
            self._take_graph_state()

    def _edited_during_run(self) -> bool:
        values, metrics, _ = self._run_start
        graph = self.graph
        return graph.meta.get("metrics") is not metrics or not all(
            k in graph.nodes and np.array_equal(graph.nodes[k].value, v) for k, v in values.items())

    def _take_graph_state(self) -> None:
        """Weights and history changed in the graph (an undo, an edit): train on from them."""
        trainer, metrics = self.trainer, self.graph.meta.get("metrics")
        restored = False
        if metrics is not self._restored_from:
            if not trainer.history.matches(metrics):
                trainer.continue_history(metrics)
                self._shots.restart(metrics)
                self._run_from, restored = None, True  # another history: the paused run is over
            self._restored_from = metrics
        loaded = copy_parameters(self.graph, trainer.graph)
        if loaded:
            trainer.optimizer.reset()  # momentum or Adam moments belong to the weights that were replaced
        if restored or loaded:
            if self.state is State.PAUSED and not self._run_open():
                self._set_state(State.READY)
            self._publish(final=True, test=trainer.evaluate("test"))

    # ----- commands from the dock and the menu
    def train(self) -> None:
        """Start a run of the settings' epochs, or resume the paused run up to its last epoch."""
        if not self._accept(self.train):
            return
        resuming = self._run_open()
        if not resuming:
            self._run_from = self.trainer.epoch
        self._begin(self.graph)
        self._set_state(State.RUNNING)
        self.runner.start(self.trainer, self.run_target)
        target = self.run_target
        self.status.emit(f"Resuming the run to epoch {target}…" if resuming else f"Training to epoch {target}…")

    def pause(self) -> None:
        """Pause at once; the weights reached so far become one undoable step, and Train resumes the run."""
        if self.state is not State.RUNNING:
            return
        self.runner.stop()
        trainer = self.trainer
        self._push_run(f"Training run to step {trainer.step_count}")
        if not self._run_open():  # the pause came with the run's last epoch
            self._finish_run()
            return
        self._set_state(State.PAUSED)
        self.status.emit(f"Paused at epoch {trainer.epoch} of {self.run_target}, step {trainer.step_count}: "
                         "Resume goes on to the end of the run")

    def toggle(self) -> None:
        """Train if idle, pause if training."""
        if self.state is State.RUNNING:
            self.pause()
        else:
            self.train()

    def step(self) -> None:
        """Train on one minibatch (consecutive steps are one undoable command)."""
        if not self._accept(self.step):
            return
        self._begin(self.graph)
        try:
            self.trainer.step()
        except TrainingDiverged as exc:
            self._diverged(exc)
            return
        except EngineError as exc:
            self._failed(str(exc))
            return
        self._push_run("Training step", single=True)

    def reset_weights(self) -> None:
        """Fresh seeded weights and an empty history (undoable); an open run is over."""
        if not self._accept(self.reset_weights):
            return
        self._begin(self.graph)
        before, trainer = self._run_start[0], self.trainer
        self._run_from = None
        trainer.reset()
        self._shots.restart(None)
        command = TrainingRunCommand(self.graph, before, parameter_values(trainer.graph), None, "Reset weights")
        self._push(command, trainer.evaluate("test"))
        self._set_state(State.READY)
        self.status.emit("Weights reset to their seeded initial values")

    def _accept(self, command: Callable[[], None]) -> bool:
        """True if `command` may run now; pressed while preparing, it runs once the trainer is there."""
        if self.state is State.READY or self.state is State.PAUSED:
            self._sync()  # an edit made just now reaches the trainer first
        if self.state is State.PREPARING:
            self._pending = command
            self.status.emit("Preparing the data… training starts as soon as it is ready")
            return False
        if self.state is State.UNTRAINABLE:
            self.status.emit(f"This graph cannot be trained: {self.reason}")
        return self.state is State.READY or self.state is State.PAUSED

    def _begin(self, graph: Graph) -> None:
        self._clear_error_mark()
        self._run_start = (parameter_values(graph), graph.meta.get("metrics"), self.trainer.step_count)

    def _run_open(self) -> bool:
        target = self.run_target
        return target is not None and self.trainer.epoch < target

    def _clear_error_mark(self) -> None:
        if self.error_node is not None:
            self.error_node = None
            self.diverged_at.emit(None)

    # ----- the end of a run
    def _finish_run(self) -> None:
        trainer = self.trainer
        self._run_from = None
        if self._run_start is not None:  # not pushed yet
            self._push_run(f"Training run to step {trainer.step_count}")
        self._set_state(State.READY)
        self.status.emit(f"Finished epoch {trainer.epoch}: test accuracy {self.last_snapshot.test_accuracy:.3f}")

    def _diverged(self, error: TrainingDiverged) -> None:
        self._run_from = None
        self._push_run("Training run (stopped at NaN/inf)")  # the last good weights: the trainer kept them
        self._set_state(State.READY)
        self.error_node = error.node_id
        self.diverged_at.emit(error.node_id)
        self.status.emit(f"Paused: {error}")

    def _failed(self, message: str) -> None:
        self._run_from = None
        self._push_run(f"Training run to step {self.trainer.step_count}")
        self._set_state(State.READY)
        self.status.emit(f"Training stopped: {message}")

    def _push_run(self, text: str, single: bool = False) -> None:
        """The trainer's weights and history into the graph as one command (none if nothing was trained)."""
        trainer = self.trainer
        before, _, steps_before = self._run_start
        test = self.runner.take_test_metrics(trainer)  # the run's last epoch end measured these weights already
        for node_id, value in before.items():  # a weight edited in the graph during the run keeps the edit
            node = self.graph.nodes.get(node_id)
            if node is not None and not np.array_equal(node.value, value):
                copy_parameters(self.graph, trainer.graph, [node_id])
                trainer.optimizer.reset(node_id)
                test = None
        test = test or trainer.evaluate("test")
        if trainer.step_count == steps_before:
            self._run_start = None
            self._publish(final=True, test=test)
            return
        after = parameter_values(trainer.graph)
        self._push(TrainingRunCommand(self.graph, before, after, trainer.graph_metrics(test), text, single), test)

    def _push(self, command: TrainingRunCommand, test: Metrics) -> None:
        self._run_start = None
        self.undo_stack.push(command)
        self._restored_from = self.graph.meta.get("metrics")
        self._publish(final=True, test=test)

    # ----- to the views
    def _publish(self, final: bool = False, test: Metrics | None = None) -> None:
        if self._shots is None:
            return
        shot = self._shots.take(final, test)
        if self.model is not None:
            self.model.set_values(shot.values)
        self.last_snapshot = shot
        self.snapshot.emit(shot)
        self._views.snapshot_taken(shot)

    def _redraw(self, shot: Snapshot) -> None:
        self.redraw_due.emit(shot)
        self.runner.make_room()

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state)

    def close(self) -> None:
        """Stop training and drop the trainer (the window is closing)."""
        self.builder.close()  # waits for a trainer being built, then drops it
        self.set_graph(None)

