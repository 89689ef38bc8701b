"""Running a Trainer in short slices on the GUI thread, so that the window never waits long for it.

Why slices and not a training thread: both were measured (bench/dashboard_stall.py). With a QThread the GUI
thread and the trainer fight for Python's GIL: pyqtgraph paints through hundreds of Python overrides, each
waiting for the trainer to hand the GIL back, so a plot redraw took 10-80 ms, the 5 ms probe timer starved
(stalls of 80-160 ms) and training ran at 30-60 % of its headless speed. In slices there is no contention:
work runs for at most SLICE_SECONDS, then the event loop handles input, timers and paints, then the next slice.
A slice is made of units that each take a few milliseconds: a minibatch step, or a part of the evaluation that
ends an epoch (both splits, which alone took 25 ms of CPU and 200 ms on a busy machine when done at once).
"""
from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.errors import EngineError
from engine.train import Metrics, Trainer, TrainingDiverged

SLICE_SECONDS = 0.006  # work per event-loop turn, on the wall clock (a busy machine shows its delays here too)
EVAL_SECONDS = 0.004  # the part of an epoch-end evaluation done at once
MIN_EVAL_EXAMPLES, MAX_EVAL_EXAMPLES = 16, 512
# Python's full garbage collection walks every object of the app (~50 ms here), and would land in the middle of
# a run; during a run only the young generations are collected, between slices, every this many slices.
YOUNG_GC_EVERY = 25
# A snapshot (new history for the plots, a copy of the weights) after every PUBLISH_INTERVAL of training time on
# this thread: about 7 per second on an idle machine, and the views redraw at every second one (snapshot.py); on a
# busy one they come less often, so that they keep costing the same share of the time training gets.
PUBLISH_INTERVAL = 0.15


class Runner(QObject):
    """Trains until an epoch is reached, a slice per event-loop turn; reports through signals."""

    progressed = Signal()  # some steps were done (at most every PUBLISH_INTERVAL, in a turn of its own)
    finished = Signal()  # the target epoch is complete
    diverged = Signal(object)  # TrainingDiverged; the trainer kept the last good weights
    failed = Signal(str)  # a step failed for another reason

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self.target = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._cost = {"step": 0.0, "eval": 0.0}  # seconds the last unit of each kind took
        self._seconds_per_example = 0.0  # of the evaluation, measured on the last part
        self._last_publish = 0.0
        self._gc_was_enabled, self._slices = True, 0
        self._room_wanted = False
        self._publish_due = False
        self._evaluated: tuple[int, Metrics] | None = None  # (step count, test metrics) of the last epoch end

    @property
    def running(self) -> bool:
        """True between start() and the end of the run or stop()."""
        return self._timer.isActive()

    def start(self, trainer: Trainer, target: int) -> None:
        """Train `trainer` until it has completed epoch `target`."""
        self.trainer, self.target = trainer, target
        self._last_publish = time.thread_time()
        self._gc_was_enabled, self._slices = gc.isenabled(), 0
        self._publish_due = False
        self._room_wanted = True  # the window shows that a run started (buttons, the dashboard): painted first
        self._evaluated = None
        gc.disable()
        self._timer.start()

    def make_room(self) -> None:
        """The views just changed: let the event loop paint them before the next slice trains, so that painting
        and training do not add up to one long wait."""
        self._room_wanted = True

    def stop(self) -> None:
        """Stop after the current unit (at once: units run only inside a slice)."""
        if self._timer.isActive():
            self._timer.stop()
            if self._gc_was_enabled:
                gc.enable()

    @Slot()
    def _slice(self) -> None:
        # one kind of work per turn of the event loop: training, or telling the views, or letting them paint
        if self._room_wanted:
            self._room_wanted = False
            return  # the paint comes first; this timer fires again at the next turn of the event loop
        if self._publish_due:
            self._publish_due = False
            self.progressed.emit()
            return
        trainer = self.trainer
        self._slices += 1
        if self._slices % YOUNG_GC_EVERY == 0:
            gc.collect(1)  # generations 0 and 1: a millisecond, not the full sweep
        started = now = time.perf_counter()
        while True:
            evaluating = trainer.epoch_end_pending
            if not evaluating and trainer.epoch >= self.target:
                self.stop()
                self.finished.emit()
                return
            kind = "eval" if evaluating else "step"
            if now > started and now - started + self._cost[kind] > SLICE_SECONDS:
                break  # the next unit would overrun the slice
            if not self._unit(evaluating):
                return
            done = time.perf_counter()
            self._cost[kind] = done - now
            now = done
        cpu = time.thread_time()
        if cpu - self._last_publish >= PUBLISH_INTERVAL:
            self._last_publish = cpu
            self._publish_due = True

    def _unit(self, evaluating: bool) -> bool:
        """One step, or one part of the epoch-end evaluation; False if the run ended on an error."""
        trainer = self.trainer
        try:
            if evaluating:
                examples = self._eval_examples()
                started = time.perf_counter()
                ended = trainer.continue_epoch_end(examples)
                if ended is not None:
                    self._evaluated = (trainer.step_count, ended.test)
                self._seconds_per_example = (time.perf_counter() - started) / examples
            else:
                trainer.step(defer_evaluation=True)
        except TrainingDiverged as exc:
            self.stop()
            self.diverged.emit(exc)
            return False
        except EngineError as exc:
            self.stop()
            self.failed.emit(str(exc))
            return False
        return True

    def take_test_metrics(self, trainer: Trainer) -> Metrics | None:
        """The test metrics of `trainer`'s current weights if the last run's last epoch end measured them (no step
        since), else None; asked once when the run ends, so that it need not evaluate the test set again."""
        evaluated, self._evaluated = self._evaluated, None
        if evaluated is None or trainer is not self.trainer or evaluated[0] != trainer.step_count:
            return None
        return evaluated[1]

    def _eval_examples(self) -> int:
        if self._seconds_per_example <= 0:
            return MIN_EVAL_EXAMPLES * 4  # a first, small measure
        wanted = int(EVAL_SECONDS / self._seconds_per_example)
        return max(MIN_EVAL_EXAMPLES, min(MAX_EVAL_EXAMPLES, wanted))
