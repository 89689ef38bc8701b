"""Elementwise ops: arithmetic with broadcasting, and unary functions."""
from __future__ import annotations

import math

import numpy as np

from .. import op_facts
from ..broadcast import broadcast_shapes, unbroadcast
from ..errors import ShapeError
from ..registry import Attr, LocalRule, Op, Port, register

ELEMENTWISE = "entry by entry, so the Jacobian is diagonal"
BROADCAST = "entry by entry; an input that was broadcast sums the slopes of the entries it was copied to"


class Binary(Op):
    """Two inputs a and b, broadcast against each other."""

    category = "Arithmetic"
    positions = op_facts.Positions.KEEP
    inputs = (Port("a"), Port("b"))
    grad_shapes = (((3,), (3,)), ((2, 3), (3,)), ((), (2, 2)), ((2, 1), (1, 3)))

    def infer(self, shapes, names):
        try:
            return broadcast_shapes(shapes[0], shapes[1])
        except ValueError as exc:
            raise ShapeError(f"{names[0]} and {names[1]}: {exc}") from None


@register
class Add(Binary):
    """Sum a + b, elementwise with broadcasting."""

    name = "Add"
    scalar = op_facts.ScalarRule(lambda a, b: a + b, lambda g, a, b, out: (g, g))
    leibniz = "a + b"
    local_rules = {"a": LocalRule("∂out/∂a = 1", (), BROADCAST), "b": LocalRule("∂out/∂b = 1", (), BROADCAST)}

    def forward(self, a, b):
        return a + b, None

    def vjp(self, i, g, xs, out, ctx):
        # ∂(a+b)/∂a = ∂(a+b)/∂b = 1
        return unbroadcast(g, np.shape(xs[i]))


@register
class Subtract(Binary):
    """Difference a − b, elementwise with broadcasting."""

    name = "Subtract"
    scalar = op_facts.ScalarRule(lambda a, b: a - b, lambda g, a, b, out: (g, -g))
    leibniz = "a − b"
    local_rules = {"a": LocalRule("∂out/∂a = 1", (), BROADCAST), "b": LocalRule("∂out/∂b = −1", (), BROADCAST)}

    def forward(self, a, b):
        return a - b, None

    def vjp(self, i, g, xs, out, ctx):
        # ∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1
        return unbroadcast(g if i == 0 else -g, np.shape(xs[i]))


@register
class Multiply(Binary):
    """Product a · b, elementwise with broadcasting."""

    name = "Multiply"
    scalar = op_facts.ScalarRule(lambda a, b: a * b, lambda g, a, b, out: (g * b, g * a))
    leibniz = "a · b"
    local_rules = {"a": LocalRule("∂out/∂a = b", ("b",), BROADCAST),
                   "b": LocalRule("∂out/∂b = a", ("a",), BROADCAST)}

    def forward(self, a, b):
        return a * b, None

    def vjp(self, i, g, xs, out, ctx):
        # ∂(ab)/∂a = b, ∂(ab)/∂b = a
        return unbroadcast(g * xs[1 - i], np.shape(xs[i]))


@register
class Divide(Binary):
    """Quotient a / b, elementwise with broadcasting."""

    name = "Divide"
    scalar = op_facts.ScalarRule(lambda a, b: a / b, lambda g, a, b, out: (g * (1.0 / b), g * (-a / (b * b))))
    leibniz = "a / b"
    local_rules = {"a": LocalRule("∂out/∂a = 1/b", ("b",), BROADCAST),
                   "b": LocalRule("∂out/∂b = −a/b²", ("a", "b"), BROADCAST)}

    def forward(self, a, b):
        return a / b, None

    def vjp(self, i, g, xs, out, ctx):
        a, b = xs
        # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²
        local = 1.0 / b if i == 0 else -a / (b * b)
        return unbroadcast(g * local, np.shape(xs[i]))

    def sample_inputs(self, rng):
        cases = super().sample_inputs(rng)
        for case in cases:
            case[1] = np.sign(case[1] + 1e-9) * (0.5 + np.abs(case[1]))  # keep b away from 0
        return cases


class Unary(Op):
    """One input x, same shape out."""

    category = "Arithmetic"
    positions = op_facts.Positions.KEEP
    inputs = (Port("x"),)
    grad_shapes = (((),), ((4,),), ((2, 3),))

    def infer(self, shapes, names):
        return shapes[0]


@register
class Negate(Unary):
    """Negation −x."""

    name = "Negate"
    scalar = op_facts.ScalarRule(lambda x: -x, lambda g, x, out: (-g,))
    leibniz = "−x"
    local_rules = {"x": LocalRule("∂out/∂x = −1", (), ELEMENTWISE)}

    def forward(self, x):
        return -x, None

    def vjp(self, i, g, xs, out, ctx):
        return -g  # ∂(−x)/∂x = −1


