"""Graphviz DOT text of a graph (no graphviz needed to write it): `dot -Tsvg graph.dot -o graph.svg`."""
from __future__ import annotations

from pathlib import Path

from ..fileformat.safe_io import write_atomic
from ..graph import Graph
from ..names import printable
from ..trace import Trace
from .picture import describe

POINTS_PER_UNIT = 0.75  # canvas units to points, for `neato -n`, which keeps the canvas positions


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as \\n, other unprintable
    characters spelled out (\\x00), so no text can end the string or the statement."""
    lines = (printable(line).replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n"))
    return '"' + "\\n".join(lines) + '"'


def to_dot(graph: Graph, trace: Trace | None = None) -> str:
    """DOT text, left to right: nodes labelled name, op and shape; edges labelled with their port.

    With a trace, nodes also show their value and ∂L/∂(node), and edges the gradient they carry back."""
    nodes, edges = describe(graph, trace)
    title = str(graph.meta.get("title") or "graph")
    lines = [f"digraph {quote(title)} {{",
             f"  graph [rankdir=LR, fontname=\"Helvetica\", label={quote(title)}, labelloc=t];",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for region in graph.regions.values():
        members = " ".join(quote(n) for n in region.node_ids if n in graph.nodes)
        lines.append(f"  subgraph {quote('cluster_' + region.id)} {{ label={quote(region.title)}; "
                     f"color={quote(region.color)}; style=rounded; {members} }}")
    for n in nodes:
        label = [n.name, n.op, n.shape]
        if n.value is not None:
            label.append(f"= {n.value}")
        if n.grad is not None:
            label.append(f"∂L/∂{n.name} = {n.grad}")
        x, y = n.pos[0] * POINTS_PER_UNIT, -n.pos[1] * POINTS_PER_UNIT
        lines.append(f"  {quote(n.node_id)} [label={quote(chr(10).join(label))}, fillcolor=\"#{n.fill}\", "
                     f"pos=\"{x:.1f},{y:.1f}!\"];")
    for e in edges:
        edge_label = e.port if e.grad is None else f"{e.port}\n∂L/∂in = {e.grad}"
        lines.append(f"  {quote(e.src)} -> {quote(e.dst)} [label={quote(edge_label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(graph: Graph, path: str | Path, trace: Trace | None = None) -> None:
    """Write to_dot(graph, trace) to a file (UTF-8)."""
    write_atomic(path, to_dot(graph, trace).encode("utf-8"))
