"""Heatmap strips for arrays too large to write out: cell colours, one image per strip, winner marks."""
from __future__ import annotations

import numpy as np
from typing import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from engine.replay.looks import HEATMAP_COLUMNS, HEATMAP_ROWS, heatmap_cells

from ..theme import Theme

MAX_CELLS_X = HEATMAP_COLUMNS
MAX_CELLS_Y = HEATMAP_ROWS
MAX_MARKED_ROWS = 32  # a heatmap with marks shows every row (e.g. each time step of a max-pool's input)
CELL_PIXELS = 4  # image pixels per cell side: the picture stays blocky even where a viewer smooths it
NEGATIVE = "#8e6bbf"  # negative entries in heatmaps: apart from both the forward and backward colours


def _rgb(color: str | QColor) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def cell_colors(grid: np.ndarray, vmax: float, color: str, base: str, vmin: float = 0.0) -> np.ndarray:
    """RGB (uint8, grid.shape + (3,)) of heatmap cells: base at |v| = vmin, `color` (violet if negative) at vmax."""
    finite = np.isfinite(grid)
    size = np.abs(np.where(finite, grid, 0.0))
    if vmax > vmin:
        t = np.clip((size - vmin) / (vmax - vmin), 0.0, 1.0)
    else:  # every cell the same size: all full colour (or all blank when they are all zero)
        t = (size > 0).astype(np.float64)
    t[~finite] = 0.0
    target = np.where((grid < 0)[..., None], _rgb(NEGATIVE), _rgb(color))
    start = _rgb(base)
    return np.round(start + (target - start) * t[..., None]).astype(np.uint8)


def color_range(grid: np.ndarray) -> tuple[float, float]:
    """(vmin, vmax) of |v| for the colour scale: from zero, or from the smallest |v| when all share a sign.

    A sigmoid's outputs (all near 0.5) would otherwise be one flat colour; the caption gives the range.
    """
    values = grid[np.isfinite(grid)]
    if values.size == 0:
        return 0.0, 0.0
    size = np.abs(values)
    one_sign = bool(np.all(values >= 0) or np.all(values <= 0))
    return (float(size.min()) if one_sign else 0.0), float(size.max())


def grid_index(arr: np.ndarray, max_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(2-D view of arr, shown rows, shown columns): at most max_rows × MAX_CELLS_X evenly spaced cells (the
    engine's sampling, as the lesson's heatmaps)."""
    grid_shape, rows, cols = heatmap_cells(arr.shape, max_rows, MAX_CELLS_X)
    return arr.reshape(grid_shape), rows, cols


def heatmap_image(cells: np.ndarray) -> QImage:
    """An image of RGB cells, CELL_PIXELS square each (its own copy of the pixels)."""
    big = np.repeat(np.repeat(cells, CELL_PIXELS, axis=0), CELL_PIXELS, axis=1)
    rgba = np.empty(big.shape[:2] + (4,), dtype=np.uint8)
    rgba[..., :3], rgba[..., 3] = big, 255
    h, w = rgba.shape[:2]
    data = rgba.tobytes()  # must outlive the QImage that reads it until copy() has run
    image = QImage(data, w, h, 4 * w, QImage.Format_RGBA8888)
    return image.copy()


def strip_height(arr: np.ndarray, theme: Theme, marked: bool) -> float:
    """Height of the heatmap strip of `arr` (all rows when marked, else at most MAX_CELLS_Y)."""
    _, rows, _ = grid_index(arr, MAX_MARKED_ROWS if marked else MAX_CELLS_Y)
    return rows.size * _cell_height(rows.size, theme)


def _cell_height(rows: int, theme: Theme) -> float:
    if rows > MAX_CELLS_Y:  # many rows (marked heatmaps only): shorter cells, a bounded height
        return max(4.0, min(7.0, 100.0 / rows)) * theme.scale
    return (7 if rows > 1 else 10) * theme.scale


def draw_strip(painter: QPainter, arr: np.ndarray, theme: Theme, width: float, color: str,
               marks: tuple[tuple[int, int], ...] = ()) -> float:
    """Draw the heatmap strip at the painter's origin, `width` wide; returns its height."""
    full, rows, cols = grid_index(arr, MAX_MARKED_ROWS if marks else MAX_CELLS_Y)
    cell_h = _cell_height(rows.size, theme)
    row_at = {int(r): i for i, r in enumerate(rows)}
    shown = [(row_at[r], c) for r, c in marks if r in row_at]
    draw_cells(painter, full[np.ix_(rows, cols)], QRectF(0, 0, width, rows.size * cell_h), theme, color,
               shown, cols)
    return rows.size * cell_h


def draw_cells(painter: QPainter, grid: np.ndarray, rect: QRectF, theme: Theme, color: str,
               marks: Sequence[tuple[int, int]] = (), cols: np.ndarray | None = None) -> None:
    """Draw the cells of `grid` filling `rect`; `marks` are (grid row, array column), `cols` the array columns
    the grid's columns show (all of them when None)."""
    vmin, vmax = color_range(grid)
    # one image for all cells: drawing them one by one cost a Python call per cell
    painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
    painter.drawImage(rect, heatmap_image(cell_colors(grid, vmax, color, theme.node_fill, vmin)))
    cols = np.arange(grid.shape[1]) if cols is None else cols
    col_at = {int(c): j for j, c in enumerate(cols)}
    cells = [(i, col_at[c]) for i, c in marks if c in col_at]
    painter.save()
    painter.translate(rect.topLeft())
    _draw_marks(painter, cells, rect.width() / grid.shape[1], rect.height() / grid.shape[0], theme)
    painter.restore()
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(QColor(theme.node_border), 1.0))
    painter.drawRect(rect)


def _draw_marks(painter: QPainter, cells: list[tuple[int, int]], cell_w: float, cell_h: float,
                theme: Theme) -> None:
    """Outline the marked cells (grid row, grid column): a column left out of a wide heatmap shows no mark."""
    if not cells:
        return
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(QColor(theme.winner), max(1.0, 1.4 * theme.scale)))
    inset = 0.5 * theme.scale
    for i, j in cells:
        painter.drawRect(QRectF(j * cell_w + inset, i * cell_h + inset, cell_w - 2 * inset, cell_h - 2 * inset))
