"""Pictures of a graph without a window: a QImage of a scene, or a PNG/SVG file of a graph."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QUndoStack

from engine import Graph

from .theme import get_theme

MARGIN = 28.0
MAX_PIXELS = 16_000  # longest side of a rendered picture


def ensure_app():
    """A Qt application for headless rendering (offscreen when there is no display)."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    return app


def scene_rect(scene) -> QRectF:
    """The part of the scene worth drawing: every visible item plus a margin."""
    rect = QRectF()
    for item in scene.items():
        if item.isVisible() and item.parentItem() is None:
            rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 120)
    m = MARGIN * scene.theme.scale
    return rect.adjusted(-m, -m, m, m)


def render_scene_to_image(scene, scale: float = 2.0) -> QImage:
    """Draw a whole scene into an image `scale` pixels per scene unit (capped at 16000 px a side)."""
    scene.set_item_caching(False)  # paint vectors straight into the image, not cached bitmaps
    source = scene_rect(scene)
    scale = min(scale, MAX_PIXELS / max(source.width(), source.height()))
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor(scene.theme.background))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
    scene.render(painter, QRectF(0, 0, size.width(), size.height()), source, Qt.KeepAspectRatio)
    painter.end()
    scene.set_item_caching(True)
    return image


def _write_svg(scene, path: Path) -> None:
    from PySide6.QtSvg import QSvgGenerator
    scene.set_item_caching(False)
    source = scene_rect(scene)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(round(source.width()), round(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle(str(scene.graph.meta.get("title", "computation graph")))
    painter = QPainter(generator)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, source.width(), source.height()), QColor(scene.theme.background))
    scene.render(painter, QRectF(0, 0, source.width(), source.height()), source, Qt.KeepAspectRatio)
    painter.end()
    scene.set_item_caching(True)


def build_scene(graph: Graph, theme: str = "light"):
    """An offscreen GraphScene of a graph (with its own undo stack), shapes inferred."""
    ensure_app()
    from .canvas.scene import GraphScene
    stack = QUndoStack()
    scene = GraphScene(graph, stack, get_theme(theme))
    scene._render_stack = stack  # keep the stack alive as long as the scene
    for item in scene.selectedItems():
        item.setSelected(False)
    return scene


def render_to_file(graph: Graph, path, annotated: bool = False, trace=None, step=None,
                   theme: str = "light", scale: float = 2.0) -> None:
    """Write a PNG or SVG (by extension) of a graph; with a trace (or annotated=True) values show too."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"cannot render to '{path.name}': use a .png or .svg file name")
    scene = build_scene(graph, theme)
    if trace is None and annotated:
        trace = _sample_trace(graph)
    if trace is not None:
        from .explain.overlay import apply_trace_state
        apply_trace_state(scene, trace, step)
    if suffix == ".svg":
        _write_svg(scene, path)
    elif not render_scene_to_image(scene, scale).save(str(path), "PNG"):
        raise OSError(f"could not write '{path}'")


def _sample_trace(graph: Graph):
    """An explain trace from the graph's "sample" feeds, or None when it has none."""
    sample = graph.meta.get("sample")
    if not isinstance(sample, dict) or not sample:
        return None
    from engine import explain
    return explain(graph, sample)
