"""How legible the canvas is right now, measured on what is actually painted (for tests and bench/legibility.py).

The view is painted into a recording device that keeps every piece of text with its on-screen size and
place; nothing here asks the items what they meant to draw. A node or label box is "empty" when no text
lands inside it (a node that holds a value must also show a number), the active label is the label of the
step's edge, and sizes are font pixel sizes times the view's zoom.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPaintDevice, QPaintEngine, QPainter, QTransform

from engine.trace import BackwardStep, NoGradStep, UpdateStep

DPI = 96


@dataclass
class DrawnText:
    """One run of text as painted: its characters, its height on screen and its box in view pixels."""

    text: str
    px: float
    rect: QRectF


class _Engine(QPaintEngine):
    def __init__(self) -> None:
        super().__init__(QPaintEngine.PaintEngineFeature.AllFeatures)
        self.texts: list[DrawnText] = []
        self.transform = QTransform()

    def begin(self, device) -> bool:  # noqa: N802 - Qt names below
        return True

    def end(self) -> bool:
        return True

    def updateState(self, state) -> None:
        if state.state() & QPaintEngine.DirtyFlag.DirtyTransform:
            self.transform = QTransform(state.transform())

    def drawTextItem(self, p: QPointF, item) -> None:
        font = item.font()
        size = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * DPI / 72.0
        scale = (abs(self.transform.determinant())) ** 0.5
        metrics = QFontMetricsF(font)
        local = QRectF(p.x(), p.y() - metrics.ascent(), metrics.horizontalAdvance(item.text()), metrics.height())
        self.texts.append(DrawnText(item.text(), size * scale, self.transform.mapRect(local)))

    def drawPixmap(self, r, pm, sr) -> None:
        pass

    def drawImage(self, r, image, sr, flags=None) -> None:
        pass

    def drawPath(self, path) -> None:
        pass

    def drawPolygon(self, *args) -> None:
        pass

    def drawRects(self, *args) -> None:
        pass

    def drawLines(self, *args) -> None:
        pass

    def drawEllipse(self, *args) -> None:
        pass

    def drawPoints(self, *args) -> None:
        pass

    def drawTiledPixmap(self, *args) -> None:
        pass

    def type(self) -> QPaintEngine.Type:
        return QPaintEngine.Type.User


class TextRecorder(QPaintDevice):
    """A paint device of a given size that records text (with its on-screen size) and ignores the rest."""

    def __init__(self, width: int, height: int):
        super().__init__()
        self.size = (width, height)
        self.engine = _Engine()

    def paintEngine(self) -> QPaintEngine:  # noqa: N802 - Qt name
        return self.engine

    def metric(self, metric) -> int:
        m = QPaintDevice.PaintDeviceMetric
        sizes = {m.PdmWidth: self.size[0], m.PdmHeight: self.size[1], m.PdmDpiX: DPI, m.PdmDpiY: DPI,
                 m.PdmPhysicalDpiX: DPI, m.PdmPhysicalDpiY: DPI, m.PdmDepth: 32, m.PdmDevicePixelRatio: 1,
                 m.PdmNumColors: 2 ** 31 - 1, m.PdmWidthMM: round(self.size[0] * 25.4 / DPI),
                 m.PdmHeightMM: round(self.size[1] * 25.4 / DPI),
                 m.PdmDevicePixelRatioScaled: round(QPaintDevice.devicePixelRatioFScale())}
        return sizes.get(metric, 0)


def painted_texts(view) -> list[DrawnText]:
    """Every text the view paints now, in viewport pixels (item caches off, so nothing hides in a bitmap)."""
    view.finish_zoom()  # the settled picture: while a zoom gesture runs, nodes are drawn as bitmaps
    scene = view.scene()
    area = view.viewport().rect()
    device = TextRecorder(area.width(), area.height())
    scene.set_item_caching(False)
    try:
        painter = QPainter(device)
        view.render(painter, QRectF(0, 0, area.width(), area.height()), area)
        painter.end()
    finally:
        scene.set_item_caching(True)
    return device.engine.texts


@dataclass
class StepLegibility:
    """What one trace step looks like on screen."""

    step: int
    label_px: float | None = None  # smallest text of the active label
    value_px: float | None = None  # smallest number shown on the step's nodes
    empty_boxes: list[str] = field(default_factory=list)  # names of nodes and labels drawn without their text
    edge_inside: bool = True  # the active edge (or node) lies inside the visible area
    long_edge: bool = False  # the active edge is longer than the view at this zoom (a row-wrapping edge)
    nodes_outside: list[str] = field(default_factory=list)  # the step's nodes not wholly in view
    share: float = 0.0  # part of the view that the step's edge, label and nodes cover
    overlaps: int = 0  # labels overlapping a node body or another label


def active_edge(graph, trace, k: int) -> str | None:
    """The edge step k is about: its own for backward steps, the parameter's first edge for an update."""
    step = trace.steps[k]
    if isinstance(step, (BackwardStep, NoGradStep)):
        return step.edge
    if isinstance(step, UpdateStep):
        edges = sorted(graph.outgoing(step.node), key=lambda e: e.id)
        return edges[0].id if edges else None
    return None