@register
class Power(Unary):
    """Power x^p for a fixed exponent p (x must be positive unless p is a whole number)."""

    name = "Power"
    leibniz = "x^p"
    attr_specs = (Attr("exponent", "float", 2.0, "the exponent p"),)

    def forward(self, x):
        return np.power(x, self.attrs["exponent"]), None

    def local_rule(self, port):
        p = self.attrs["exponent"]
        slope = {0.0: "0", 1.0: "1", 2.0: "2x"}.get(p, f"{_num(p)}·x^{_num(p - 1)}")
        return LocalRule(f"∂out/∂x = p·x^(p−1) = {slope}", ("x",), ELEMENTWISE) if port == "x" else None

    def vjp(self, i, g, xs, out, ctx):
        p = self.attrs["exponent"]
        return g * p * np.power(xs[0], p - 1)  # ∂xᵖ/∂x = p·xᵖ⁻¹

    def sample_inputs(self, rng):
        return [[0.5 + np.abs(c[0])] for c in super().sample_inputs(rng)]

    def scalar_rule(self):
        p = self.attrs["exponent"]
        return op_facts.ScalarRule(lambda x: math.pow(x, p), lambda g, x, out: (g * p * math.pow(x, p - 1),))


@register
class Exp(Unary):
    """Exponential eˣ."""

    name = "Exp"
    scalar = op_facts.ScalarRule(math.exp, lambda g, x, out: (g * out,))
    leibniz = "exp(x)"
    local_rules = {"x": LocalRule("∂out/∂x = exp(x) = out", ("out",), ELEMENTWISE)}

    def forward(self, x):
        return np.exp(x), None

    def vjp(self, i, g, xs, out, ctx):
        return g * out  # ∂eˣ/∂x = eˣ


@register
class Log(Unary):
    """Natural logarithm log(x), for x > 0."""

    name = "Log"
    scalar = op_facts.ScalarRule(math.log, lambda g, x, out: (g / x,))
    leibniz = "log(x)"
    local_rules = {"x": LocalRule("∂out/∂x = 1/x", ("x",), ELEMENTWISE)}

    def forward(self, x):
        return np.log(x), None

    def vjp(self, i, g, xs, out, ctx):
        return g / xs[0]  # ∂log x/∂x = 1/x

    def sample_inputs(self, rng):
        return [[0.5 + np.abs(c[0])] for c in super().sample_inputs(rng)]


def scalar_sigmoid(x: float) -> float:
    """σ(x) of one float, split by sign as the op's formula is."""
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


class Activation(Unary):
    """Unary activations live in their own palette category."""

    category = "Activations"


@register
class Sigmoid(Activation):
    """Logistic function σ(x) = 1 / (1 + e⁻ˣ)."""

    name = "Sigmoid"
    scalar = op_facts.ScalarRule(scalar_sigmoid, lambda g, x, out: (g * out * (1.0 - out),))
    activation_range = (0.0, 1.0)
    output_kind = op_facts.OutputKind.PROBABILITY
    leibniz = "σ(x)"
    local_rules = {"x": LocalRule("∂out/∂x = σ(x)·(1 − σ(x)) = out·(1 − out)", ("out",), ELEMENTWISE)}

    def forward(self, x):
        # split by sign so that exp never overflows
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), None

    def vjp(self, i, g, xs, out, ctx):
        return g * out * (1.0 - out)  # σ' = σ(1−σ)


@register
class Tanh(Activation):
    """Hyperbolic tangent tanh(x)."""

    name = "Tanh"
    scalar = op_facts.ScalarRule(math.tanh, lambda g, x, out: (g * (1.0 - out * out),))
    activation_range = (-1.0, 1.0)
    leibniz = "tanh(x)"
    local_rules = {"x": LocalRule("∂out/∂x = 1 − tanh²(x) = 1 − out²", ("out",), ELEMENTWISE)}

    def forward(self, x):
        return np.tanh(x), None

    def vjp(self, i, g, xs, out, ctx):
        return g * (1.0 - out * out)  # tanh' = 1 − tanh²


@register
class ReLU(Activation):
    """Rectified linear unit max(0, x)."""

    name = "ReLU"
    scalar = op_facts.ScalarRule(lambda x: 0.0 if x <= 0.0 else x,
                                 lambda g, x, out: (g * (1.0 if x > 0 else 0.0),))
    activation_range = (0.0, math.inf)
    leibniz = "max(0, x)"
    local_rules = {"x": LocalRule("∂out/∂x = 1 where x > 0, else 0", ("x",), ELEMENTWISE)}

    def forward(self, x):
        return np.maximum(x, 0.0), None

    def vjp(self, i, g, xs, out, ctx):
        return g * (xs[0] > 0)  # slope 1 where x > 0, else 0

    def sample_inputs(self, rng):
        # keep away from the kink at 0, where finite differences are meaningless
        return [[np.sign(c[0] + 1e-9) * (0.05 + np.abs(c[0]))] for c in super().sample_inputs(rng)]


def _num(v: float) -> str:
    """An exponent as people write it: 3 rather than 3.0, a true minus sign."""
    return f"{v:g}".replace("-", "−")
