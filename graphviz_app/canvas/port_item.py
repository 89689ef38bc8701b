"""A port: the small circle on a node's edge where a wire starts (output) or ends (input)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from ..theme import Theme
from .text import fonts_for

PORT_RADIUS = 5.0
HIT_RADIUS = 11.0


def draw_port(painter: QPainter, center: QPointF, theme: Theme, connected: bool,
              highlight: str | None = None, hovered: bool = False) -> None:
    """One port circle: filled when connected, hollow when free, green/grey while a wire is dragged."""
    r = PORT_RADIUS * theme.scale
    color = QColor(theme.port)
    if highlight == "valid":
        color, r = QColor(theme.port_valid), r * 1.6
    elif highlight == "invalid":
        color = QColor(theme.port_invalid)
    elif hovered:
        color, r = QColor(theme.selection), r * 1.3
    painter.setPen(QPen(color, max(1.0, theme.line_width * theme.scale)))
    filled = connected or highlight == "valid" or hovered
    painter.setBrush(QBrush(color) if filled else QBrush(QColor(theme.node_fill)))
    painter.drawEllipse(center, r, r)


class PortItem(QGraphicsItem):
    """One input (left side) or the output (right side) of a node; knows its node id and port name.

    The node paints plain ports itself (inside its cached picture); a port item paints only while it
    is hovered or lit up as a wire target, so an idle canvas has no per-port paint calls.
    """

    Type = QGraphicsItem.UserType + 3

    def __init__(self, parent: QGraphicsItem, node_id: str, name: str, is_output: bool, theme: Theme):
        super().__init__(parent)
        self.node_id = node_id
        self.name = name
        self.is_output = is_output
        self.connected = False
        self.highlight: str | None = None  # None, "valid" or "invalid" while a wire is dragged
        self._hovered = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CrossCursor)
        self.setFlag(QGraphicsItem.ItemHasNoContents, True)
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Take sizes and colours from a theme."""
        self.prepareGeometryChange()
        self.theme = theme
        self.radius = PORT_RADIUS * theme.scale
        self.hit = HIT_RADIUS * theme.scale
        self._rect = QRectF(-self.hit, -self.hit, 2 * self.hit, 2 * self.hit)
        self._shape = QPainterPath()
        self._shape.addEllipse(self._rect)
        self._name_rect = self._name_box()
        self.update()

    def _name_box(self) -> QRectF:
        """Where the hovered port writes its name: inside the node next to an input, outside after the output."""
        font = fonts_for(self.theme).port
        metrics = QFontMetricsF(font)
        width, height = metrics.horizontalAdvance(self.name) + 10 * self.theme.scale, metrics.height() + 4
        x = self.hit + 2 if self.is_output else self.hit
        return QRectF(x, -height / 2, width, height)

    def boundingRect(self) -> QRectF:
        return self._rect.united(self._name_rect) if self._hovered else self._rect

    def set_connected(self, connected: bool) -> None:
        """A connected port is drawn filled, a free one hollow."""
        if connected != self.connected:
            self.connected = connected
            parent = self.parentItem()
            if parent is not None:
                parent.refresh() if hasattr(parent, "refresh") else parent.update()

    def set_highlight(self, state: str | None) -> None:
        """Light the port up as a valid or invalid target while a wire is dragged."""
        if state != self.highlight:
            self.highlight = state
            self._sync_contents()

    def anchor(self) -> QPointF:
        """Where wires attach, in scene coordinates."""
        return self.scenePos()

    def shape(self) -> QPainterPath:
        return self._shape

    def _sync_contents(self) -> None:
        lit = bool(self.highlight or self._hovered)
        if not lit and self.scene() is not None:
            # Qt repaints no part of an item without contents: clear the ring where it was drawn
            self.scene().update(self.sceneBoundingRect())
        self.setFlag(QGraphicsItem.ItemHasNoContents, not lit)
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        draw_port(painter, QPointF(0, 0), self.theme, self.connected, self.highlight, self._hovered)
        if self._hovered:
            t = self.theme
            painter.setPen(QPen(QColor(t.selection), 1.0))
            painter.setBrush(QBrush(QColor(t.label_fill)))
            painter.drawRoundedRect(self._name_rect, 4 * t.scale, 4 * t.scale)
            painter.setPen(QColor(t.label_text))
            painter.setFont(fonts_for(t).port)
            painter.drawText(self._name_rect, Qt.AlignCenter, self.name)

    def shown_name(self) -> str | None:
        """The port's name while it is hovered (it is off the canvas otherwise), else None."""
        return self.name if self._hovered else None

    def hoverEnterEvent(self, event) -> None:
        self.prepareGeometryChange()
        self._hovered = True
        self.setZValue(1)  # the name goes over the node's own picture
        self._sync_contents()

    def hoverLeaveEvent(self, event) -> None:
        self.prepareGeometryChange()
        self._hovered = False
        self.setZValue(0)
        self._sync_contents()
