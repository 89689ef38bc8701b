"""Pictures that fit a slide: the graph laid out for the picture's aspect, and edge labels that cover nothing.

Both use the engine's geometry (engine.layout, engine.placement) with the sizes the scene's items
really have, so nodes sized to their content do not overlap.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem

from engine.layout import DEFAULT_ASPECT, Extent, plan_layout, unplaced
from engine.placement import EdgeLabel, LabelPlace, Point, Rect, place_labels

from .canvas.port_item import PORT_RADIUS


@dataclass(frozen=True)
class Frame:
    """The picture's shape: its aspect (width / height; None: the drawing's own) and width in pixels."""

    aspect: float | None = DEFAULT_ASPECT
    width: int | None = None  # None: the scale decides
    relayout: bool = True  # lay the graph out for the aspect (for the drawing only: see render_to_file)
    spread: tuple[float, float] = (1.0, 1.0)  # then move the nodes this many times further apart


def measured_sizes(scene) -> dict[str, Extent]:
    """Each node item's room around its position (box and value panels), in model units."""
    s = scene.theme.scale
    return {node_id: Extent(item.body.width() / s, -item.body.top() / s, item.body.bottom() / s)
            for node_id, item in scene.node_items.items()}


def measured_labels(scene) -> dict[str, tuple[float, float]]:
    """Each shown edge label's width and height, in model units."""
    s = scene.theme.scale
    out = {}
    for edge_id, edge in scene.edge_items.items():
        label = edge.label_item
        if label is not None and label.isVisible():
            box = label.boundingRect()
            out[edge_id] = (box.width() / s, box.height() / s)
    return out


def arrange(scene, frame: Frame, one_row: bool = False) -> dict[str, tuple[float, float]]:
    """Move the scene's graph to a layout for the frame's aspect (or in one row, e.g. to crop a run of
    neighbouring nodes that rows could split), then spread it; returns where the nodes were, so the
    caller can put them back. The layout leaves room for the nodes and labels as the scene shows them."""
    graph = scene.graph
    saved = {n: node.pos for n, node in graph.nodes.items()}
    positions = saved
    if frame.relayout or unplaced(graph):  # a file without positions is laid out even when asked to keep them
        aspect = None if one_row else frame.aspect
        positions = plan_layout(graph, measured_sizes(scene), aspect, labels=measured_labels(scene)).positions
    fx, fy = frame.spread
    for node_id, (x, y) in positions.items():
        graph.move(node_id, (x * fx, y * fy))
    return saved


def framed(rect: QRectF, aspect: float | None) -> QRectF:
    """`rect` grown on its short side (centred) to the aspect."""
    if aspect is None or rect.height() <= 0:
        return QRectF(rect)
    if rect.width() / rect.height() < aspect:
        extra = rect.height() * aspect - rect.width()
        return rect.adjusted(-extra / 2, 0, extra / 2, 0)
    extra = rect.width() / aspect - rect.height()
    return rect.adjusted(0, -extra / 2, 0, extra / 2)


@dataclass
class PlacedLabels:
    """Where the scene's labels went, and the leader lines added for them (keep this while drawing:
    Qt drops an added item once no Python reference to it is left)."""

    places: list[LabelPlace]
    leaders: list[QGraphicsLineItem]


def place_scene_labels(scene, first: str | None = None) -> PlacedLabels:
    """Move the scene's visible edge labels where they cover no node, port or other label.

    `first` (an edge id, e.g. the step being explained) is placed first, so it keeps the best spot.
    Labels moved away from their edge get a thin leader line back to it.
    """
    labels, items = [], {}
    for edge_id in sorted(scene.edge_items, key=lambda e: (e != first, len(e), e)):
        edge = scene.edge_items[edge_id]
        label = edge.label_item
        if label is None or not label.isVisible() or not edge.isVisible():
            continue
        polygons = edge.path().toSubpathPolygons()
        if not polygons:
            continue
        box = label.boundingRect()
        labels.append(EdgeLabel(edge_id, tuple(Point(p.x(), p.y()) for p in polygons[0]), box.width(), box.height()))
        items[edge_id] = label
    if not labels:
        return PlacedLabels([], [])
    nodes, ports = _obstacles(scene)
    titles = {}
    for region_id, region in scene.region_items.items():
        if region.isVisible():
            title = region.mapRectToScene(region.title_rect())
            titles[f"title {region_id}"] = Rect(title.x(), title.y(), title.width(), title.height())
    places = place_labels(labels, nodes, ports, port_radius=PORT_RADIUS * scene.theme.scale,
                          gap=3 * scene.theme.scale, keep_clear=titles)
    leaders = []
    for place in places:
        items[place.key].setPos(place.rect.centre.x, place.rect.centre.y)
        if place.leader is not None:
            leaders.append(_draw_leader(scene, place.leader))
    return PlacedLabels(places, leaders)


def _obstacles(scene) -> tuple[dict[str, Rect], dict[str, Point]]:
    nodes, ports = {}, {}
    for node_id, item in scene.node_items.items():
        if not item.isVisible():
            continue
        body = item.mapRectToScene(item.body)
        nodes[node_id] = Rect(body.x(), body.y(), body.width(), body.height())
        for port in item.ports():
            where = port.scenePos()
            ports[f"{node_id}.{port.name}"] = Point(where.x(), where.y())
    return nodes, ports


def _draw_leader(scene, leader: tuple[Point, Point]) -> QGraphicsLineItem:
    start, end = leader
    line = QGraphicsLineItem(QLineF(start.x, start.y, end.x, end.y))
    pen = QPen(QColor(scene.theme.edge), 1.2 * scene.theme.scale, Qt.DashLine)
    line.setPen(pen)
    line.setZValue(scene.theme.z.edge_label - 0.5)
    scene.addItem(line)
    return line