def active_nodes(trace, k: int) -> list[str]:
    """The nodes whose values step k is about."""
    step = trace.steps[k]
    if isinstance(step, (BackwardStep, NoGradStep)):
        return [step.src, step.dst]
    return [step.node]


def _in(rect: QRectF, text: DrawnText) -> bool:
    return rect.contains(text.rect.center())


def _device_rect(view, scene_rect: QRectF) -> QRectF:
    return view.mapFromScene(scene_rect).boundingRect().toRectF()


def _is_value(text: str, item) -> bool:
    fixed = {item.look.name, item.look.op_label, item.shape_text, *item.look.inputs}
    return text not in fixed and (text == "?" or any(c.isdigit() for c in text))


def _empty_boxes(view, texts: list[DrawnText], area: QRectF) -> list[str]:
    scene, out = view.scene(), []
    for item in scene.node_items.values():
        if not item.isVisible():
            continue
        rect = _device_rect(view, item.mapRectToScene(item.body))
        if not rect.intersects(area):
            continue
        inside = [t for t in texts if _in(rect, t)]
        needs_value = item.display.value is not None or item.display.hidden_value
        if not inside or (needs_value and not any(_is_value(t.text, item) for t in inside)):
            out.append(item.look.name)
    for edge_id, edge in scene.edge_items.items():
        label = edge.label_item
        if label is None or not label.isVisible():
            continue
        rect = _device_rect(view, label.sceneBoundingRect())
        if rect.intersects(area) and not any(_in(rect, t) for t in texts):
            out.append(f"label of {edge_id}")
    return out


def _overlaps(scene) -> int:
    """Pairs (label, node body) and (label, label) whose boxes overlap, in scene coordinates."""
    labels = [e.label_item.mapRectToScene(e.label_item.label_rect())
              for e in scene.edge_items.values() if e.label_item is not None and e.label_item.isVisible()]
    bodies = [i.mapRectToScene(i.body) for i in scene.node_items.values() if i.isVisible()]
    count = sum(1 for a in labels for b in bodies if a.intersects(b))
    count += sum(1 for i, a in enumerate(labels) for b in labels[i + 1:] if a.intersects(b))
    return count


def measure_step(view, graph, trace, k: int) -> StepLegibility:
    """Legibility of the view as it stands, for step k of `trace`."""
    scene = view.scene()
    texts = painted_texts(view)
    area = QRectF(view.viewport().rect())
    result = StepLegibility(k, empty_boxes=_empty_boxes(view, texts, area), overlaps=_overlaps(scene))
    focus = QRectF()
    edge_id = active_edge(graph, trace, k)
    edge = scene.edge_items.get(edge_id) if edge_id is not None else None
    if edge is not None and edge.isVisible():
        path_rect = _device_rect(view, edge.path().boundingRect())
        result.edge_inside = area.contains(path_rect)
        result.long_edge = path_rect.width() > area.width() or path_rect.height() > area.height()
        focus = focus.united(path_rect)
        label = edge.label_item
        if label is not None and label.isVisible():
            rect = _device_rect(view, label.mapRectToScene(label.label_rect()))
            sizes = [t.px for t in texts if _in(rect, t)]
            result.label_px = min(sizes) if sizes else 0.0
            focus = focus.united(rect)
    values = []
    for node_id in active_nodes(trace, k):
        item = scene.node_items.get(node_id)
        if item is None or not item.isVisible():
            continue
        rect = _device_rect(view, item.mapRectToScene(item.body))
        if not area.contains(rect):
            result.nodes_outside.append(item.look.name)
        if edge is None:
            result.edge_inside = result.edge_inside and area.contains(rect)
        if not rect.intersects(area):
            continue  # off screen (the far end of a long edge): nothing of it can be read
        focus = focus.united(rect)
        shown = [t.px for t in texts if _in(rect, t) and _is_value(t.text, item)]
        holds = item.display.value is not None or item.display.grad is not None or item.display.hidden_value
        values += shown if shown or not holds else [0.0]  # a value held but no number painted: 0 px
    result.value_px = min(values) if values else None
    seen = focus.intersected(area)
    result.share = seen.width() * seen.height() / max(1.0, area.width() * area.height())
    return result
