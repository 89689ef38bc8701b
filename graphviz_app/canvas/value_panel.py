"""Pictures of a node's value or gradient: a number, a short vector, a heatmap strip or probability bars."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPicture

from ..theme import Theme
from .text import Fonts

MAX_CELLS_X = 24
MAX_CELLS_Y = 4
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
                hidden: bool = False) -> tuple[QPicture | None, float]:
    """Record one panel as a QPicture `width` wide; returns (picture, height) or (None, 0)."""
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
            height = _draw_heatmap(painter, arr, prefix, theme, fonts, width, color)
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


def _cell_color(v: float, vmax: float, color: QColor, base: QColor) -> QColor:
    t = 0.0 if vmax <= 0 or not np.isfinite(v) else min(1.0, abs(v) / vmax)
    target = color if v >= 0 else QColor(NEGATIVE)
    return QColor(round(base.red() + (target.red() - base.red()) * t),
                  round(base.green() + (target.green() - base.green()) * t),
                  round(base.blue() + (target.blue() - base.blue()) * t))


def _grid(arr: np.ndarray) -> np.ndarray:
    """A 2-D view of at most MAX_CELLS_Y × MAX_CELLS_X cells (evenly spaced rows and columns)."""
    grid = arr.reshape(1, -1) if arr.ndim <= 1 else arr.reshape(-1, arr.shape[-1])
    rows = np.linspace(0, grid.shape[0] - 1, min(grid.shape[0], MAX_CELLS_Y)).round().astype(int)
    cols = np.linspace(0, grid.shape[1] - 1, min(grid.shape[1], MAX_CELLS_X)).round().astype(int)
    return grid[np.ix_(rows, cols)]


def _draw_heatmap(painter: QPainter, arr: np.ndarray, prefix: str, theme: Theme, fonts: Fonts,
                  width: float, color: str) -> float:
    s = theme.scale
    grid = _grid(arr)
    finite = np.abs(grid[np.isfinite(grid)])
    vmax = float(finite.max()) if finite.size else 0.0
    cell_h = (7 if grid.shape[0] > 1 else 10) * s
    cell_w = width / grid.shape[1]
    base, tint = QColor(theme.node_fill), QColor(color)
    painter.setPen(Qt.NoPen)
    for r in range(grid.shape[0]):
        for c in range(grid.shape[1]):
            painter.setBrush(QBrush(_cell_color(grid[r, c], vmax, tint, base)))
            painter.drawRect(QRectF(c * cell_w, r * cell_h, cell_w + 0.5, cell_h + 0.5))
    top = grid.shape[0] * cell_h
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(QColor(theme.node_border), 1.0))
    painter.drawRect(QRectF(0, 0, width, top))
    finite_all = arr[np.isfinite(arr)]
    lo = fmt_number(finite_all.min()) if finite_all.size else "nan"
    hi = fmt_number(finite_all.max()) if finite_all.size else "nan"
    caption = f"{prefix}{'×'.join(map(str, arr.shape))}  {lo} … {hi}"
    return top + 1 * s + _caption(painter, caption, fonts, color, width, top + 1 * s, 15 * s)


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
