"""Edge labels placed so that none covers a node, a port or another label.

One pure function, `place_labels`, shared by the canvas, `main.py render` and the TikZ export. Each
label belongs to one edge, given as a polyline (flatten curves first, e.g. with `cubic_points`). It
goes, in this order of preference: on the middle of its edge; slid along the edge; just beside the
edge (either side); near the edge's middle with a leader line back to it. A label that fits nowhere
is put where it covers least and says what it covers. Labels are placed in the order given, so pass
the most important one (the step being explained) first. Deterministic; a grid index keeps each
test local, so 200 labels take milliseconds (bench/layout_fit.py measures it).

Everything is in one coordinate system with y growing down (scene coordinates on the canvas):

    >>> nodes = {"a": Rect(0, 0, 100, 60), "b": Rect(300, 0, 100, 60)}
    >>> ports = {"a.out": Point(100, 30), "b.x": Point(300, 30)}
    >>> label = EdgeLabel("e1", (Point(100, 30), Point(300, 30)), width=80, height=24)
    >>> [placed] = place_labels([label], nodes, ports)
    >>> placed.rect, placed.how, placed.leader
    (Rect(x=160.0, y=18.0, w=80.0, h=24.0), 'middle', None)

A canvas label item would then be moved to `placed.rect.centre`, and a line drawn for `placed.leader`.
"""
from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .placement_index import GridIndex, Point, Rect

__all__ = ["EdgeLabel", "LabelPlace", "Point", "Rect", "cubic_points", "place_labels"]

GAP = 4.0  # room kept between a label and anything it must not cover
PORT_RADIUS = 5.0
ALONG = (0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)  # fractions of the edge, nearest the middle first
RINGS = 10  # leader-line search: rings of candidate spots around the edge's middle
T = TypeVar("T")


@dataclass(frozen=True)
class EdgeLabel:
    """A label to place: the edge's key (e.g. its id), its path from source to target, and its size."""

    key: str
    path: tuple[Point, ...]
    width: float
    height: float


@dataclass(frozen=True)
class LabelPlace:
    """Where a label goes; `how` is middle, along, beside, leader or overlap (then `covers` says what)."""

    key: str
    rect: Rect
    anchor: Point  # the point of the edge the label stands for
    how: str
    leader: tuple[Point, Point] | None = None  # from the label's border to the anchor
    covers: tuple[str, ...] = ()  # names of what it overlaps, when it fits nowhere

    @property
    def ok(self) -> bool:
        """True when the label covers no node, port or other label."""
        return not self.covers


