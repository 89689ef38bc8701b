"""Values written as numbers for people: every entry of a short vector, shape and range of a large array,
probabilities in whole percent that add to 100, and the one main value a node shows when zoomed out (no Qt).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import numpy.typing as npt

from .labels import display_shape

MAX_ENTRIES = 8  # arrays up to this many entries show every entry; larger ones a heatmap with shape and range


def fmt_value(v: float) -> str:
    """A number as a lecturer writes it: 3 significant digits, powers of ten only when needed, a true minus."""
    v = float(v)
    if not np.isfinite(v):
        text = "nan" if np.isnan(v) else ("∞" if v > 0 else "-∞")
    elif v != 0 and (abs(v) >= 1e4 or abs(v) < 1e-3):
        text = f"{v:.2e}"
    else:
        text = f"{v:.3g}"
    return text.replace("-", "−")


def shown_array(arr: np.ndarray) -> np.ndarray:
    """The array as students think of it: a leading batch axis of one example dropped."""
    arr = np.asarray(arr, dtype=np.float64)
    return arr.reshape(display_shape(arr.shape))


def entry_rows(arr: np.ndarray, limit: int = MAX_ENTRIES) -> list[list[str]] | None:
    """Every entry as text, one list per row (a vector is one row); None when there are more than `limit`."""
    shown = shown_array(arr)
    if shown.size > limit or shown.size == 0:
        return None
    if shown.ndim <= 1:
        return [[fmt_value(v) for v in shown.reshape(-1)]]
    grid = shown.reshape(-1, shown.shape[-1])
    return [[fmt_value(v) for v in row] for row in grid]


def shape_text(shape: Sequence[int]) -> str:
    """'2392×3' (the batch axis of one example left out)."""
    shape = display_shape(tuple(shape))
    return "×".join(str(n) for n in shape) if shape else "scalar"


def range_texts(arr: np.ndarray) -> tuple[str, str]:
    """('min −0.615', 'max 0.544') over the finite entries ('no finite entries' when there are none)."""
    finite = np.asarray(arr, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return "no finite", "entries"
    return f"min {fmt_value(finite.min())}", f"max {fmt_value(finite.max())}"


def percentages(probs: npt.ArrayLike) -> list[int]:
    """Whole percentages that add to exactly 100 (largest remainder), for probabilities that sum to 1.

    Rounding each one alone can show 30 % + 32 % + 39 % = 101 %: the lecture says a softmax sums to one.
    """
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float64).reshape(-1), nan=0.0), 0.0, None)
    if p.size == 0:
        return []
    total = p.sum()
    if total <= 0:
        return [0] * p.size
    exact = 100.0 * p / total
    floors = np.floor(exact).astype(int)
    short = 100 - int(floors.sum())
    # ties go to the earlier class, so the result does not depend on floating-point noise in the order
    order = sorted(range(p.size), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return [int(v) for v in floors]


def first_example(arr: np.ndarray) -> np.ndarray:
    """The first example of a batch, as a flat vector (probabilities and scores are shown per example)."""
    arr = np.asarray(arr, dtype=np.float64)
    while arr.ndim > 1:
        arr = arr[0]
    return arr


def class_name(names: Sequence[str] | None, i: int) -> str:
    """The name of class i, or 'class i' when the graph names none."""
    return names[i] if names is not None and 0 <= i < len(names) else f"class {i}"


def main_text(value: np.ndarray | None, kind: str = "auto", class_names: Sequence[str] | None = None,
              words: Sequence[tuple[str, int]] = ()) -> str:
    """The one value a node shows when zoomed out: a number, a short vector, a class with its probability."""
    if value is None:
        return ""
    arr = np.asarray(value, dtype=np.float64)
    if kind == "probs" and arr.size > 1:
        probs = first_example(arr)
        best = int(np.argmax(probs))
        return f"{class_name(class_names, best)} {percentages(probs)[best]} %"
    if kind == "scores" and arr.size > 1:
        scores = first_example(arr)
        best = int(np.argmax(scores))
        return f"{class_name(class_names, best)} {fmt_value(scores[best])}"
    if words:
        return f"{len(words)} words" if len(words) > 1 else f"1 word: {words[0][0]}"
    if arr.size == 1:
        return fmt_value(arr.reshape(-1)[0])
    rows = entry_rows(arr, 4)
    if rows is not None and len(rows) == 1:
        return "(" + ", ".join(rows[0]) + ")"
    return shape_text(arr.shape)
