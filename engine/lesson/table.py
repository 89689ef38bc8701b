"""The lesson's shared tables: each distinct string, heatmap and node or edge look is stored once.

A frame of the lesson is then a short list of small integers per node and edge, which keeps a lesson of
several examples small (the MLP lesson is a few dozen kilobytes).
"""
from __future__ import annotations

from typing import Any, Hashable

import numpy as np

from ..replay.labels import fmt_num
from ..replay.looks import HEATMAP_ROWS, heatmap_cells

DIGITS = 3  # significant digits of every number the page draws (colours and heatmaps)


def rounded(values: Any, digits: int = DIGITS) -> list[float | None]:
    """Numbers flattened and rounded to `digits` significant digits; nan and ±∞ become None (JSON null)."""
    out: list[float | None] = []
    for v in np.reshape(np.asarray(values, dtype=np.float64), -1):
        out.append(float(f"{v:.{digits}g}") if np.isfinite(v) else None)
    return out


def sampled_grid(arr: np.ndarray, max_rows: int = HEATMAP_ROWS) -> np.ndarray:
    """The cells of the array a heatmap shows: the canvas's sampling (engine.replay.looks.heatmap_cells)."""
    arr = np.asarray(arr, dtype=np.float64)
    shape, rows, cols = heatmap_cells(arr.shape, max(1, max_rows))
    return arr.reshape(shape)[np.ix_(rows, cols)]


class Table:
    """Interned strings, heatmaps and looks; `to_json()` gives the three lists the page reads."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.grids: list[dict[str, Any]] = []
        self.looks: dict[str, list[list[int]]] = {"node": [], "edge": []}
        self._index: dict[Hashable, int] = {}

    def _intern(self, key: Hashable, store: list, item: Any) -> int:
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(store)
            store.append(item)
        return found

    def text(self, text: str | None) -> int:
        """Index of a string in the table; -1 for None (nothing shown)."""
        return -1 if text is None else self._intern(("s", text), self.strings, text)

    def grid(self, cells: np.ndarray, caption: str, names: list[str] | None = None,
             row_names: list[str] | None = None) -> int:
        """Index of a heatmap with its caption; with `names`, probability bars (one name per bar); with
        `row_names`, a label left of each row (the words of a sequence)."""
        values = rounded(cells)
        shape = [int(cells.shape[0]), int(cells.shape[1])] if cells.ndim == 2 else [1, len(values)]
        key = ("g", tuple(shape), tuple(values), caption, tuple(names or ()), tuple(row_names or ()))
        texts = [self.text(fmt_num(v, DIGITS)) for v in np.reshape(cells, -1)]
        item: dict[str, Any] = {"shape": shape, "v": values, "t": texts, "caption": caption}
        if names:
            item["names"] = list(names)
        if row_names:
            item["rows"] = list(row_names)
        return self._intern(key, self.grids, item)

    def look(self, kind: str, fields: tuple[int, ...]) -> int:
        """Index of a node look or an edge look (a tuple of small integers)."""
        return self._intern(("l", kind, fields), self.looks[kind], list(fields))

    def to_json(self) -> dict[str, Any]:
        """The tables as plain lists for the page."""
        return {"strings": self.strings, "grids": self.grids, "nodeLooks": self.looks["node"],
                "edgeLooks": self.looks["edge"]}
