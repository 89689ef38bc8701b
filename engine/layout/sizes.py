"""How much room each node takes: given by the canvas (its items' sizes), or estimated without Qt."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..graph import Graph, Node
from ..shapes import infer_shapes

# The canvas draws nodes at these sizes (theme scale 1, model units): a header with name and op, then
# one row per input port; sources and parameters are narrower. Mirrored here so a headless layout
# (files, exporters, `render` before the scene exists) leaves the same room.
OP_WIDTH, SOURCE_WIDTH = 156.0, 132.0
HEADER, ROW, FOOT = 42.0, 21.0, 7.0
# Explain mode adds value and gradient panels under an op (above a parameter): room for them, by the
# kind of value the node holds. Rough on purpose: the canvas passes its real sizes when it has them.
PANEL_SCALAR, PANEL_VECTOR, PANEL_ARRAY = 28.0, 66.0, 102.0


@dataclass(frozen=True)
class Extent:
    """A node's room around its position: `width` centred on it, `above` and `below` it (y grows down)."""

    width: float
    above: float
    below: float

    @classmethod
    def centred(cls, width: float, height: float) -> Extent:
        """A box of this size centred on the node's position."""
        return cls(float(width), height / 2.0, height / 2.0)

    @property
    def height(self) -> float:
        """Total height."""
        return self.above + self.below


Size = Extent | tuple[float, float]


def as_extents(graph: Graph, sizes: Mapping[str, Size] | None) -> dict[str, Extent]:
    """Every node's extent: from `sizes` where given ((w, h) pairs are centred), else estimated."""
    estimate = estimate_sizes(graph) if sizes is None or len(sizes) < len(graph.nodes) else {}
    out = {}
    for node_id in graph.nodes:
        given = None if sizes is None else sizes.get(node_id)
        if given is None:
            out[node_id] = estimate[node_id]
        elif isinstance(given, Extent):
            out[node_id] = given
        else:
            out[node_id] = Extent.centred(float(given[0]), float(given[1]))
    return out


def estimate_sizes(graph: Graph, explain: bool = True) -> dict[str, Extent]:
    """Each node's extent as the canvas draws it; with `explain`, plus room for its value panels."""
    shapes = infer_shapes(graph).shapes if explain else {}
    return {node_id: _estimate(node, shapes.get(node_id), explain) for node_id, node in graph.nodes.items()}


def _estimate(node: Node, shape: tuple | None, explain: bool) -> Extent:
    width = SOURCE_WIDTH if node.op.is_source else OP_WIDTH
    box = HEADER + ROW * max(1, len(node.op.port_names())) + FOOT
    panel = _panel_height(node, shape) if explain else 0.0
    if node.op_name == "Parameter":  # a parameter's numbers go above it, where it has free space
        return Extent(width, box / 2 + panel, box / 2)
    return Extent(width, box / 2, box / 2 + panel)


def _panel_height(node: Node, shape: tuple | None) -> float:
    """Room the explain panels take: none for word ids, a line for a number, more for arrays."""
    if node.op_name == "Input" and node.attrs.get("dtype") == "int":
        return 0.0
    if node.op_name == "Label":
        return PANEL_SCALAR
    if shape is None:
        return PANEL_ARRAY
    long_axes = [n for n in shape if n is not None and n > 1]
    if not long_axes:
        return PANEL_SCALAR
    # a parameter vector is drawn as one strip; anything with a batch axis or two axes as a heatmap
    plain_vector = node.op_name == "Parameter" and len(long_axes) == 1
    return PANEL_VECTOR if plain_vector else PANEL_ARRAY
