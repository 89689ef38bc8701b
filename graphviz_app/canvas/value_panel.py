"""Pictures of a node's value or gradient: a number, a short vector, a heatmap strip or probability bars."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPicture

from ..theme import Theme
from .text import Fonts

MAX_CELLS_X = 24
MAX_CELLS_Y = 4
MAX_MARKED_ROWS = 32  # a heatmap with marks shows every row (e.g. each time step of a max-pool's input)
CELL_PIXELS = 4  # image pixels per cell side: the picture stays blocky even where a viewer smooths it
MAX_PROB_ROWS = 6
NEGATIVE = "#8e6bbf"  # negative entries in heatmaps: apart from both the forward and backward colours


def fmt_number(v: float) -> str:
    """A number as a lecturer would write it: 3 significant digits and a real minus sign."""
    v = float(v)
    if not np.isfinite(v):
        text = "nan" if np.isnan(v) else ("∞" if v > 0 else "-∞")
    elif v != 0 and (abs(v) >= 1e4 or abs(v) < 1e-3):
        text = f"{v:.2e}"
    else:
        text = f"{v:.3g}"
    return text.replace("-", "−")


def _first_example(arr: np.ndarray) -> np.ndarray:
    """For probability bars a batch shows its first example."""
    while arr.ndim > 1:
        arr = arr[0]
    return arr


def build_panel(value: np.ndarray | None, kind: str, prefix: str, color: str, theme: Theme,
                fonts: Fonts, width: float, class_names: list[str] | None = None,
                hidden: bool = False, marks: tuple[tuple[int, int], ...] = ()) -> tuple[QPicture | None, float]:
    """Record one panel as a QPicture `width` wide; returns (picture, height) or (None, 0).

    `marks` are (row, column) cells of the heatmap (the value seen as rows × last axis) to outline.
    """
    if value is None and not hidden:
        return None, 0.0
    picture = QPicture()
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    s = theme.scale
    if hidden:
        height = _draw_hidden(painter, theme, fonts, width, color)
    else:
        arr = np.asarray(value, dtype=np.float64)
        if kind == "probs" and arr.size > 1:
            height = _draw_probs(painter, _first_example(arr), theme, fonts, width, color, class_names)
        elif arr.size == 1:
            height = _draw_text_line(painter, prefix + fmt_number(arr.reshape(-1)[0]), fonts.mono, color,
                                     width, 20 * s)
        elif arr.size <= 4 and arr.ndim <= 1:
            text = prefix + "[" + ", ".join(fmt_number(v) for v in arr.reshape(-1)) + "]"
            height = _draw_text_line(painter, text, fonts.mono, color, width, 20 * s)
        else:
            height = _draw_heatmap(painter, arr, prefix, theme, fonts, width, color, marks)
    painter.end()
    return picture, height


def is_scalar(value) -> bool:
    """True for a single number (any number of length-1 axes)."""
    return value is not None and np.size(value) == 1


def build_scalar_pair(value, grad, grad_prefix: str, theme: Theme, fonts: Fonts,
                      width: float) -> tuple[QPicture, float]:
    """A number and its gradient on one line: the value left (forward colour), ∂L/∂· right (backward)."""
    picture = QPicture()
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.TextAntialiasing)
    height = 20 * theme.scale
    metrics = QFontMetricsF(fonts.mono)
    value_text = fmt_number(np.reshape(value, -1)[0])
    painter.setFont(fonts.mono)
    painter.setPen(QColor(theme.forward))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignLeft | Qt.AlignVCenter, value_text)
    painter.setPen(QColor(theme.backward))
    room = width - metrics.horizontalAdvance(value_text + "  ")
    grad_text = grad_prefix + fmt_number(np.reshape(grad, -1)[0])
    if metrics.horizontalAdvance(grad_text) > room:  # the number matters more than its name
        grad_text = "∂ " + fmt_number(np.reshape(grad, -1)[0])
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignRight | Qt.AlignVCenter, grad_text)
    painter.end()
    return picture, height


def _draw_text_line(painter: QPainter, text: str, font: QFont, color: str, width: float, height: float) -> float:
    painter.setFont(font)
    painter.setPen(QColor(color))
    text = QFontMetricsF(font).elidedText(text, Qt.ElideRight, width)
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignLeft | Qt.AlignVCenter, text)
    return height


def _draw_hidden(painter: QPainter, theme: Theme, fonts: Fonts, width: float, color: str) -> float:
    height = 22 * theme.scale
    painter.setFont(fonts.title)
    painter.setPen(QColor(color))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignCenter, "?")
    return height


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


def _grid_index(arr: np.ndarray, max_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(2-D view of arr, shown rows, shown columns): at most max_rows × MAX_CELLS_X evenly spaced cells."""
    grid = arr.reshape(1, -1) if arr.ndim <= 1 else arr.reshape(-1, arr.shape[-1])
    rows = np.linspace(0, grid.shape[0] - 1, min(grid.shape[0], max_rows)).round().astype(int)
    cols = np.linspace(0, grid.shape[1] - 1, min(grid.shape[1], MAX_CELLS_X)).round().astype(int)
    return grid, rows, cols


def _grid(arr: np.ndarray) -> np.ndarray:
    """A 2-D view of at most MAX_CELLS_Y × MAX_CELLS_X cells (evenly spaced rows and columns)."""
    grid, rows, cols = _grid_index(arr, MAX_CELLS_Y)
    return grid[np.ix_(rows, cols)]


