"""Reductions, products and reshaping ops."""
from __future__ import annotations

import numpy as np

from .. import op_facts
from ..broadcast import fmt_shape
from ..errors import ShapeError
from ..registry import Attr, LocalRule, Op, Port, register

PERMUTATION = "every entry is copied to one place, so each row and column of the Jacobian holds one 1"


def _norm_axis(axis: int, ndim: int, name: str) -> int:
    if not -ndim <= axis < ndim:
        raise ShapeError(f"axis {axis} is out of range for {name} with {ndim} axes")
    return axis % ndim


class Reduce(Op):
    """Sum or mean over one axis or over everything."""

    category = "Arithmetic"
    inputs = (Port("x"),)
    attr_specs = (Attr("axis", "axis", "all", "axis to reduce, or all"),)
    grad_shapes = (((4,),), ((2, 3),))

    def infer(self, shapes, names):
        shape, axis = shapes[0], self.attrs["axis"]
        if axis is None:
            return ()
        ax = _norm_axis(axis, len(shape), names[0])
        return shape[:ax] + shape[ax + 1:]

    def _count(self, x):
        return x.size if self.attrs["axis"] is None else x.shape[self.attrs["axis"]]

    def _spread(self, g, x):
        axis = self.attrs["axis"]
        if axis is not None:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, np.shape(x))


@register
class Sum(Reduce):
    """Sum Σx over an axis or over all entries."""

    name = "Sum"
    scalar = op_facts.ScalarRule(lambda x: x, lambda g, x, out: (g,))  # the sum of one number
    leibniz = "Σ x"
    local_rules = {"x": LocalRule("∂out/∂x = 1 for every summed entry", ())}

    def forward(self, x):
        return np.sum(x, axis=self.attrs["axis"]), None

    def vjp(self, i, g, xs, out, ctx):
        return np.array(self._spread(g, xs[0]))  # each summand has slope 1


@register
class Mean(Reduce):
    """Mean of x over an axis or over all entries."""

    name = "Mean"
    scalar = op_facts.ScalarRule(lambda x: x, lambda g, x, out: (g / 1,))  # the mean of one number
    leibniz = "mean(x)"
    local_rules = {"x": LocalRule("∂out/∂x = 1/n for each of the n averaged entries", ("x",))}

    def forward(self, x):
        return np.mean(x, axis=self.attrs["axis"]), None

    def vjp(self, i, g, xs, out, ctx):
        return self._spread(g, xs[0]) / self._count(xs[0])  # each entry has slope 1/n


@register
class MatMul(Op):
    """Matrix product x·W: rows of x (a vector or a batch) times a matrix W (n×m)."""

    name = "MatMul"
    category = "Arithmetic"
    positions = op_facts.Positions.KEEP  # x (… × T × n) · W keeps the T positions
    leibniz = "x W"
    local_rules = {
        "x": LocalRule("∂out_j/∂x_i = W_ij, so the Jacobian is W itself", ("W",)),
        "W": LocalRule("∂out_j/∂W_ij = x_i (and 0 for every other column), so ∂L/∂W = xᵀ · ∂L/∂out", ("x",)),
    }
    inputs = (Port("x", "a vector (…, n) or batch of vectors"), Port("W", "an n×m matrix"))
    grad_shapes = (((3,), (3, 2)), ((4, 3), (3, 2)), ((2, 4, 3), (3, 5)))

    def infer(self, shapes, names):
        x, w = shapes
        if len(w) != 2:
            raise ShapeError(f"{names[1]} must be a matrix, but is {fmt_shape(w)}")
        if len(x) == 0 or x[-1] != w[0]:
            raise ShapeError(
                f"inner dimensions differ: {names[0]} is {fmt_shape(x)}, {names[1]} is {fmt_shape(w)}")
        return x[:-1] + (w[1],)

    def forward(self, x, w):
        return x @ w, None

    def vjp(self, i, g, xs, out, ctx):
        x, w = xs
        if i == 0:
            return g @ w.T  # ∂L/∂x = ∂L/∂out · Wᵀ
        # ∂L/∂W = xᵀ · ∂L/∂out, summed over every leading (batch) axis
        return x.reshape(-1, w.shape[0]).T @ g.reshape(-1, w.shape[1])


