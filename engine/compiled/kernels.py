"""Kernels: the steps of a compiled program, each computing one value slot and its vector-Jacobian product."""
from __future__ import annotations

from operator import itemgetter
from typing import Any

import numpy as np

from ..graph import Node
from .sparse import SparseRows

FLOAT = np.float64


class Scratch:
    """Work arrays reused across calls: fresh large arrays cost page faults on every step, reused ones do not.

    An array from here is overwritten by the next call, so it must never leave the kernel that owns it.
    """

    def __init__(self) -> None:
        self.arrays: dict[tuple[str, str], np.ndarray] = {}

    def get(self, name: str, shape: tuple, dtype: Any = FLOAT) -> np.ndarray:
        """An uninitialised array of this shape (a view of a buffer that only ever grows)."""
        size = int(np.prod(shape, dtype=np.int64))
        key = (name, np.dtype(dtype).str)
        buffer = self.arrays.get(key)
        if buffer is None or buffer.size < size:
            buffer = self.arrays[key] = np.empty(size + size // 4, dtype=dtype)  # headroom for a growing batch
        return buffer[:size].reshape(shape)


class Kernel:
    """Computes slot `out` from slots `ins`; backward adds ∂L/∂in into `grads` for the inputs in `grad_to`."""

    differentiable: tuple[bool, ...] = ()

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int):
        self.node_id = node_id
        self.ins = ins
        self.out = out
        self.grad_to: tuple[int, ...] = ()  # input positions that need a gradient; set by the compiler
        self.keep = False  # keep what backward needs; set by the compiler
        self.sparse_ok: tuple[bool, ...] = (False,) * len(ins)  # may a SparseRows gradient stay sparse?
        self.scratch = Scratch()

    def forward(self, vals: list) -> None:
        """Compute vals[out] from the input slots."""
        raise NotImplementedError

    def backward(self, vals: list, grads: list) -> None:
        """Add the gradient of every input in `grad_to` into grads, from grads[out]."""
        raise NotImplementedError

    def give(self, grads: list, i: int, g: Any) -> None:
        """Add gradient g for input position i, densifying a sparse one unless it feeds a parameter."""
        if isinstance(g, SparseRows) and not self.sparse_ok[i]:
            g = g.to_dense()
        add_grad(grads, self.ins[i], g)


def add_grad(grads: list, slot: int, g: Any) -> None:
    """Accumulate a gradient contribution at a fan-out point (never in place: arrays may be shared)."""
    current = grads[slot]
    if current is None:
        grads[slot] = g
    elif isinstance(current, SparseRows) and isinstance(g, SparseRows):
        grads[slot] = SparseRows(np.concatenate([current.rows, g.rows]),
                                 np.concatenate([current.values, g.values]), current.shape)
    elif isinstance(current, SparseRows) or isinstance(g, SparseRows):
        dense, sparse = (g, current) if isinstance(current, SparseRows) else (current, g)
        total = np.array(dense, dtype=FLOAT)
        sparse.add_to(total)
        grads[slot] = total
    else:
        grads[slot] = current + g


