"""Training in short slices on the GUI thread, on a private copy of the graph, publishing snapshots.

Why slices and not a training thread: both were measured (bench/dashboard_stall.py). With a QThread the GUI
thread and the trainer fight for Python's GIL: pyqtgraph paints through hundreds of Python overrides, each
waiting for the trainer to hand the GIL back, so a plot redraw took 10-80 ms, the 5 ms probe timer starved
(stalls of 80-160 ms) and training ran at 30-60 % of its headless speed. In slices there is no contention:
steps run for SLICE_SECONDS, then the event loop handles input, timers and paints, then the next slice.
With the compiled engine a step takes 0.2-2 ms and an epoch end (evaluating both splits) under 25 ms, so the
longest stall stays well below 50 ms. Building a trainer (loading and encoding a data set, ~0.6 s the first
time) is the one slow part; it runs on a helper thread and hands the finished Trainer back.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.errors import EngineError
from engine.graph import Graph
from engine.train import StepResult, Trainer, TrainingDiverged

from .model import EPOCH_KEYS, clone_graph, parameter_values, restore_history, same_values

SLICE_SECONDS = 0.012  # training time per event-loop turn
# Python's full garbage collection walks every object of the app (~50 ms here), and would land in the middle of
# a run; during a run only the young generations are collected, between slices, every this many slices.
YOUNG_GC_EVERY = 25
# Snapshots (and so view refreshes) at most 10 times per second: each costs a copy of the weights and a
# redraw of the plots, paid from the same thread that trains; 10 per second still looks live.
PUBLISH_INTERVAL = 0.1


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
    generation: int = 0


class TrainingWorker(QObject):
    """Owns the Trainer; runs it in timer slices and reports through signals (all on the GUI thread)."""

    # every answer carries the generation of the configure() it belongs to, so late answers about a graph
    # that is no longer shown can be dropped
    ready = Signal(object, int)  # PreparedData, once the trainer exists
    snapshot = Signal(object)  # Snapshot (its .generation)
    diverged = Signal(object, object)  # TrainingDiverged, final Snapshot with the last good weights
    failed = Signal(str, int)  # a step failed (the run ends)
    unusable = Signal(str, int)  # no trainer can be built for this graph: why
    _built = Signal(object, object, object, int)  # from the builder thread: Trainer | None, error, metrics, gen

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self.generation = 0
        self._trainer_generation = -1  # the configure() the current trainer was built for
        self._running = False
        self._target_epoch = 0
        self._last_publish = 0.0
        self._sent_steps = 0
        self._sent_epochs = 0
        self._xs: list[float] = []  # x position (in epochs) of every step of the history
        self._waiting: list[Callable[[], None]] = []  # commands given while the trainer is being built
        self._cost = {"step": 0.0, "epoch_end": 0.0}  # seconds the last step of each kind took
        self._gc_was_enabled, self._slices = True, 0
        self._builder: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._built.connect(self._on_built)

    # ----- commands
    def configure(self, graph: Graph, settings: dict, metrics: dict | None, generation: int) -> None:
        """Build a new trainer on a copy of `graph` (copied now; the data set is prepared on a helper thread)."""
        self._stop_timer()
        self._waiting = []
        self.generation = generation
        twin = clone_graph(graph)
        self._builder = threading.Thread(target=self._build, args=(twin, dict(settings), metrics, generation),
                                         name="training-setup", daemon=True)
        self._builder.start()

    def _build(self, graph: Graph, settings: dict, metrics: dict | None, generation: int) -> None:
        try:
            trainer, error = Trainer(graph, None, settings), None
            restore_history(trainer, metrics)
            trainer.evaluate("test")  # the first evaluation sets up the plan's buffers: here, not in the GUI
        except (EngineError, OSError) as exc:
            trainer, error = None, str(exc)
        self._built.emit(trainer, error, metrics, generation)  # queued to the GUI thread

    @Slot(object, object, object, int)
    def _on_built(self, trainer: Trainer | None, error: str | None, metrics: dict | None, generation: int) -> None:
        if generation != self.generation:
            if trainer is not None:
                trainer.close()
            return
        if self.trainer is not None:
            self.trainer.close()
        self.trainer, self._trainer_generation = trainer, generation
        if trainer is None:
            self.unusable.emit(error or "no trainer", generation)
            return
        self._rebuild_positions(metrics)
        self.ready.emit(trainer.data, generation)
        self._publish(final=True, restart=True, state="ready")
        waiting, self._waiting = self._waiting, []
        for command in waiting:
            command()

    def _when_built(self, command: Callable[[], None]) -> bool:
        """Run `command` now if the trainer is ready, else once it is; False if it had to wait."""
        if self.trainer is None or self._trainer_generation != self.generation:
            self._waiting.append(command)
            return False
        command()
        return True

    def load_values(self, values: dict[str, np.ndarray]) -> None:
        """Train from these parameter values (the graph's, after an undo or an edit) from the next step on."""
        copies = {k: v.copy() for k, v in values.items()}
        self._when_built(lambda: self._load_values(copies))

    def _load_values(self, values: dict[str, np.ndarray]) -> None:
        trainer = self.trainer
        if same_values(values, parameter_values(trainer.graph)):
            return
        for node_id, value in values.items():
            node = trainer.graph.nodes.get(node_id)
            if node is not None and node.value is not None and node.value.shape == value.shape:
                node.value[...] = value
        trainer.optimizer.reset()  # momentum or Adam moments belong to the weights that were replaced

    def restore_metrics(self, metrics: dict | None) -> None:
        """Continue from this saved history (after an undo); a restarting snapshot follows."""
        self._when_built(lambda: self._restore_metrics(metrics))

    def _restore_metrics(self, metrics: dict | None) -> None:
        restore_history(self.trainer, metrics)
        self._rebuild_positions(metrics)
        self._publish(final=True, restart=True, state="ready")

    def run(self, epochs: int) -> None:
        """Train `epochs` more epochs (counted from now) until paused."""
        self._running = True
        self._when_built(lambda: self._start(epochs))

    def _start(self, epochs: int) -> None:
        if not self._running:
            return
        self._target_epoch = self.trainer.epoch + epochs
        self._last_publish = time.perf_counter()
        self._gc_was_enabled, self._slices = gc.isenabled(), 0
        gc.disable()
        self._timer.start()

    def step_once(self) -> None:
        """One minibatch, then a final snapshot."""
        self._when_built(self._single_step)

    def _single_step(self) -> None:
        if not self._running and self._guarded_step():
            self._publish(final=True, state="paused")

    def pause(self) -> None:
        """Stop now; the final snapshot is sent before this returns."""
        if self._running:
            was_training = self._timer.isActive()
            self._stop_timer()
            if was_training:
                self._publish(final=True, state="paused")

    def reset_weights(self) -> None:
        """Re-initialise the weights from their seeds and forget the history."""
        self._when_built(self._reset)

    def _reset(self) -> None:
        self.trainer.reset()
        self._xs = []
        self._publish(final=True, restart=True, state="reset")

    def set_lr(self, lr: float) -> None:
        """New learning rate, used from the next step on."""
        if self.trainer is not None:
            self.trainer.set_lr(lr)

    @property
    def is_running(self) -> bool:
        """True from run() until pause() or the end of the run."""
        return self._running

    def close(self) -> None:
        """Stop training and let go of the trainer."""
        self._stop_timer()
        self.generation += 1  # a trainer still being built is dropped when it arrives
        if self._builder is not None:
            self._builder.join(timeout=10)
        if self.trainer is not None:
            self.trainer.close()
            self.trainer = None

    # ----- the slices
    def _stop_timer(self) -> None:
        self._running = False
        if self._timer.isActive() and self._gc_was_enabled:
            gc.enable()
        self._timer.stop()

    @Slot()
    def _slice(self) -> None:
        trainer = self.trainer
        if trainer.epoch >= self._target_epoch:
            self._stop_timer()
            self._publish(final=True, state="finished")
            return
        self._slices += 1
        if self._slices % YOUNG_GC_EVERY == 0:
            gc.collect(1)  # generations 0 and 1: a millisecond, not the full sweep
        started = now = time.perf_counter()
        while self._running and trainer.epoch < self._target_epoch:
            epoch_end = trainer.position % trainer.steps_per_epoch + 1 >= trainer.steps_per_epoch
            expected = self._cost["epoch_end" if epoch_end else "step"]
            if now > started and now - started + expected > SLICE_SECONDS:
                break  # the next step would overrun the slice (an epoch end evaluates both splits)
            if not self._guarded_step():
                return
            done = time.perf_counter()
            self._cost["epoch_end" if epoch_end else "step"] = done - now
            now = done
        if self._running and now - self._last_publish >= PUBLISH_INTERVAL:
            self._last_publish = now
            self._publish()

    def _guarded_step(self) -> bool:
        """One step; on NaN/inf the run ends with a final snapshot of the last good weights."""
        try:
            result = self.trainer.step()
        except TrainingDiverged as exc:
            self._stop_timer()
            self.diverged.emit(exc, self._snapshot(final=True, state="diverged"))
            return False
        except EngineError as exc:
            self._stop_timer()
            self.failed.emit(str(exc), self.generation)
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
                        state=state, generation=self.generation)
        if trainer.last_epoch is not None:
            shot.confusion = trainer.last_epoch.test.confusion
            shot.test_accuracy = trainer.last_epoch.test.accuracy
        if final:
            # the end of a run: the metrics the graph file gets, with the test confusion of these weights
            shot.metrics = trainer.save_into_graph()
            shot.confusion = np.asarray(shot.metrics["confusion"])
            shot.test_accuracy = shot.metrics["test_accuracy"]
        return shot
