"""Where edge labels go: on their edge if there is room, else just above or below the nodes in the way,
with a leader line back to the edge. No label covers a node, a port or a label placed before it.

`place_labels` is plain geometry on tuples, the one function to swap for the engine's label placer; the
`arrange` adapter reads the scene and moves the label items.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from PySide6.QtCore import QPointF, QRectF

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]

ALONG = (0.5, 0.38, 0.62, 0.26, 0.74)  # fractions of the edge tried for a label sitting on it
GAP = 6.0  # scene units between a label and what it avoids (times the theme's scale)


@dataclass(frozen=True)
class LabelRequest:
    """One label to place: its size and points of its edge (by fraction along it, the middle first)."""

    key: str
    width: float
    height: float
    anchors: tuple[Point, ...]  # points on the edge at the fractions ALONG


@dataclass(frozen=True)
class Placement:
    """Centre of a placed label, and the edge point its leader line goes to (None: it sits on its edge)."""

    center: Point
    leader: Point | None


def _box(center: Point, w: float, h: float) -> Rect:
    return (center[0] - w / 2, center[1] - h / 2, center[0] + w / 2, center[1] + h / 2)


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _covered(box: Rect, obstacles: list[Rect]) -> float:
    return sum(_overlap(box, o) for o in obstacles)


def _escape(anchor: Point, w: float, h: float, obstacles: list[Rect], direction: int, gap: float) -> Point:
    """From `anchor`, move up (−1) or down (+1) past every obstacle the label would cover."""
    x, y = anchor
    obstacles = [o for o in obstacles if o[2] > x - w / 2 and o[0] < x + w / 2]  # only those in its column
    for _ in range(12):
        hits = [o for o in obstacles if _overlap(_box((x, y), w, h), o) > 0]
        if not hits:
            break
        y = (min(o[1] for o in hits) - h / 2 - gap) if direction < 0 else (max(o[3] for o in hits) + h / 2 + gap)
    return x, y


def _candidates(request: LabelRequest, obstacles: list[Rect], gap: float) -> Iterable[tuple[Point, Point]]:
    """(centre, its edge point) to try: on the edge, just beside it, then clear of the nodes in the way."""
    w, h = request.width, request.height
    for anchor in request.anchors:
        yield anchor, anchor
        for shift in (-1, 1):
            yield (anchor[0], anchor[1] + shift * (h / 2 + gap)), anchor
    for anchor in request.anchors[:3]:
        for direction in (-1, 1):
            yield _escape(anchor, w, h, obstacles, direction, gap), anchor


def place_labels(requests: list[LabelRequest], obstacles: list[Rect], gap: float = GAP) -> dict[str, Placement]:
    """Place labels in order (the first gets the best spot); each placed label is an obstacle for the rest."""
    taken = list(obstacles)
    out: dict[str, Placement] = {}
    for request in requests:
        w, h = request.width, request.height
        xs = [a[0] for a in request.anchors]
        left, right = min(xs) - w, max(xs) + w
        near = [o for o in taken if o[2] > left and o[0] < right]  # every candidate lies in this column
        best, best_cost = None, None
        for center, anchor in _candidates(request, near, gap):
            box = _box(center, w, h)
            distance = abs(center[0] - anchor[0]) + abs(center[1] - anchor[1])
            cost = 1000.0 * _covered(box, near) + distance
            if best_cost is None or cost < best_cost:
                best, best_cost = (center, anchor), cost
            if cost == 0.0:
                break  # on its edge and covering nothing: nothing is better
        if best is None:
            continue
        center, anchor = best
        box = _box(center, w, h)
        touches = box[0] - gap <= anchor[0] <= box[2] + gap and box[1] - gap <= anchor[1] <= box[3] + gap
        out[request.key] = Placement(center, None if touches else anchor)
        taken.append(box)
    return out


def rect_tuple(rect: QRectF, margin: float = 0.0) -> Rect:
    """A QRectF as (x0, y0, x1, y1), grown by `margin`."""
    return (rect.left() - margin, rect.top() - margin, rect.right() + margin, rect.bottom() + margin)


def arrange(scene, first: str | None = None, previous: tuple | None = None) -> tuple | None:
    """Place every shown edge label of a scene (the label of edge `first` before the others).

    Returns what the labels were placed around; given that as `previous` and nothing moved, it does nothing.
    """
    s = scene.theme.scale
    shown = [(edge_id, item) for edge_id, item in scene.edge_items.items()
             if item.label_item is not None and item.label_item.isVisible()]
    if not shown:
        return None
    shown.sort(key=lambda pair: pair[0] != first)
    nodes = [item for item in list(scene.node_items.values()) + list(scene.block_items.values()) if item.isVisible()]
    bodies = [item.mapRectToScene(item.body) for item in nodes]
    # a label whose text changed was put back on its edge by the edge item: the text is part of the signature
    signature = (first, tuple((e, i.label_item.shown_text(), i.path().boundingRect().getRect()) for e, i in shown),
                 tuple(b.getRect() for b in bodies))
    if signature == previous:
        return signature
    obstacles = [rect_tuple(body, 8 * s) for body in bodies]
    obstacles += [rect_tuple(item.mapRectToScene(item.title_rect()))
                  for item in scene.region_items.values() if item.isVisible()]
    requests = []
    for edge_id, item in shown:
        size = item.label_item.label_rect()
        points = tuple((p.x(), p.y()) for p in (item.path().pointAtPercent(t) for t in ALONG))
        requests.append(LabelRequest(edge_id, size.width(), size.height(), points))
    placed = place_labels(requests, obstacles, GAP * s)
    for edge_id, item in shown:
        where = placed.get(edge_id)
        if where is not None:
            leader = None if where.leader is None else QPointF(*where.leader)
            item.label_item.place(QPointF(*where.center), leader)
    return signature
