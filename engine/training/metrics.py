"""Metrics of a classifier graph: probabilities from its output, loss, accuracy, confusion; the training history."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiled import Plan
from ..graph import Graph
from ..ops.linalg import log_softmax
from .errors import TrainingError
from .settings import DISTRIBUTION_OPS, Bindings

EVAL_CHUNK = 512  # examples per forward pass when evaluating a whole split


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
        out = {k: list(getattr(self, k)) for k in ("step", "loss", "acc", "lr", "epoch", "train_loss",
                                                   "test_loss", "train_acc", "test_acc")}
        out["grad_norms"] = {k: list(v) for k, v in self.grad_norms.items()}
        return out


def to_probs(graph: Graph, output_id: str, out: np.ndarray) -> np.ndarray:
    """Class probabilities (N, classes) from the output node's value (N, k) or (N,)."""
    op_name = graph.nodes[output_id].op_name
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 1 or out.shape[-1] == 1:  # one number per example: the probability (or score) of class 1
        p1 = out.reshape(-1)
        if op_name not in DISTRIBUTION_OPS:
            p1 = 1.0 / (1.0 + np.exp(-p1))
        return np.stack([1.0 - p1, p1], axis=-1)
    if op_name == "Softmax":
        return out
    if op_name == "LogSoftmax":
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


def evaluate_arrays(plan: Plan, graph: Graph, bindings: Bindings, x: np.ndarray, y: np.ndarray,
                    classes: int) -> Metrics:
    """Loss, accuracy and confusion of the graph on (x, y), computed in chunks by the train-mode plan."""
    total_loss, predicted = 0.0, []
    for start in range(0, len(y), EVAL_CHUNK):
        feeds = {bindings.inputs: x[start:start + EVAL_CHUNK], bindings.labels: y[start:start + EVAL_CHUNK]}
        with np.errstate(all="ignore"):
            loss, out = plan.values(feeds, [bindings.loss, bindings.output])  # one forward pass
        total_loss += float(loss) * len(feeds[bindings.labels])  # losses are batch means
        predicted.append(predictions(graph, bindings.output, out))
    y_pred = np.concatenate(predicted) if predicted else np.zeros(0, dtype=np.int64)
    count = len(y)
    confusion = confusion_matrix(y, y_pred, classes)
    accuracy = float(np.trace(confusion) / count) if count else 0.0
    return Metrics(total_loss / count if count else 0.0, accuracy, confusion, count)
