"""Pictures of explain mode for slides: a chosen part of the graph, chosen edge labels, PNG or SVG."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from engine.graph import Graph
from engine.trace import Trace

from .overlay import Overlay, options_for

MARGIN = 28.0
MAX_PIXELS = 16_000


def picture_rect(scene: Any, names: list[str] | None = None) -> QRectF:
    """The scene area to draw: everything, or only the named nodes with the edges (and labels) between them."""
    from ..render import scene_rect

    if not names:
        return scene_rect(scene)
    graph = scene.graph
    ids = {graph.find(name).id for name in names}
    rect = QRectF()
    for node_id in ids:
        rect = rect.united(scene.node_items[node_id].sceneBoundingRect())
    for edge in graph.edges.values():
        if edge.src in ids and edge.dst in ids:
            item = scene.edge_items[edge.id]
            rect = rect.united(item.sceneBoundingRect())
            label = getattr(item, "label_item", None)
            if label is not None and label.isVisible():
                rect = rect.united(label.sceneBoundingRect())
    m = MARGIN * scene.theme.scale
    return rect.adjusted(-m, -m, m, m)


def write_picture(scene: Any, path: Path, rect: QRectF, scale: float) -> None:
    """Draw `rect` of the scene into a PNG (scale pixels per unit) or an SVG."""
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        device = QSvgGenerator()
        device.setFileName(str(path))
        device.setSize(QSize(round(rect.width()), round(rect.height())))
        device.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        device.setTitle(str(scene.graph.meta.get("title", "computation graph")))
        size = QSize(round(rect.width()), round(rect.height()))
    else:
        scale = min(scale, MAX_PIXELS / max(rect.width(), rect.height()))
        size = QSize(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)))
        device = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(device)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor(scene.theme.background))
    scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    if isinstance(device, QImage) and not device.save(str(path), "PNG"):
        raise OSError(f"could not write '{path}'")


def render_picture(graph: Graph, path: str | Path, trace: Trace | None = None, step: int | None = None,
                   theme: str = "light", scale: float = 2.0, labels: str = "auto",
                   crop: list[str] | None = None, tokens: list[str] | None = None) -> None:
    """A PNG/SVG of the graph as explain mode shows it after `step`, optionally only the `crop` nodes."""
    from ..render import build_scene

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"cannot render to '{path.name}': use a .png or .svg file name")
    scene = build_scene(graph, theme)
    if trace is not None:
        options = options_for(graph)
        options.labels = labels
        if tokens is not None:
            options.tokens = tokens
        Overlay(scene, trace, graph, options).show(len(trace) - 1 if step is None else step)
    write_picture(scene, path, picture_rect(scene, crop), scale)
