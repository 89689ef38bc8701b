"""Max over time fused with what feeds it: pool before the (monotone) activation and the per-filter bias.

maxₜ act(xₜ + b) = act(maxₜ xₜ + b) for a non-decreasing act and a bias that is the same at every time step,
so the activation runs on B×k numbers instead of B×T×k, and only the winners get gradient, as in the ops.
The winning positions agree with the unfused graph except at exact floating-point ties, where every
candidate's gradient is the same (zero at a saturated σ or a dead ReLU).
"""
from __future__ import annotations

import numpy as np

from ..broadcast import unbroadcast
from ..ops.text import competing_windows, settle_on_competitors
from .kernels import Kernel, Scratch, check_ids, sigmoid, sigmoid_grad
from .sparse import SparseRows, unique_inverse

ACTIVATIONS = ("Sigmoid", "ReLU", "Tanh")


def activate(kind: str | None, x: np.ndarray) -> np.ndarray:
    """The activation ops' forward formulas (None: no activation)."""
    if kind == "Sigmoid":
        return sigmoid(x)
    if kind == "ReLU":
        return np.maximum(x, 0.0)
    return np.tanh(x) if kind == "Tanh" else x


def activation_grad(kind: str | None, g: np.ndarray, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The activation ops' vjps."""
    if kind == "Sigmoid":
        return sigmoid_grad(g, out)
    if kind == "ReLU":
        return g * (x > 0)
    return g * (1.0 - out * out) if kind == "Tanh" else g


def first_max(x: np.ndarray, scratch: Scratch) -> tuple[np.ndarray, np.ndarray]:
    """Max over axis 0 and the first index reaching it (np.argmax's choice), without argmax's slow inner axis."""
    steps = x.shape[0]
    top = x.max(axis=0)
    if steps < 2**15 - 1:
        hit = np.equal(x, top, out=scratch.get("hit", x.shape, bool))
        # the first hit has the largest mark steps − t; small integers keep these passes short
        small = np.int8 if steps < 127 else np.int16
        marks = np.arange(steps, 0, -1, dtype=small).reshape((steps,) + (1,) * (x.ndim - 1))
        marked = np.multiply(hit, marks, out=scratch.get("marked", x.shape, small))
        winner = steps - marked.max(axis=0).astype(np.intp)
        if winner.max(initial=0) < steps:
            return top, winner
    # no hit means a NaN (max spreads it, argmax picks the first one); or a very long sequence
    winner = np.argmax(x, axis=0)
    return np.take_along_axis(x, winner[None], axis=0)[0], winner


def time_free(b: np.ndarray) -> np.ndarray:
    """A bias without its time axis (its size there is 1), ready to add to pooled values."""
    return b[..., 0, :] if b.ndim >= 2 else b


def pool_keep(ids: np.ndarray | None, rows: tuple, steps: int) -> np.ndarray | None:
    """(rows…, T) the windows that compete (see MaxPoolTime), or None without a mask."""
    if ids is None:
        return None
    if ids.shape[:-1] != rows:
        raise ValueError(f"token ids {ids.shape} do not match the {rows + (steps,)} sequences")
    return competing_windows(ids, steps)


class PoolActKernel(Kernel):
    """MaxPoolTime(act(x + b)) as act(maxₜ x + b); inputs: x, the bias if there is one, the pool's ids if masked."""

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int, kind: str | None, bias: bool, mask: bool):
        super().__init__(node_id, ins, out)
        self.kind = kind
        self.bias_at = 1 if bias else None
        self.mask_at = len(ins) - 1 if mask else None
        self.differentiable = tuple(i != self.mask_at for i in range(len(ins)))
        self.winner: np.ndarray | None = None
        self.pre: np.ndarray | None = None

    def forward(self, vals):
        x = vals[self.ins[0]]
        if x.ndim < 2:
            raise ValueError(f"max over time needs a sequence, got shape {x.shape}")
        ids = None if self.mask_at is None else vals[self.ins[self.mask_at]]
        keep = pool_keep(ids, x.shape[:-2], x.shape[-2])
        if keep is not None:
            x = np.where(keep[..., None], x, -np.inf)  # windows made only of padding do not compete
        top, winner = first_max(np.moveaxis(x, -2, 0), self.scratch)
        if keep is not None:
            winner = settle_on_competitors(winner, keep)
        pre = top + time_free(vals[self.ins[self.bias_at]]) if self.bias_at is not None else top
        vals[self.out] = activate(self.kind, pre)
        if self.keep:
            self.winner, self.pre = winner, pre

    def backward(self, vals, grads):
        g_pre = activation_grad(self.kind, grads[self.out], self.pre, vals[self.out])
        if self.bias_at in self.grad_to:
            b = vals[self.ins[self.bias_at]]
            self.give(grads, self.bias_at, unbroadcast(g_pre, np.shape(time_free(b))).reshape(b.shape))
        if 0 in self.grad_to:
            g_x = np.zeros(vals[self.ins[0]].shape)
            np.put_along_axis(g_x, self.winner[..., None, :], g_pre[..., None, :], axis=-2)  # winner takes all
            self.give(grads, 0, g_x)