class OpKernel(Kernel):
    """Any registered op, run through its own forward and vjp (exactly what explain mode does)."""

    def __init__(self, node: Node, ins: tuple[int, ...], out: int):
        super().__init__(node.id, ins, out)
        self.op = node.op
        # an optional port left open is the last one, so the first len(ins) ports are the fed ones
        self.differentiable = tuple(p.differentiable for p in node.op.inputs[:len(ins)])
        pick = itemgetter(*ins) if ins else (lambda vals: ())
        self.gather = pick if len(ins) > 1 else (lambda vals: (pick(vals),))
        self.xs: tuple = ()
        self.ctx: Any = None

    def forward(self, vals):
        xs = self.gather(vals)
        out, ctx = self.op.forward(*xs)
        if type(out) is not np.ndarray or out.dtype != FLOAT:
            out = np.asarray(out, dtype=FLOAT)
        vals[self.out] = out
        if self.keep:
            self.xs, self.ctx = xs, ctx

    def backward(self, vals, grads):
        g, out = grads[self.out], vals[self.out]
        for i in self.grad_to:
            self.give(grads, i, np.asarray(self.op.vjp(i, g, self.xs, out, self.ctx), dtype=FLOAT))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) exactly as the Sigmoid op computes it, in fewer passes.

    The op takes 1/(1+e) where x ≥ 0 and e/(1+e) elsewhere, with e = exp(−|x|); exp(min(x, 0)) is 1 or e
    in those two cases, so one division gives the same numbers without np.where.
    """
    below = np.abs(x, out=np.empty_like(x))  # out= keeps 0-d arrays arrays
    np.negative(below, out=below)
    np.exp(below, out=below)
    below += 1.0
    out = np.minimum(x, 0.0, out=np.empty_like(x))
    np.exp(out, out=out)
    out /= below
    return out


def sigmoid_grad(g: np.ndarray, out: np.ndarray) -> np.ndarray:
    """g · σ(1 − σ), given σ = out."""
    local = 1.0 - out
    local *= out
    local *= g
    return local


class SigmoidKernel(Kernel):
    """Sigmoid without the temporaries of np.where."""

    differentiable = (True,)

    def forward(self, vals):
        vals[self.out] = sigmoid(np.asarray(vals[self.ins[0]], dtype=FLOAT))

    def backward(self, vals, grads):
        self.give(grads, 0, sigmoid_grad(grads[self.out], vals[self.out]))


def check_ids(ids: np.ndarray, rows: int, what: str) -> None:
    """The same range check (and message) as the Embedding and BagOfWords ops."""
    if ids.size and (ids.min() < 0 or ids.max() >= rows):
        raise ValueError(f"token id {ids.max()} is outside the {what}")


def token_rows(ids: np.ndarray, g: np.ndarray, shape: tuple) -> SparseRows:
    """Gradient rows of a table: one row per non-padding token, with the gradient at its position."""
    flat_ids = ids.reshape(-1)
    flat_g = g.reshape((flat_ids.size,) + tuple(shape[1:]))
    keep = flat_ids != 0
    if keep.all():
        return SparseRows(flat_ids.copy(), flat_g, shape)
    return SparseRows(flat_ids[keep], flat_g[keep], shape)


class EmbeddingKernel(Kernel):
    """Embedding lookup whose table gradient is row-sparse (only the looked-up rows)."""

    differentiable = (False, True)

    def forward(self, vals):
        ids, table = vals[self.ins[0]], vals[self.ins[1]]
        check_ids(ids, table.shape[0], f"table of {table.shape[0]} rows")
        out = table.take(ids, axis=0)
        pad = ids == 0
        if pad.any():
            out[pad] = 0.0
        vals[self.out] = out

    def backward(self, vals, grads):
        ids, table = vals[self.ins[0]], vals[self.ins[1]]
        self.give(grads, 1, token_rows(ids, grads[self.out], table.shape))


class SoftmaxCrossEntropyKernel(Kernel):
    """Stable softmax + cross-entropy from scores z and labels y (also serves Softmax → CrossEntropy)."""

    differentiable = (True, False)

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int):
        super().__init__(node_id, ins, out)
        self.probs: np.ndarray | None = None
        self.labels: np.ndarray | None = None
        self.rows = np.arange(0)

    def forward(self, vals):
        z, y = vals[self.ins[0]], vals[self.ins[1]]
        z2, y1 = z.reshape(-1, z.shape[-1]), y.reshape(-1)
        if z2.shape[0] != y1.size:
            raise ValueError(f"{y1.size} labels for {z2.shape[0]} rows of scores")
        if self.rows.size != y1.size:
            self.rows = np.arange(y1.size)
        shifted = z2 - z2.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        log_p_y = shifted[self.rows, y1]  # fancy indexing: out-of-range labels fail as in the ops
        log_p_y -= np.log(total[:, 0])
        vals[self.out] = np.array(-(log_p_y.sum() / y1.size))  # the mean, without np.mean's overhead
        if self.keep:
            e /= total
            self.probs, self.labels = e, y1

    def backward(self, vals, grads):
        # ∂L/∂z = (softmax(z) − onehot(y)) · g / N
        grad = self.probs
        grad[self.rows, self.labels] -= 1.0
        grad *= grads[self.out] / max(1, self.labels.size)
        self.probs = None  # it was consumed in place
        self.give(grads, 0, grad.reshape(np.shape(vals[self.ins[0]])))
