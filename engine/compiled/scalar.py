"""The scalar fast path: a graph of single numbers runs on Python floats (0-d numpy arrays are slow).

Each op gives its formula on floats itself (Op.scalar_rule), mirroring its numpy formula. Where numpy would
quietly give inf or nan (log 0, 1/0, overflow) the math module raises instead; the caller then reruns the step
on arrays, so results never differ.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..executor import Feeds
from ..graph import Graph
from ..op_facts import ScalarRule
from .program import Program, needed_order

MATH_ERRORS = (ArithmeticError, ValueError)


def scalar_ready(graph: Graph, order: list[str], shapes: dict[str, tuple | None]) -> bool:
    """True if every node is a single float and every op has a scalar rule (Op.scalar_rule)."""
    for node_id in order:
        node = graph.nodes[node_id]
        if shapes.get(node_id) != ():
            return False
        if node.op.is_source:
            if node.op.output_kind.ids:  # labels and token ids are integers
                return False
        elif node.op.scalar_rule() is None:
            return False
    return True


def _rule(graph: Graph, node_id: str) -> ScalarRule:
    rule = graph.nodes[node_id].op.scalar_rule()
    assert rule is not None, "scalar_ready() admitted an op without a scalar rule"
    return rule


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
            self.forward_steps.append(_step(_rule(graph, k.node_id).forward, k.ins, k.out))
        self.backward_steps = []
        for k in arrays.backward_kernels:
            self.backward_steps.append(_back_step(_rule(graph, k.node_id).vjp, k.ins, k.out, k.grad_to))

    def loss_and_grads(self, graph: Graph, feeds: Feeds) -> tuple[float, dict]:
        """Same results as the array program, from Python floats."""
        vals: list = [None] * self.size
        if self.loader.load(graph, feeds, vals):
            return self.arrays.loss_and_grads(graph, feeds)  # it words the error
        for slot in range(self.size):
            if vals[slot] is not None:
                vals[slot] = float(vals[slot])
        for slot, node in self.stored:
            vals[slot] = float(node.stored_value)
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
