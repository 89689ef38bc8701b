"""Wrapping a long chain of columns into rows so the drawing fits a frame of a given aspect.

Rows restart at the left, like lines of text. A row may only end where no region is cut in two (so each
region stays one outline) and, where possible, where one edge crosses (it becomes the return edge).
For k rows the cuts start at the allowed ones nearest to k equal widths and move to where the drawing
fits the frame best. The fewest rows that fit a 1080-high slide at full size win (a chain reads best
in one line); when none does, the k that fits at the largest scale. Cost: O(C log C) per tried k
(a few dozen k), plus a quadratic polish of the cuts for graphs up to POLISH_UP_TO columns.
"""
from __future__ import annotations

import bisect
import math

from ..graph import Graph
from .columns import Columns, Gaps

SLIDE_HEIGHT = 1080.0  # a slide 1080 units high, as wide as the aspect says: drawn 1:1, the text is readable
MARGIN = 40.0  # room around the drawing when judging how well it fits the frame
NEAR_TIE = 1.06  # fewer rows win when they draw the graph nearly as large (within this factor)
POLISH_UP_TO = 200  # columns: larger graphs keep the equal-width cuts (each polish pass is quadratic)
EXTRA_EDGE_COST = 0.08  # a cut that more than one edge crosses counts as this share of the width further


def column_lefts(cols: Columns, gaps: Gaps) -> tuple[list[float], list[float]]:
    """Left edge (lane included) and centre x of every column, as if all sat in one row."""
    lefts, centres = [], []
    x_right = 0.0
    for c in range(cols.count):
        gap = max(gaps.column, cols.lane_width[c] + gaps.lane, cols.label_room[c]) if c else cols.lane_width[c]
        centre = x_right + gap + cols.spine_width[c] / 2
        lefts.append(centre - cols.spine_width[c] / 2 - cols.lane_width[c])
        centres.append(centre)
        x_right = centre + cols.spine_width[c] / 2
    return lefts, centres


def cut_costs(graph: Graph, cols: Columns) -> tuple[list[int], list[bool]]:
    """For a cut before column c: how many edges cross it, and whether it splits a region."""
    count = cols.count
    crossing = [0] * (count + 1)
    for edge in graph.edges.values():
        a, b = cols.column[edge.src], cols.column[edge.dst]
        if a < b:
            crossing[a + 1] += 1
            crossing[b + 1] -= 1
    split = [0] * (count + 1)
    for region in graph.regions.values():
        spots = [cols.column[n] for n in region.node_ids if n in cols.column]
        if spots and min(spots) < max(spots):
            split[min(spots) + 1] += 1
            split[max(spots) + 1] -= 1
    running_cross, running_split = 0, 0
    crosses, splits = [], []
    for c in range(count):
        running_cross += crossing[c]
        running_split += split[c]
        crosses.append(running_cross)
        splits.append(running_split > 0)
    return crosses, splits


def choose_row_starts(graph: Graph, cols: Columns, gaps: Gaps, aspect: float | None) -> list[int]:
    """First column of each row: as few rows as keep the drawing readable on a slide of this aspect."""
    if aspect is None or cols.count < 2:
        return [0]
    lefts, centres = column_lefts(cols, gaps)
    rights = [centres[c] + cols.spine_width[c] / 2 for c in range(cols.count)]
    crosses, splits = cut_costs(graph, cols)
    allowed = [c for c in range(1, cols.count) if not splits[c]] or list(range(1, cols.count))
    frame = (SLIDE_HEIGHT * aspect, SLIDE_HEIGHT)
    tried = [([0], _score(cols, lefts, rights, [0], gaps, frame))]
    for k in _row_counts(cols, lefts, rights, aspect):
        starts = _cuts_for(k, lefts, rights, allowed, crosses)
        if len(starts) != k:
            continue
        if cols.count <= POLISH_UP_TO:
            starts = _polish(cols, lefts, rights, starts, allowed, gaps, frame)
        tried.append((starts, _score(cols, lefts, rights, starts, gaps, frame)))
    readable = [t for t in tried if t[1] >= 1.0]
    if readable:  # one line of text reads best: wrap only as much as legibility needs
        return min(readable, key=lambda t: (len(t[0]), -t[1]))[0]
    top = max(score for _, score in tried)  # none is readable: the largest, or fewer rows nearly as large
    return min((t for t in tried if t[1] * NEAR_TIE >= top), key=lambda t: (len(t[0]), -t[1]))[0]


