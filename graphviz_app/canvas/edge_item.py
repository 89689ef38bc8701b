"""An edge: a smooth cubic curve from an output port to an input port, with an optional label and pulse."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen,
                           QPolygonF, QTransform)
from PySide6.QtWidgets import QGraphicsItem

from engine.replay.looks import curve_controls

from ..theme import Theme
from .port_item import PORT_RADIUS
from .text import fonts_for

FLATTEN = 4.0  # flatten curves as if zoomed 4×, so the polylines stay smooth when zoomed in
CHUNK = 12  # points per polyline piece
THIN_PIXELS = 1.25  # strokes thinner than this on screen are drawn as 1-pixel cosmetic lines
COMPACT_LABEL_PX = 10.0  # below this on-screen size of its font, a label shows its compact text, large
COMPACT_GROWTH = 2.4  # the compact text may be this much larger than the label font (within the label's width)


def curve_path(p1: QPointF, p2: QPointF) -> QPainterPath:
    """A left-to-right S curve; it bends out further when the target lies behind the source (the engine's
    curve, which the lesson page draws too)."""
    c1, c2 = curve_controls((p1.x(), p1.y()), (p2.x(), p2.y()))
    path = QPainterPath(p1)
    path.cubicTo(QPointF(*c1), QPointF(*c2), p2)
    return path


def _chunks(path: QPainterPath, margin: float) -> list[tuple[QRectF, QPolygonF]]:
    """The curve flattened finely and cut into short polylines, each with its (padded) bounds."""
    fine = path.toSubpathPolygons(QTransform.fromScale(FLATTEN, FLATTEN))
    if not fine:
        return []
    points = QTransform.fromScale(1 / FLATTEN, 1 / FLATTEN).map(fine[0])
    out = []
    for start in range(0, max(1, points.size() - 1), CHUNK):
        piece = QPolygonF(points.mid(start, CHUNK + 1))
        out.append((piece.boundingRect().adjusted(-margin, -margin, margin, margin), piece))
    return out


# where a label may sit: (fraction of the curve, shift up (-1) or down (+1) by half its height)
LABEL_SPOTS = [(0.5, 0), (0.5, -1), (0.5, 1), (0.35, 0), (0.65, 0), (0.35, -1), (0.65, -1),
               (0.35, 1), (0.65, 1), (0.2, -1), (0.8, -1)]


def _covered(scene, rect: QRectF, me: QGraphicsItem) -> float:
    """Area of node boxes and other labels that a label placed at `rect` would hide."""
    area = 0.0
    for item in scene.items(rect):
        if item is me or not item.isVisible() or item.parentItem() is not None:
            continue
        if isinstance(item, EdgeLabelItem) or hasattr(item, "body"):
            other = item.sceneBoundingRect() if isinstance(item, EdgeLabelItem) else item.mapRectToScene(item.body)
            part = rect.intersected(other)
            area += max(0.0, part.width()) * max(0.0, part.height())
    return area


class EdgeLabelItem(QGraphicsItem):
    """The readable box near an edge's middle (∂L/∂a = 0.25, shapes, weights); drawn above nodes."""

    Type = QGraphicsItem.UserType + 4

    def __init__(self, theme: Theme):
        super().__init__()
        self.text = ""
        self.compact = ""
        self.hidden_text = False
        self.color: QColor | None = None
        self._leader: QPointF | None = None  # item coordinates of the edge point a displaced label points to
        # a label is redrawn as a cached bitmap: its text layout is the costly part of a frame
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    def set_theme(self, theme: Theme) -> None:
        """Take font and colours from a theme."""
        self.theme, self.font = theme, fonts_for(theme).label
        self.setZValue(theme.z.edge_label)
        self._relayout()

    def set_text(self, text: str, hidden: bool, color: QColor | None, compact: str | None = None) -> None:
        """Show `text` (or "?" when hidden) framed in the edge's colour; `compact` replaces it when zoomed out."""
        compact = compact if compact else text
        if (text, hidden, color, compact) == (self.text, self.hidden_text, self.color, self.compact):
            return
        self.text, self.hidden_text, self.color, self.compact = text, hidden, color, compact
        self._relayout()

    def shown_text(self) -> str:
        """The text the box shows right now (at a readable zoom)."""
        return "?" if self.hidden_text else self.text

    def compact_text(self) -> str:
        """What the box shows zoomed out: the product alone."""
        return "?" if self.hidden_text else self.compact

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        s = self.theme.scale
        self._rect = _text_box(self.shown_text(), self.font, s)
        self._compact_font = _grown(self.font, self.compact_text(), self._rect.width() - 14 * s)
        self._compact_rect = _text_box(self.compact_text(), self._compact_font, s)
        self.update()

    def label_rect(self) -> QRectF:
        """The box of the full label (item coordinates): what must stay clear of nodes and other labels."""
        return QRectF(self._rect)

    def box_rect(self) -> QRectF:
        """Room the label needs at any zoom (its full and its zoomed-out box), item coordinates."""
        return self._rect.united(self._compact_rect)

    def compact_below(self) -> float:
        """The zoom below which the compact text is drawn."""
        return COMPACT_LABEL_PX / max(1.0, float(self.font.pixelSize()))

    def place(self, pos: QPointF, leader: QPointF | None = None) -> None:
        """Centre the label at `pos` (scene); with `leader`, a thin line runs from it to that point of its edge."""
        self.prepareGeometryChange()
        self.setPos(pos)
        self._leader = None if leader is None else QPointF(leader - pos)
        self.update()

    def leader(self) -> QPointF | None:
        """The scene point the leader line goes to, or None when the label sits on its edge."""
        return None if self._leader is None else self.pos() + self._leader

    def boundingRect(self) -> QRectF:
        rect = self._rect.united(self._compact_rect)
        if self._leader is not None:
            rect = rect.united(QRectF(self._leader, self._leader).adjusted(-4, -4, 4, 4))
        return rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        t, s = self.theme, self.theme.scale
        compact = option.levelOfDetailFromTransform(painter.worldTransform()) < self.compact_below()
        rect, font = (self._compact_rect, self._compact_font) if compact else (self._rect, self.font)
        frame = self.color or QColor(t.edge)
        if self._leader is not None:
            self._paint_leader(painter, rect, frame)
        painter.setPen(QPen(frame, 1.2 * s))
        painter.setBrush(QBrush(QColor(t.label_fill)))
        painter.drawRoundedRect(rect, 5 * s, 5 * s)
        painter.setPen(QColor(t.label_text))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignCenter, self.compact_text() if compact else self.shown_text())


    def _paint_leader(self, painter: QPainter, rect: QRectF, color: QColor) -> None:
        """A dashed line from the box to the edge point, ending in a dot on the edge."""
        s, end = self.theme.scale, self._leader
        start = QPointF(min(max(end.x(), rect.left()), rect.right()), min(max(end.y(), rect.top()), rect.bottom()))
        painter.setPen(QPen(color, 1.2 * s, Qt.DashLine))
        painter.drawLine(start, end)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawEllipse(end, 3 * s, 3 * s)


