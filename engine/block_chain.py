"""Which nodes make a "Linear + σ" block: MatMul(x, W) → Add(·, b) → Sigmoid, with W and b Parameters.

The graph model checks every block against this rule (engine.graph), and engine.blocks builds blocks with it;
it reads the graph through `Wiring`, so that the model can use it without a circular import.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .errors import GraphError
from .graph_parts import Edge, Node
from .op_facts import Role


class Wiring(Protocol):
    """What the rule reads of a graph: its nodes and the edges into a node."""

    def node(self, node_id: str) -> Node:
        """The node with this id, or GraphError."""

    def incoming(self, node_id: str) -> dict[str, Edge]:
        """The edges into a node, by input port."""


@dataclass(frozen=True)
class BlockParts:
    """The node ids that make up one Linear + σ block."""

    weight: str
    bias: str
    matmul: str
    add: str
    sigmoid: str

    @property
    def node_ids(self) -> list[str]:
        """Every member, parameters first, in the order data flows."""
        return [self.weight, self.bias, self.matmul, self.add, self.sigmoid]


def match_parts(graph: Wiring, node_ids: list[str]) -> BlockParts:
    """Find MatMul(x, W) → Add(·, b) → Sigmoid among `node_ids`, W and b being Parameters; GraphError says what
    is missing."""
    chosen = set(node_ids)
    by_op: dict[str, list[str]] = {}
    for nid in node_ids:
        by_op.setdefault(graph.node(nid).op_name, []).append(nid)
    for name in ("MatMul", "Add", "Sigmoid"):
        if len(by_op.get(name, [])) != 1:
            raise GraphError(f"a Linear + σ block needs exactly one {name} node among its nodes")
    matmul, add, sigmoid = by_op["MatMul"][0], by_op["Add"][0], by_op["Sigmoid"][0]
    weight = _parameter_of(graph, matmul, "W", chosen)
    add_in = graph.incoming(add)
    if "a" not in add_in or add_in["a"].src != matmul:
        raise GraphError("in a Linear + σ block the MatMul must feed input 'a' of the Add")
    bias = _parameter_of(graph, add, "b", chosen)
    sig_in = graph.incoming(sigmoid).get("x")
    if sig_in is None or sig_in.src != add:
        raise GraphError("in a Linear + σ block the Add must feed the Sigmoid")
    parts = BlockParts(weight, bias, matmul, add, sigmoid)
    extra = chosen - set(parts.node_ids)
    if extra:
        names = ", ".join(sorted(graph.node(n).name for n in extra))
        raise GraphError(f"a Linear + σ block holds only W, b, MatMul, Add and Sigmoid, not {names}")
    return parts


def _parameter_of(graph: Wiring, node_id: str, port: str, chosen: set[str]) -> str:
    edge = graph.incoming(node_id).get(port)
    if edge is None or graph.node(edge.src).op.role is not Role.PARAMETER or edge.src not in chosen:
        raise GraphError(f"a Linear + σ block needs a Parameter among its nodes feeding input '{port}' "
                         f"of '{graph.node(node_id).name}'")
    return edge.src
