"""The pictures of an exported animation: the trace on an offscreen scene as explain mode shows it, each step
framed by the explain camera's rule (graphviz_app/explain/camera.py) and presentation mode's caption under it.

The scene shows a copy of the graph, so nothing done here (a layout for an unplaced file) reaches the caller's
graph or the window's canvas. Labels are placed as `main.py render --step K` places them, so a held frame of
step K shows what the picture of step K shows, framed closer.

Whatever the picture's size, it shows what presentation mode shows on a full-HD screen of the same shape
(SCREEN_WIDTH pixels wide), drawn at the picture's own resolution: a 1280×720 GIF projected in a lecture hall
reads as presentation mode does, and a larger one is only sharper.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEasingCurve, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from engine.graph import Graph
from engine.layout import unplaced
from engine.trace import Trace

from ..explain.camera import EASING, Framing, View, between
from ..explain.overlay import Overlay, OverlayOptions
from ..explain.presentation import caption_html, caption_label
from ..render import build_scene, scene_rect
from ..render_layout import Frame, PlacedLabels, arrange, place_scene_labels

CAPTION_MARGIN = 16  # pixels around the caption box, as in presentation mode
SCREEN_WIDTH = 1920  # the presentation screen each picture shows, scaled to the picture's size


class TraceFilm:
    """One trace on an offscreen scene `size` pixels big, drawn step by step (a camera view at a time)."""

    def __init__(self, graph: Graph, trace: Trace, options: OverlayOptions, size: tuple[int, int],
                 theme: str = "projector"):
        self.graph = graph.copy()
        self.trace = trace
        self.size = size
        self.zoom = size[0] / SCREEN_WIDTH  # picture pixels per screen pixel
        self.screen = (SCREEN_WIDTH, round(size[1] / self.zoom))
        self.scene = build_scene(self.graph, theme)
        self.scene.set_item_caching(False)  # every frame is drawn once, as vectors
        self.overlay = Overlay(self.scene, trace, self.graph, options, place_labels=False)
        if unplaced(self.graph):  # a file without positions: lay it out, as render does
            self.overlay.show(len(trace) - 1)
            arrange(self.scene, Frame(size[0] / size[1]))
        self._placed = PlacedLabels([], [])
        self._shown: tuple[int, bool] | None = None
        self.caption = caption_label()
        self.caption.setFixedWidth(self.screen[0] - 2 * CAPTION_MARGIN)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.strip = 0  # screen pixels under the graph kept for the caption: see keep_caption_room
        self.framing = Framing(self.scene, self, self.graph_area)
        self._easing = QEasingCurve(EASING)

    # ----- framing (the camera reads graph, trace and overlay: camera.Explained)
    def graph_area(self) -> QRect:
        """The part of the screen that shows the graph: all but the caption strip."""
        return QRect(0, 0, self.screen[0], self.screen[1] - self.strip)

    def caption_text(self, k: int) -> str:
        """Step k in words, with where it stands in the trace (the caption's small line)."""
        return caption_html(self.overlay.caption(k), html.escape(f"step {k + 1} of {len(self.trace)}"))

    def keep_caption_room(self, steps: range) -> None:
        """Size the caption strip for the longest caption of these steps, so the framing never jumps."""
        tallest = 0
        for k in steps:
            self.caption.setText(self.caption_text(k))
            tallest = max(tallest, self.caption.heightForWidth(self.caption.width()))
        self.caption.setFixedHeight(tallest)
        self.strip = tallest + 2 * CAPTION_MARGIN

    # ----- showing a step
    def show(self, k: int, arriving: bool = False) -> None:
        """The state after step k (or while it is under way), its labels placed as render places them."""
        if self._shown == (k, arriving):
            return
        self.overlay.show(k, arriving=arriving)
        for line in self._placed.leaders:
            self.scene.removeItem(line)
        self._placed = place_scene_labels(self.scene, self.overlay.label_edge(k))
        self._shown = (k, arriving)

    def view_of(self, k: int) -> View:
        """Where the camera looks for step k (its result shown): the camera's framing, or the whole graph."""
        self.show(k)
        target = self.framing.target(k)
        if target is not None:
            return target
        whole = scene_rect(self.scene)
        return whole.center(), self.framing.fit_zoom(whole)

    def moving(self, start: View, end: View, t: float) -> View:
        """The camera at fraction t of its move, eased as in presentation mode."""
        return between(start, end, self._easing.valueForProgress(t))

    # ----- drawing
    def draw(self, view: View, k: int) -> np.ndarray:
        """The picture (height × width × RGB) of what the scene shows now, seen from `view` (on the screen),
        captioned with step k."""
        width, height = self.size
        area = self.graph_area()
        image = QImage(width, height, QImage.Format.Format_RGB888)
        image.fill(QColor(self.scene.theme.background))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        painter.scale(self.zoom, self.zoom)  # from here on, screen pixels
        self.scene.render(painter, QRectF(area), source_of(view, area), Qt.AspectRatioMode.IgnoreAspectRatio)
        self.caption.setText(self.caption_text(k))
        self.caption.render(painter, QPoint(CAPTION_MARGIN, self.screen[1] - self.strip + CAPTION_MARGIN))
        painter.end()
        return as_array(image)


def as_array(image: QImage) -> np.ndarray:
    """An RGB888 QImage as a height × width × 3 array (its own copy)."""
    width, height = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return rows.reshape(height, image.bytesPerLine())[:, :width * 3].reshape(height, width, 3).copy()


def source_of(view: View, area: QRect) -> QRectF:
    """The scene rectangle a view shows on an area of the picture."""
    centre, zoom = view
    return QRectF(centre.x() - area.width() / (2 * zoom), centre.y() - area.height() / (2 * zoom),
                  area.width() / zoom, area.height() / zoom)
