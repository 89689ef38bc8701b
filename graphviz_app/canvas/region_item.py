"""A region: a soft translucent rounded rectangle behind its nodes, titled at the top-left (encoder f(x))."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from ..theme import Theme
from .text import elide, fonts_for, static_text

PAD = 18.0
TITLE_H = 26.0


class RegionItem(QGraphicsItem):
    """The picture of one region; the scene sets its rectangle from its member nodes."""

    Type = QGraphicsItem.UserType + 6

    def __init__(self, region_id: str, title: str, color: str, theme: Theme, is_block: bool = False):
        super().__init__()
        self.region_id = region_id
        self.title = title
        self.color = color
        self.is_block = is_block
        self.member_ids: list[str] = []
        self._rect = QRectF()
        self.setAcceptHoverEvents(False)
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Redraw with another theme."""
        self.theme = theme
        self.fonts = fonts_for(theme)
        self.setZValue(theme.z.region)
        self._relayout()

    def set_title(self, title: str, color: str, is_block: bool) -> None:
        """Show a new title or colour."""
        self.title, self.color, self.is_block = title, color, is_block
        self._relayout()

    def set_members_rect(self, members: QRectF) -> None:
        """Fit around the union of the member nodes' boxes (scene coordinates)."""
        s = self.theme.scale
        rect = members.adjusted(-PAD * s, -(PAD + TITLE_H) * s, PAD * s, PAD * s)
        self.setPos(rect.topLeft())
        local = QRectF(0, 0, rect.width(), rect.height())
        if local != self._rect:
            self._rect = local
            self._relayout()

    def title_rect(self) -> QRectF:
        """The strip at the top that holds the title (clicks there select the members)."""
        s = self.theme.scale
        return QRectF(self._rect.left(), self._rect.top(), self._rect.width(), TITLE_H * s + 6 * s)

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        s = self.theme.scale
        room = max(10.0, self._rect.width() - 24 * s)
        self._title_text = static_text(elide(self.title, self.fonts.title, room), self.fonts.title)
        self._path = QPainterPath()
        self._path.addRoundedRect(self._rect, 14 * s, 14 * s)
        self._shape = QPainterPath()
        self._shape.addRect(self.title_rect())
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(self, painter: QPainter, option, widget=None) -> None:
        t, s = self.theme, self.theme.scale
        fill = QColor(self.color)
        fill.setAlpha(t.region_alpha)
        border = QColor(self.color)
        border.setAlpha(150)
        pen = QPen(border, 1.4 * s, Qt.DashLine if self.is_block else Qt.SolidLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._path)
        title = QColor(self.color).darker(135) if t.name != "dark" else QColor(self.color).lighter(130)
        painter.setPen(title)
        painter.setFont(self.fonts.title)
        painter.drawStaticText(QPointF(12 * s, 7 * s), self._title_text)

    def mousePressEvent(self, event) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "select_nodes"):
            scene.select_nodes(self.member_ids, add=bool(event.modifiers() & Qt.ControlModifier))
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        scene = self.scene()
        if self.is_block and scene is not None and hasattr(scene, "toggle_block"):
            scene.toggle_block(self.region_id)
        event.accept()
