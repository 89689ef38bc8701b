"""Where new nodes go: the nearest place to the one asked for where they cover no other node."""
from __future__ import annotations

import math
from functools import lru_cache

Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box, gap: float) -> bool:
    return a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] and b[1] - gap < a[3]


def _moved(box: Box, dx: float, dy: float) -> Box:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def free_offset(occupied: list[Box], footprint: list[Box], step: float = 20.0, gap: float = 24.0,
                max_rings: int = 40) -> tuple[float, float]:
    """The shortest shift (dx, dy), on a grid of `step`, that leaves every box of `footprint` at least `gap`
    away from every box of `occupied`; (0, 0) when nothing is in the way or no free place is near."""
    if not footprint:
        return (0.0, 0.0)
    reach = (max_rings + 1) * step + gap
    left = min(b[0] for b in footprint) - reach
    top = min(b[1] for b in footprint) - reach
    right = max(b[2] for b in footprint) + reach
    bottom = max(b[3] for b in footprint) + reach
    near = [b for b in occupied if _overlaps(b, (left, top, right, bottom), 0.0)]
    for dx, dy in _shifts(step, max_rings):
        if not any(_overlaps(_moved(f, dx, dy), b, gap) for f in footprint for b in near):
            return (dx, dy)
    return (0.0, 0.0)


@lru_cache(maxsize=8)
def _shifts(step: float, max_rings: int) -> tuple[tuple[float, float], ...]:
    """Grid shifts nearest first; at equal distance right before left and down before up (reading order)."""
    cells = [(i, j) for i in range(-max_rings, max_rings + 1) for j in range(-max_rings, max_rings + 1)]
    cells.sort(key=lambda c: (math.hypot(*c), -c[0], -c[1]))
    return tuple((i * step, j * step) for i, j in cells)
