"""GraphView: wheel zoom around the cursor, pan by dragging the background or with the middle button."""
from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPixmapCache, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsView

from .scene import GRID, GraphScene

MIN_ZOOM, MAX_ZOOM = 0.03, 4.0
FIT_MAX_ZOOM = 1.5
PIXMAP_CACHE_KB = 128 * 1024
SETTLE_MS = 150  # after the last zoom step, redraw edges at full quality
WHEEL_STEP = 1.0015  # zoom factor per wheel angle unit (120 units per notch ≈ 1.2×)


class GraphView(QGraphicsView):
    """The canvas widget; Shift+drag on the background draws a selection rectangle."""

    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheBackground)  # grid, regions and plain edges: one cached layer
        self.setOptimizationFlags(QGraphicsView.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.NoAnchor)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.NoDrag)
        self.setFrameShape(QFrame.NoFrame)
        self.setRubberBandSelectionMode(Qt.IntersectsItemShape)
        self.setAcceptDrops(True)
        self.setSceneRect(QRectF(-50_000, -50_000, 100_000, 100_000))
        self._zooming = False  # while True the backdrop draws edges as fast one-pixel lines
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._zoom_settled)
        self._pan_from: QPointF | None = None
        self._panned = False
        self.show_grid = True
        # node pictures are cached per view; the default 10 MB pixmap cache would evict them all the time
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))

    def graph_scene(self) -> GraphScene:
        """The scene shown."""
        return self.scene()

    # ----- zoom and fit
    def zoom(self) -> float:
        """The current scale of the view (1 = one scene unit per pixel)."""
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by `factor`, keeping the scene point under `anchor` (view coordinates) in place."""
        current = self.zoom()
        # clamp to the limits, but never move against the request (fit_all may leave the range)
        target = min(max(MAX_ZOOM, current), max(min(MIN_ZOOM, current), current * factor))
        factor = target / self.zoom()
        if abs(factor - 1.0) < 1e-9:
            return
        anchor = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        if not self._zooming:
            self._zooming = True
            self.graph_scene().set_fast_mode(True)
        self._settle.start(SETTLE_MS)
        self.scale(factor, factor)
        after = self.mapToScene(anchor.toPoint())
        self.translate(after.x() - before.x(), after.y() - before.y())

    def look_at(self, center: QPointF, zoom: float) -> None:
        """Show `center` in the middle at `zoom` (one frame of a camera move: sprites until it settles)."""
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, float(zoom)))
        if abs(zoom - self.zoom()) > 1e-9:
            if not self._zooming:
                self._zooming = True
                self.graph_scene().set_fast_mode(True)
            self._settle.start(SETTLE_MS)
            self.setTransform(QTransform.fromScale(zoom, zoom))
        self.center_on(center)

    def finish_zoom(self) -> None:
        """End a zoom gesture now: nodes and edges are redrawn sharp (otherwise 150 ms after the last step)."""
        self._settle.stop()
        if self._zooming:
            self._zoom_settled()

    def _zoom_settled(self) -> None:
        self._zooming = False
        self.graph_scene().set_fast_mode(False)
        self.resetCachedContent()
        self.viewport().update()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view content by (dx, dy) pixels (scrolling keeps the cached backdrop)."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - round(dx))
        v.setValue(v.value() - round(dy))

    def fit_all(self) -> None:
        """Show every item, not enlarging small graphs beyond 1.5×."""
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            return
        margin = 40 * self.graph_scene().theme.scale
        self.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.KeepAspectRatio)
        if self.zoom() > FIT_MAX_ZOOM:
            self.zoom_by(FIT_MAX_ZOOM / self.zoom())
            self.center_on(rect.center())

    def set_snap(self, enabled: bool) -> None:
        """Snap moved nodes to the grid."""
        self.graph_scene().snap_enabled = bool(enabled)

    def view_center(self) -> QPointF:
        """The scene point at the exact middle of the viewport."""
        size = self.viewport().size()
        inverse, _ = self.viewportTransform().inverted()
        return inverse.map(QPointF(size.width() / 2, size.height() / 2))

    def center_on(self, point: QPointF) -> None:
        """Scroll so that a scene point sits at the exact middle of the viewport."""
        delta = self.view_center() - point
        self.translate(delta.x(), delta.y())

    def zoom_state(self) -> dict:
        """{"zoom": scale, "center": [x, y] in model units}, for graph.meta["view"]."""
        x, y = self.graph_scene().to_model(self.view_center())
        return {"zoom": round(self.zoom(), 4), "center": [x, y]}

    def set_zoom_state(self, state: dict) -> None:
        """Restore a zoom_state() dict; a malformed one is ignored (the view stays as it is)."""
        try:
            zoom = float(state["zoom"])
            x, y = (float(v) for v in state["center"])
        except (KeyError, TypeError, ValueError):
            return
        if not all(math.isfinite(v) for v in (zoom, x, y)):
            return
        self.resetTransform()
        self.zoom_by(min(MAX_ZOOM, max(MIN_ZOOM, zoom)))
        self.center_on(self.graph_scene().to_scene((x, y)))

    # ----- events
    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.zoom_by(WHEEL_STEP ** delta, event.position())
        event.accept()

    def mousePressEvent(self, event) -> None:
        on_background = self.itemAt(event.position().toPoint()) is None
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and on_background
                                                 and not event.modifiers() & Qt.ShiftModifier):
            self._pan_from, self._panned = event.position(), False
            self.viewport().setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.LeftButton and on_background:
            self.setDragMode(QGraphicsView.RubberBandDrag)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self._panned = True
            self.pan_by(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            if not self._panned and event.button() == Qt.LeftButton:
                self.scene().clearSelection()  # a click on the background deselects
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.NoDrag)
        self.setFrameShape(QFrame.NoFrame)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        theme = self.graph_scene().theme
        painter.fillRect(rect, QColor(theme.background))
        if self.show_grid:
            step = GRID * theme.scale
            while step * self.zoom() < 12:  # keep at least 12 pixels between lines
                step *= 5
            self._draw_lines(painter, rect, step, QColor(theme.grid), 5)
        self.graph_scene().draw_backdrop(painter, rect, fast=self._zooming)

    def _draw_lines(self, painter: QPainter, rect: QRectF, step: float, color: QColor, major_every: int) -> None:
        left = math.floor(rect.left() / step)
        top = math.floor(rect.top() / step)
        minor, major = [], []
        for i in range(left, int(rect.right() / step) + 2):
            (major if i % major_every == 0 else minor).append(QLineF(i * step, rect.top(), i * step, rect.bottom()))
        for j in range(top, int(rect.bottom() / step) + 2):
            (major if j % major_every == 0 else minor).append(QLineF(rect.left(), j * step, rect.right(), j * step))
        painter.setRenderHint(QPainter.Antialiasing, False)
        painter.setPen(QPen(color, 0))
        painter.drawLines(minor)
        painter.setPen(QPen(QColor(self.graph_scene().theme.grid_major), 0))
        painter.drawLines(major)
        painter.setRenderHint(QPainter.Antialiasing, True)
