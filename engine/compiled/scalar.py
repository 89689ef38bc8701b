"""The scalar fast path: a graph of single numbers runs on Python floats (0-d numpy arrays are slow).

Each op mirrors its numpy formula. Where numpy would quietly give inf or nan (log 0, 1/0, overflow) the math
module raises instead; the caller then reruns the step on arrays, so results never differ.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..executor import Feeds
from ..graph import Graph
from .program import Program, needed_order

MATH_ERRORS = (ArithmeticError, ValueError)


def _sigmoid(x: float) -> float:
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


def _bce(p: float, y: float) -> float:
    # as the op: a term whose weight is 0 counts 0, so a saturated p that agrees with y is no loss
    hit = y * math.log(p) if y != 0 else 0.0
    miss = (1 - y) * math.log(1 - p) if y != 1 else 0.0
    return -(hit + miss)


def _bce_vjp(g, p, y, out):
    hit = -y / p if y != 0 else 0.0
    miss = (1 - y) / (1 - p) if y != 1 else 0.0
    return g * (hit + miss) / 1, 0.0


def _divide_vjp(g, a, b, out):
    return g * (1.0 / b), g * (-a / (b * b))


def _mse_vjp(g, p, t, out):
    grad = g * 2.0 * (p - t) / 1
    return grad, -grad


# op name → (forward(*xs), vjp(g, *xs, out) → one local product per input)
SCALAR_OPS: dict[str, tuple[Callable, Callable]] = {
    "Add": (lambda a, b: a + b, lambda g, a, b, out: (g, g)),
    "Subtract": (lambda a, b: a - b, lambda g, a, b, out: (g, -g)),
    "Multiply": (lambda a, b: a * b, lambda g, a, b, out: (g * b, g * a)),
    "Divide": (lambda a, b: a / b, _divide_vjp),
    "Negate": (lambda x: -x, lambda g, x, out: (-g,)),
    "Exp": (math.exp, lambda g, x, out: (g * out,)),
    "Log": (math.log, lambda g, x, out: (g / x,)),
    "Sigmoid": (_sigmoid, lambda g, x, out: (g * out * (1.0 - out),)),
    "Tanh": (math.tanh, lambda g, x, out: (g * (1.0 - out * out),)),
    "ReLU": (lambda x: 0.0 if x <= 0.0 else x, lambda g, x, out: (g * (1.0 if x > 0 else 0.0),)),
    "Sum": (lambda x: x, lambda g, x, out: (g,)),
    "Mean": (lambda x: x, lambda g, x, out: (g / 1,)),
    "MeanSquaredError": (lambda p, t: (p - t) * (p - t), _mse_vjp),
    "BinaryCrossEntropy": (_bce, _bce_vjp),
}


def _power(exponent: float) -> tuple[Callable, Callable]:
    def vjp(g, x, out):
        return (g * exponent * math.pow(x, exponent - 1),)
    return (lambda x: math.pow(x, exponent)), vjp


def scalar_ready(graph: Graph, order: list[str], shapes: dict[str, tuple | None]) -> bool:
    """True if every node is a single float and every op has a scalar formula here."""
    for node_id in order:
        node = graph.nodes[node_id]
        if shapes.get(node_id) != ():
            return False
        if node.op.is_source:
            if node.op_name == "Label" or node.op.out_dtype != "float":
                return False
        elif node.op_name not in SCALAR_OPS and node.op_name != "Power":
            return False
    return True


def _step(fn: Callable, ins: tuple[int, ...], out: int) -> Callable[[list], None]:
    if len(ins) == 1:
        (a,) = ins

        def unary(v):
            v[out] = fn(v[a])
        return unary
    a, b = ins

    def binary(v):
        v[out] = fn(v[a], v[b])
    return binary


def _back_step(vjp: Callable, ins: tuple[int, ...], out: int, to: tuple[int, ...]) -> Callable[[list, list], None]:
    def back(v, gr):
        local = vjp(gr[out], *[v[i] for i in ins], v[out])
        for i in to:
            gr[ins[i]] += local[i]
    return back


class ScalarProgram:
    """loss_and_grads on floats; falls back to the array program whenever the math module objects."""

    def __init__(self, graph: Graph, target: str, arrays: Program):
        self.arrays = arrays
        self.slot = arrays.slot  # no fusion rule fires on scalars, so the slots are the same
        self.size = arrays.size
        self.target_slot = arrays.target_slot
        self.stored = arrays.stored
        self.loader = arrays.loader
        self.params = arrays.params
        self.forward_steps = []
        for k in arrays.kernels:
            node = graph.nodes[k.node_id]
            fn, _ = _power(node.attrs["exponent"]) if node.op_name == "Power" else SCALAR_OPS[node.op_name]
            self.forward_steps.append(_step(fn, k.ins, k.out))
        self.backward_steps = []
        for k in arrays.backward_kernels:
            node = graph.nodes[k.node_id]
            _, vjp = _power(node.attrs["exponent"]) if node.op_name == "Power" else SCALAR_OPS[node.op_name]
            self.backward_steps.append(_back_step(vjp, k.ins, k.out, k.grad_to))

    def loss_and_grads(self, graph: Graph, feeds: Feeds) -> tuple[float, dict]:
        """Same results as the array program, from Python floats."""
        vals: list = [None] * self.size
        if self.loader.load(graph, feeds, vals):
            return self.arrays.loss_and_grads(graph, feeds)  # it words the error
        for slot in range(self.size):
            if vals[slot] is not None:
                vals[slot] = float(vals[slot])
        for slot, node in self.stored:
            vals[slot] = float(node.value)
        grads = [0.0] * self.size
        grads[self.target_slot] = 1.0
        try:
            for step in self.forward_steps:
                step(vals)
            for back in self.backward_steps:
                back(vals, grads)
        except MATH_ERRORS:
            return self.arrays.loss_and_grads(graph, feeds)
        return vals[self.target_slot], {pid: np.array(grads[slot]) for pid, slot in self.params}


def scalar_program(graph: Graph, target: str, arrays: Program, shapes: dict[str, tuple | None]) -> ScalarProgram | None:
    """A float program for an all-scalar graph, or None."""
    if arrays.problem or not scalar_ready(graph, needed_order(graph, [target]), shapes):
        return None
    return ScalarProgram(graph, target, arrays)
