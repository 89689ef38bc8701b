"""Automatic layout: data flows left to right from x to the loss, wrapped into rows to fit a slide.

Parameters (θ, W, V) sit above-left of the op they feed and labels (y) below-left of it, so each
region (encoder, decoder, loss) stays a contiguous run of columns. Nodes take the room their
`sizes` say (the canvas passes its items' sizes; without them an estimate of the canvas's drawing
with explain-mode values is used). Long chains wrap into rows that restart at the left, cut between
regions where a single edge crosses; the number of rows is the one at which the drawing fits a frame
of the given aspect at the largest scale. Deterministic, and O(n log n) in the number of nodes.

    >>> from engine.examples import build_example
    >>> plan = plan_layout(build_example("mlp"), aspect=16 / 9)  # sizes estimated: no canvas here
    >>> len(plan.rows), plan.fit_scale((1920, 1080)) >= 1.0  # two rows, drawn 1:1 on a 1080p slide
    (2, True)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..graph import Graph
from .columns import Columns, Gaps, stack_columns
from .rows import choose_row_starts, column_lefts
from .sizes import Extent, Size, as_extents, estimate_sizes

Position = tuple[float, float]
DEFAULT_ASPECT = 16 / 9
SLIDE = (1920.0, 1080.0)
DEFAULT_GAPS = Gaps()

__all__ = ["DEFAULT_ASPECT", "Extent", "Gaps", "Layout", "Position", "Size", "apply_layout", "estimate_sizes",
           "layered_layout", "lay_out_if_unplaced", "plan_layout", "unplaced"]


@dataclass
class Layout:
    """Where every node goes, how the columns were cut into rows, and the drawing's size."""

    positions: dict[str, Position]
    rows: list[list[int]]  # column numbers of each row
    return_edges: list[str]  # edges from the end of one row to the start of the next
    bounds: tuple[float, float, float, float]  # left, top, right, bottom of all node extents
    corridors: list[tuple[float, float]] = field(default_factory=list)  # free y bands between rows,
    # top to bottom: a return edge can be routed along one (right, down, left, down into its port)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the drawing (node extents only; labels may reach a little further)."""
        left, top, right, bottom = self.bounds
        return right - left, bottom - top

    @property
    def aspect(self) -> float:
        """Width over height."""
        width, height = self.size
        return width / max(height, 1.0)

    def fit_scale(self, frame: tuple[float, float] = SLIDE) -> float:
        """The scale at which the whole drawing fits `frame` (width, height), e.g. 1920×1080 pixels."""
        width, height = self.size
        return min(frame[0] / max(width, 1.0), frame[1] / max(height, 1.0))


def plan_layout(graph: Graph, sizes: Mapping[str, Size] | None = None, aspect: float | None = DEFAULT_ASPECT,
                gaps: Gaps = DEFAULT_GAPS, labels: Mapping[str, tuple[float, float]] | None = None) -> Layout:
    """Lay the graph out left to right, wrapped into rows to fit `aspect` (None: one row).

    `sizes`: node id → Extent or (width, height); `labels`: edge id → (width, height) of the edge's
    label, so that the gap it sits in is wide enough (both in model units, i.e. scene / theme scale)."""
    if not graph.nodes:
        return Layout({}, [], [], (0.0, 0.0, 0.0, 0.0))
    ext = as_extents(graph, sizes)
    cols = stack_columns(graph, ext, gaps, labels)
    starts = choose_row_starts(graph, cols, gaps, aspect)
    ends = starts[1:] + [cols.count]
    rows = [list(range(s, e)) for s, e in zip(starts, ends)]
    positions = _place(graph, cols, ext, gaps, rows)
    row_of = {c: r for r, row in enumerate(rows) for c in row}
    returns = [e.id for e in graph.edges.values()
               if row_of[cols.column[e.src]] != row_of[cols.column[e.dst]]]
    return Layout(positions, rows, sorted(returns), _bounds(positions, ext), _corridors(positions, ext, cols, rows))