@register
class Dot(Op):
    """Dot product θᵀx of a vector θ (n) with x (…, n): one score per example."""

    name = "Dot"
    category = "Arithmetic"
    leibniz = "θᵀx"
    local_rules = {"θ": LocalRule("∂out/∂θ = x", ("x",)), "x": LocalRule("∂out/∂x = θ", ("θ",))}
    inputs = (Port("θ", "weight vector (n)"), Port("x", "vector or batch (…, n)"))
    grad_shapes = (((3,), (3,)), ((3,), (4, 3)))

    def infer(self, shapes, names):
        t, x = shapes
        if len(t) != 1:
            raise ShapeError(f"{names[0]} must be a vector, but is {fmt_shape(t)}")
        if len(x) == 0 or x[-1] != t[0]:
            raise ShapeError(f"lengths differ: {names[0]} is {fmt_shape(t)}, {names[1]} is {fmt_shape(x)}")
        return x[:-1]

    def forward(self, t, x):
        return x @ t, None

    def vjp(self, i, g, xs, out, ctx):
        t, x = xs
        if i == 0:
            return x.reshape(-1, t.shape[0]).T @ np.reshape(g, -1)  # ∂θᵀx/∂θ = x
        return np.multiply.outer(g, t)  # ∂θᵀx/∂x = θ


@register
class Transpose(Op):
    """Transpose: swap the last two axes (Wᵀ)."""

    name = "Transpose"
    rearranges = True
    category = "Arithmetic"
    leibniz = "xᵀ"
    local_rules = {"x": LocalRule("∂out_ji/∂x_ij = 1, and 0 for every other pair", (), PERMUTATION)}
    inputs = (Port("x"),)
    grad_shapes = (((2, 3),), ((2, 3, 4),))

    def infer(self, shapes, names):
        s = shapes[0]
        if len(s) < 2:
            raise ShapeError(f"{names[0]} needs at least 2 axes, but is {fmt_shape(s)}")
        return s[:-2] + (s[-1], s[-2])

    def forward(self, x):
        return np.swapaxes(x, -1, -2), None

    def vjp(self, i, g, xs, out, ctx):
        return np.swapaxes(g, -1, -2)


@register
class Reshape(Op):
    """Reshape each example to a new shape with the same number of entries."""

    name = "Reshape"
    rearranges = True
    category = "Arithmetic"
    leibniz = "reshape(x)"
    local_rules = {"x": LocalRule("∂out/∂x = 1 for each entry and its new place: the Jacobian is the identity", ())}
    inputs = (Port("x"),)
    attr_specs = (
        Attr("shape", "shape", (6,), "the new shape of one example"),
        Attr("keep_batch", "bool", True, "keep the first (batch) axis as it is"),
    )
    grad_shapes = (((2, 3),), ((3, 2, 3),))

    def _target(self, in_shape):
        shape = tuple(self.attrs["shape"])
        return (in_shape[0],) + shape if self.attrs["keep_batch"] and len(in_shape) else shape

    def infer(self, shapes, names):
        s = shapes[0]
        inner = s[1:] if self.attrs["keep_batch"] and len(s) else s
        if None in inner or int(np.prod(inner)) != int(np.prod(self.attrs["shape"])):
            raise ShapeError(
                f"cannot reshape {names[0]} ({fmt_shape(s)}) to {fmt_shape(tuple(self.attrs['shape']))}")
        return self._target(s)

    def forward(self, x):
        return np.reshape(x, self._target(np.shape(x))), None

    def vjp(self, i, g, xs, out, ctx):
        return np.reshape(g, np.shape(xs[0]))

    def sample_inputs(self, rng):
        self.attrs["keep_batch"] = True
        return [[rng.normal(size=(2, 6))], [rng.normal(size=(3, 2, 3))]]