class EmbedConvPoolKernel(Kernel):
    """Embedding → SeqConv → (+b) → (act) → MaxPoolTime on the distinct words of the batch.

    A window's score is Σⱼ E[wordⱼ]·Wⱼ (Wⱼ: the rows of W that read word j of the window), so each distinct
    word is projected once (U×d times d×k per j) and windows add gathered rows. Backward uses only the
    winners: A[j, word, filter] collects the pooled gradient of the windows whose word j it was, then
    ∂Wⱼ = E[words]ᵀAⱼ and ∂E[words] = Σⱼ Aⱼ Wⱼᵀ, a row-sparse gradient with one row per distinct word.
    Inputs: ids, E, W, the bias if there is one, and the pool's ids if it masks padding-only windows.
    """

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int, kind: str | None, width: int,
                 bias: bool, mask: bool):
        super().__init__(node_id, ins, out)
        self.kind, self.width = kind, width
        self.bias_at = 3 if bias else None
        self.mask_at = len(ins) - 1 if mask else None
        self.differentiable = tuple(i not in (0, self.mask_at) for i in range(len(ins)))  # ids carry no gradient
        self.saved: tuple = ()

    def _words(self, ids2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distinct non-padding words, and each position's index among them (padding → one past the end)."""
        keep = ids2 != 0
        words, inverse = unique_inverse(ids2[keep])
        slot = np.full(ids2.shape, words.size, dtype=np.intp)
        slot[keep] = inverse
        return words, np.ascontiguousarray(slot.T)  # (L, R): time-major gathers are contiguous

    def forward(self, vals):
        ids, table, filters = vals[self.ins[0]], vals[self.ins[1]], vals[self.ins[2]]
        check_ids(ids, table.shape[0], f"table of {table.shape[0]} rows")
        width, d = self.width, table.shape[1]
        if filters.ndim != 2 or filters.shape[0] != width * d:
            raise ValueError(f"filters are {filters.shape}, but windows have {width * d} entries")
        ids2 = ids.reshape(-1, ids.shape[-1])
        steps = ids2.shape[1] - width + 1
        if steps < 1:
            raise ValueError(f"{ids2.shape[1]} positions are fewer than the window width {width}")
        words, slot = self._words(ids2)
        rows = table.take(words, axis=0)
        scores = self._scores(rows, filters, slot, steps)
        keep = None
        if self.mask_at is not None:
            keep = pool_keep(vals[self.ins[self.mask_at]], ids.shape[:-1], steps).reshape(-1, steps)
            scores[~keep.T] = -np.inf  # windows made only of padding do not compete
        if self.keep:
            top, winner = first_max(scores, self.scratch)
            winner = winner if keep is None else settle_on_competitors(winner, keep)
        else:
            top, winner = scores.max(axis=0), None
        pre = top + time_free(vals[self.ins[self.bias_at]]) if self.bias_at is not None else top
        out = activate(self.kind, pre)
        vals[self.out] = out.reshape(ids.shape[:-1] + (filters.shape[1],))
        if self.keep:
            self.saved = (words, slot, rows, winner, pre, out)

    def _scores(self, rows: np.ndarray, filters: np.ndarray, slot: np.ndarray, steps: int) -> np.ndarray:
        """(T, R, k) window scores: word j of each window times Wⱼ, each distinct word projected once."""
        width, (count, d), k = self.width, rows.shape, filters.shape[1]
        proj = self.scratch.get("proj", (width, count + 1, k))
        proj[:, -1] = 0.0  # the extra last row serves padding
        for j in range(width):
            np.matmul(rows, filters[j * d:(j + 1) * d], out=proj[j, :-1])
        scores = self.scratch.get("scores", (steps, slot.shape[1], k))
        part = self.scratch.get("part", scores.shape)
        for j in range(width):  # indices are valid by construction; mode="raise" would buffer `out`
            np.take(proj[j], slot[j:j + steps], axis=0, out=part if j else scores, mode="clip")
            if j:
                scores += part
        return scores

    def backward(self, vals, grads):
        words, slot, rows, winner, pre, out = self.saved
        self.saved = ()
        g_pre = activation_grad(self.kind, grads[self.out].reshape(out.shape), pre, out)
        if self.bias_at in self.grad_to:
            b = vals[self.ins[self.bias_at]]
            self.give(grads, self.bias_at, unbroadcast(g_pre, np.shape(time_free(b))).reshape(b.shape))
        per_word = self._collect(g_pre, winner, slot, words.size)
        filters = vals[self.ins[2]]
        d = rows.shape[1]
        if 2 in self.grad_to:
            grad_w = np.empty(filters.shape)
            for j in range(self.width):
                np.matmul(rows.T, per_word[j], out=grad_w[j * d:(j + 1) * d])
            self.give(grads, 2, grad_w)
        if 1 in self.grad_to:
            grad_rows = per_word[0] @ filters[:d].T
            for j in range(1, self.width):
                grad_rows += per_word[j] @ filters[j * d:(j + 1) * d].T
            self.give(grads, 1, SparseRows(words, grad_rows, vals[self.ins[1]].shape))

    def _collect(self, g_pre: np.ndarray, winner: np.ndarray, slot: np.ndarray, count: int) -> np.ndarray:
        """A[j, word, filter]: the pooled gradient of every winning window whose j-th word it was."""
        examples, k = g_pre.shape
        example, filt = np.arange(examples)[:, None], np.arange(k)
        # which word sat at place j of each winning window: slot[winner + j, example]
        index = np.concatenate([(j * (count + 1) + slot[winner + j, example]) * k + filt for j in range(self.width)])
        collected = self.scratch.get("collected", (self.width, count + 1, k))
        collected.fill(0.0)
        np.add.at(collected.reshape(-1), index.reshape(-1), np.tile(g_pre.reshape(-1), self.width))
        return collected[:, :-1]  # padding's row is dropped
