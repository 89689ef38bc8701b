"""Small marks drawn on nodes: the red shape-error mark (with its message as tooltip) and corner badges."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from ..theme import Theme
from .text import Fonts


class ErrorMark(QGraphicsItem):
    """A red circle with "!" on a node whose shape inference failed; hover shows the message."""

    Type = QGraphicsItem.UserType + 5

    def __init__(self, parent: QGraphicsItem, theme: Theme, fonts: Fonts):
        super().__init__(parent)
        self.message = ""
        self.set_theme(theme, fonts)
        self.setAcceptHoverEvents(True)
        self.hide()

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme, fonts: Fonts) -> None:
        """Take colour, size and font from a theme."""
        self.prepareGeometryChange()
        self.theme, self.font = theme, fonts.badge
        self.radius = 8.0 * theme.scale
        self.update()

    def set_message(self, message: str | None) -> None:
        """Show the mark with this message as tooltip, or hide it with None."""
        self.message = message or ""
        self.setToolTip(self.message)
        self.setVisible(bool(message))

    def boundingRect(self) -> QRectF:
        r = self.radius + 1
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(QColor(self.theme.error)))
        painter.drawEllipse(QPointF(0, 0), self.radius, self.radius)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self.font)
        painter.drawText(self.boundingRect(), Qt.AlignCenter, "!")


TONES = ("info", "ok", "fail")


def badge_rect(text: str, fonts: Fonts, theme: Theme, anchor: QPointF) -> QRectF:
    """The pill a badge occupies, centred vertically on `anchor` and ending at its x."""
    s = theme.scale
    metrics = QFontMetricsF(fonts.badge)
    width = metrics.horizontalAdvance(text) + 12 * s
    height = metrics.height() + 3 * s
    return QRectF(anchor.x() - width, anchor.y() - height / 2, width, height)


def draw_badge(painter: QPainter, rect: QRectF, text: str, tone: str, theme: Theme, fonts: Fonts) -> None:
    """Draw a badge pill: white text on the tone's colour."""
    color = {"ok": theme.ok, "fail": theme.error}.get(tone, theme.info)
    painter.setPen(QPen(QColor(theme.background), 1.5 * theme.scale))
    painter.setBrush(QBrush(QColor(color)))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(fonts.badge)
    painter.drawText(rect, Qt.AlignCenter, text)
