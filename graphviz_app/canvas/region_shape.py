"""The outline of a region: its members' boxes, bridged where they sit close, never over other nodes.

A plain bounding rectangle would cover nodes of the neighbouring region whenever the layout puts a
weight (V) in the column of the previous layer's output (a); so the outline follows the members.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath


def _overlap(a0: float, a1: float, b0: float, b1: float) -> tuple[float, float] | None:
    lo, hi = max(a0, b0), min(a1, b1)
    return (lo, hi) if hi > lo else None


def _vertical_bridge(a: QRectF, b: QRectF, max_gap: float, grip: float) -> list[QRectF]:
    """Fill a small gap between two boxes stacked in one column."""
    xs = _overlap(a.left(), a.right(), b.left(), b.right())
    if xs is None:
        return []
    upper, lower = (a, b) if a.top() < b.top() else (b, a)
    gap_y = lower.top() - upper.bottom()
    if 0 < gap_y <= max_gap:
        return [QRectF(QPointF(xs[0], upper.bottom() - grip), QPointF(xs[1], lower.top() + grip))]
    return []


def _corridor(a: QRectF, b: QRectF, blocked: list[QRectF], grip: float) -> list[QRectF]:
    """Join a (left) to b (right) through the free strip between them: a vertical corridor plus two stubs."""
    top, bottom = min(a.top(), b.top()), max(a.bottom(), b.bottom())
    x0, x1 = a.right(), b.left()
    middle = (x0 + x1) / 2
    for o in blocked:
        if o.bottom() > top and o.top() < bottom and o.right() > x0 and o.left() < x1:
            if (o.left() + o.right()) / 2 < middle:
                x0 = max(x0, o.right())
            else:
                x1 = min(x1, o.left())
    if x1 - x0 < grip + 2:  # narrower would vanish when the corners are rounded
        return []
    corridor = QRectF(QPointF(x0, top), QPointF(x1, bottom))
    stubs = [QRectF(QPointF(a.right() - grip, a.top()), QPointF(x0 + grip, a.bottom())),
             QRectF(QPointF(x1 - grip, b.top()), QPointF(b.left() + grip, b.bottom()))]
    return [corridor] + [st for st in stubs if st.width() > 0]


def _bridges(a: QRectF, b: QRectF, linked: bool, max_gap: float, grip: float,
             blocked: list[QRectF]) -> list[QRectF]:
    """Rectangles joining two padded boxes that sit close (or are linked by an edge), or none."""
    if a.left() > b.left():
        a, b = b, a
    gap_x = b.left() - a.right()
    if not 0 < gap_x <= max_gap:
        return _vertical_bridge(a, b, max_gap, grip)
    ys = _overlap(a.top(), a.bottom(), b.top(), b.bottom())
    if ys is not None and ys[1] - ys[0] > 2 * grip:
        return [QRectF(QPointF(a.right() - grip, ys[0]), QPointF(b.left() + grip, ys[1]))]
    return _corridor(a, b, blocked, grip) if linked else []


def _hits(bridge: QRectF, obstacle: QRectF, a: QRectF, b: QRectF) -> bool:
    """Does a bridge piece (outside its two ends) cover part of an obstacle?"""
    part = bridge.intersected(obstacle)
    return part.isValid() and not part.isEmpty() and not (a.contains(part) or b.contains(part))


def region_outline(members: list[QRectF], links: set[tuple[int, int]], obstacles: list[QRectF],
                   pad: float, radius: float, title: QRectF) -> tuple[QPainterPath, QPointF]:
    """Outline around member boxes (scene coordinates) plus a title tab; returns (path, title top-left).

    `links` are index pairs of members joined by an edge; `obstacles` are boxes of other nodes that
    no bridge may cover; `title` gives the tab's size (its position is chosen here).
    """
    padded = [m.adjusted(-pad, -pad, pad, pad) for m in members]
    if not padded:
        return QPainterPath(), QPointF()
    room = pad + radius / 2  # other nodes keep their margin, and a little air between regions
    blocked = [o.adjusted(-room, -room, room, room) for o in obstacles]
    pieces = list(padded)
    for i in range(len(padded)):
        for j in range(i + 1, len(padded)):
            linked = (i, j) in links or (j, i) in links
            parts = _bridges(padded[i], padded[j], linked, 4 * pad + 2 * radius, 2 * radius, blocked)
            if parts and not any(_hits(p, o, padded[i], padded[j]) for p in parts for o in blocked):
                pieces.extend(parts)
    tab, text_at = _title_tab(padded, blocked, title, pad)
    pieces.append(tab)
    return _rounded_union(pieces, radius), text_at


def _title_tab(padded: list[QRectF], blocked: list[QRectF], title: QRectF,
               pad: float) -> tuple[QRectF, QPointF]:
    """The title's tab and where its text goes: above the top-left member if free, else above
    another member, else under the first one."""
    order = sorted(padded, key=lambda r: (round(r.left() / (2 * pad)), r.top()))
    for member in order:
        tab = QRectF(member.left(), member.top() - title.height(), max(member.width(), title.width()),
                     title.height() + pad)
        if not any(tab.intersects(o) for o in blocked):
            return tab, tab.topLeft()
    first = order[0]
    tab = QRectF(first.left(), first.bottom() - pad, max(first.width(), title.width()), title.height() + pad)
    return tab, QPointF(first.left(), first.bottom())


def _rounded_union(pieces: list[QRectF], radius: float) -> QPainterPath:
    """Union of rectangles (whole units, so edges meet exactly) with every corner rounded."""
    union = QPainterPath()
    union.setFillRule(Qt.WindingFill)
    for rect in pieces:
        union.addRect(QRectF(QPointF(round(rect.left()), round(rect.top())),
                             QPointF(round(rect.right()), round(rect.bottom()))))
    out = QPainterPath()  # OddEvenFill, like simplified(): holes stay holes
    polygons = union.simplified().toSubpathPolygons()
    boxes = [p.boundingRect() for p in polygons]
    for polygon, box in zip(polygons, boxes):
        pinhole = box.width() < 6 * radius and box.height() < 6 * radius and any(
            other is not box and other.contains(box) for other in boxes)
        if not pinhole:  # a tiny gap left between bridges reads as a blemish, not as information
            _add_rounded(out, _corners(polygon), radius)
    return out


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
