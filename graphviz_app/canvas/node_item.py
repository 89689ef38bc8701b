"""A node on the canvas: a rounded box with its name, op, ports and output shape, plus display overlays."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ..theme import Theme
from .marks import ErrorMark, badge_rect, draw_badge
from .node_display import Display, NodeDisplay
from .node_panels import (MAX_NODE_WIDTH, compact_below, compact_face, content_width, grad_prefix,
                          panel_contents, scalar_pair)
from .port_item import PortItem, draw_port
from .text import elide, fonts_for, static_text
from .value_panel import build_panel, build_scalar_pair, build_sequence_pair
from .word_rows import is_sequence_pair

OP_WIDTH, SOURCE_WIDTH = 156.0, 132.0
# resolutions of the picture drawn while zooming: the largest not far above the zoom (a 150 ms gesture)
SPRITE_SCALES = (1.5, 0.75, 0.4, 0.2)


@dataclass
class NodeLook:
    """What a node item shows, taken from the model by the scene."""

    node_id: str
    name: str
    op_label: str
    category: str
    inputs: list[str] = field(default_factory=list)
    style: str = "op"  # op, param, source or block
    tooltip: str = ""


class NodeItem(NodeDisplay, QGraphicsItem):
    """The picture of one graph node; it reports moves to the scene and computes nothing."""

    Type = QGraphicsItem.UserType + 1

    def __init__(self, look: NodeLook, theme: Theme, shape_text: str = ""):
        super().__init__()
        self.look = look
        self.node_id = look.node_id
        self.setToolTip(look.tooltip)
        self.shape_text = shape_text
        self.error: str | None = None
        self.display = Display()
        self.inputs: dict[str, PortItem] = {}
        self.output: PortItem | None = None
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self._fast = False
        self._sprite: QPixmap | None = None
        self._sprite_scale = 0.0
        self._panel_cache: dict[str, tuple] = {}  # panel → (settings, arrays shown, (picture, height))
        self.setAcceptHoverEvents(True)
        self.theme = theme
        self.fonts = fonts_for(theme)
        self.error_mark = ErrorMark(self, theme, self.fonts)
        self._make_ports()
        self.set_theme(theme)

    def type(self) -> int:
        return self.Type

    # ----- model-driven updates (called by the scene)
    def set_look(self, look: NodeLook) -> None:
        """Show a new name, op or port list."""
        rebuild = look.inputs != self.look.inputs
        self.look = look
        self.setToolTip(look.tooltip)
        if rebuild:
            self._make_ports()
        self._relayout()

    def set_theme(self, theme: Theme) -> None:
        """Redraw everything with another theme."""
        self.theme = theme
        self.fonts = fonts_for(theme)
        self.error_mark.set_theme(theme, self.fonts)
        for port in self.ports():
            port.set_theme(theme)
        self.setZValue(theme.z.node)
        self._relayout()

    def set_shape_text(self, text: str) -> None:
        """The output shape written next to the output port (e.g. B×3)."""
        if text != self.shape_text:
            self.shape_text = text
            self._relayout()

    def set_error(self, message: str | None) -> None:
        """Show or clear the red shape-error mark; the message becomes its tooltip."""
        if message != self.error:
            self.error = message
            self.error_mark.set_message(message)
            self._relayout()

    def compact_texts(self) -> list[str]:
        """The lines of the zoomed-out face: name, main value, main gradient."""
        return [text for _, _, text, _ in self._compact.lines]

    def displayed_texts(self) -> list[str]:
        """The texts currently drawn on the node (for tests and accessibility)."""
        texts = [self.look.name, self.look.op_label, self.shape_text]
        if self.display.badge:
            texts.append(self.display.badge)
        return [t for t in texts if t]

    # ----- ports
    def ports(self) -> list[PortItem]:
        """Every port item, inputs first."""
        return list(self.inputs.values()) + ([self.output] if self.output else [])

    def _make_ports(self) -> None:
        for port in self.ports():
            port.setParentItem(None)
            if port.scene() is not None:
                port.scene().removeItem(port)
        self.inputs = {name: PortItem(self, self.node_id, name, False, self.theme) for name in self.look.inputs}
        self.output = PortItem(self, self.node_id, "out", True, self.theme)

    # ----- geometry
    def _relayout(self) -> None:
        self.prepareGeometryChange()
        old_body = QRectF(getattr(self, "body", QRectF()))
        f, s = self.fonts, self.theme.scale
        pad, row_h = 11 * s, 21 * s
        width = self._width(pad)
        name_h = f.metrics(f.title).height()
        header_h = 7 * s + name_h + f.metrics(f.small_caps).height() + 5 * s
        rows = max(1, len(self.look.inputs))
        box = QRectF(-width / 2, -(header_h + rows * row_h + 7 * s) / 2, width, header_h + rows * row_h + 7 * s)
        self.box = box
        for i, port in enumerate(self.inputs.values()):
            port.setPos(box.left(), box.top() + header_h + (i + 0.5) * row_h)
        self.output.setPos(box.right(), box.top() + header_h + rows * row_h / 2)
        self.error_mark.setPos(box.right() - pad - 2 * s, box.top() + 7 * s + name_h / 2)
        self._layout_texts(box, pad, name_h, header_h, row_h)
        self._layout_panels(box, pad)
        self._compact = compact_face(self.display, self.look.name, self.look.op_label, self.body, self.theme, f)
        if not self.isSelected():  # a node showing values may overlap the one below: keep it readable
            self.setZValue(self.theme.z.node + (1 if self._panels or self.display.badge else 0))
        self._make_paths()
        self.refresh()
        scene = self.scene()
        if self.body != old_body and scene is not None and hasattr(scene, "node_item_resized"):
            scene.node_item_resized(self)

    def _width(self, pad: float) -> float:
        """Wide enough for the name and every value panel, between the style's width and MAX_NODE_WIDTH."""
        f, s = self.fonts, self.theme.scale
        base = (SOURCE_WIDTH if self.look.style in ("param", "source") else OP_WIDTH) * s
        name = f.metrics(f.title).horizontalAdvance(self.look.name) + (20 * s if self.error else 0)
        need = max(name, content_width(self.display, self.look.name, self.theme, f)) + 2 * pad + 2 * s
        return max(base, min(need, MAX_NODE_WIDTH * s))

    def _layout_texts(self, box: QRectF, pad: float, name_h: float, header_h: float, row_h: float) -> None:
        f, s = self.fonts, self.theme.scale
        name_room = box.width() - 2 * pad - (20 * s if self.error else 0)
        # small capitals would turn σ into Σ: only plain Latin op names get them
        op_font = f.small_caps if self.look.op_label.isascii() else f.small
        self._texts: list[tuple[QPointF, QStaticText, QFont, str]] = [
            (QPointF(box.left() + pad, box.top() + 7 * s),
             static_text(elide(self.look.name, f.title, name_room), f.title), f.title, "text"),
            (QPointF(box.left() + pad, box.top() + 7 * s + name_h), static_text(self.look.op_label, op_font),
             op_font, "sub"),
        ]
        # port names stay off the canvas (they clashed with the lecture's symbols): a hovered port shows its name
        if self.shape_text:
            shape_st = static_text(self.shape_text, f.mono)
            x = box.right() - 10 * s - shape_st.size().width()
            y = self.output.pos().y() - shape_st.size().height() / 2
            self._texts.append((QPointF(x, y), shape_st, f.mono, "sub"))

    def _layout_panels(self, box: QRectF, pad: float) -> None:
        t, s, d = self.theme, self.theme.scale, self.display
        inner = box.width() - 2 * pad
        prefix = grad_prefix(self.look.name)
        common = (id(t), inner, prefix)
        if scalar_pair(d) and content_width(d, self.look.name, t, self.fonts) <= inner:
            pictures = [self._cached_panel("pair", (d.value, d.grad), common, lambda: build_scalar_pair(
                d.value, d.grad, prefix, t, self.fonts, inner))]
        elif is_sequence_pair(contents := panel_contents(d, self.look.name, t)):
            pictures = [self._cached_panel("words", (d.value, d.grad), common + (replace(contents[0], value=None),),
                                           lambda: build_sequence_pair(contents, t, self.fonts, inner))]
        else:
            pictures = [self._cached_panel(f"panel{i}", (c.value,), common + (replace(c, value=None),),
                                           lambda c=c: build_panel(c, t, self.fonts, inner))
                        for i, c in enumerate(panel_contents(d, self.look.name, t))]
        pictures = [(pic, h) for pic, h in pictures if pic is not None]
        # parameters sit above the op they feed, with free space above them: their numbers go up there
        self._panels_above = self.look.style == "param"
        self._panels: list[tuple[QPointF, object]] = []
        total = sum(h + 6 * s for _, h in pictures) + (2 * s if pictures else 0)
        y = box.top() - total + 2 * s if self._panels_above else box.bottom()
        for pic, h in pictures:
            self._panels.append((QPointF(box.left() + pad, y + 4 * s), pic))
            y += h + 6 * s
        top = box.top() - total if self._panels_above else box.top()
        self.body = QRectF(box.left(), top, box.width(), box.height() + total)
        self._badge_rect = None
        if d.badge:
            self._badge_rect = badge_rect(d.badge, self.fonts, t, QPointF(box.right() + 6 * s, top))

    def _cached_panel(self, slot: str, arrays: tuple, key: tuple, build) -> tuple:
        """The panel picture for `slot`, rebuilt only when its arrays (by identity) or `key` changed."""
        cached = self._panel_cache.get(slot)
        if cached is not None and cached[0] == key and all(a is b for a, b in zip(cached[1], arrays)):
            return cached[2]
        result = build()
        self._panel_cache[slot] = (key, arrays, result)
        return result

    def _make_paths(self) -> None:
        s, body = self.theme.scale, self.body
        radius = {"param": min(body.height() / 2, 20 * s), "block": 11 * s}.get(self.look.style, 8 * s)
        self._body_path = QPainterPath()
        self._body_path.addRoundedRect(body, radius, radius)
        band = QPainterPath()
        band.addRect(QRectF(body.left(), body.top(), body.width(), 4 * s))
        self._accent_path = self._body_path.intersected(band)
        self._separator_y = None if not self._panels else (
            self.box.top() if self._panels_above else self.box.bottom())
        margin = 8 * s
        self._bounds = body.adjusted(-margin, -margin, margin, margin)
        if self._badge_rect is not None:
            self._bounds = self._bounds.united(self._badge_rect.adjusted(-2, -2, 2, 2))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._body_path

    # ----- painting
    def _colors(self) -> tuple[QColor, QColor]:
        t = self.theme
        fill = {"param": t.param_fill, "source": t.source_fill}.get(self.look.style, t.node_fill)
        border = {"param": t.param_border}.get(self.look.style, t.node_border)
        return QColor(fill), QColor(border)

    def _border_pen(self) -> tuple[QPen, QPen | None]:
        t, s, state = self.theme, self.theme.scale, self.display.state
        fill, border = self._colors()
        if self.isSelected():
            halo = QColor(t.selection)
            halo.setAlpha(70)
            return QPen(QColor(t.selection), 2.2 * s), QPen(halo, 6 * s)
        special = {"active": t.forward, "winner": t.winner, "error": t.error}.get(state)
        if special:
            halo = QColor(special)
            halo.setAlpha(80)
            return QPen(QColor(special), 2.4 * s), QPen(halo, 7 * s)
        if state == "done":
            return QPen(QColor(t.forward), 1.6 * s), None
        if self.error:
            return QPen(QColor(t.error), 1.6 * s), None
        return QPen(border, t.line_width * s), None

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self._fast:
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            scale = self._sprite_scale
            if self._sprite is None or not lod * 0.6 <= scale <= lod * 2.5:  # keep it while it looks right
                scale = next((s for s in SPRITE_SCALES if s <= lod * 1.2), SPRITE_SCALES[-1])
            sprite = self._sprite_pixmap(scale)
            painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
            painter.drawPixmap(self._bounds, sprite, QRectF(sprite.rect()))
            painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
            return
        self._paint_vector(painter, option.levelOfDetailFromTransform(painter.worldTransform()))

    def set_fast(self, fast: bool) -> None:
        """While the view zooms, draw a prepared picture instead of re-laying out text every frame."""
        self._fast = fast
        self.setCacheMode(QGraphicsItem.NoCache if fast else QGraphicsItem.DeviceCoordinateCache)

    def refresh(self) -> None:
        """Repaint after a change that does not move anything (e.g. a port got connected)."""
        self._sprite = None
        self.update()

    def _sprite_pixmap(self, scale: float) -> QPixmap:
        if self._sprite is None or self._sprite_scale != scale:
            self._sprite_scale = scale
            size = self._bounds.size() * scale
            self._sprite = QPixmap(max(1, round(size.width())), max(1, round(size.height())))
            self._sprite.fill(Qt.transparent)
            painter = QPainter(self._sprite)
            painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
            painter.scale(scale, scale)
            painter.translate(-self._bounds.topLeft())
            self._paint_vector(painter, scale)
            painter.end()
        return self._sprite

    def _paint_vector(self, painter: QPainter, lod: float) -> None:
        fill, _ = self._colors()
        pen, halo = self._border_pen()
        if halo is not None:
            painter.setPen(halo)
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(self._body_path)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._body_path)
        if self.look.style != "param":
            painter.fillPath(self._accent_path, QColor(self.theme.category_color(self.look.category)))
        if self.look.style == "block":
            self._paint_block_frame(painter)
        for port in self.ports():
            draw_port(painter, port.pos(), self.theme, port.connected)
        if lod < compact_below(self.fonts):  # the full content would be too small to read: name and value, large
            self._compact.paint(painter, self.theme)
            return
        self._paint_texts(painter)
        if self._separator_y is not None:
            painter.setPen(QPen(QColor(self.theme.grid_major), 1.0))
            painter.drawLine(QPointF(self.box.left() + 6, self._separator_y),
                             QPointF(self.box.right() - 6, self._separator_y))
        # a picture replays with the painter's pen and brush where it set the defaults (a recorded setPen of
        # black is dropped, and drawImage is filled with the brush): start from the node's text colour, no brush
        painter.setBrush(Qt.NoBrush)
        painter.setPen(QColor(self.theme.node_text))
        for origin, picture in self._panels:
            painter.drawPicture(origin, picture)
        if self._badge_rect is not None:
            draw_badge(painter, self._badge_rect, self.display.badge, self.display.badge_tone, self.theme, self.fonts)

    def _paint_texts(self, painter: QPainter) -> None:
        text_color, sub_color = QColor(self.theme.node_text), QColor(self.theme.node_subtext)
        for pos, text, font, role in self._texts:
            painter.setPen(sub_color if role == "sub" else text_color)
            painter.setFont(font)
            painter.drawStaticText(pos, text)

    def _paint_block_frame(self, painter: QPainter) -> None:
        s = self.theme.scale
        inner = self.body.adjusted(3.5 * s, 3.5 * s, -3.5 * s, -3.5 * s)
        painter.setPen(QPen(QColor(self.theme.node_border), 0.8 * s, Qt.DashLine))
        painter.setBrush(Qt.NoBrush)
        painter.drawRoundedRect(inner, 8 * s, 8 * s)

    # ----- interaction
    def itemChange(self, change, value):
        scene = self.scene()
        if change == QGraphicsItem.ItemPositionChange and scene is not None and hasattr(scene, "snap_point"):
            return scene.snap_point(value)
        if change == QGraphicsItem.ItemPositionHasChanged and scene is not None and hasattr(scene, "node_item_moved"):
            scene.node_item_moved(self)
        if change == QGraphicsItem.ItemSelectedHasChanged:
            raised = 1 if self._panels or self.display.badge else 0
            self.setZValue(self.theme.z.selected_node if value else self.theme.z.node + raised)
            self.refresh()
        return super().itemChange(change, value)
