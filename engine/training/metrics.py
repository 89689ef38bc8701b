"""Metrics of a classifier graph: probabilities from its output, loss, accuracy, confusion; the training history."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiled import Plan
from ..graph import Graph
from ..ops.linalg import log_softmax
from .errors import TrainingError
from ..op_facts import OutputKind
from .settings import Bindings

EVAL_CHUNK = 512  # examples per forward pass when evaluating a whole split
STEP_KEYS = ("step", "loss", "acc", "lr")  # per-step lists of a History
EPOCH_KEYS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")  # per-epoch lists


@dataclass
class Metrics:
    """Mean loss, accuracy and confusion (rows: true class, columns: predicted) over `count` examples."""

    loss: float
    accuracy: float
    confusion: np.ndarray
    count: int


@dataclass
class StepResult:
    """One minibatch step: 1-based index and epoch, loss, batch accuracy, lr used, ∥∂L/∂θ∥ per parameter id."""

    step: int
    epoch: int
    loss: float
    accuracy: float
    lr: float
    grad_norms: dict[str, float]
    batch_size: int
    epoch_end: bool = False


@dataclass
class EpochResult:
    """The metrics after one full pass over the training split."""

    epoch: int
    train: Metrics
    test: Metrics
    seconds: float


@dataclass
class History:
    """Per-step and per-epoch records of a training run, in plain lists for plotting and saving."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    acc: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)

    def add_step(self, result: StepResult) -> None:
        """Append one step's numbers."""
        self.step.append(result.step)
        self.loss.append(result.loss)
        self.acc.append(result.accuracy)
        self.lr.append(result.lr)
        for node_id, norm in result.grad_norms.items():
            self.grad_norms.setdefault(node_id, []).append(norm)

    def add_epoch(self, result: EpochResult) -> None:
        """Append one epoch's train and test metrics."""
        self.epoch.append(result.epoch)
        self.train_loss.append(result.train.loss)
        self.test_loss.append(result.test.loss)
        self.train_acc.append(result.train.accuracy)
        self.test_acc.append(result.test.accuracy)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly copy of every list."""
        out: dict[str, Any] = {k: list(getattr(self, k)) for k in STEP_KEYS + EPOCH_KEYS}
        out["grad_norms"] = {k: list(v) for k, v in self.grad_norms.items()}
        return out


    @classmethod
    def from_dict(cls, metrics: Any) -> "History":
        """A History rebuilt from a saved graph.meta["metrics"] (missing or malformed lists are left empty)."""
        history = cls()
        if not isinstance(metrics, dict):
            return history
        for key in STEP_KEYS + EPOCH_KEYS:
            values = metrics.get(key)
            if isinstance(values, list):
                setattr(history, key, list(values))
        norms = metrics.get("grad_norms")
        if isinstance(norms, dict):
            history.grad_norms = {str(k): list(v) for k, v in norms.items() if isinstance(v, list)}
        return history

    def matches(self, metrics: Any) -> bool:
        """True if `metrics` (a saved history, or None) holds exactly this history's steps and epochs."""
        other = History.from_dict(metrics)
        return all(_same_list(getattr(self, k), getattr(other, k)) for k in STEP_KEYS + EPOCH_KEYS)


def _same_list(a: list, b: list) -> bool:
    # saved NaN losses come back as NaN (or None in a file): equal for this purpose
    return len(a) == len(b) and np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                               equal_nan=True)


def to_probs(graph: Graph, output_id: str, out: np.ndarray) -> np.ndarray:
    """Class probabilities (N, classes) from the output node's value (N, k) or (N,)."""
    kind = graph.nodes[output_id].op.output_kind
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 1 or out.shape[-1] == 1:  # one number per example: the probability (or score) of class 1
        p1 = out.reshape(-1)
        if not kind.probabilities:
            p1 = 1.0 / (1.0 + np.exp(-p1))
        return np.stack([1.0 - p1, p1], axis=-1)
    if kind is OutputKind.DISTRIBUTION:
        return out
    if kind is OutputKind.LOG_DISTRIBUTION:
        return np.exp(out)
    return np.exp(log_softmax(out, -1))  # scores (logits): softmax them


