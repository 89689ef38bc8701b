"""Rectangles and points for the label placer, and a grid index that finds what a rectangle touches."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    """A point (y grows down)."""

    x: float
    y: float


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle: top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """x of the right side."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """y of the bottom side."""
        return self.y + self.h

    @property
    def centre(self) -> Point:
        """The middle of the rectangle."""
        return Point(self.x + self.w / 2, self.y + self.h / 2)

    def grown(self, margin: float) -> Rect:
        """The rectangle with `margin` added on every side."""
        return Rect(self.x - margin, self.y - margin, self.w + 2 * margin, self.h + 2 * margin)

    def overlap_area(self, other: Rect) -> float:
        """Area shared with `other` (0 when they only touch)."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0.0


class GridIndex:
    """Named rectangles bucketed in square cells, so a query looks only at its neighbourhood."""

    def __init__(self, cell: float):
        self.cell = float(cell)
        self.items: list[tuple[Rect, str]] = []
        self.corners: list[tuple[float, float, float, float]] = []  # left, top, right, bottom: fast tests
        self.cells: dict[tuple[int, int], list[int]] = {}

    def _keys(self, left: float, top: float, right: float, bottom: float) -> list[tuple[int, int]]:
        c = self.cell
        return [(i, j) for i in range(math.floor(left / c), math.floor(right / c) + 1)
                for j in range(math.floor(top / c), math.floor(bottom / c) + 1)]

    def add(self, rect: Rect, name: str) -> None:
        """Index a rectangle under a name (e.g. "node n3")."""
        self.items.append((rect, name))
        self.corners.append((rect.x, rect.y, rect.right, rect.bottom))
        for key in self._keys(*self.corners[-1]):
            self.cells.setdefault(key, []).append(len(self.items) - 1)

    def blocked(self, rect: Rect) -> bool:
        """True when any indexed rectangle shares area with `rect` (stops at the first)."""
        left, top, right, bottom = rect.x, rect.y, rect.x + rect.w, rect.y + rect.h
        corners, cells = self.corners, self.cells
        for key in self._keys(left, top, right, bottom):
            for k in cells.get(key, ()):
                x1, y1, x2, y2 = corners[k]
                if x1 < right and left < x2 and y1 < bottom and top < y2:
                    return True
        return False

    def hits(self, rect: Rect) -> list[tuple[Rect, str]]:
        """The indexed rectangles that share area with `rect`, in the order they were added."""
        found: set[int] = set()
        for key in self._keys(rect.x, rect.y, rect.right, rect.bottom):
            found.update(self.cells.get(key, ()))
        return [self.items[k] for k in sorted(found) if rect.overlap_area(self.items[k][0]) > 0]

    def crosses(self, a: Point, b: Point, kind: str) -> bool:
        """True when the segment a–b passes through a rectangle whose name starts with `kind`."""
        box = Rect(min(a.x, b.x), min(a.y, b.y), abs(b.x - a.x) + 1e-9, abs(b.y - a.y) + 1e-9)
        return any(name.startswith(kind) and _segment_hits(a, b, r) for r, name in self.hits(box.grown(1.0)))


def _segment_hits(a: Point, b: Point, rect: Rect) -> bool:
    """Whether the segment a–b enters the inside of `rect` (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b.x - a.x, b.y - a.y
    for p, q in ((-dx, a.x - rect.x), (dx, rect.right - a.x), (-dy, a.y - rect.y), (dy, rect.bottom - a.y)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True
