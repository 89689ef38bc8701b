"""A region: a soft translucent rounded shape behind its nodes, titled at the top-left (encoder f(x))."""
from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from ..theme import Theme
from .region_shape import region_outline
from .text import fonts_for, static_text

PAD = 14.0
TITLE_H = 28.0
RADIUS = 12.0


def _position(name: str, title: str) -> int | None:
    """Where `name` occurs in `title` as a whole name (x is not in "Wx"), or None."""
    if not name:
        return None
    found = re.search(rf"(?<![\w\u0370-\u03ff]){re.escape(name)}(?![\w\u0370-\u03ff])", title)
    return None if found is None else found.start()


class RegionItem(QGraphicsItem):
    """One region; the scene gives it its members' boxes, the scene's backdrop paints it."""

    Type = QGraphicsItem.UserType + 6

    def __init__(self, region_id: str, title: str, color: str, theme: Theme, is_block: bool = False):
        super().__init__()
        self.region_id = region_id
        self.title = title
        self.color = color
        self.is_block = is_block
        self.member_ids: list[str] = []
        self.member_names: list[str] = []  # the members' names, in member_ids order (the scene keeps them)
        self._path = QPainterPath()
        self._tab = QRectF()
        # the scene's cached backdrop draws regions; the item is only there for clicks on the title
        self.setFlag(QGraphicsItem.ItemHasNoContents, True)
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Redraw with another theme."""
        self.theme = theme
        self.fonts = fonts_for(theme)
        self.setZValue(theme.z.region)
        self._title_text = static_text(self.title, self.fonts.title)

    def set_title(self, title: str, color: str, is_block: bool) -> None:
        """Show a new title or colour."""
        if (title, color, is_block) != (self.title, self.color, self.is_block):
            self.title, self.color, self.is_block = title, color, is_block
            self._title_text = static_text(self.title, self.fonts.title)
            self._backdrop_changed()

    def title_size(self) -> QRectF:
        """The size of the title tab (text plus margins)."""
        s = self.theme.scale
        width = QFontMetricsF(self.fonts.title).horizontalAdvance(self.title) + 26 * s
        return QRectF(0, 0, width, TITLE_H * s)

    def set_members(self, members: list[QRectF], links: set[tuple[int, int]], obstacles: list[QRectF]) -> None:
        """Shape the region around its members' boxes (scene coordinates), keeping clear of `obstacles`."""
        s = self.theme.scale
        path, tab = region_outline(members, obstacles, PAD * s, RADIUS * s, self.title_size(), self._named_member())
        old = self.sceneBoundingRect()
        self.prepareGeometryChange()
        origin = path.boundingRect().topLeft()
        self.setPos(origin)
        self._path = path.translated(-origin)
        self._tab = QRectF(tab - origin, self.title_size().size())
        self._backdrop_changed(old)

    def _named_member(self) -> int | None:
        """Index of the member the title names first ("hidden a = σ(Wx)" names a): the title goes above it."""
        if len(self.member_names) != len(self.member_ids):
            return None
        found = [(at, i) for i, name in enumerate(self.member_names) if (at := _position(name, self.title)) is not None]
        return min(found)[1] if found else None

    def title_rect(self) -> QRectF:
        """Where the title sits (item coordinates); clicks there select the members."""
        return self._tab

    def outline(self) -> QPainterPath:
        """The region's shape in item coordinates."""
        return self._path

    def _backdrop_changed(self, old: QRectF | None = None) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "invalidate_backdrop"):
            rect = self.sceneBoundingRect()
            scene.invalidate_backdrop(rect.united(old) if old is not None else rect)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        tab = QPainterPath()
        tab.addRect(self._tab)
        return tab

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemVisibleHasChanged:
            self._backdrop_changed()
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pass  # drawn by the scene's backdrop (see draw)

    def draw(self, painter: QPainter) -> None:
        """Paint the region in its own coordinates (the backdrop translates the painter to pos())."""
        t, s = self.theme, self.theme.scale
        fill = QColor(self.color)
        fill.setAlpha(t.region_alpha)
        border = QColor(self.color)
        border.setAlpha(140)
        painter.setPen(QPen(border, 1.3 * s, Qt.DashLine if self.is_block else Qt.SolidLine))
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._path)
        title = QColor(self.color).darker(140) if t.name != "dark" else QColor(self.color).lighter(125)
        painter.setPen(title)
        painter.setFont(self.fonts.title)
        text_h = self._title_text.size().height()
        top = self._tab.top() + (self._tab.height() - text_h) / 2 + 2 * s
        painter.drawStaticText(QPointF(self._tab.left() + 13 * s, top), self._title_text)

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
