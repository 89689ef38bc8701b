"""Where the canvas's edge labels go: the engine's label placer (engine.placement), fed with what the scene
shows, so no label covers a node, a port, a region title or another label; a label moved off its edge
points back to it with a leader line.

`main.py render` and the exports use the same placer (graphviz_app/render_layout.py).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from engine.placement import EdgeLabel, Point, Rect, place_labels

from .port_item import PORT_RADIUS

GAP = 4.0  # scene units between a label and what it avoids (times the theme's scale)


def _rect(rect: QRectF) -> Rect:
    return Rect(rect.x(), rect.y(), rect.width(), rect.height())


def _obstacles(scene) -> tuple[dict[str, Rect], dict[str, Point], dict[str, Rect]]:
    """Node bodies, port centres and region titles of a scene (scene coordinates)."""
    nodes, ports, titles = {}, {}, {}
    for node_id, item in list(scene.node_items.items()) + list(scene.block_items.items()):
        if not item.isVisible():
            continue
        nodes[node_id] = _rect(item.mapRectToScene(item.body))
        for port in item.ports():
            where = port.scenePos()
            ports[f"{node_id}.{port.name}"] = Point(where.x(), where.y())
    for region_id, region in scene.region_items.items():
        if region.isVisible():
            titles[region_id] = _rect(region.mapRectToScene(region.title_rect()))
    return nodes, ports, titles


def arrange(scene, first: str | None = None, previous: tuple | None = None) -> tuple | None:
    """Place every shown edge label of a scene (the label of edge `first` before the others).

    Returns what the labels were placed around; given that as `previous` and nothing moved, it does nothing.
    """
    shown = [(edge_id, item) for edge_id, item in scene.edge_items.items()
             if item.label_item is not None and item.label_item.isVisible() and item.isVisible()]
    if not shown:
        return None
    shown.sort(key=lambda pair: pair[0] != first)
    nodes, ports, titles = _obstacles(scene)
    # a label whose text changed was put back on its edge by the edge item: the text is part of the signature
    signature = (first, tuple((e, i.label_item.shown_text(), i.path().boundingRect().getRect()) for e, i in shown),
                 tuple(nodes.values()))
    if signature == previous:
        return signature
    labels = []
    for edge_id, item in shown:
        box = item.label_item.box_rect()
        polygons = item.path().toSubpathPolygons()
        points = tuple(Point(p.x(), p.y()) for p in polygons[0]) if polygons else ()
        labels.append(EdgeLabel(edge_id, points, box.width(), box.height()))
    s = scene.theme.scale
    places = place_labels(labels, nodes, ports, port_radius=PORT_RADIUS * s, gap=GAP * s, keep_clear=titles)
    items = dict(shown)
    for place in places:
        centre = QPointF(place.rect.centre.x, place.rect.centre.y)
        # a label set beside its edge but clear of it gets a leader as well: the class sees whose label it is
        near = place.rect.grown(GAP * s)
        touching = near.x <= place.anchor.x <= near.right and near.y <= place.anchor.y <= near.bottom
        anchor = None if place.leader is None and touching else QPointF(place.anchor.x, place.anchor.y)
        items[place.key].label_item.place(centre, anchor)
    return signature