def heatmap_image(cells: np.ndarray) -> QImage:
    """An image of RGB cells, CELL_PIXELS square each (its own copy of the pixels)."""
    big = np.repeat(np.repeat(cells, CELL_PIXELS, axis=0), CELL_PIXELS, axis=1)
    rgba = np.empty(big.shape[:2] + (4,), dtype=np.uint8)
    rgba[..., :3], rgba[..., 3] = big, 255
    h, w = rgba.shape[:2]
    data = rgba.tobytes()  # must outlive the QImage that reads it until copy() has run
    image = QImage(data, w, h, 4 * w, QImage.Format_RGBA8888)
    return image.copy()


def _draw_heatmap(painter: QPainter, arr: np.ndarray, prefix: str, theme: Theme, fonts: Fonts,
                  width: float, color: str, marks: tuple[tuple[int, int], ...] = ()) -> float:
    s = theme.scale
    full, rows, cols = _grid_index(arr, MAX_MARKED_ROWS if marks else MAX_CELLS_Y)
    grid = full[np.ix_(rows, cols)]
    vmin, vmax = color_range(grid)
    if grid.shape[0] > MAX_CELLS_Y:  # many rows (marked heatmaps only): shorter cells, a bounded height
        cell_h = max(4.0, min(7.0, 100.0 / grid.shape[0])) * s
    else:
        cell_h = (7 if grid.shape[0] > 1 else 10) * s
    cell_w = width / grid.shape[1]
    top = grid.shape[0] * cell_h
    # one image for all cells: drawing them one by one cost a Python call per cell
    painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
    painter.drawImage(QRectF(0, 0, width, top), heatmap_image(cell_colors(grid, vmax, color, theme.node_fill, vmin)))
    _draw_marks(painter, marks, rows, cols, cell_w, cell_h, theme)
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(QColor(theme.node_border), 1.0))
    painter.drawRect(QRectF(0, 0, width, top))
    finite_all = arr[np.isfinite(arr)]
    lo = fmt_number(finite_all.min()) if finite_all.size else "nan"
    hi = fmt_number(finite_all.max()) if finite_all.size else "nan"
    caption = f"{prefix}{'×'.join(map(str, arr.shape))}  {lo} … {hi}"
    return top + 1 * s + _caption(painter, caption, fonts, color, width, top + 1 * s, 15 * s)


def _draw_marks(painter: QPainter, marks, rows: np.ndarray, cols: np.ndarray, cell_w: float, cell_h: float,
                theme: Theme) -> None:
    """Outline the marked cells that are shown (a column left out of a wide heatmap shows no mark)."""
    row_at = {int(r): i for i, r in enumerate(rows)}
    col_at = {int(c): j for j, c in enumerate(cols)}
    shown = [(row_at[r], col_at[c]) for r, c in marks if r in row_at and c in col_at]
    if not shown:
        return
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(QColor(theme.winner), max(1.0, 1.4 * theme.scale)))
    inset = 0.5 * theme.scale
    for i, j in shown:
        painter.drawRect(QRectF(j * cell_w + inset, i * cell_h + inset, cell_w - 2 * inset, cell_h - 2 * inset))


def _caption(painter: QPainter, text: str, fonts: Fonts, color: str, width: float, y: float, h: float) -> float:
    painter.setFont(fonts.mono)
    painter.setPen(QColor(color))
    text = QFontMetricsF(fonts.mono).elidedText(text, Qt.ElideRight, width)
    painter.drawText(QRectF(0, y, width, h), Qt.AlignLeft | Qt.AlignVCenter, text)
    return h


def _draw_probs(painter: QPainter, probs: np.ndarray, theme: Theme, fonts: Fonts, width: float,
                color: str, class_names: list[str] | None) -> float:
    s = theme.scale
    names = list(class_names or [])
    order = np.argsort(-probs, kind="stable")[:MAX_PROB_ROWS] if probs.size > MAX_PROB_ROWS else range(probs.size)
    row_h, name_w, pct_w = 15 * s, width * 0.38, 36 * s
    bar_w = max(10.0, width - name_w - pct_w - 4 * s)
    metrics = QFontMetricsF(fonts.mono)
    best = int(np.argmax(probs))
    for row, i in enumerate(order):
        y = row * row_h
        label = names[i] if i < len(names) else f"class {i}"
        painter.setFont(fonts.mono)
        painter.setPen(QColor(theme.node_text))
        painter.drawText(QRectF(0, y, name_w, row_h), Qt.AlignLeft | Qt.AlignVCenter,
                         metrics.elidedText(label, Qt.ElideRight, name_w - 4 * s))
        track = QRectF(name_w, y + 3.5 * s, bar_w, row_h - 7 * s)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(QColor(theme.grid_major)))
        painter.drawRoundedRect(track, 3 * s, 3 * s)
        fill = QColor(color if i == best else theme.node_subtext)
        painter.setBrush(QBrush(fill))
        p = float(np.clip(probs[i], 0.0, 1.0)) if np.isfinite(probs[i]) else 0.0
        painter.drawRoundedRect(QRectF(track.left(), track.top(), track.width() * p, track.height()), 3 * s, 3 * s)
        painter.setFont(fonts.mono)
        painter.setPen(QColor(theme.node_text))
        painter.drawText(QRectF(width - pct_w, y, pct_w, row_h), Qt.AlignRight | Qt.AlignVCenter,
                         f"{100 * p:.0f}%")
    return len(list(order)) * row_h + 2 * s
