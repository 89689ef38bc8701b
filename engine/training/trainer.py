"""The Trainer: minibatch training of any graph with a loss, with a history, pause/stop and a NaN guard."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import numpy as np

from ..data import PreparedData
from ..executor import explain
from ..graph import Graph
from ..ops.sources import initial_value
from ..optim import OptimizerError, check_positive, grad_is_finite, grad_norm
from ..trace import Trace
from .errors import TrainingDiverged, TrainingError
from .guard import ParamBackup, diverged, first_bad_node
from .classifier import GraphClassifier
from .metrics import EVAL_CHUNK, EpochEnd, EpochResult, History, Metrics, StepResult, predictions
from .settings import LIVE_SETTINGS, TrainingSettings, check_setting

PAUSE_POLL_SECONDS = 0.05


class Trainer(GraphClassifier):
    """Trains a graph's parameters on its data set (graph.meta["dataset"]) with graph.meta["training"] settings.

    Parameters are updated in place in the graph's nodes. Only run_for, reset and save_into_graph emit
    value_changed (in the caller's thread); after fit in a worker thread, call notify_values() from the GUI
    thread. One lock serialises steps, evaluation and prediction, so another thread sees whole steps."""

    def __init__(self, graph: Graph, data: PreparedData | None = None,
                 settings: TrainingSettings | dict[str, Any] | None = None):
        super().__init__(graph, data)
        if isinstance(settings, TrainingSettings):
            settings.check()
            self.settings = settings
        else:
            self.settings = TrainingSettings.from_dict(graph.meta.get("training"), settings)
        self.optimizer = self.settings.make_optimizer()
        self._running = threading.Event()
        self._running.set()
        self._stop = threading.Event()
        self._ready()
        self._restart()

    # ----- state
    def _restart(self) -> None:
        self.history = History()
        self.step_count = 0
        self.epoch = 0  # completed epochs
        self.last_epoch: EpochResult | None = None
        self.diverged: TrainingDiverged | None = None
        self._rng = np.random.default_rng(self.settings.seed)
        self._order = np.zeros(0, dtype=np.int64)
        self._cursor = 0
        self._epoch_seconds = 0.0
        self._epoch_end: EpochEnd | None = None  # the evaluation ending an epoch, while it is under way

    def continue_history(self, metrics: dict[str, Any] | None) -> bool:
        """Continue a saved history (graph.meta["metrics"]): steps and epochs count on from it, and the shuffling
        goes on as if the epochs before had just run. None, or a history of other classes: start afresh (False)."""
        with self._lock:
            self._restart()
            names = metrics.get("class_names") if isinstance(metrics, dict) else None
            if names is not None and list(names) != list(self.data.class_names):
                return False
            history = History.from_dict(metrics)
            self.history = history
            self.step_count = history.step[-1] if history.step else 0
            self.epoch = history.epoch[-1] if history.epoch else 0
            for _ in range(self.epoch):  # the shuffles of the epochs already trained
                self._rng.permutation(len(self.data.y_train))
            return bool(history.step)

    def take_settings(self, settings: TrainingSettings) -> bool:
        """Use the live settings (α, epochs) of `settings` from the next step on; False if others differ too
        (optimizer, batch size, seed…): those need a new Trainer."""
        settings.check()
        if settings.changed(self.settings) - set(LIVE_SETTINGS):
            return False
        self.set_lr(settings.lr)
        self.settings.epochs = settings.epochs
        return True

    def reset(self) -> None:
        """Re-initialise every parameter from its seed, forget optimizer state, history and shuffling."""
        with self._lock:
            for node in self.graph.parameters():
                node.stored_value[...] = initial_value(node.op)
            self.optimizer.reset()
            self._restart()
        self.notify_values()

    @property
    def lr(self) -> float:
        """The current learning rate."""
        return self.optimizer.lr

    def set_lr(self, lr: float) -> None:
        """Change the learning rate; it takes effect at the next step (safe from another thread)."""
        try:
            self.optimizer.lr = lr
        except OptimizerError as exc:
            raise TrainingError(f"training.{exc}") from None
        self.settings.lr = self.optimizer.lr

    @property
    def steps_per_epoch(self) -> int:
        """Minibatches in one pass over the training split."""
        return -(-len(self.data.y_train) // self.settings.batch_size)

    @property
    def position(self) -> int:
        """Steps done in the current epoch (all of them right after its last step)."""
        return -(-self._cursor // self.settings.batch_size)

    # ----- pause / stop
    def pause(self) -> None:
        """Ask fit/run_for to wait before the next step (safe from another thread)."""
        self._running.clear()

    def resume(self) -> None:
        """Let a paused (or stopped, or diverged) trainer continue."""
        self._stop.clear()
        self.diverged = None
        self._running.set()

    @property
    def is_paused(self) -> bool:
        """True between pause() and resume()."""
        return not self._running.is_set()

    def stop(self) -> None:
        """Ask fit/run_for to return after the current step (also ends a pause)."""
        self._stop.set()
        self._running.set()

    @property
    def is_stopped(self) -> bool:
        """True after stop() or a divergence, until the next fit(), resume() or reset()."""
        return self._stop.is_set() or self.diverged is not None

    def _may_continue(self, should_stop: Callable[[], bool] | None) -> bool:
        while not self._running.wait(PAUSE_POLL_SECONDS):
            if self._stop.is_set():
                return False
        return not self._stop.is_set() and not (should_stop and should_stop())

    # ----- training
    def _batch_indices(self) -> np.ndarray:
        if self._cursor >= len(self._order):
            self._order = self._rng.permutation(len(self.data.y_train))
            self._cursor = 0
        return self._order[self._cursor:self._cursor + self.settings.batch_size]

    def step(self, defer_evaluation: bool = False) -> StepResult:
        """One minibatch: forward, loss, backward, update. Raises TrainingDiverged on NaN/inf.

        After an epoch's last minibatch both splits are evaluated; with `defer_evaluation` that is left to
        continue_epoch_end() (a chunk at a time), and it is finished at the latest by the next step."""
        with self._lock:
            self._finish_epoch_end()
            return self._step(defer_evaluation)

    def _step(self, defer_evaluation: bool) -> StepResult:
        started = time.perf_counter()
        plan = self._ready()
        idx = self._batch_indices()
        y = self.data.y_train[idx]
        feeds = self._feeds(self.data.x_train[idx], y)
        with np.errstate(all="ignore"):
            loss, grads, out = plan.loss_grads_and_output(feeds, self.bindings.output)
        number = self.step_count + 1
        if not np.isfinite(loss) or not all(grad_is_finite(g) for g in grads.values()):
            self._fail_on_batch(number, feeds)
        accuracy = float(np.mean(predictions(self.graph, self.bindings.output, out) == y))
        lr = self.optimizer.lr
        norms = {node_id: grad_norm(g) for node_id, g in grads.items()}
        self._update(number, grads, lr)
        self._cursor += len(idx)
        self.step_count = number
        result = StepResult(number, self.epoch + 1, float(loss), accuracy, lr, norms, len(idx))
        self.history.add_step(result)
        self._epoch_seconds += time.perf_counter() - started
        if self._cursor >= len(self._order):
            self._start_epoch_end()
            if not defer_evaluation:
                self._finish_epoch_end()
            result.epoch_end = True
        return result

    def _update(self, number: int, grads: dict, lr: float) -> None:
        params = {node_id: self.graph.nodes[node_id].stored_value for node_id in grads}
        backup = ParamBackup.take(params, {i: self.optimizer.touched_rows(g) for i, g in grads.items()})
        with np.errstate(all="ignore"):
            self.optimizer.step(params, grads)
        bad = backup.first_bad(params)
        if bad:
            backup.restore(params)
            self.optimizer.reset()  # its velocity/moments may hold the overflow too
            suspect = f"the learning rate {lr:g}"
            if self.optimizer.weight_decay:
                suspect += f" or the weight decay {self.optimizer.weight_decay:g}"
            self._raise(diverged(self.graph, number, bad[0], bad[1], "update", suspect))

    def _fail_on_batch(self, number: int, feeds: dict) -> None:
        found = first_bad_node(self.graph, feeds)
        node_id, kind, where = found if found else (None, "nan", "value")
        self._raise(diverged(self.graph, number, node_id, kind, where))

    def _raise(self, error: TrainingDiverged) -> None:
        self.diverged = error
        raise error

    def _start_epoch_end(self) -> None:
        data = self.data
        self._epoch_end = EpochEnd(self._ready(), self.graph, self.bindings,
                                   [(data.x_train, data.y_train), (data.x_test, data.y_test)], self.classes)

    @property
    def epoch_end_pending(self) -> bool:
        """True after an epoch's last step taken with defer_evaluation, until its evaluation is complete."""
        return self._epoch_end is not None

    def continue_epoch_end(self, examples: int = EVAL_CHUNK) -> EpochResult | None:
        """Evaluate `examples` more examples of a pending epoch end; the EpochResult once the epoch is complete."""
        with self._lock:
            if self._epoch_end is None:
                return None
            self._epoch_end.advance(examples)
            return self._complete_epoch(self._epoch_end) if self._epoch_end.done else None

    def _finish_epoch_end(self) -> None:
        if self._epoch_end is not None:
            self._epoch_end.finish()
            self._complete_epoch(self._epoch_end)

    def _complete_epoch(self, end: EpochEnd) -> EpochResult:
        self._epoch_end = None
        train, test = end.results()
        self.epoch += 1
        self.last_epoch = EpochResult(self.epoch, train, test, self._epoch_seconds + end.seconds)
        self.history.add_epoch(self.last_epoch)
        self._epoch_seconds = 0.0
        return self.last_epoch

    def run_epoch(self) -> EpochResult | None:
        """Train to the end of the current epoch (a full one if none is under way); None if stopped early."""
        target = self.epoch + 1
        self.fit(1)
        return self.last_epoch if self.epoch == target else None

    def fit(self, epochs: int | None = None, on_step: Callable[[StepResult], Any] | None = None,
            on_epoch: Callable[[EpochResult], Any] | None = None,
            should_stop: Callable[[], bool] | None = None) -> History:
        """Train for `epochs` more epochs (default: settings.epochs), honouring pause(), stop() and should_stop."""
        if epochs is not None:
            check_setting("epochs", epochs)
        target = self.epoch + (self.settings.epochs if epochs is None else epochs)
        self._stop.clear()
        self.diverged = None
        while self.epoch < target and self._may_continue(should_stop):
            result = self.step()
            if on_step:
                on_step(result)
            if result.epoch_end and on_epoch and self.last_epoch is not None:
                on_epoch(self.last_epoch)
        return self.history

    def run_for(self, seconds: float, max_steps: int | None = None) -> list[StepResult]:
        """Steps for about `seconds` (at least one) unless paused or stopped: a GUI timer slice."""
        results: list[StepResult] = []
        deadline = time.perf_counter() + seconds
        while not self.is_paused and not self.is_stopped and (max_steps is None or len(results) < max_steps):
            results.append(self.step())
            if time.perf_counter() >= deadline:
                break
        if results:
            self.notify_values()
        return results

    def explain_step(self, index: int | None = None, text: str | None = None, label: int | str | None = None,
                     lr: float | None = None, apply_update: bool = False) -> Trace:
        """One example's SGD step Θ ← Θ − α∇Θ, fully recorded (forward → loss → backward → update).

        The example is training example `index` (default: the next one in the shuffled order) or a typed
        `text` with its true `label`; the update is applied to the graph only if `apply_update`."""
        self._ready()
        if text is not None:
            if label is None:
                raise TrainingError("explain_step: give the true class of the text (label=...)")
            x, y = self.data.encode_text(text), self.class_index(label)
        else:
            if index is None:
                index = int(self._order[self._cursor]) if self._cursor < len(self._order) else 0
            if not 0 <= index < len(self.data.y_train):
                raise TrainingError(f"index: expected 0..{len(self.data.y_train) - 1}, got {index}")
            x = self.data.x_train[index:index + 1]
            y = int(self.data.y_train[index]) if label is None else self.class_index(label)
        rate = self.optimizer.lr if lr is None else check_positive("lr", lr)
        with self._lock:
            return explain(self.graph, self._feeds(x, np.array([y])), target=self.bindings.loss, lr=rate,
                           apply_update=apply_update)

    def graph_metrics(self, final: Metrics | None = None) -> dict[str, Any]:
        """What graph.meta["metrics"] holds for the current weights: the history, and the test accuracy and
        confusion (`final`, the test metrics of these weights, when the caller has them already)."""
        with self._lock:
            self._finish_epoch_end()
        final = final or self.evaluate("test")
        return {
            **self.history.to_dict(),
            "test_accuracy": final.accuracy,
            "confusion": final.confusion.tolist(),
            "class_names": list(self.data.class_names),
            "trained_with": self.settings.to_dict(),
            "steps_done": self.step_count,
        }

    def save_into_graph(self) -> dict[str, Any]:
        """Write the history, final test accuracy and confusion into graph.meta["metrics"] (weights are in place)."""
        metrics = self.graph_metrics()
        self.graph.set_meta("metrics", metrics)
        self.notify_values()
        return metrics