def predictions(graph: Graph, output_id: str, out: np.ndarray) -> np.ndarray:
    """The predicted class of each example."""
    return np.argmax(to_probs(graph, output_id, out), axis=-1)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """Counts C[i, j] of examples of true class i predicted as class j; TrainingError for a label out of range."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    for what, values in (("label", y_true), ("predicted class", y_pred)):
        bad = values[(values < 0) | (values >= classes)]
        if bad.size:
            raise TrainingError(f"a {what} is {int(bad[0])}; classes are numbered 0 to {classes - 1}")
    flat = y_true * classes + y_pred
    return np.bincount(flat, minlength=classes * classes).reshape(classes, classes)


class Evaluation:
    """Loss, accuracy and confusion of the graph on (x, y), computed EVAL_CHUNK examples at a time.

    A caller that must stay responsive (the GUI) calls advance() between other work; evaluate_arrays runs it
    to the end at once."""

    def __init__(self, plan: Plan, graph: Graph, bindings: Bindings, x: np.ndarray, y: np.ndarray, classes: int):
        self.plan, self.graph, self.bindings = plan, graph, bindings
        self.x, self.y, self.classes = x, y, classes
        self.start = 0
        self.total_loss = 0.0
        self.predicted: list[np.ndarray] = []

    @property
    def done(self) -> bool:
        """True when every example was evaluated."""
        return self.start >= len(self.y)

    def advance(self, examples: int = EVAL_CHUNK) -> None:
        """Evaluate the next `examples` examples (one forward pass of the train-mode plan)."""
        chunk = slice(self.start, self.start + max(1, examples))
        feeds = {self.bindings.inputs: self.x[chunk], self.bindings.labels: self.y[chunk]}
        with np.errstate(all="ignore"):
            loss, out = self.plan.values(feeds, [self.bindings.loss, self.bindings.output])  # one forward pass
        self.total_loss += float(loss) * len(feeds[self.bindings.labels])  # losses are batch means
        self.predicted.append(predictions(self.graph, self.bindings.output, out))
        self.start = min(len(self.y), chunk.stop)

    def result(self) -> Metrics:
        """The metrics over every example (call once done)."""
        y_pred = np.concatenate(self.predicted) if self.predicted else np.zeros(0, dtype=np.int64)
        count = len(self.y)
        confusion = confusion_matrix(self.y, y_pred, self.classes)
        accuracy = float(np.trace(confusion) / count) if count else 0.0
        return Metrics(self.total_loss / count if count else 0.0, accuracy, confusion, count)


class EpochEnd:
    """The evaluation of both splits that ends an epoch, done at once or a part at a time; it keeps its time."""

    def __init__(self, plan: Plan, graph: Graph, bindings: Bindings, splits: list[tuple[np.ndarray, np.ndarray]],
                 classes: int):
        self.parts = [Evaluation(plan, graph, bindings, x, y, classes) for x, y in splits]
        self.seconds = 0.0

    @property
    def done(self) -> bool:
        """True when both splits are evaluated."""
        return all(part.done for part in self.parts)

    def advance(self, examples: int = EVAL_CHUNK) -> None:
        """Evaluate `examples` more examples (of the first split not done yet)."""
        started = time.perf_counter()
        waiting = [part for part in self.parts if not part.done]
        if waiting:
            waiting[0].advance(examples)
        self.seconds += time.perf_counter() - started

    def finish(self) -> None:
        """Evaluate everything left."""
        while not self.done:
            self.advance()

    def results(self) -> list[Metrics]:
        """The metrics of each split, in the order given."""
        return [part.result() for part in self.parts]


def evaluate_arrays(plan: Plan, graph: Graph, bindings: Bindings, x: np.ndarray, y: np.ndarray,
                    classes: int) -> Metrics:
    """Loss, accuracy and confusion of the graph on (x, y), computed in chunks by the train-mode plan."""
    evaluation = Evaluation(plan, graph, bindings, x, y, classes)
    while not evaluation.done:
        evaluation.advance()
    return evaluation.result()
