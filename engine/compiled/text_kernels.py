"""Fused text kernels: embedding-bag (BagOfWords → MatMul) and Embedding → SeqConv."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .kernels import Kernel, check_ids
from .sparse import SparseRows, unique_inverse


class BagMatMulKernel(Kernel):
    """f(x)·W for a bag of words f(x): sums the rows of W of each example's words, never building f(x).

    Counts times W equals the sum of W's rows over the tokens, so the (B × vocab) count matrix is skipped:
    forward multiplies a (B × distinct words) count matrix by those rows of W, and ∂L/∂W is row-sparse,
    one row per distinct word of the batch.
    """

    differentiable = (False, True)

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int, vocab_size: int):
        super().__init__(node_id, ins, out)
        self.vocab_size = vocab_size
        self.words: np.ndarray | None = None
        self.counts: np.ndarray | None = None
        self._owner = (0, 0, np.arange(0))
        self._ones = np.ones(0)

    def _row_of_token(self, examples: int, length: int) -> np.ndarray:
        if self._owner[:2] != (examples, length):
            self._owner = (examples, length, np.repeat(np.arange(examples), length))
        return self._owner[2]

    def forward(self, vals):
        ids, w = vals[self.ins[0]], vals[self.ins[1]]
        if w.ndim != 2 or w.shape[0] != self.vocab_size:
            raise ValueError(f"W is {w.shape}, but the bag of words has {self.vocab_size} entries")
        check_ids(ids, self.vocab_size, f"vocabulary of {self.vocab_size}")
        ids2 = ids.reshape(-1, ids.shape[-1])
        out = self._sum_counts(ids2, w) if self.keep else self._sum_rows(ids2, w)
        vals[self.out] = out.reshape(ids.shape[:-1] + (w.shape[1],))

    def _sum_rows(self, ids2: np.ndarray, w: np.ndarray) -> np.ndarray:
        # forward only: gather each token's row and add them up per example
        rows = w.take(ids2, axis=0)
        pad = ids2 == 0
        if pad.any():
            rows[pad] = 0.0
        return rows.sum(axis=1)

    def _sum_counts(self, ids2: np.ndarray, w: np.ndarray) -> np.ndarray:
        examples, length = ids2.shape
        owner = self._row_of_token(examples, length)
        keep = ids2.reshape(-1) != 0
        tokens = ids2.reshape(-1)
        if not keep.all():
            tokens, owner = tokens[keep], owner[keep]
        words, inverse = unique_inverse(tokens)
        if self._ones.size < tokens.size:
            self._ones = np.ones(tokens.size)
        # with weights, bincount counts in floats directly
        counts = np.bincount(owner * words.size + inverse, weights=self._ones[:tokens.size],
                             minlength=examples * words.size)
        self.words = words
        self.counts = counts.reshape(examples, words.size)
        if words.size == 0:
            return np.zeros((examples, w.shape[1]))
        return self.counts @ w.take(words, axis=0)

    def backward(self, vals, grads):
        w = vals[self.ins[1]]
        g = grads[self.out].reshape(-1, w.shape[1])
        # ∂L/∂W[word] = Σ_examples count(word, example) · ∂L/∂out[example]
        self.give(grads, 1, SparseRows(self.words, self.counts.T @ g, w.shape))


def window_ids(ids2: np.ndarray, width: int) -> np.ndarray:
    """(R, L) token ids → (R, L − width + 1, width): the ids inside each window."""
    if ids2.shape[-1] < width:
        raise ValueError(f"{ids2.shape[-1]} positions are fewer than the window width {width}")
    return sliding_window_view(ids2, width, axis=1)


class EmbedConvKernel(Kernel):
    """SeqConv over an Embedding: gathers each window's rows of E directly, and returns ∂L/∂E row-sparse."""

    differentiable = (False, True, True)

    def __init__(self, node_id: str, ins: tuple[int, ...], out: int, width: int):
        super().__init__(node_id, ins, out)
        self.width = width
        self.windows: np.ndarray | None = None

    def forward(self, vals):
        ids, table, filters = (vals[i] for i in self.ins)
        check_ids(ids, table.shape[0], f"table of {table.shape[0]} rows")
        ids2 = ids.reshape(-1, ids.shape[-1])
        win_ids = window_ids(ids2, self.width)
        d = table.shape[1]
        if filters.ndim != 2 or filters.shape[0] != self.width * d:
            raise ValueError(f"filters are {filters.shape}, but windows have {self.width * d} entries")
        # (R, T, width, d): [f(w_i); f(w_i+1); …]; the ids were checked, so mode="clip" changes nothing
        windows = np.take(table, win_ids, axis=0, mode="clip", out=self.scratch.get("windows", win_ids.shape + (d,)))
        if not ids2.all():
            windows[win_ids == 0] = 0.0
        flat = windows.reshape(-1, self.width * d)
        out = flat @ filters
        vals[self.out] = out.reshape(ids.shape[:-1] + (win_ids.shape[1], filters.shape[1]))
        if self.keep:
            self.windows = flat

    def backward(self, vals, grads):
        ids, table, filters = (vals[i] for i in self.ins)
        g = grads[self.out].reshape(-1, filters.shape[1])
        if 2 in self.grad_to:
            self.give(grads, 2, self.windows.T @ g)  # shared filters: sum over every window
        if 1 in self.grad_to:
            self.give(grads, 1, self._table_grad(ids.reshape(-1, ids.shape[-1]), g @ filters.T, table.shape))
        self.windows = None

    def _table_grad(self, ids2: np.ndarray, per_window: np.ndarray, shape: tuple) -> SparseRows:
        steps, d = ids2.shape[1] - self.width + 1, shape[1]
        per_window = per_window.reshape(ids2.shape[0], steps, self.width, d)
        per_token = np.zeros(ids2.shape + (d,))
        for k in range(self.width):  # each window adds its gradient back onto the words it read
            per_token[:, k:k + steps] += per_window[:, :, k]
        rows, values = ids2.reshape(-1), per_token.reshape(-1, d)
        keep = rows != 0
        if not keep.all():
            rows, values = rows[keep], values[keep]
        return SparseRows(rows.copy(), values, shape)
