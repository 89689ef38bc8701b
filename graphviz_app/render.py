"""Pictures of a graph without a window: a QImage of a scene, or a PNG/SVG file of a graph."""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QUndoStack

from engine import Graph
from engine.layout import unplaced
from engine.names import printable

from .render_layout import Frame, arrange, framed, place_scene_labels
from .theme import get_theme

MARGIN = 28.0
MAX_PIXELS = 16_000  # longest side of a rendered picture
MAX_AREA = 40_000_000  # pixels in all (160 MB as RGBA): a 5,000-node graph would otherwise take 16000×9000
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def nodes_rect(scene, names: Sequence[str]) -> QRectF:
    """The area of the named nodes (with their value panels), the edges between them and their labels."""
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


def _paint_scene(scene, device, size: QSize, source: QRectF) -> None:
    """Draw `source` of the scene onto a device `size` big, as vectors (no cached item bitmaps)."""
    scene.set_item_caching(False)
    try:
        painter = QPainter(device)
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor(scene.theme.background))
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), source, Qt.KeepAspectRatio)
        painter.end()
    finally:
        scene.set_item_caching(True)


def render_scene_to_image(scene, scale: float = 2.0, source_rect: QRectF | None = None) -> QImage:
    """Draw a scene (or `source_rect` of it) into an image `scale` pixels per unit (at most 16000 px a side
    and 40 megapixels)."""
    source = QRectF(source_rect) if source_rect is not None else scene_rect(scene)
    scale = min(scale, MAX_PIXELS / max(source.width(), source.height()),
                (MAX_AREA / max(1.0, source.width() * source.height())) ** 0.5)
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    _paint_scene(scene, image, size, source)
    return image


def write_svg(scene, path, source_rect: QRectF | None = None) -> None:
    """Write the scene (or `source_rect` of it) as an SVG file, one unit per SVG pixel."""
    from PySide6.QtSvg import QSvgGenerator
    source = QRectF(source_rect) if source_rect is not None else scene_rect(scene)
    size = QSize(max(1, round(source.width())), max(1, round(source.height())))
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(printable(" ".join(str(scene.graph.meta.get("title") or "computation graph").split())))
    _paint_scene(scene, generator, size, source)
    _drop_xml_illegal(Path(path))


def _drop_xml_illegal(path: Path) -> None:
    """Qt writes text as it is; a control character (from a title, say) would make the SVG unreadable XML."""
    text = path.read_text(encoding="utf-8", errors="replace")
    clean = _XML_ILLEGAL.sub("\ufffd", text)
    if clean != text:
        path.write_text(clean, encoding="utf-8")


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
                   theme: str = "light", scale: float = 2.0, source_rect: QRectF | None = None,
                   crop: Sequence[str] | None = None, options=None, frame: Frame | None = None) -> None:
    """Write a PNG or SVG (by extension) of a graph; with a trace (or annotated=True) values show too.

    `source_rect` (scene units) or `crop` (node names: those nodes and the edges between them) draws
    only part of the graph; `options` (explain.overlay.OverlayOptions) say which labels the trace shows.
    `frame` lays the graph out for the picture's aspect and pads the picture to it (the nodes are
    moved back before this returns). Edge labels are placed so that none covers a node, port or label.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"cannot render to '{path.name}': use a .png or .svg file name")
    if source_rect is not None and crop:
        raise ValueError("render_to_file: give source_rect or crop, not both")
    if frame is None and unplaced(graph):
        frame = Frame()  # no positions saved (every node on one spot): lay it out rather than draw a pile
    scene = build_scene(graph, theme)
    if trace is None and annotated:
        trace = _sample_trace(graph)
    overlay = None
    if trace is not None:
        from .explain.overlay import apply_trace_state
        overlay = apply_trace_state(scene, trace, None, options)  # the whole trace: nodes at their largest
    # one layout for every step of a slide series; a crop's nodes stay side by side in one row
    saved = arrange(scene, frame, one_row=bool(crop)) if frame is not None else {}
    try:
        active = None
        if overlay is not None:
            shown = len(trace) - 1 if step is None else min(int(step), len(trace) - 1)
            if step is not None:
                overlay.show(shown)
            active = overlay.label_edge(shown)  # its label is placed first, at the best spot
        _draw(scene, path, active, scale, nodes_rect(scene, crop) if crop else source_rect, frame)
    finally:
        scene.set_graph(Graph())  # let go of the caller's graph: its later edits must not reach this scene
        for node_id, pos in saved.items():  # and it keeps its positions
            graph.move(node_id, pos)


def _draw(scene, path: Path, active: str | None, scale: float, source: QRectF | None, frame: Frame | None) -> None:
    """Place the labels (the `active` edge's first), frame the picture and write it."""
    placed = place_scene_labels(scene, active)
    source = source if source is not None else scene_rect(scene)
    if frame is not None:
        source = framed(source, frame.aspect)
        scale = scale if frame.width is None else frame.width / source.width()
    if path.suffix.lower() == ".svg":
        write_svg(scene, path, source)
    elif not render_scene_to_image(scene, scale, source).save(str(path), "PNG"):
        raise OSError(f"could not write '{path}'")
    del placed  # the leader lines live as long as this reference: until the picture is written


def _sample_trace(graph: Graph):
    """An explain trace from the graph's "sample" feeds, or None when it has none."""
    sample = graph.meta.get("sample")
    if not isinstance(sample, dict) or not sample:
        return None
    from engine import explain
    return explain(graph, sample)