def _text_box(text: str, font: QFont, s: float) -> QRectF:
    """A box around (multi-line) text, centred on the origin."""
    metrics = QFontMetricsF(font)
    lines = text.splitlines() or [""]
    width = max(metrics.horizontalAdvance(line) for line in lines) + 14 * s
    height = metrics.lineSpacing() * len(lines) + 8 * s
    return QRectF(-width / 2, -height / 2, width, height)


def _grown(font: QFont, text: str, room: float) -> QFont:
    """`font` made up to COMPACT_GROWTH times larger, as far as `text` still fits `room` wide."""
    metrics = QFontMetricsF(font)
    widest = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0.0)
    factor = max(1.0, min(COMPACT_GROWTH, room / widest if widest > 0 else COMPACT_GROWTH))
    grown = QFont(font)
    grown.setPixelSize(max(1, int(font.pixelSize() * factor)))
    return grown


class EdgeItem(QGraphicsItem):
    """One edge of the graph; the scene gives it its end points, explain mode gives it labels."""

    Type = QGraphicsItem.UserType + 2

    def __init__(self, edge_id: str, theme: Theme, dashed: bool = False):
        super().__init__()
        self.edge_id = edge_id
        self.dashed = dashed
        self.p1: QPointF | None = None
        self.p2: QPointF | None = None
        self.color: str | None = None
        self.width: float | None = None
        self.pulse: tuple[float, QColor] | None = None
        self.label_text: str | None = None
        self.label_compact: str | None = None
        self.label_hidden = False
        self.label_item: EdgeLabelItem | None = None
        self.setFlag(QGraphicsItem.ItemIsSelectable, not dashed)
        self._path = QPainterPath()
        self._chunks: list[tuple[QRectF, QPolygonF]] = []
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self._shape: QPainterPath | None = None
        self.theme = theme
        self.set_theme(theme)
        self._sync_contents()

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
    def set_label(self, text: str | None, compact: str | None = None) -> None:
        """Show a (multi-line) label in a box near the middle of the edge, or remove it with None.

        `compact` is what the box shows when zoomed out (the product alone); by default the text itself.
        """
        self.label_text = text
        self.label_compact = compact
        self._sync_label()

    def set_label_hidden(self, hidden: bool) -> None:
        """Show "?" instead of the label text (predict, then reveal)."""
        self.label_hidden = bool(hidden)
        self._sync_label()

    def set_style(self, color: str | None = None, width: float | None = None) -> None:
        """Tint and thicken the edge (e.g. by gradient magnitude); None keeps the theme's default."""
        if (color, width) == (self.color, self.width):
            return
        self.color, self.width = color, width
        self._rebuild()
        self._sync_contents()

    def set_pulse(self, t: float | None, color: str | None = None) -> None:
        """A dot at fraction t (0 = source, 1 = target) of the curve; None hides it."""
        self.pulse = None if t is None else (min(1.0, max(0.0, float(t))), QColor(color or self.theme.forward))
        self._sync_contents()
        self.update()

    def clear_display(self) -> None:
        """Remove label, style and pulse."""
        styled = self.color is not None or self.width is not None
        self.label_text, self.label_hidden, self.color, self.width, self.pulse = None, False, None, None, None
        self._sync_label()
        if styled:  # an edge that was never styled keeps its geometry: a large graph clears hundreds
            self._rebuild()
        self._sync_contents()

    def is_plain(self) -> bool:
        """True when the edge looks like every other edge (one colour and width: one path while zooming)."""
        return self.in_backdrop() and not (self.color or self.width is not None)

    def in_backdrop(self) -> bool:
        """True when the scene's cached backdrop draws the edge (all but wires, selected and pulsing edges)."""
        return not (self.dashed or self.isSelected() or self.pulse)

    def _sync_contents(self) -> None:
        # Edges that stay still are drawn by the scene's cached backdrop; only changing ones paint here.
        plain = self.in_backdrop()
        if bool(self.flags() & QGraphicsItem.ItemHasNoContents) != plain:
            self.setFlag(QGraphicsItem.ItemHasNoContents, plain)
            self._backdrop_changed(self._bounds)

    def _backdrop_changed(self, rect: QRectF) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "invalidate_backdrop"):
            scene.invalidate_backdrop(rect)

    def _place_label(self) -> None:
        """Put the label on the curve where it hides the least of the nodes and other labels around it."""
        label, scene = self.label_item, self.scene()
        box = label.boundingRect()
        best, best_cost = self._path.pointAtPercent(0.5), None
        for t, shift in LABEL_SPOTS:
            spot = self._path.pointAtPercent(t) + QPointF(0, shift * (box.height() / 2 + 3))
            cost = 0.0 if scene is None else _covered(scene, box.translated(spot), label)
            if best_cost is None or cost < best_cost - 1.0:
                best, best_cost = spot, cost
            if cost == 0.0:
                break
        label.place(best)

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
        self.label_item.set_text(self.label_text or "", self.label_hidden, QColor(self.color) if self.color else None,
                                 self.label_compact)
        # on the edge for now: whoever shows labels places them all at once (canvas/label_place.py)
        self.label_item.place(self._path.pointAtPercent(0.5))
        self.label_item.setVisible(self.isVisible())

    # ----- geometry
    def _pen_width(self) -> float:
        return (self.width if self.width is not None else self.theme.edge_width) * self.theme.scale

    def _rebuild(self) -> None:
        if self.p1 is None:
            return  # no end points yet: the scene sets them right after creating the item
        self.prepareGeometryChange()
        old = QRectF(self._bounds)
        s = self.theme.scale
        tip = QPointF(self.p2.x() - PORT_RADIUS * s - 1.5 * s, self.p2.y())
        self._path = curve_path(self.p1, tip)
        size = (5.0 + self._pen_width()) * 1.1
        angle = math.radians(-self._path.angleAtPercent(1.0))  # Qt counts degrees counter-clockwise, y down
        back = QPointF(tip.x() - size * math.cos(angle), tip.y() - size * math.sin(angle))
        normal = QPointF(-math.sin(angle) * size * 0.55, math.cos(angle) * size * 0.55)
        self._arrow = QPolygonF([tip, back + normal, back - normal])
        self._chunks = _chunks(self._path, self._pen_width() + 2.0)
        self._shape = None  # made on the first hit test: a drag reroutes many edges that nobody clicks
        margin = 12 * s
        outline = self._path.boundingRect().united(self._arrow.boundingRect())
        self._bounds = outline.adjusted(-margin, -margin, margin, margin)
        if self.label_item is not None and self.label_item.isVisible():
            self._place_label()
        if self.in_backdrop() and self.isVisible():
            self._backdrop_changed(old.united(self._bounds))
        self.update()

    def path(self) -> QPainterPath:
        """The curve in scene coordinates."""
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(max(10.0 * self.theme.scale, self._pen_width() + 6))
            self._shape = stroker.createStroke(self._path)
        return self._shape

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemSelectedHasChanged:
            self._sync_contents()
        if change == QGraphicsItem.ItemVisibleHasChanged:
            self._backdrop_changed(self._bounds)
        if change == QGraphicsItem.ItemVisibleHasChanged and self.label_item is not None:
            self.label_item.setVisible(bool(value) and (self.label_text is not None or self.label_hidden))
        if change == QGraphicsItem.ItemSceneHasChanged and value is not None and self.label_item is not None \
                and self.label_item.scene() is None:
            value.addItem(self.label_item)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        self.draw(painter, option.levelOfDetailFromTransform(painter.worldTransform()))

    def draw(self, painter: QPainter, lod: float, fast: bool = False, pieces: list[QRectF] | None = None) -> None:
        """Draw the curve, arrowhead and pulse; `fast` uses a one-pixel line (while zooming).

        With `pieces` (the parts of the view being redrawn) only the stretches of the curve inside
        them are stroked: scrolling redraws thin strips, and a wide anti-aliased stroke costs per length.
        """
        t = self.theme
        color = QColor(t.edge_selected if self.isSelected() else (self.color or t.edge))
        width = self._pen_width() * (1.5 if self.isSelected() else 1.0)
        pen = QPen(color, width, Qt.DashLine if self.dashed else Qt.SolidLine, Qt.RoundCap)
        if fast or width * lod <= THIN_PIXELS:
            # a one-pixel cosmetic line takes the rasteriser's fast path; wider strokes cost ~10×
            pen.setWidthF(1.0)
            pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        for bounds, polyline in self._chunks:
            if pieces is None or any(bounds.intersects(p) for p in pieces):
                painter.drawPolyline(polyline)
        if lod >= 0.45:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(color))
            painter.drawPolygon(self._arrow)
        if self.pulse is not None:
            t_frac, pulse_color = self.pulse
            painter.setBrush(QBrush(pulse_color))
            painter.setPen(QPen(QColor(t.background), 1.5 * t.scale))
            r = 6.0 * t.scale
            painter.drawEllipse(self._path.pointAtPercent(t_frac), r, r)
