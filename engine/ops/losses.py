"""Losses: each returns one number, the mean over the examples of a batch."""
from __future__ import annotations

import numpy as np

from ..broadcast import fmt_shape
from ..errors import ShapeError
from ..registry import Op, Port, register
from .linalg import log_softmax


def _check_labels(shapes, names) -> None:
    p, y = shapes
    if len(p) == 0 or p[:-1] != y:
        raise ShapeError(
            f"{names[1]} ({fmt_shape(y)}) needs one class id per row of {names[0]} ({fmt_shape(p)})")


def _pick(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """p[..., y]: the entry of each row at its label."""
    return np.take_along_axis(p, y[..., None].astype(np.intp), axis=-1)[..., 0]


def _class_samples(rng, rows: int | None, classes: int = 3):
    shape = (classes,) if rows is None else (rows, classes)
    y = rng.integers(0, classes, size=() if rows is None else (rows,))
    return shape, y


class Loss(Op):
    """Shared category for the loss ops."""

    category = "Losses"

    def infer(self, shapes, names):
        self.check(shapes, names)
        return ()

    def check(self, shapes, names) -> None:
        """Raise ShapeError if the inputs do not fit."""


@register
class CrossEntropy(Loss):
    """Cross-entropy −log p_y of probabilities p at the true class y (mean over the batch)."""

    name = "CrossEntropy"
    leibniz = "−log p_y"
    inputs = (Port("p", "class probabilities"), Port("y", "true class ids", differentiable=False, integer=True))

    def check(self, shapes, names):
        _check_labels(shapes, names)

    def forward(self, p, y):
        return -np.mean(np.log(_pick(p, y))), None

    def vjp(self, i, g, xs, out, ctx):
        p, y = xs
        grad = np.zeros_like(p, dtype=np.float64)
        count = max(1, np.size(y))
        # ∂(−log p_y)/∂p_y = −1/p_y; every other entry has slope 0
        np.put_along_axis(grad, y[..., None].astype(np.intp), (-g / (count * _pick(p, y)))[..., None], -1)
        return grad

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
    inputs = (Port("z", "scores (logits)"), Port("y", "true class ids", differentiable=False, integer=True))

    def check(self, shapes, names):
        _check_labels(shapes, names)

    def forward(self, z, y):
        logp = log_softmax(z, -1)
        return -np.mean(_pick(logp, y)), logp

    def vjp(self, i, g, xs, out, ctx):
        z, y = xs
        grad = np.exp(ctx)
        # ∂L/∂z = softmax(z) − onehot(y), averaged over the batch
        np.put_along_axis(grad, y[..., None].astype(np.intp), _pick(grad, y)[..., None] - 1.0, -1)
        return grad * (g / max(1, np.size(y)))

    def sample_inputs(self, rng):
        cases = []
        for rows in (None, 4):
            shape, y = _class_samples(rng, rows)
            cases.append([rng.normal(size=shape), y])
        return cases


@register
class BinaryCrossEntropy(Loss):
    """Binary cross-entropy −[y log p + (1−y) log(1−p)] for a probability p of class 1."""

    name = "BinaryCrossEntropy"
    leibniz = "−[y log p + (1−y) log(1−p)]"
    inputs = (Port("p", "probability of class 1"), Port("y", "0 or 1", differentiable=False))

    def check(self, shapes, names):
        if shapes[0] != shapes[1]:
            raise ShapeError(f"{names[0]} ({fmt_shape(shapes[0])}) and {names[1]} ({fmt_shape(shapes[1])}) differ")

    def forward(self, p, y):
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), None

    def vjp(self, i, g, xs, out, ctx):
        p, y = xs
        return g * (p - y) / (p * (1 - p)) / max(1, np.size(p))  # simplifies the two log terms

    def sample_inputs(self, rng):
        return [[rng.uniform(0.1, 0.9, size=s), rng.integers(0, 2, size=s)] for s in ((), (5,))]


@register
class MeanSquaredError(Loss):
    """Mean squared error mean((ŷ − t)²) between a prediction and a target."""

    name = "MeanSquaredError"
    leibniz = "mean((ŷ − t)²)"
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
