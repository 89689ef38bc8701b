"""Row-sparse gradients: the rows of an embedding table or a bag-of-words weight matrix that a batch touched."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SparseRows:
    """A gradient that is zero except on some rows: grad[rows] += values (rows may repeat)."""

    rows: np.ndarray  # (k,) integer row indices into an array of `shape`
    values: np.ndarray  # (k,) + shape[1:]
    shape: tuple

    def to_dense(self) -> np.ndarray:
        """The full gradient array."""
        out = np.zeros(self.shape)
        self.add_to(out)
        return out

    def add_to(self, target: np.ndarray, scale: float = 1.0) -> None:
        """target += scale · grad, in place; repeated rows add up (SGD is add_to(W, -lr))."""
        if tuple(target.shape) != tuple(self.shape):
            raise ValueError(f"a sparse gradient of shape {self.shape} cannot update an array of shape {target.shape}")
        if self.rows.size == 0:
            return
        values = self.values * scale if scale != 1.0 else self.values
        if not has_repeats(self.rows):
            target[self.rows] += values
            return
        scatter_add(target, self.rows, values)

    def coalesce(self) -> "SparseRows":
        """The same gradient with sorted, unique rows (what momentum or Adam need to index their state)."""
        rows, inverse = unique_inverse(self.rows)
        if rows.size == self.rows.size:
            values = np.empty_like(self.values)
            values[inverse] = self.values
            return SparseRows(rows, values, self.shape)
        values = np.zeros((rows.size,) + tuple(self.shape[1:]))
        scatter_add(values, inverse, self.values)
        return SparseRows(rows, values, self.shape)


def has_repeats(rows: np.ndarray) -> bool:
    """True if some index occurs more than once."""
    ordered = np.sort(rows, kind="stable")
    return bool(np.any(ordered[1:] == ordered[:-1]))


def scatter_add(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """target[rows] += values with repeated rows adding up, in place."""
    if not target.flags.c_contiguous:
        work = np.ascontiguousarray(target)
        scatter_add(work, rows, values)
        target[...] = work
        return
    width = int(np.prod(target.shape[1:], dtype=np.int64))
    flat = target.reshape(-1)
    # numpy's ufunc.at is fast on one axis and slow on rows of a matrix, so address single entries
    index = np.add.outer(np.asarray(rows, dtype=np.intp) * width, np.arange(width)).reshape(-1)
    np.add.at(flat, index, np.reshape(values, -1))


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique values, index of each input value in them); a lighter np.unique(return_inverse=True)."""
    order = np.argsort(values, kind="stable")  # a radix sort for integers: faster than the default here
    ordered = values[order]
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(ordered.size, dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse
