"""An edge: a smooth cubic curve from an output port to an input port, with an optional label and pulse."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from ..theme import Theme
from .port_item import PORT_RADIUS
from .text import fonts_for


def curve_path(p1: QPointF, p2: QPointF) -> QPainterPath:
    """A left-to-right S curve; it bends out further when the target lies behind the source."""
    dx = p2.x() - p1.x()
    pull = max(40.0, abs(dx) * 0.5) if dx >= 0 else max(80.0, min(260.0, -dx * 0.6 + abs(p2.y() - p1.y()) * 0.2))
    path = QPainterPath(p1)
    path.cubicTo(QPointF(p1.x() + pull, p1.y()), QPointF(p2.x() - pull, p2.y()), p2)
    return path


class EdgeLabelItem(QGraphicsItem):
    """The readable box near an edge's middle (∂L/∂a = 0.25, shapes, weights); drawn above nodes."""

    Type = QGraphicsItem.UserType + 4

    def __init__(self, theme: Theme):
        super().__init__()
        self.text = ""
        self.hidden_text = False
        self.color: QColor | None = None
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Take font and colours from a theme."""
        self.theme, self.font = theme, fonts_for(theme).label
        self.setZValue(theme.z.edge_label)
        self._relayout()

    def set_text(self, text: str, hidden: bool, color: QColor | None) -> None:
        """Show `text` (or "?" when hidden) framed in the edge's colour."""
        self.text, self.hidden_text, self.color = text, hidden, color
        self._relayout()

    def shown_text(self) -> str:
        """The text the box shows right now."""
        return "?" if self.hidden_text else self.text

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        s = self.theme.scale
        metrics = QFontMetricsF(self.font)
        lines = self.shown_text().splitlines() or [""]
        width = max(metrics.horizontalAdvance(line) for line in lines) + 14 * s
        height = metrics.lineSpacing() * len(lines) + 8 * s
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        t, s = self.theme, self.theme.scale
        frame = self.color or QColor(t.edge)
        painter.setPen(QPen(frame, 1.2 * s))
        painter.setBrush(QBrush(QColor(t.label_fill)))
        painter.drawRoundedRect(self._rect, 5 * s, 5 * s)
        painter.setPen(QColor(t.label_text))
        painter.setFont(self.font)
        painter.drawText(self._rect, Qt.AlignCenter, self.shown_text())