def _row_counts(cols: Columns, lefts: list[float], rights: list[float], aspect: float) -> list[int]:
    """The row counts worth trying: all for short graphs, else those near the square-root estimate."""
    if cols.count <= 48:
        return list(range(2, cols.count + 1))
    height = max(b - t for t, b in zip(cols.top, cols.bottom)) + 1.0
    guess = math.sqrt(max(1.0, (rights[-1] - lefts[0]) / (aspect * height)))
    wanted = {k for k in range(2, 9)} | {round(guess * f) for f in (0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0)}
    wanted |= {round(guess) + d for d in range(-4, 5)}
    return sorted(k for k in wanted if 2 <= k <= cols.count)


def _cuts_for(k: int, lefts: list[float], rights: list[float], allowed: list[int], crosses: list[int]) -> list[int]:
    """Row starts for k rows: for each ideal boundary, the cheapest allowed cut near it."""
    total = rights[-1] - lefts[0]
    allowed_lefts = [lefts[c] for c in allowed]
    starts = [0]
    for i in range(1, k):
        ideal = lefts[0] + total * i / k
        at = bisect.bisect_left(allowed_lefts, ideal)
        options = [j for j in range(max(0, at - 3), min(len(allowed), at + 3))
                   if allowed[j] > starts[-1] and len(allowed) - j >= k - i]
        if not options:
            break
        j = min(options, key=lambda j: (abs(allowed_lefts[j] - ideal) / total
                                        + EXTRA_EDGE_COST * max(0, crosses[allowed[j]] - 1), allowed[j]))
        starts.append(allowed[j])
    return starts


def _polish(cols: Columns, lefts: list[float], rights: list[float], starts: list[int], allowed: list[int],
            gaps: Gaps, frame: tuple[float, float]) -> list[int]:
    """Move each cut to the allowed place between its neighbours that fits the frame best (rows differ
    in height: a row without parameters is low, so equal widths are not always best)."""
    starts = list(starts)
    for _ in range(3):
        changed = False
        for i in range(1, len(starts)):
            low, high = starts[i - 1], starts[i + 1] if i + 1 < len(starts) else cols.count
            best = (_score(cols, lefts, rights, starts, gaps, frame), -abs(starts[i]))
            for c in allowed:
                if low < c < high and c != starts[i]:
                    trial = starts[:i] + [c] + starts[i + 1:]
                    score = (_score(cols, lefts, rights, trial, gaps, frame), -abs(c))
                    if score > best:
                        best, starts, changed = score, trial, True
        if not changed:
            break
    return starts


def _score(cols: Columns, lefts: list[float], rights: list[float], starts: list[int], gaps: Gaps,
           frame: tuple[float, float]) -> float:
    """The scale at which the drawing fits `frame` (1 or more: readable at the canvas's own size)."""
    width, height = row_box(cols, lefts, rights, starts, gaps)
    return min(frame[0] / (width + 2 * MARGIN), frame[1] / (height + 2 * MARGIN))


def row_box(cols: Columns, lefts: list[float], rights: list[float], starts: list[int],
            gaps: Gaps) -> tuple[float, float]:
    """Width of the widest row and total height of the rows stacked with their gaps."""
    ends = starts[1:] + [cols.count]
    width = max(rights[e - 1] - lefts[s] for s, e in zip(starts, ends))
    height = sum(max(cols.bottom[s:e]) - min(cols.top[s:e]) for s, e in zip(starts, ends))
    return width, height + gaps.row * (len(starts) - 1)
