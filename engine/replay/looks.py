"""How the pictures draw a graph, where it is a rule rather than a colour (no Qt): a node's style and op label,
which nodes show class probabilities or scores, which cells of a large array a heatmap shows, and the curve of
an edge. The canvas and the HTML lesson both follow these, so the page looks like the app.
"""
from __future__ import annotations

import numpy as np

from ..graph import Graph, Node
from ..op_facts import OutputKind, Role

Point = tuple[float, float]
HEATMAP_COLUMNS = 24  # a heatmap shows at most this many evenly spaced columns
HEATMAP_ROWS = 4  # and rows (more only where cells are marked, e.g. a max-pool's winners)


def node_style(node: Node) -> tuple[str, str]:
    """(style, op label): a parameter, another source (an input, a label, a constant), or an op by its name."""
    role = node.op.role
    if role is Role.PARAMETER:
        return "param", "parameter"
    if role.fed or role.stored:
        return "source", node.op_name.lower()
    return "op", node.op_name


def probability_nodes(graph: Graph) -> set[str]:
    """Nodes whose value is a distribution (a softmax): drawn as probability bars with class names."""
    return {n.id for n in graph.nodes.values() if n.op.output_kind is OutputKind.DISTRIBUTION}


def score_nodes(graph: Graph) -> set[str]:
    """Nodes holding one score per class: what a softmax (or softmax cross-entropy's z) reads."""
    return {e.src for e in graph.edges.values()
            if graph.nodes[e.dst].op_name == "Softmax"
            or (graph.nodes[e.dst].op_name == "SoftmaxCrossEntropy" and e.port == "z")}


def heatmap_cells(shape: tuple[int, ...], max_rows: int = HEATMAP_ROWS,
                  max_cols: int = HEATMAP_COLUMNS) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """((rows, columns) of the array seen as a grid (rows × last axis), the rows shown, the columns shown): at
    most max_rows × max_cols evenly spaced cells."""
    cols_all = int(shape[-1]) if shape else 1
    rows_all = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    rows = np.linspace(0, rows_all - 1, min(rows_all, max_rows)).round().astype(int)
    cols = np.linspace(0, cols_all - 1, min(cols_all, max_cols)).round().astype(int)
    return (rows_all, cols_all), rows, cols


def curve_controls(start: Point, end: Point) -> tuple[Point, Point]:
    """The two control points of an edge's cubic curve from an output port to an input port: a left-to-right S
    that bends out further when the target lies behind the source."""
    (x1, y1), (x2, y2) = start, end
    dx = x2 - x1
    pull = max(40.0, abs(dx) * 0.5) if dx >= 0 else max(80.0, min(260.0, -dx * 0.6 + abs(y2 - y1) * 0.2))
    return (x1 + pull, y1), (x2 - pull, y2)