def _place(graph: Graph, cols: Columns, ext: dict[str, Extent], gaps: Gaps,
           rows: list[list[int]]) -> dict[str, Position]:
    """x from each row's own start, y shifted down row by row."""
    lefts, centres = column_lefts(cols, gaps)
    positions: dict[str, Position] = {}
    shift_y, previous_bottom = 0.0, None
    for row in rows:
        top = min(cols.top[c] for c in row)
        if previous_bottom is not None:
            shift_y = previous_bottom + gaps.row - top
        previous_bottom = max(cols.bottom[c] for c in row) + shift_y
        shift_x = -lefts[row[0]]
        for c in row:
            for node_id in cols.members[c]:
                positions[node_id] = (centres[c] + shift_x, cols.y[node_id] + shift_y)
    for side, consumer in cols.owner.items():  # in the lane, ending a little left of the column
        if side in cols.behind:
            continue
        c = cols.column[consumer]
        x = positions[consumer][0] - cols.spine_width[c] / 2 - gaps.inset - ext[side].width / 2
        positions[side] = (x, cols.y[side] + positions[consumer][1] - cols.y[consumer])
    for side, (view, dx) in cols.behind.items():  # left of the view of it, at the same height (W → Wᵀ)
        positions[side] = (positions[view][0] + dx, positions[view][1])
    return {n: (round(positions[n][0], 1), round(positions[n][1], 1)) for n in graph.nodes}


def _corridors(positions: dict[str, Position], ext: dict[str, Extent], cols: Columns,
               rows: list[list[int]]) -> list[tuple[float, float]]:
    """The free band between each row's lowest node and the next row's highest."""
    row_of = {c: r for r, row in enumerate(rows) for c in row}
    tops, bottoms = [float("inf")] * len(rows), [float("-inf")] * len(rows)
    for n, (_, y) in positions.items():
        r = row_of[cols.column[n]]
        tops[r] = min(tops[r], y - ext[n].above)
        bottoms[r] = max(bottoms[r], y + ext[n].below)
    return [(bottoms[r], tops[r + 1]) for r in range(len(rows) - 1)]


def _bounds(positions: dict[str, Position], ext: dict[str, Extent]) -> tuple[float, float, float, float]:
    left = min(x - ext[n].width / 2 for n, (x, _) in positions.items())
    right = max(x + ext[n].width / 2 for n, (x, _) in positions.items())
    top = min(y - ext[n].above for n, (_, y) in positions.items())
    bottom = max(y + ext[n].below for n, (_, y) in positions.items())
    return left, top, right, bottom


def layered_layout(graph: Graph, sizes: Mapping[str, Size] | None = None,
                   aspect: float | None = DEFAULT_ASPECT) -> dict[str, Position]:
    """Positions {node id: (x, y)} of `plan_layout`; deterministic for a given graph and sizes."""
    return plan_layout(graph, sizes, aspect).positions


def apply_layout(graph: Graph, sizes: Mapping[str, Size] | None = None,
                 aspect: float | None = DEFAULT_ASPECT) -> None:
    """Move every node to its place in `layered_layout` (one node_moved event per node)."""
    for node_id, pos in layered_layout(graph, sizes, aspect).items():
        graph.move(node_id, pos)


def unplaced(graph: Graph) -> bool:
    """True when two or more nodes all sit on one spot, as in a file written without positions."""
    return len(graph.nodes) > 1 and len({node.pos for node in graph.nodes.values()}) == 1


def lay_out_if_unplaced(graph: Graph) -> bool:
    """Give an unplaced graph the slide layout (in memory; the file is not changed); True if it did.

    Thousands of nodes painted on top of each other cost Qt minutes and gigabytes; laid out, seconds.
    """
    if not unplaced(graph):
        return False
    apply_layout(graph)
    return True
