"""Losses: each returns one number, the mean over the examples of a batch."""
from __future__ import annotations

import math

import numpy as np

from .. import op_facts
from ..broadcast import fmt_shape
from ..errors import ShapeError
from ..registry import LocalRule, Op, Port, register
from .linalg import log_softmax

BATCH = "N is the number of examples: the loss is their mean"

FLOAT_MAX = float(np.finfo(np.float64).max)


def _check_labels(shapes, names) -> None:
    p, y = shapes
    if len(p) == 0 or p[:-1] != y:
        raise ShapeError(
            f"{names[1]} ({fmt_shape(y)}) needs one class id per row of {names[0]} ({fmt_shape(p)})")


def _pick(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """p[..., y]: the entry of each row at its label."""
    return np.take_along_axis(p, y[..., None].astype(np.intp), axis=-1)[..., 0]


def _slope_at_label(like: np.ndarray, y: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Zeros shaped like `like`, with `slope` at each row's label: ∂(−log p_y)/∂p is 0 off the label."""
    grad = np.zeros(np.shape(like), dtype=np.float64)
    np.put_along_axis(grad, y[..., None].astype(np.intp), np.asarray(slope)[..., None], -1)
    return grad


def _scores_grad(g: np.ndarray, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂L/∂z of L = −mean log softmax(z)_y, from logp = log softmax(z)."""
    grad = np.exp(logp)
    # ∂L/∂z = softmax(z) − onehot(y), averaged over the batch
    np.put_along_axis(grad, y[..., None].astype(np.intp), _pick(grad, y)[..., None] - 1.0, -1)
    return grad * (g / max(1, np.size(y)))


def _class_samples(rng, rows: int | None, classes: int = 3):
    shape = (classes,) if rows is None else (rows, classes)
    y = rng.integers(0, classes, size=() if rows is None else (rows,))
    return shape, y


class Loss(Op):
    """Shared category for the loss ops."""

    category = "Losses"
    role = op_facts.Role.LOSS

    def infer(self, shapes, names):
        self.check(shapes, names)
        return ()

    def check(self, shapes, names) -> None:
        """Raise ShapeError if the inputs do not fit."""

    def id_limit(self, port, shapes):
        # class ids pick an entry of the last axis of the first input (the probabilities or scores)
        first = self.inputs[0].name
        integer = any(p.name == port and p.integer for p in self.inputs)
        return shapes[first][-1] if integer and shapes.get(first) else None


@register
class CrossEntropy(Loss):
    """Cross-entropy −log p_y of probabilities p at the true class y (mean over the batch)."""

    name = "CrossEntropy"
    leibniz = "−log p_y"
    local_rules = {"p": LocalRule("∂out/∂p_y = −1/(N·p_y) at the true class y, and 0 for every other class",
                                  ("p", "y"), BATCH)}
    inputs = (Port("p", "class probabilities"), Port("y", "true class ids", differentiable=False, integer=True))

    def check(self, shapes, names):
        _check_labels(shapes, names)

    def forward(self, p, y):
        return -np.mean(np.log(_pick(p, y))), None

    def vjp(self, i, g, xs, out, ctx):
        p, y = xs
        return _slope_at_label(p, y, -g / (max(1, np.size(y)) * _pick(p, y)))

    def forward_from_scores(self, z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(loss, log p) for p = softmax(z) over the last axis, from log p: exact where p_y rounds to 0."""
        logp = log_softmax(z, -1)
        return -np.mean(_pick(logp, y)), logp

    def vjp_from_scores(self, g: np.ndarray, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂L/∂p from log p: −g/(N·p_y) at the label; beyond float64's range it becomes the largest float."""
        with np.errstate(over="ignore"):
            slope = -g * np.exp(-_pick(logp, y)) / max(1, np.size(y))
        return _slope_at_label(logp, y, np.clip(slope, -FLOAT_MAX, FLOAT_MAX))

    def scores_vjp(self, g: np.ndarray, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂L/∂z through the softmax, (softmax(z) − onehot(y))·g/N: finite even where p_y rounds to 0."""
        return _scores_grad(g, logp, y)

    def sample_inputs(self, rng):
        cases = []
        for rows in (None, 4):
            shape, y = _class_samples(rng, rows)
            cases.append([rng.uniform(0.2, 1.0, size=shape), y])
        return cases


@register
class SoftmaxCrossEntropy(Loss):
    """Softmax and cross-entropy in one stable step, from scores (logits) z and class ids y."""

    name = "SoftmaxCrossEntropy"
    leibniz = "−log softmax(z)_y"
    local_rules = {"z": LocalRule("∂out/∂z = (softmax(z) − onehot(y))/N", ("z", "y"), BATCH)}
    inputs = (Port("z", "scores (logits)"), Port("y", "true class ids", differentiable=False, integer=True))

    def check(self, shapes, names):
        _check_labels(shapes, names)

    def forward(self, z, y):
        logp = log_softmax(z, -1)
        return -np.mean(_pick(logp, y)), logp

    def vjp(self, i, g, xs, out, ctx):
        return _scores_grad(g, ctx, xs[1])

    def sample_inputs(self, rng):
        cases = []
        for rows in (None, 4):
            shape, y = _class_samples(rng, rows)
            cases.append([rng.normal(size=shape), y])
        return cases


def _scalar_bce(p: float, y: float) -> float:
    # as the op: a term whose weight is 0 counts 0, so a saturated p that agrees with y is no loss
    hit = y * math.log(p) if y != 0 else 0.0
    miss = (1 - y) * math.log(1 - p) if y != 1 else 0.0
    return -(hit + miss)


def _scalar_bce_vjp(g: float, p: float, y: float, out: float) -> tuple[float, float]:
    hit = -y / p if y != 0 else 0.0
    miss = (1 - y) / (1 - p) if y != 1 else 0.0
    return g * (hit + miss) / 1, 0.0


def _scalar_mse_vjp(g: float, p: float, t: float, out: float) -> tuple[float, float]:
    grad = g * 2.0 * (p - t) / 1
    return grad, -grad


@register
class BinaryCrossEntropy(Loss):
    """Binary cross-entropy −[y log p + (1−y) log(1−p)] for a probability p of class 1."""

    name = "BinaryCrossEntropy"
    scalar = op_facts.ScalarRule(_scalar_bce, _scalar_bce_vjp)
    leibniz = "−[y log p + (1−y) log(1−p)]"
    local_rules = {"p": LocalRule("∂out/∂p = (−y/p + (1−y)/(1−p))/N", ("p", "y"), BATCH)}
    inputs = (Port("p", "probability of class 1"), Port("y", "0 or 1", differentiable=False))

    def check(self, shapes, names):
        if shapes[0] != shapes[1]:
            raise ShapeError(f"{names[0]} ({fmt_shape(shapes[0])}) and {names[1]} ({fmt_shape(shapes[1])}) differ")

    def forward(self, p, y):
        # a term whose weight is 0 counts 0, so p = 1 with y = 1 (σ rounds to 1 above 36.8) is no loss, not NaN
        return -np.mean(_weighted_log(y, p) + _weighted_log(1 - y, 1 - p)), None

    def vjp(self, i, g, xs, out, ctx):
        p, y = xs
        # ∂/∂p −[y log p + (1−y) log(1−p)] = −y/p + (1−y)/(1−p), each term 0 where its weight is 0
        slope = _weighted_ratio(-y, p) + _weighted_ratio(1 - y, 1 - p)
        return g * slope / max(1, np.size(p))

    def sample_inputs(self, rng):
        cases = [[rng.uniform(0.1, 0.9, size=s), rng.integers(0, 2, size=s)] for s in ((), (5,))]
        cases.append([rng.uniform(0.1, 0.9, size=4), rng.uniform(0.0, 1.0, size=4)])  # soft labels
        return cases


def _weighted_log(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """w·log x, with 0 wherever w = 0 (also at x = 0): scipy's xlogy, PyTorch's convention for BCE."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w == 0, 0.0, w * np.log(x))


def _weighted_ratio(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """w/x, with 0 wherever w = 0 (also at x = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w == 0, 0.0, w / np.where(w == 0, 1.0, x))


@register
class MeanSquaredError(Loss):
    """Mean squared error mean((ŷ − t)²) between a prediction and a target."""

    name = "MeanSquaredError"
    scalar = op_facts.ScalarRule(lambda p, t: (p - t) * (p - t), _scalar_mse_vjp)
    leibniz = "mean((ŷ − t)²)"
    local_rules = {"ŷ": LocalRule("∂out/∂ŷ = 2(ŷ − t)/n", ("ŷ", "t"), "n is the number of entries averaged"),
                   "t": LocalRule("∂out/∂t = −2(ŷ − t)/n", ("ŷ", "t"), "n is the number of entries averaged")}
    inputs = (Port("ŷ", "prediction"), Port("t", "target"))
    grad_shapes = (((), ()), ((4,), (4,)), ((3, 2), (3, 2)))

    def check(self, shapes, names):
        if shapes[0] != shapes[1]:
            raise ShapeError(f"{names[0]} ({fmt_shape(shapes[0])}) and {names[1]} ({fmt_shape(shapes[1])}) differ")

    def forward(self, p, t):
        return np.mean((p - t) ** 2), None

    def vjp(self, i, g, xs, out, ctx):
        p, t = xs
        grad = g * 2.0 * (p - t) / max(1, np.size(p))
        return grad if i == 0 else -grad
