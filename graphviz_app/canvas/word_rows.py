"""A sequence's value drawn as the rows that hold words, each labelled by its word on the left.

Which rows and which labels is the engine's rule (engine/replay/sequences.py, panels.sequence_*); the HTML lesson
shows the same rows. A row is one line of text tall, so each word reads at the size of the numbers.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from engine.replay.looks import heatmap_cells
from engine.replay.panels import PanelContent, sequence_caption, sequence_cells, sequence_marks

from ..theme import Theme
from .heatmap import MAX_CELLS_X, draw_cells

SEPARATOR = "  ·  "


def caption_lines(parts: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    """The caption's parts joined by ' · ' into as few lines as fit `width` (a part never split)."""
    lines: list[str] = []
    for part in parts:
        joined = lines[-1] + SEPARATOR + part if lines else part
        if lines and measure(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def _labels(content: PanelContent) -> tuple[str, ...]:
    return content.rows.labels if content.rows is not None else ()


def sequence_width(content: PanelContent, measure: Callable[[str], float], gap: float, strip: float) -> float:
    """Width that shows every label beside a heatmap at least `strip` wide, and each caption part whole."""
    labels = max((measure(label) for label in _labels(content)), default=0.0)
    parts = max(measure(part) for part in sequence_caption(content))
    return max(labels + gap + strip if labels else 0.0, parts)


def draw_sequence(painter: QPainter, content: PanelContent, theme: Theme, width: float, line: float,
                  measure: Callable[[str], float]) -> float:
    """Draw labels and heatmap rows, then the caption, at the painter's origin; returns the height."""
    labels = _labels(content)
    y = 0.0
    if labels:
        label_w = max(measure(label) for label in labels)
        gap = measure("  ")
        cells = sequence_cells(content)
        _, rows, cols = heatmap_cells(cells.shape, len(labels), MAX_CELLS_X)
        painter.setPen(QColor(theme.node_text))
        for i, label in enumerate(labels):
            painter.drawText(QRectF(0, i * line, label_w, line), Qt.AlignLeft | Qt.AlignVCenter, label)
        strip = QRectF(label_w + gap, 0, max(1.0, width - label_w - gap), len(labels) * line)
        draw_cells(painter, cells[np.ix_(rows, cols)], strip, theme, content.color, sequence_marks(content), cols)
        y = strip.height() + 2 * theme.scale
    painter.setPen(QColor(content.color))
    for text in caption_lines(sequence_caption(content), width, measure):
        painter.drawText(QRectF(0, y, width, line), Qt.AlignLeft | Qt.AlignVCenter, text)
        y += line
    return y