def cubic_points(p0: Point, c1: Point, c2: Point, p3: Point, steps: int = 16) -> tuple[Point, ...]:
    """A cubic Bézier curve as a polyline of steps + 1 points."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
        out.append(Point(a * p0.x + b * c1.x + c * c2.x + d * p3.x, a * p0.y + b * c1.y + c * c2.y + d * p3.y))
    return tuple(out)


def place_labels(labels: Sequence[EdgeLabel], nodes: Mapping[str, Rect] | Sequence[Rect],
                 ports: Mapping[str, Point] | Sequence[Point] = (), port_radius: float = PORT_RADIUS,
                 gap: float = GAP, keep_clear: Mapping[str, Rect] | Sequence[Rect] = ()) -> list[LabelPlace]:
    """A place for each label (same order), covering no node, port or earlier label where possible.

    `keep_clear`: other rectangles no label may cover either (e.g. region titles)."""
    index = GridIndex(_cell_size(labels))
    for name, rect in _named(nodes, "node"):
        index.add(rect, name)
    for name, rect in _named(keep_clear, "area"):
        index.add(rect, name)
    for name, point in _named(ports, "port"):
        index.add(Rect(point.x - port_radius, point.y - port_radius, 2 * port_radius, 2 * port_radius), name)
    placed = []
    for label in labels:
        place = _place_one(label, index, gap)
        index.add(place.rect, f"label {label.key}")
        placed.append(place)
    return placed


def _named(items: Mapping[str, T] | Sequence[T], kind: str) -> Iterator[tuple[str, T]]:
    """("node a", rect) for each item of a mapping, ("node 0", rect) for each of a sequence."""
    if isinstance(items, Mapping):
        return ((f"{kind} {key}", value) for key, value in items.items())
    return ((f"{kind} {i}", value) for i, value in enumerate(items))


def _cell_size(labels: Sequence[EdgeLabel]) -> float:
    sizes = sorted(max(label.width, label.height) for label in labels)
    return max(32.0, sizes[len(sizes) // 2]) if sizes else 64.0


def _place_one(label: EdgeLabel, index: GridIndex, gap: float) -> LabelPlace:
    """The first free spot in order of preference, or the least covered one."""
    path = _Polyline(label.path)
    anchor = path.point_at(0.5)
    for how, centre in _spots_on_edge(label, path, gap):
        grown = Rect(centre.x - label.width / 2 - gap, centre.y - label.height / 2 - gap,
                     label.width + 2 * gap, label.height + 2 * gap)
        if not index.blocked(grown):
            rect = _centred(centre, label)
            return LabelPlace(label.key, rect, centre if how != "beside" else path.nearest(centre), how)
    free = _leader_spot(label, anchor, index, gap)
    if free is not None:
        return LabelPlace(label.key, free, anchor, "leader", (_closest_on(free, anchor), anchor))
    # nowhere free: the spot on or beside the edge that covers the least area
    spots = list(_spots_on_edge(label, path, gap))
    costs = [sum(_centred(c, label).overlap_area(r) for r, _ in index.hits(_centred(c, label))) for _, c in spots]
    how, centre = spots[costs.index(min(costs))]
    rect = _centred(centre, label)
    covers = tuple(sorted({name for _, name in index.hits(rect)}))
    anchor = centre if how != "beside" else path.nearest(centre)
    return LabelPlace(label.key, rect, anchor, "overlap" if covers else how, None, covers)


def _spots_on_edge(label: EdgeLabel, path: _Polyline, gap: float) -> Iterator[tuple[str, Point]]:
    """Centres on the edge (middle, then sliding outward), then beside it on either side, touching, then
    one label-size further off."""
    yield "middle", path.point_at(0.5)
    for t in ALONG:
        yield "along", path.point_at(t)
    normals = [(path.point_at(t), path.normal_at(t)) for t in (0.5,) + ALONG]
    for far in (1.0, 2.0):
        for point, (nx, ny) in normals:
            reach = (abs(nx) * label.width / 2 + abs(ny) * label.height / 2 + gap) * far
            for side in (1.0, -1.0):
                yield "beside", Point(point.x + side * nx * reach, point.y + side * ny * reach)


def _leader_spot(label: EdgeLabel, anchor: Point, index: GridIndex, gap: float) -> Rect | None:
    """The nearest free spot on rings around the anchor; one whose leader crosses no node is worth
    looking two rings further for."""
    step_x, step_y = label.width / 2 + gap, label.height / 2 + gap
    crossing: tuple[int, Rect] | None = None
    for ring in range(1, RINGS + 1):
        if crossing is not None and ring > crossing[0] + 2:
            break
        for dx, dy in _ring(ring):
            rect = _centred(Point(anchor.x + dx * step_x, anchor.y + dy * step_y), label)
            if index.blocked(rect.grown(gap)):
                continue
            if not index.crosses(_closest_on(rect, anchor), anchor, "node"):
                return rect
            crossing = crossing or (ring, rect)
    return None if crossing is None else crossing[1]


@functools.lru_cache(maxsize=None)
def _ring(k: int) -> tuple[tuple[int, int], ...]:
    """Grid offsets at Chebyshev distance k, nearest to the centre first, then clockwise from above."""
    cells = [(dx, dy) for dx in range(-k, k + 1) for dy in range(-k, k + 1) if max(abs(dx), abs(dy)) == k]
    return tuple(sorted(cells, key=lambda c: (c[0] ** 2 + c[1] ** 2, math.atan2(c[0], -c[1]) % (2 * math.pi))))


def _centred(centre: Point, label: EdgeLabel) -> Rect:
    return Rect(centre.x - label.width / 2, centre.y - label.height / 2, float(label.width), float(label.height))


def _closest_on(rect: Rect, point: Point) -> Point:
    """The point of the rectangle nearest to `point` (where a leader line leaves the label)."""
    return Point(min(max(point.x, rect.x), rect.right), min(max(point.y, rect.y), rect.bottom))


class _Polyline:
    """A path measured by arc length: points and directions at fractions of its length."""

    def __init__(self, points: tuple[Point, ...]):
        self.points = points or (Point(0.0, 0.0),)
        self.lengths = [0.0]
        for a, b in zip(self.points, self.points[1:]):
            self.lengths.append(self.lengths[-1] + math.hypot(b.x - a.x, b.y - a.y))

    def _segment(self, t: float) -> tuple[int, float]:
        """Index of the segment at fraction t and how far along it (0..1)."""
        total = self.lengths[-1]
        if total <= 0.0:
            return 0, 0.0
        target = min(max(t, 0.0), 1.0) * total
        i = max(1, bisect.bisect_left(self.lengths, target))
        while self.lengths[i] <= self.lengths[i - 1]:  # skip zero-length pieces
            i += 1
        return i - 1, (target - self.lengths[i - 1]) / (self.lengths[i] - self.lengths[i - 1])

    def point_at(self, t: float) -> Point:
        """The point at fraction t of the length."""
        if len(self.points) == 1 or self.lengths[-1] <= 0.0:
            return self.points[0]
        i, f = self._segment(t)
        a, b = self.points[i], self.points[i + 1]
        return Point(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f)

    def normal_at(self, t: float) -> tuple[float, float]:
        """A unit normal at fraction t, pointing up (or right on a vertical stretch)."""
        if len(self.points) == 1 or self.lengths[-1] <= 0.0:
            return 0.0, -1.0
        i, _ = self._segment(t)
        a, b = self.points[i], self.points[i + 1]
        length = math.hypot(b.x - a.x, b.y - a.y)
        nx, ny = -(b.y - a.y) / length, (b.x - a.x) / length
        if ny > 1e-9 or (abs(ny) <= 1e-9 and nx < 0):
            nx, ny = -nx, -ny
        return nx, ny

    def nearest(self, point: Point) -> Point:
        """The point of the path nearest to `point`."""
        best, best_d = self.points[0], math.inf
        for a, b in zip(self.points, self.points[1:]):
            dx, dy = b.x - a.x, b.y - a.y
            span = dx * dx + dy * dy
            f = 0.0 if span == 0 else min(1.0, max(0.0, ((point.x - a.x) * dx + (point.y - a.y) * dy) / span))
            q = Point(a.x + dx * f, a.y + dy * f)
            d = (q.x - point.x) ** 2 + (q.y - point.y) ** 2
            if d < best_d:
                best, best_d = q, d
        return best
