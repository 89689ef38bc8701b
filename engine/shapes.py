"""Shape inference over a whole graph, reporting every problem per node before anything runs."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EngineError, ShapeError
from .graph import Graph


@dataclass
class ShapeReport:
    """Inferred output shape per node (None where unknown) and an error message per failing node."""

    shapes: dict[str, tuple | None] = field(default_factory=dict)
    dtypes: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no node has an error."""
        return not self.errors

    def shape(self, node_id: str) -> tuple:
        """The inferred shape of one node; ShapeError when it is unknown (the node or one before it has an error)."""
        shape = self.shapes.get(node_id)
        if shape is None:
            raise ShapeError(self.errors.get(node_id, f"the shape of node {node_id} is unknown: "
                                                      "an input before it has an error"))
        return shape

    def known(self) -> dict[str, tuple]:
        """The shapes that are known, by node id (all of them when `ok`)."""
        return {node_id: shape for node_id, shape in self.shapes.items() if shape is not None}

    def messages(self, graph: Graph) -> list[str]:
        """Every error as one line, in topological order."""
        order = [n for n in graph.topo_order() if n in self.errors]
        return [self.errors[n] for n in order]


def infer_shapes(graph: Graph) -> ShapeReport:
    """Infer every node's shape; a node with a missing or broken input gets an error, not an exception."""
    report = ShapeReport()
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        label = f"{node.op_name} '{node.name}'"
        incoming = graph.incoming(node_id)
        missing = node.op.open_ports(incoming)
        if missing:
            report.shapes[node_id] = None
            report.errors[node_id] = f"{label}: input {', '.join(repr(p) for p in missing)} is not connected"
            continue
        ports = node.op.connected_ports(incoming)
        sources = [incoming[p.name].src for p in ports]
        in_shapes = [shape for shape in (report.shapes.get(s) for s in sources) if shape is not None]
        if len(in_shapes) < len(sources):
            report.shapes[node_id] = None  # the real problem is reported upstream
            continue
        names = [graph.nodes[s].name for s in sources]
        wrong = [(p, s) for p, s in zip(ports, sources) if p.integer and report.dtypes.get(s) == "float"]
        if wrong:
            port, src = wrong[0]
            report.shapes[node_id] = None
            report.errors[node_id] = (f"{label}: input '{port.name}' needs integer ids, "
                                      f"but '{graph.nodes[src].name}' gives numbers")
            continue
        try:
            report.shapes[node_id] = tuple(node.op.infer(in_shapes, names))
            report.dtypes[node_id] = node.op.out_dtype
        except EngineError as exc:
            report.shapes[node_id] = None
            report.errors[node_id] = f"{label}: {exc}"
    return report
