"""A sequence's value drawn as the rows that hold words, each labelled by its word on the left.

Which rows and which labels is the engine's rule (engine/replay/sequences.py, panels.sequence_*); the HTML lesson
shows the same rows. A row is one line of text tall, so each word reads at the size of the numbers. A value and
its gradient share the labels: two heatmaps side by side, so the node stays short enough for a projector and a
class sees which words the gradient reaches.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from engine.replay.looks import heatmap_cells
from engine.replay.panels import (PanelContent, joined_caption, panel_layout, sequence_caption, sequence_cells,
                                  sequence_marks)

from ..theme import Theme
from .heatmap import MAX_CELLS_X, draw_cells

Measure = Callable[[str], float]


def caption_lines(parts: list[str], width: float, measure: Measure) -> list[str]:
    """The caption's parts joined as engine.replay.panels.joined_caption joins them, into as few lines as fit
    `width` (a part never split)."""
    lines: list[str] = []
    for part in parts:
        joined = joined_caption([lines[-1], part]) if lines else part
        if lines and measure(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def is_sequence_pair(contents: Sequence[PanelContent]) -> bool:
    """A value and its gradient that are both word rows: drawn as one picture with one column of labels."""
    return len(contents) == 2 and all(panel_layout(c) == "sequence" for c in contents)


def _labels(content: PanelContent) -> tuple[str, ...]:
    return content.rows.labels if content.rows is not None else ()


def _captions(contents: Sequence[PanelContent]) -> list[tuple[PanelContent, list[str]]]:
    """Each content's caption parts; a gradient beside its value says only its name and range (same rows)."""
    out = [(contents[0], sequence_caption(contents[0]))]
    for content in contents[1:]:
        parts = sequence_caption(content)
        out.append((content, [parts[0], parts[-1]] if len(parts) > 2 else parts))
    return out


def sequence_width(contents: Sequence[PanelContent], measure: Measure, gap: float, strip: float) -> float:
    """Width that shows every label beside one heatmap per content at least `strip` wide, and each caption
    part whole."""
    labels = max((measure(label) for label in _labels(contents[0])), default=0.0)
    need = labels + len(contents) * (gap + strip) if labels else 0.0
    for _, parts in _captions(contents):
        need = max(need, *(measure(part) for part in parts))
    return need


def draw_sequence(painter: QPainter, contents: Sequence[PanelContent], theme: Theme, width: float, line: float,
                  row: float, measure: Measure) -> float:
    """Draw the labels and one heatmap per content side by side (rows `row` tall), then each caption (`line`
    apart) in its content's colour, at the painter's origin; returns the height."""
    labels = _labels(contents[0])
    y = 0.0
    if labels:
        label_w = max(measure(label) for label in labels)
        gap = measure("  ")
        painter.setPen(QColor(theme.node_text))
        for i, label in enumerate(labels):
            painter.drawText(QRectF(0, i * row, label_w, row), Qt.AlignLeft | Qt.AlignVCenter, label)
        strip_w = max(1.0, (width - label_w - len(contents) * gap) / len(contents))
        for k, content in enumerate(contents):
            cells = sequence_cells(content)
            _, rows, cols = heatmap_cells(cells.shape, len(labels), MAX_CELLS_X)
            strip = QRectF(label_w + gap + k * (strip_w + gap), 0, strip_w, len(labels) * row)
            draw_cells(painter, cells[np.ix_(rows, cols)], strip, theme, content.color, sequence_marks(content), cols)
        y = len(labels) * row + 2 * theme.scale
    for content, parts in _captions(contents):
        painter.setPen(QColor(content.color))
        for text in caption_lines(parts, width, measure):
            painter.drawText(QRectF(0, y, width, line), Qt.AlignLeft | Qt.AlignVCenter, text)
            y += line
    return y
