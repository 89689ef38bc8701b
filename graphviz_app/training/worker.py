"""Training off the GUI thread: a Trainer on a private copy of the graph, in a QThread, publishing snapshots.

Why a thread and not timer slices: an epoch end evaluates the whole train and test split, which for the
text CNN takes longer than the 50 ms a window may freeze. numpy runs outside the GIL for its big loops and
Python hands the GIL over every few milliseconds, so the GUI thread stays responsive.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine.data import PreparedData
from engine.errors import EngineError
from engine.graph import Graph
from engine.train import StepResult, Trainer, TrainingDiverged

from .model import EPOCH_KEYS, clone_graph, parameter_values, restore_history, same_values

PUBLISH_INTERVAL = 1.0 / 30.0  # views refresh at most ~30 times per second


@dataclass
class Snapshot:
    """What the views need after some steps: new history entries, current weights, the latest test metrics."""

    step: int
    epoch: int
    steps_per_epoch: int
    lr: float
    values: dict[str, np.ndarray]
    new_steps: dict[str, list] = field(default_factory=dict)  # step, x (epochs), loss, acc, grad_norms
    new_epochs: dict[str, list] = field(default_factory=dict)  # epoch, train_loss, test_loss, train_acc, test_acc
    confusion: np.ndarray | None = None
    test_accuracy: float | None = None
    restart: bool = False  # the history was replaced: views drop what they hold first
    final: bool = False  # the run paused, finished or stopped: `metrics` is what the graph file gets
    metrics: dict[str, Any] | None = None
    state: str = "running"


class TrainingWorker(QObject):
    """Owns the Trainer (created in the worker thread); the GUI controls it through thread-safe calls."""

    ready = Signal(object)  # PreparedData, once the trainer exists
    snapshot = Signal(object)  # Snapshot
    diverged = Signal(object, object)  # TrainingDiverged, final Snapshot with the last good weights
    failed = Signal(str)  # a step failed (the run ends)
    unusable = Signal(str)  # no trainer can be built for this graph: why
    _configure = Signal(object, object, object, object)
    _run = Signal(int)
    _single_step = Signal()
    _reset = Signal()
    _load_values = Signal(object)
    _restore_metrics = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.trainer: Trainer | None = None
        self._running = threading.Event()
        self._consumed = threading.Event()
        self._consumed.set()
        self._sent_steps = 0
        self._sent_epochs = 0
        self._xs: list[float] = []  # x position (in epochs) of every step of the history
        self._target_epoch = 0
        self._configure.connect(self._do_configure)
        self._run.connect(self._do_run)
        self._single_step.connect(self._do_single_step)
        self._reset.connect(self._do_reset)
        self._load_values.connect(self._do_load_values)
        self._restore_metrics.connect(self._do_restore_metrics)

    # ----- called from the GUI thread
    def configure(self, graph: Graph, settings: dict, metrics: dict | None, data: PreparedData | None = None) -> None:
        """Build a new trainer on a copy of `graph` (copied now, on the caller's thread)."""
        self._configure.emit(clone_graph(graph), dict(settings), metrics, data)

    def load_values(self, values: dict[str, np.ndarray]) -> None:
        """Train from these parameter values (the graph's, after an undo or an edit) from the next step on."""
        self._load_values.emit({k: v.copy() for k, v in values.items()})

    def restore_metrics(self, metrics: dict | None) -> None:
        """Continue from this saved history (after an undo); a restarting snapshot follows."""
        self._restore_metrics.emit(metrics)

    def run(self, epochs: int) -> None:
        """Train `epochs` more epochs (counted from now) unless paused first."""
        self._running.set()
        self._run.emit(epochs)

    def step_once(self) -> None:
        """One minibatch, then a final snapshot."""
        self._single_step.emit()

    def pause(self) -> None:
        """Stop after the step under way (returns at once; a final snapshot follows)."""
        self._running.clear()

    def reset_weights(self) -> None:
        """Re-initialise the weights from their seeds and forget the history."""
        self._reset.emit()

    def set_lr(self, lr: float) -> None:
        """New learning rate, used from the next step on."""
        if self.trainer is not None:
            self.trainer.set_lr(lr)

    def acknowledge(self) -> None:
        """The GUI has drawn the last snapshot; the next may be sent."""
        self._consumed.set()

    @property
    def is_running(self) -> bool:
        """True from run() until pause() or the end of the run."""
        return self._running.is_set()

    # ----- in the worker thread
    @Slot(object, object, object, object)
    def _do_configure(self, graph: Graph, settings: dict, metrics: dict | None, data: PreparedData | None) -> None:
        old = self.trainer
        try:
            self.trainer = Trainer(graph, data, settings)
        except (EngineError, OSError) as exc:
            self.trainer = None
            self.unusable.emit(str(exc))
            return
        finally:
            if old is not None:
                old.close()
        restore_history(self.trainer, metrics)
        self._rebuild_positions(metrics)
        self.ready.emit(self.trainer.data)
        self._publish(final=True, restart=True, state="ready")

    @Slot(object)
    def _do_load_values(self, values: dict[str, np.ndarray]) -> None:
        trainer = self.trainer
        if trainer is None or same_values(values, parameter_values(trainer.graph)):
            return
        for node_id, value in values.items():
            node = trainer.graph.nodes.get(node_id)
            if node is not None and node.value is not None and node.value.shape == value.shape:
                node.value[...] = value
        trainer.optimizer.reset()  # momentum or Adam moments belong to the weights that were replaced

    @Slot(object)
    def _do_restore_metrics(self, metrics: dict | None) -> None:
        if self.trainer is not None:
            restore_history(self.trainer, metrics)
            self._rebuild_positions(metrics)
            self._publish(final=True, restart=True, state="ready")

    @Slot(int)
    def _do_run(self, epochs: int) -> None:
        trainer = self.trainer
        if trainer is None:
            self._running.clear()
            return
        self._target_epoch = trainer.epoch + epochs
        last = time.perf_counter()
        state = "paused"
        while self._running.is_set():
            if trainer.epoch >= self._target_epoch:
                state = "finished"
                break
            if not self._guarded_step():
                return
            now = time.perf_counter()
            if now - last >= PUBLISH_INTERVAL and self._consumed.is_set():
                self._publish()
                last = now
        self._running.clear()
        self._publish(final=True, state=state)

    @Slot()
    def _do_single_step(self) -> None:
        if self.trainer is None:
            return
        if not self._running.is_set() and self._guarded_step():
            self._publish(final=True, state="paused")

    @Slot()
    def _do_reset(self) -> None:
        if self.trainer is None:
            return
        self.trainer.reset()
        self._xs = []
        self._publish(final=True, restart=True, state="reset")

    def _guarded_step(self) -> bool:
        """One step; on NaN/inf the run ends with a final snapshot of the last good weights."""
        try:
            result = self.trainer.step()
        except TrainingDiverged as exc:
            self._running.clear()
            self.diverged.emit(exc, self._snapshot(final=True, state="diverged"))
            return False
        except EngineError as exc:
            self._running.clear()
            self.failed.emit(str(exc))
            return False
        self._xs.append(self._position(result))
        return True

    def _position(self, result: StepResult) -> float:
        trainer = self.trainer
        if result.epoch_end:
            return float(trainer.epoch)
        return trainer.epoch + trainer.position / trainer.steps_per_epoch

    def _rebuild_positions(self, metrics: dict | None) -> None:
        """x of saved steps, assuming the batch size they were trained with."""
        trainer = self.trainer
        batch = (metrics or {}).get("trained_with", {}).get("batch_size", trainer.settings.batch_size)
        per_epoch = max(1, -(-len(trainer.data.y_train) // max(1, int(batch))))
        self._xs = [s / per_epoch for s in trainer.history.step]

    def _publish(self, final: bool = False, restart: bool = False, state: str = "running") -> None:
        self._consumed.clear()
        self.snapshot.emit(self._snapshot(final, restart, state))

    def _snapshot(self, final: bool = False, restart: bool = False, state: str = "running") -> Snapshot:
        trainer = self.trainer
        if restart:
            self._sent_steps = self._sent_epochs = 0
        history = trainer.history
        steps, epochs = slice(self._sent_steps, None), slice(self._sent_epochs, None)
        new_steps = {"step": history.step[steps], "x": self._xs[steps], "loss": history.loss[steps],
                     "acc": history.acc[steps],
                     "grad_norms": {k: v[steps] for k, v in history.grad_norms.items()}}
        new_epochs = {k: getattr(history, k)[epochs] for k in EPOCH_KEYS}
        self._sent_steps, self._sent_epochs = len(history.step), len(history.epoch)
        shot = Snapshot(trainer.step_count, trainer.epoch, trainer.steps_per_epoch, trainer.lr,
                        parameter_values(trainer.graph), new_steps, new_epochs, restart=restart, final=final,
                        state=state)
        if trainer.last_epoch is not None:
            shot.confusion = trainer.last_epoch.test.confusion
            shot.test_accuracy = trainer.last_epoch.test.accuracy
        if final:
            # the end of a run: the metrics the graph file gets, with the test confusion of these weights
            shot.metrics = trainer.save_into_graph()
            shot.confusion = np.asarray(shot.metrics["confusion"])
            shot.test_accuracy = shot.metrics["test_accuracy"]
        return shot


class WorkerThread:
    """A TrainingWorker moved to its own QThread, with a clean shutdown."""

    def __init__(self) -> None:
        self.thread = QThread()
        self.thread.setObjectName("training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Pause training and end the thread."""
        self.worker.pause()
        self.thread.quit()
        self.thread.wait(timeout_ms)
