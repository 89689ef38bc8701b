"""Pictures of a node's value or gradient, written as numbers wherever numbers fit.

What a panel says is the engine's (engine/replay/panels.py: the HTML lesson writes the same rows); this
draws it. Nothing is cut short: each panel says how wide it needs to be, and the node grows to that width
(up to a limit, past which vectors wrap into more rows).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPicture

from engine.replay.panels import (PanelContent, class_rows, grid_rows, heatmap_caption, panel_heading,
                                  panel_layout, word_rows)
from engine.replay.values import first_example, fmt_value

from ..theme import Theme
from .heatmap import draw_strip, strip_height
from .word_rows import draw_sequence, sequence_width
from .text import Fonts

fmt_number = fmt_value  # one formatting of numbers for the canvas and the captions


class _Metrics:
    """Sizes shared by the panel layouts of one theme."""

    def __init__(self, theme: Theme, fonts: Fonts):
        self.font = fonts.mono
        self.metrics = QFontMetricsF(fonts.mono)
        self.line = self.metrics.height() + 3 * theme.scale
        self.gap = self.metrics.horizontalAdvance("  ")
        self.s = theme.scale

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text)


def natural_width(content: PanelContent, theme: Theme, fonts: Fonts) -> float:
    """How wide the panel must be to show everything without cutting a word or a number."""
    if content.value is None and not content.hidden:
        return 0.0
    m, layout = _Metrics(theme, fonts), panel_layout(content)
    if layout == "hidden":
        return 20 * m.s
    if layout == "scalar":
        return m.width(content.prefix + fmt_value(np.reshape(content.value, -1)[0]))
    head = m.width(panel_heading(content))
    if layout in ("probs", "classes", "words"):
        rows = class_rows(content) if layout != "words" else word_rows(content)
        names = max(m.width(a) for _, a, _ in rows)
        numbers = max(m.width(b) for _, _, b in rows)
        bar = 40 * m.s if layout == "probs" else 0.0
        return max(head, names + m.gap + bar + (m.gap if bar else 0.0) + numbers)
    if layout == "grid":
        rows = grid_rows(content)
        cell = max(m.width(t) for row in rows for t in row)
        columns = max(len(row) for row in rows)
        return max(head, columns * cell + (columns - 1) * m.gap)
    if layout == "sequence":
        return sequence_width([content], m.width, m.gap, 90 * m.s)
    shape, span = heatmap_caption(content)
    return max(90 * m.s, m.width(shape), m.width(span))


def build_panel(content: PanelContent, theme: Theme, fonts: Fonts, width: float) -> tuple[QPicture | None, float]:
    """Record the panel as a QPicture `width` wide; returns (picture, height), or (None, 0) with no value."""
    if content.value is None and not content.hidden:
        return None, 0.0
    picture = QPicture()
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.setFont(fonts.mono)
    m, layout = _Metrics(theme, fonts), panel_layout(content)
    if layout == "hidden":
        height = _draw_hidden(painter, fonts, content.color, width, theme)
    elif layout == "scalar":
        text = content.prefix + fmt_value(np.reshape(content.value, -1)[0])
        height = _line(painter, m, text, content.color, 0.0, width)
    elif layout == "heatmap":
        height = _draw_heatmap(painter, m, content, theme, width)
    elif layout == "sequence":
        height = draw_sequence(painter, [content], theme, width, m.metrics.height() + m.s, m.metrics.height(), m.width)
    else:
        height = _draw_rows(painter, m, content, layout, theme, width)
    painter.end()
    return picture, height


def _line(painter: QPainter, m: _Metrics, text: str, color: str, y: float, width: float,
          align=Qt.AlignLeft) -> float:
    painter.setPen(QColor(color))
    painter.drawText(QRectF(0, y, width, m.line), align | Qt.AlignVCenter, text)
    return m.line


def _draw_rows(painter: QPainter, m: _Metrics, content: PanelContent, layout: str, theme: Theme,
               width: float) -> float:
    y = 0.0
    heading = panel_heading(content)
    if heading:
        y += _line(painter, m, heading, content.color, y, width)
    if layout == "grid":
        return y + _draw_grid(painter, m, grid_rows(content), content.color, y, width)
    rows = class_rows(content) if layout != "words" else word_rows(content)
    best = int(np.argmax(first_example(np.asarray(content.value)))) if layout == "probs" else -1
    values = first_example(np.asarray(content.value, dtype=np.float64))
    names_w = max(m.width(a) for _, a, _ in rows)
    numbers_w = max(m.width(b) for _, _, b in rows)
    for i, name, number in rows:
        painter.setPen(QColor(theme.node_text))
        painter.drawText(QRectF(0, y, names_w, m.line), Qt.AlignLeft | Qt.AlignVCenter, name)
        if layout == "probs":
            _draw_bar(painter, m, values[i], content.color if i == best else theme.node_subtext, theme,
                      QRectF(names_w + m.gap, y, width - names_w - numbers_w - 2 * m.gap, m.line))
        _line(painter, m, number, content.color, y, width, Qt.AlignRight)
        y += m.line
    return y + 2 * m.s


def _draw_grid(painter: QPainter, m: _Metrics, rows: list[list[str]], color: str, y: float, width: float) -> float:
    cell = max(m.width(t) for row in rows for t in row)
    least = m.gap / 2  # one space: numbers closer than their natural two spaces still fit before a row wraps
    rows = _wrapped(rows, max(1, int((width + least) // (cell + least))))
    columns = max(len(row) for row in rows)
    gap = m.gap if columns < 2 else max(least, min(2 * m.gap, (width - columns * cell) / (columns - 1)))
    painter.setPen(QColor(color))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            rect = QRectF(j * (cell + gap), y + i * m.line, cell, m.line)
            painter.drawText(rect, Qt.AlignRight | Qt.AlignVCenter, text)
    return len(rows) * m.line


def _wrapped(rows: list[list[str]], columns: int) -> list[list[str]]:
    """Each row cut into rows of at most `columns` entries: a node at its widest wraps numbers, never cuts them."""
    out = []
    for row in filter(None, rows):
        even = -(-len(row) // -(-len(row) // columns))  # the fewest rows, filled evenly: 2 + 2 rather than 3 + 1
        out += [row[i:i + even] for i in range(0, len(row), even)]
    return out


def _draw_bar(painter: QPainter, m: _Metrics, p: float, color: str, theme: Theme, cell: QRectF) -> None:
    track = cell.adjusted(0, 4 * m.s, 0, -4 * m.s)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QBrush(QColor(theme.grid_major)))
    painter.drawRoundedRect(track, 3 * m.s, 3 * m.s)
    share = float(np.clip(p, 0.0, 1.0)) if np.isfinite(p) else 0.0
    painter.setBrush(QBrush(QColor(color)))
    painter.drawRoundedRect(QRectF(track.left(), track.top(), track.width() * share, track.height()), 3 * m.s, 3 * m.s)
    painter.setBrush(Qt.NoBrush)


def _draw_heatmap(painter: QPainter, m: _Metrics, content: PanelContent, theme: Theme, width: float) -> float:
    arr = np.asarray(content.value, dtype=np.float64)
    top = draw_strip(painter, arr, theme, width, content.color, content.marks)
    shape, span = heatmap_caption(content)
    one_line = f"{shape}   {span}"
    y = top + 1 * m.s
    if m.width(one_line) <= width:
        return y + _line(painter, m, one_line, content.color, y, width)
    y += _line(painter, m, shape, content.color, y, width)
    return y + _line(painter, m, span, content.color, y, width)


def heatmap_height(content: PanelContent, theme: Theme) -> float:
    """Height of a heatmap strip alone (for tests and layout checks)."""
    return strip_height(np.asarray(content.value, dtype=np.float64), theme, bool(content.marks))


def _draw_hidden(painter: QPainter, fonts: Fonts, color: str, width: float, theme: Theme) -> float:
    height = 22 * theme.scale
    painter.setFont(fonts.title)
    painter.setPen(QColor(color))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignCenter, "?")
    return height


def build_sequence_pair(contents: list[PanelContent], theme: Theme, fonts: Fonts,
                        width: float) -> tuple[QPicture, float]:
    """A sequence's value and gradient as one picture: the words once, the two heatmaps side by side."""
    picture = QPicture()
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.setFont(fonts.mono)
    m = _Metrics(theme, fonts)
    height = draw_sequence(painter, contents, theme, width, m.metrics.height() + m.s, m.metrics.height(), m.width)
    painter.end()
    return picture, height