class EdgeItem(QGraphicsItem):
    """One edge of the graph; the scene gives it its end points, explain mode gives it labels."""

    Type = QGraphicsItem.UserType + 2

    def __init__(self, edge_id: str, theme: Theme, dashed: bool = False):
        super().__init__()
        self.edge_id = edge_id
        self.dashed = dashed
        self.p1, self.p2 = QPointF(), QPointF(1, 0)
        self.color: str | None = None
        self.width: float | None = None
        self.pulse: tuple[float, QColor] | None = None
        self.label_text: str | None = None
        self.label_hidden = False
        self.label_item: EdgeLabelItem | None = None
        self.setFlag(QGraphicsItem.ItemIsSelectable, not dashed)
        self.theme = theme
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Redraw with another theme."""
        self.theme = theme
        self.setZValue(theme.z.wire if self.dashed else theme.z.edge)
        if self.label_item is not None:
            self.label_item.set_theme(theme)
        self._rebuild()

    def set_endpoints(self, p1: QPointF, p2: QPointF) -> None:
        """Route the curve from p1 (output port) to p2 (input port), in scene coordinates."""
        if p1 == self.p1 and p2 == self.p2:
            return
        self.p1, self.p2 = QPointF(p1), QPointF(p2)
        self._rebuild()

    # ----- display API
    def set_label(self, text: str | None) -> None:
        """Show a (multi-line) label in a box near the middle of the edge, or remove it with None."""
        self.label_text = text
        self._sync_label()

    def set_label_hidden(self, hidden: bool) -> None:
        """Show "?" instead of the label text (predict, then reveal)."""
        self.label_hidden = bool(hidden)
        self._sync_label()

    def set_style(self, color: str | None = None, width: float | None = None) -> None:
        """Tint and thicken the edge (e.g. by gradient magnitude); None keeps the theme's default."""
        self.color, self.width = color, width
        self._rebuild()

    def set_pulse(self, t: float | None, color: str | None = None) -> None:
        """A dot at fraction t (0 = source, 1 = target) of the curve; None hides it."""
        self.pulse = None if t is None else (min(1.0, max(0.0, float(t))), QColor(color or self.theme.forward))
        self.update()

    def clear_display(self) -> None:
        """Remove label, style and pulse."""
        self.label_text, self.label_hidden, self.color, self.width, self.pulse = None, False, None, None, None
        self._sync_label()
        self._rebuild()

    def detach(self) -> None:
        """Remove the label box from the scene (before this item is removed)."""
        if self.label_item is not None and self.label_item.scene() is not None:
            self.label_item.scene().removeItem(self.label_item)
        self.label_item = None

    def _sync_label(self) -> None:
        if self.label_text is None and not self.label_hidden:
            if self.label_item is not None:
                self.label_item.hide()
            return
        if self.label_item is None:
            self.label_item = EdgeLabelItem(self.theme)
            if self.scene() is not None:
                self.scene().addItem(self.label_item)
        self.label_item.set_text(self.label_text or "", self.label_hidden, QColor(self.color) if self.color else None)
        self.label_item.setPos(self._path.pointAtPercent(0.5))
        self.label_item.setVisible(self.isVisible())

    # ----- geometry
    def _pen_width(self) -> float:
        return (self.width if self.width is not None else self.theme.edge_width) * self.theme.scale

    def _rebuild(self) -> None:
        self.prepareGeometryChange()
        s = self.theme.scale
        tip = QPointF(self.p2.x() - PORT_RADIUS * s - 1.5 * s, self.p2.y())
        self._path = curve_path(self.p1, tip)
        size = (5.0 + self._pen_width()) * 1.1
        angle = math.radians(-self._path.angleAtPercent(1.0))  # Qt counts degrees counter-clockwise, y down
        back = QPointF(tip.x() - size * math.cos(angle), tip.y() - size * math.sin(angle))
        normal = QPointF(-math.sin(angle) * size * 0.55, math.cos(angle) * size * 0.55)
        self._arrow = QPolygonF([tip, back + normal, back - normal])
        stroker = QPainterPathStroker()
        stroker.setWidth(max(10.0 * s, self._pen_width() + 6))
        self._shape = stroker.createStroke(self._path)
        self._bounds = self._path.boundingRect().united(self._arrow.boundingRect()).adjusted(-12 * s, -12 * s, 12 * s, 12 * s)
        if self.label_item is not None:
            self.label_item.setPos(self._path.pointAtPercent(0.5))
        self.update()

    def path(self) -> QPainterPath:
        """The curve in scene coordinates."""
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._shape

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemVisibleHasChanged and self.label_item is not None:
            self.label_item.setVisible(bool(value) and (self.label_text is not None or self.label_hidden))
        if change == QGraphicsItem.ItemSceneHasChanged and value is not None and self.label_item is not None \
                and self.label_item.scene() is None:
            value.addItem(self.label_item)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        t = self.theme
        color = QColor(t.edge_selected if self.isSelected() else (self.color or t.edge))
        width = self._pen_width() * (1.5 if self.isSelected() else 1.0)
        pen = QPen(color, width, Qt.DashLine if self.dashed else Qt.SolidLine, Qt.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._arrow)
        if self.pulse is not None:
            t_frac, pulse_color = self.pulse
            painter.setBrush(QBrush(pulse_color))
            painter.setPen(QPen(QColor(t.background), 1.5 * t.scale))
            r = 6.0 * t.scale
            painter.drawEllipse(self._path.pointAtPercent(t_frac), r, r)
