"""The one place where numpy broadcasting is undone for gradients."""
from __future__ import annotations

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape`, undoing numpy broadcasting of an input of that shape."""
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def broadcast_shapes(a: tuple, b: tuple) -> tuple:
    """Broadcast two shapes whose leading batch axis may be None; raise ValueError if they clash."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x is None or y is None:
            out.append(None if (x in (None, 1) and y in (None, 1)) else (x if y in (None, 1) else y))
        elif x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ValueError(f"{fmt_shape(a)} and {fmt_shape(b)} do not broadcast")
    return tuple(reversed(out))


def fmt_shape(shape: tuple | None) -> str:
    """Write a shape as the slides do: 4×3, with B for the batch axis and 'scalar' for ()."""
    if shape is None:
        return "?"
    if len(shape) == 0:
        return "scalar"
    return "×".join("B" if n is None else str(n) for n in shape)