def sequence_pair_width(contents: list[PanelContent], theme: Theme, fonts: Fonts) -> float:
    """Width the words and both heatmaps of a sequence pair need."""
    m = _Metrics(theme, fonts)
    return sequence_width(contents, m.width, m.gap, 40 * m.s)


def build_scalar_pair(value, grad, grad_prefix: str, theme: Theme, fonts: Fonts,
                      width: float) -> tuple[QPicture, float]:
    """A number and its gradient on one line: the value left (forward colour), ∂L/∂· right (backward)."""
    picture = QPicture()
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.TextAntialiasing)
    m = _Metrics(theme, fonts)
    painter.setFont(fonts.mono)
    _line(painter, m, fmt_value(np.reshape(value, -1)[0]), theme.forward, 0.0, width)
    _line(painter, m, grad_prefix + fmt_value(np.reshape(grad, -1)[0]), theme.backward, 0.0, width, Qt.AlignRight)
    painter.end()
    return picture, m.line


def scalar_pair_width(value, grad, grad_prefix: str, theme: Theme, fonts: Fonts) -> float:
    """Width the value and its gradient need on one line."""
    m = _Metrics(theme, fonts)
    return m.width(fmt_value(np.reshape(value, -1)[0])) + 2 * m.gap + \
        m.width(grad_prefix + fmt_value(np.reshape(grad, -1)[0]))
