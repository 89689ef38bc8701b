"""What the views get from a training session, and when: the history they have not seen yet, the weights, the
latest metrics, at a pace the training can afford."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from engine.train import Metrics, Trainer

from .model import parameter_values


@dataclass
class Snapshot:
    """New history entries, current weights and the latest test metrics, after some steps."""

    step: int
    epoch: int
    steps_per_epoch: int
    lr: float
    values: dict[str, np.ndarray]
    new_steps: dict[str, Any] = field(default_factory=dict)  # step, x (epochs), loss, acc, grad_norms
    new_epochs: dict[str, list] = field(default_factory=dict)  # epoch, train_loss, test_loss, train_acc, test_acc
    confusion: np.ndarray | None = None
    test_accuracy: float | None = None
    restart: bool = False  # the history was replaced: views drop what they hold first
    final: bool = False  # no more steps for now (paused, finished, built, stepped once)


class SnapshotMaker:
    """Cuts the trainer's growing history into snapshots, each carrying only what the last one did not."""

    def __init__(self, trainer: Trainer, saved: dict[str, Any] | None):
        self.trainer = trainer
        self._sent_steps = self._sent_epochs = 0
        self.restart(saved)

    def restart(self, saved: dict[str, Any] | None) -> None:
        """The history was replaced (built, restored, reset): the next snapshot carries all of it again.

        Saved steps are placed at step / (steps per epoch of the batch size they were trained with); steps from
        here on count from the trainer's current epoch."""
        trainer = self.trainer
        trained_with = (saved or {}).get("trained_with") if isinstance(saved, dict) else None
        batch = trained_with.get("batch_size") if isinstance(trained_with, dict) else None
        batch = batch if isinstance(batch, int) and batch > 0 else trainer.settings.batch_size
        per_epoch = max(1, -(-len(trainer.data.y_train) // batch))
        self._xs = [s / per_epoch for s in trainer.history.step]
        self._anchor = (trainer.step_count, trainer.epoch)
        self._sent_steps = self._sent_epochs = 0
        self._restart_due = True

    def _x(self, step: int) -> float:
        anchor_step, anchor_epoch = self._anchor
        return anchor_epoch + (step - anchor_step) / self.trainer.steps_per_epoch

    def take(self, final: bool = False, test: Metrics | None = None) -> Snapshot:
        """The next snapshot (restart set when it carries the whole history); `test`: metrics of these weights."""
        trainer, history = self.trainer, self.trainer.history
        restart, self._restart_due = self._restart_due, False
        self._xs.extend(self._x(s) for s in history.step[len(self._xs):])
        steps, epochs = slice(self._sent_steps, None), slice(self._sent_epochs, None)
        new_steps = {"step": history.step[steps], "x": self._xs[steps], "loss": history.loss[steps],
                     "acc": history.acc[steps], "grad_norms": {k: v[steps] for k, v in history.grad_norms.items()}}
        new_epochs = {"epoch": history.epoch[epochs], "train_loss": history.train_loss[epochs],
                      "test_loss": history.test_loss[epochs], "train_acc": history.train_acc[epochs],
                      "test_acc": history.test_acc[epochs]}
        self._sent_steps, self._sent_epochs = len(history.step), len(history.epoch)
        shot = Snapshot(trainer.step_count, trainer.epoch, trainer.steps_per_epoch, trainer.lr,
                        parameter_values(trainer.graph), new_steps, new_epochs, restart=restart, final=final)
        test = test or (trainer.last_epoch.test if trainer.last_epoch is not None else None)
        if test is not None:
            shot.confusion, shot.test_accuracy = test.confusion, test.accuracy
        return shot


class ViewClock:
    """Says when the views repaint: at once for a final snapshot, otherwise after REDRAW_CPU_SECONDS of this
    thread's CPU time (or REDRAW_WALL_SECONDS on the clock, whichever comes first).

    A redraw costs ~5-15 ms of the GUI thread, which is also the thread that trains (in slices), so redraws are what
    the training speed pays for the live view (bench/dashboard_stall.py). Counted in CPU time, that price stays the
    same share when other programs take most of the machine: the views then refresh less often, not the training
    slows down more."""

    REDRAW_CPU_SECONDS = 0.3
    REDRAW_WALL_SECONDS = 1.0

    def __init__(self, redraw: Callable[[Snapshot], None]):
        self._redraw = redraw
        self._last_cpu = self._last_wall = 0.0

    def snapshot_taken(self, shot: Snapshot) -> None:
        """Redraw for this snapshot if it is final, restarts the history, or a redraw is due."""
        cpu, wall = time.thread_time(), time.perf_counter()
        due = cpu - self._last_cpu >= self.REDRAW_CPU_SECONDS or wall - self._last_wall >= self.REDRAW_WALL_SECONDS
        if shot.final or shot.restart or due:
            self._last_cpu, self._last_wall = cpu, wall
            self._redraw(shot)
