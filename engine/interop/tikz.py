"""A standalone LaTeX/TikZ picture of a graph for slides, at the nodes' canvas positions.

Compile with `pdflatex graph.tex` (needs the standalone class and PGF/TikZ, both in TeX Live)."""
from __future__ import annotations

import re
from pathlib import Path

from ..fileformat.safe_io import write_atomic
from ..graph import Graph
from ..placement import LabelPlace
from ..trace import Trace
from .names import latex
from .picture import CATEGORY_FILL, DEFAULT_FILL, EdgeFacts, NodeFacts, describe
from .tikz_labels import place_edge_labels

LINE_BREAK = r" \\ "
UNITS_PER_CM = 80.0  # canvas units per centimetre: 220 units between columns is 2.75 cm
UNITS_PER_CM_ANNOTATED = 42.0

PREAMBLE = r"""% {title}: exported from the Computation Graph Explorer; compile with pdflatex.
\documentclass[tikz,border=6pt]{{standalone}}
\usepackage[T1]{{fontenc}}
\usepackage{{amsmath,amssymb}}
\usetikzlibrary{{arrows.meta,fit,backgrounds}}
{colors}
\begin{{document}}
\begin{{tikzpicture}}[
  >={{Stealth[length=2mm]}},
  op/.style={{draw=black!60, rounded corners=2pt, align=center, font=\footnotesize, inner sep=3pt,
              minimum width=1.5cm}},
  port/.style={{font=\scriptsize, fill=white, inner sep=1pt}},
  leader/.style={{draw=black!40, dashed}},
  region/.style={{rounded corners=4pt, inner sep=6pt, font=\footnotesize\bfseries}},
]"""


def _color_name(fill: str) -> str:
    return f"fill{fill}"


def _number_text(summary: str) -> str:
    """A value summary in LaTeX, with true minus signs."""
    return latex(summary).replace("-", "$-$").replace("$$", "")


def _partial(name: str) -> str:
    """∂L/∂name, in math when the name is a short symbol (W, x, θ), else with the name in parentheses."""
    text = latex(name)
    if re.fullmatch(r"[A-Za-z]{1,3}", name):
        return rf"$\partial L/\partial {text}$"
    if text.startswith("$") and text.endswith("$") and text.count("$") == 2:
        return rf"$\partial L/\partial {text[1:-1]}$"
    return rf"$\partial L/\partial$({text})"


def _node(n: NodeFacts, key: str, units_per_cm: float) -> str:
    rows = [latex(n.name), rf"\textsc{{{latex(n.op)}}}", rf"{{\scriptsize {latex(n.shape)}}}"]
    if n.value is not None:
        rows.append(rf"{{\scriptsize = {_number_text(n.value)}}}")
    if n.grad is not None:
        rows.append(rf"{{\scriptsize {_partial(n.name)} = {_number_text(n.grad)}}}")
    x, y = n.pos[0] / units_per_cm, -n.pos[1] / units_per_cm
    text = LINE_BREAK.join(rows)
    return rf"\node[op, fill={_color_name(n.fill)}] ({key}) at ({x:.2f}, {y:.2f}) {{{text}}};"


def _label_lines(e: EdgeFacts) -> list[str]:
    """The label's lines as plain text (for sizing); vectors are on the nodes, one number fits an arrow."""
    return [e.port] + ([e.grad] if e.grad is not None and e.scalar else [])


def _edge(e: EdgeFacts, keys: dict[str, str], place: LabelPlace) -> list[str]:
    """The arrow, its label where the placer put it (y flipped: TikZ's y grows up), and a leader if any."""
    label = latex(e.port)
    if e.grad is not None and e.scalar:
        label += rf"\\ {_number_text(e.grad)}"
    at = place.rect.centre
    lines = [rf"\draw[->] ({keys[e.src]}) -- ({keys[e.dst]});",
             rf"\node[port, align=center] at ({at.x:.2f}, {-at.y:.2f}) {{{label}}};"]
    if place.leader is not None:
        (x1, y1), (x2, y2) = ((p.x, p.y) for p in place.leader)
        lines.append(rf"\draw[leader] ({x1:.2f}, {-y1:.2f}) -- ({x2:.2f}, {-y2:.2f});")
    return lines


def _regions(graph: Graph, keys: dict[str, str]) -> list[str]:
    lines = []
    for index, region in enumerate(graph.regions.values()):
        members = "".join(f"({keys[n]})" for n in region.node_ids if n in keys)
        if not members:
            continue
        color = region.color.lstrip("#").upper()
        lines.append(rf"\definecolor{{region{index}}}{{HTML}}{{{color}}}")
        lines.append(rf"\begin{{scope}}[on background layer] \node[region, draw=region{index}, "
                     rf"fill=region{index}!8, fit={members}, label={{[text=region{index}]above:"
                     rf"{{{latex(region.title)}}}}}] {{}}; \end{{scope}}")
    return lines


def to_tikz(graph: Graph, trace: Trace | None = None) -> str:
    """The LaTeX source; with a trace, nodes show their value and ∂L/∂(node), edges the gradient they carry."""
    nodes, edges = describe(graph, trace)
    fills = sorted(set(CATEGORY_FILL.values()) | {DEFAULT_FILL})
    colors = "\n".join(rf"\definecolor{{{_color_name(f)}}}{{HTML}}{{{f}}}" for f in fills)
    title = latex(" ".join(str(graph.meta.get("title") or "graph").split()))
    lines = [PREAMBLE.format(title=title, colors=colors)]
    keys = {n.node_id: f"v{i}" for i, n in enumerate(nodes)}  # TikZ names must not hold odd characters
    scale = UNITS_PER_CM if trace is None else UNITS_PER_CM_ANNOTATED  # values need wider columns
    lines += [_node(n, keys[n.node_id], scale) for n in nodes]
    places = place_edge_labels(nodes, edges, {e.edge_id: _label_lines(e) for e in edges}, scale)
    lines += [line for e in edges for line in _edge(e, keys, places[e.edge_id])]
    lines += _regions(graph, keys)
    lines += [r"\end{tikzpicture}", r"\end{document}"]
    return "\n".join(lines) + "\n"


def write_tikz(graph: Graph, path: str | Path, trace: Trace | None = None) -> None:
    """Write to_tikz(graph, trace) to a .tex file (UTF-8)."""
    write_atomic(path, to_tikz(graph, trace).encode("utf-8"))
