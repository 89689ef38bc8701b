"""Where the TikZ picture's edge labels go: the shared label placer on estimated LaTeX boxes.

TikZ sizes its nodes itself, so the boxes are estimated from the text they hold (footnotesize names,
scriptsize numbers); edges are straight lines between node borders, as `\\draw (a) -- (b)` draws them.
Everything here is in centimetres with y growing down (the placer's convention); tikz.py flips y.
"""
from __future__ import annotations

from ..placement import EdgeLabel, LabelPlace, Point, Rect, place_labels
from .picture import EdgeFacts, NodeFacts

FOOT_CHAR, SCRIPT_CHAR = 0.16, 0.13  # average character widths (cm) of \footnotesize and \scriptsize
FOOT_LINE, SCRIPT_LINE = 0.38, 0.31  # line heights (cm)
NODE_PAD, LABEL_PAD = 0.22, 0.08  # twice the inner sep of the op and port styles
MIN_NODE_WIDTH = 1.5  # the op style's minimum width (cm)


def node_box(n: NodeFacts, units_per_cm: float) -> Rect:
    """The estimated box of a node drawn by tikz.py's op style."""
    big = [n.name, n.op]
    small = [n.shape] + [f"= {n.value}"] * (n.value is not None) + [f"∂L/∂{n.name} = {n.grad}"] * (n.grad is not None)
    width = max(MIN_NODE_WIDTH, max(len(t) * FOOT_CHAR for t in big), max(len(t) * SCRIPT_CHAR for t in small))
    width += NODE_PAD
    height = len(big) * FOOT_LINE + len(small) * SCRIPT_LINE + NODE_PAD
    x, y = n.pos[0] / units_per_cm, n.pos[1] / units_per_cm
    return Rect(x - width / 2, y - height / 2, width, height)


def label_size(lines: list[str]) -> tuple[float, float]:
    """Estimated width and height of a port-style label."""
    return max(len(t) for t in lines) * SCRIPT_CHAR + LABEL_PAD, len(lines) * SCRIPT_LINE + LABEL_PAD


def place_edge_labels(nodes: list[NodeFacts], edges: list[EdgeFacts], texts: dict[str, list[str]],
                      units_per_cm: float) -> dict[str, LabelPlace]:
    """A place for each edge's label (its lines of plain text in `texts`), covering no node or label."""
    boxes = {n.node_id: node_box(n, units_per_cm) for n in nodes}
    labels = []
    for e in edges:
        width, height = label_size(texts[e.edge_id])
        labels.append(EdgeLabel(e.edge_id, _visible_segment(boxes[e.src], boxes[e.dst]), width, height))
    return {p.key: p for p in place_labels(labels, boxes, (), gap=0.06)}


def _visible_segment(a: Rect, b: Rect) -> tuple[Point, Point]:
    """The straight edge between two box centres, cut where it leaves a and enters b."""
    start, end = a.centre, b.centre
    return _exit(a, start, end), _exit(b, end, start)


def _exit(box: Rect, inside: Point, outside: Point) -> Point:
    """Where the segment from `inside` (the box's centre) towards `outside` crosses the box border."""
    dx, dy = outside.x - inside.x, outside.y - inside.y
    scales = [box.w / 2 / abs(dx) if dx else float("inf"), box.h / 2 / abs(dy) if dy else float("inf")]
    t = min(1.0, *scales)
    return Point(inside.x + dx * t, inside.y + dy * t)