@register
class Concat(Op):
    """Stack two arrays end to end along an axis: [a; b]."""

    name = "Concat"
    category = "Arithmetic"
    leibniz = "[a; b]"
    local_rules = {"a": LocalRule("∂out/∂a = 1 on the entries that came from a, 0 elsewhere", (), PERMUTATION),
                   "b": LocalRule("∂out/∂b = 1 on the entries that came from b, 0 elsewhere", (), PERMUTATION)}
    inputs = (Port("a"), Port("b"))
    attr_specs = (Attr("axis", "int", -1, "axis to join along", minimum=-4),)
    grad_shapes = (((3,), (2,)), ((2, 3), (2, 4)))

    def infer(self, shapes, names):
        a, b = shapes
        if len(a) != len(b) or len(a) == 0:
            raise ShapeError(f"{names[0]} ({fmt_shape(a)}) and {names[1]} ({fmt_shape(b)}) differ in rank")
        ax = _norm_axis(self.attrs["axis"], len(a), names[0])
        if a[:ax] + a[ax + 1:] != b[:ax] + b[ax + 1:]:
            raise ShapeError(f"{names[0]} ({fmt_shape(a)}) and {names[1]} ({fmt_shape(b)}) differ off axis {ax}")
        size = None if None in (a[ax], b[ax]) else a[ax] + b[ax]
        return a[:ax] + (size,) + a[ax + 1:]

    def forward(self, a, b):
        return np.concatenate([a, b], axis=self.attrs["axis"]), None

    def vjp(self, i, g, xs, out, ctx):
        ax = self.attrs["axis"] % g.ndim
        n = xs[0].shape[ax]
        index = [slice(None)] * g.ndim
        index[ax] = slice(0, n) if i == 0 else slice(n, None)
        return g[tuple(index)]


class Normalise(Op):
    """Softmax-like ops over one axis."""

    category = "Activations"
    inputs = (Port("x", "scores / logits"),)
    attr_specs = (Attr("axis", "int", -1, "axis that sums to one", minimum=-4),)
    grad_shapes = (((4,),), ((2, 3),))

    def infer(self, shapes, names):
        _norm_axis(self.attrs["axis"], len(shapes[0]), names[0])
        return shapes[0]


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Stable log-softmax: shift by the max before exponentiating."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@register
class Softmax(Normalise):
    """Softmax: turns scores S into a distribution, exp(S)/Σexp(S) (non-negative, sums to 1)."""

    name = "Softmax"
    output_kind = op_facts.OutputKind.DISTRIBUTION
    leibniz = "softmax(x)"
    local_rules = {"x": LocalRule("∂out_j/∂x_i = out_j·(δ_ij − out_i): the Jacobian is diag(out) − out outᵀ",
                                  ("out",))}

    def forward(self, x):
        return np.exp(log_softmax(x, self.attrs["axis"])), None

    def vjp(self, i, g, xs, out, ctx):
        # J = diag(p) − p pᵀ, so J·g = p ⊙ (g − ⟨g, p⟩)
        return out * (g - np.sum(g * out, axis=self.attrs["axis"], keepdims=True))


@register
class LogSoftmax(Normalise):
    """Log of the softmax, computed stably: x − log Σ exp(x)."""

    name = "LogSoftmax"
    output_kind = op_facts.OutputKind.LOG_DISTRIBUTION
    leibniz = "log softmax(x)"
    local_rules = {"x": LocalRule("∂out_j/∂x_i = δ_ij − softmax(x)_i, where softmax(x) = exp(out)", ("out",))}

    def forward(self, x):
        return log_softmax(x, self.attrs["axis"]), None

    def vjp(self, i, g, xs, out, ctx):
        # ∂/∂x (x − lse x) · g = g − softmax(x) Σg
        return g - np.exp(out) * np.sum(g, axis=self.attrs["axis"], keepdims=True)
