"""The outline of a region: one area around all its members, with every other node cut out of it.

A plain bounding rectangle would cover nodes of the neighbouring region whenever the layout puts a
weight (V) in the column of the previous layer's output (a); so other nodes are cut out, with a margin.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath


def region_outline(members: list[QRectF], obstacles: list[QRectF], pad: float, radius: float, title: QRectF,
                   anchor: int | None = None) -> tuple[QPainterPath, QPointF]:
    """One outline around all member boxes (scene coordinates) with a title tab; returns (path, title top-left).

    The outline is the members' common rectangle with every other node cut out of it (with a margin),
    so a region reads as one area however its members are spread (one box per member read as one region
    per node). `obstacles` are boxes of other nodes; `title` gives the tab's size; `anchor` is the member
    the title names (the title sits above that one).
    """
    padded = [m.adjusted(-pad, -pad, pad, pad) for m in members]
    if not padded:
        return QPainterPath(), QPointF()
    room = pad + radius / 2  # other nodes keep their margin, and a little air between regions
    area = QRectF(padded[0])
    for box in padded[1:]:
        area = area.united(box)
    blocked = [o.adjusted(-room, -room, room, room) for o in obstacles if o.intersects(area)]
    tab, text_at = _title_tab(padded, area, blocked, title, pad, anchor)
    shape = _path_of([area, tab]).subtracted(_path_of(blocked)).united(_path_of(padded))
    return _rounded(shape, radius), text_at


def _path_of(rects: list[QRectF]) -> QPainterPath:
    """The union of rectangles, in whole units so that edges meet exactly."""
    path = QPainterPath()
    path.setFillRule(Qt.WindingFill)
    for rect in rects:
        path.addRect(QRectF(QPointF(round(rect.left()), round(rect.top())),
                            QPointF(round(rect.right()), round(rect.bottom()))))
    return path.simplified()


def _rounded(shape: QPainterPath, radius: float) -> QPainterPath:
    """The shape's polygons with every corner rounded; tiny slivers between cut-outs are dropped."""
    out = QPainterPath()  # OddEvenFill, like simplified(): holes stay holes
    polygons = shape.simplified().toSubpathPolygons()
    boxes = [p.boundingRect() for p in polygons]
    for polygon, box in zip(polygons, boxes):
        sliver = box.width() < 2 * radius or box.height() < 2 * radius
        pinhole = box.width() < 6 * radius and box.height() < 6 * radius and any(
            other is not box and other.contains(box) for other in boxes)
        if not (sliver or pinhole):
            _add_rounded(out, _corners(polygon), radius)
    return out


def _title_tab(padded: list[QRectF], area: QRectF, blocked: list[QRectF], title: QRectF, pad: float,
               anchor: int | None) -> tuple[QRectF, QPointF]:
    """The title's tab and where its text goes: right above the member the title names if that place is
    free, else on the region's top edge above that member (the top-left member when the title names none)."""
    order = sorted(range(len(padded)), key=lambda i: (round(padded[i].left() / (2 * pad)), padded[i].top()))
    first = padded[anchor] if anchor is not None and 0 <= anchor < len(padded) else padded[order[0]]
    others = [p for p in padded if p is not first] + blocked
    close = QRectF(first.left(), first.top() - title.height(), title.width(), title.height() + pad)
    if not any(close.intersects(o) for o in others) or close.top() <= area.top():
        return close, close.topLeft()
    left = min(first.left(), area.right() - title.width())
    tab = QRectF(left, area.top() - title.height(), title.width(), title.height() + pad)
    return tab, tab.topLeft()


def _corners(polygon) -> list[QPointF]:
    """The polygon's corners: closing point, repeats and straight-through points dropped."""
    points: list[QPointF] = []
    for p in polygon:
        if not points or p != points[-1]:
            points.append(QPointF(p))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    corners = []
    for i, p in enumerate(points):
        a, b = points[i - 1], points[(i + 1) % len(points)]
        cross = (p.x() - a.x()) * (b.y() - p.y()) - (p.y() - a.y()) * (b.x() - p.x())
        if abs(cross) > 1e-6:
            corners.append(p)
    return corners


def _add_rounded(path: QPainterPath, corners: list[QPointF], radius: float) -> None:
    """Append a closed polygon whose corners are cut by quadratic curves of about `radius`."""
    n = len(corners)
    if n < 3:
        return
    for i, p in enumerate(corners):
        prev, nxt = corners[i - 1], corners[(i + 1) % n]
        d1 = math.hypot(prev.x() - p.x(), prev.y() - p.y())
        d2 = math.hypot(nxt.x() - p.x(), nxt.y() - p.y())
        r = min(radius, d1 / 2, d2 / 2)
        start = p + (prev - p) * (r / d1)
        end = p + (nxt - p) * (r / d2)
        if i == 0:
            path.moveTo(start)
        else:
            path.lineTo(start)
        path.quadTo(p, end)
    path.closeSubpath()
