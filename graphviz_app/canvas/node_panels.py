"""What a node's value panels hold, how wide the node must be for them, and its zoomed-out face.

Zoomed out, a node never shows an empty box: it writes its name and its main value (a number, a short
vector, a class with its probability) in type as large as the box allows.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from engine.replay.panels import grad_prefix, is_scalar, node_contents
from engine.replay.values import main_text

from ..theme import Theme
from .node_display import Display
from .text import Fonts
from .value_panel import PanelContent, natural_width, scalar_pair_width, sequence_pair_width
from .word_rows import is_sequence_pair

MAX_NODE_WIDTH = 300.0  # in theme units: wider content wraps (vectors) rather than crowding the next column
COMPACT_TEXT_PX = 9.5  # below this on-screen size of the value font, a node shows its compact face


def panel_contents(display: Display, name: str, theme: Theme) -> list[PanelContent]:
    """The value panel (forward colour) and the gradient panel (backward colour) of a node, if shown."""
    return node_contents(display.value, display.grad, display.value_kind, name, tuple(display.class_names),
                         display.words, display.hidden_value, display.marks, (theme.forward, theme.backward),
                         display.rows)


def scalar_pair(display: Display) -> bool:
    """A number and its gradient share one line."""
    return is_scalar(display.value) and is_scalar(display.grad) and not display.hidden_value


def content_width(display: Display, name: str, theme: Theme, fonts: Fonts) -> float:
    """Inner width the panels need so that nothing is cut."""
    if scalar_pair(display):
        return scalar_pair_width(display.value, display.grad, grad_prefix(name), theme, fonts)
    contents = panel_contents(display, name, theme)
    if is_sequence_pair(contents):
        return sequence_pair_width(contents, theme, fonts)
    return max((natural_width(c, theme, fonts) for c in panel_contents(display, name, theme)), default=0.0)


@dataclass
class CompactFace:
    """The zoomed-out face of a node: a few lines in fonts sized to fill its box."""

    lines: list[tuple[QRectF, QFont, str, str]]  # (rect, font, text, colour role)

    def paint(self, painter: QPainter, theme: Theme) -> None:
        """Draw the lines centred in their rectangles."""
        colors = {"text": theme.node_text, "forward": theme.forward, "backward": theme.backward}
        for rect, font, text, role in self.lines:
            painter.setFont(font)
            painter.setPen(QColor(colors[role]))
            painter.drawText(rect, Qt.AlignCenter, text)


@lru_cache(maxsize=4096)
def _size_at_100(family: str, weight: int, text: str) -> tuple[float, float]:
    """(advance, height) of `text` at 100 px: sizes scale linearly, so one measurement fits every box."""
    probe = QFont(family)
    probe.setWeight(QFont.Weight(weight))
    probe.setPixelSize(100)
    probe.setHintingPreference(QFont.PreferNoHinting)
    metrics = QFontMetricsF(probe)
    return metrics.horizontalAdvance(text), metrics.height()


def _fitted(base: QFont, text: str, width: float, height: float) -> QFont:
    """`base` at the largest pixel size at which `text` fits width × height."""
    advance, line = _size_at_100(base.family(), base.weight().value, text)
    font = QFont(base)
    font.setPixelSize(max(4, int(min(100.0 * width / max(1.0, advance), 100.0 * height / max(1.0, line)))))
    return font


def compact_face(display: Display, name: str, op_label: str, body: QRectF, theme: Theme,
                 fonts: Fonts) -> CompactFace:
    """Name, then main value and main gradient (or the op, when there is no value), as large as the box allows."""
    names = display.class_names
    lines = [(name, fonts.title, "text")]
    if display.value is None and display.grad is None and not display.hidden_value and op_label:
        lines.append((op_label, fonts.small, "text"))
    if display.hidden_value:
        lines.append(("?", fonts.title, "forward"))
    elif display.value is not None:
        lines.append((main_text(display.value, display.value_kind, names, display.words), fonts.mono, "forward"))
    if display.grad is not None:
        grad_kind = "scores" if display.value_kind in ("probs", "scores") else "auto"
        lines.append(("∂ " + main_text(display.grad, grad_kind, names), fonts.mono, "backward"))
    inner = body.adjusted(6 * theme.scale, 6 * theme.scale, -6 * theme.scale, -4 * theme.scale)
    weights = [1.3] + [1.0] * (len(lines) - 1)
    y, out = inner.top(), []
    for (text, font, role), weight in zip(lines, weights):
        h = inner.height() * weight / sum(weights)
        box = QRectF(inner.left(), y, inner.width(), h)
        out.append((box, _fitted(font, text, inner.width(), h * 0.92), text, role))
        y += h
    return CompactFace(out)


def compact_below(fonts: Fonts) -> float:
    """The zoom below which the compact face is drawn (the value font would be under COMPACT_TEXT_PX)."""
    return COMPACT_TEXT_PX / max(1.0, float(fonts.mono.pixelSize()))
