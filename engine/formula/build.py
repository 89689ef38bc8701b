"""A plan → a laid-out Graph with one region per line, named after the line."""
from __future__ import annotations

from ..examples.builder import DECODER, ENCODER, HIDDEN, LOSS
from ..graph import Graph
from ..names import MAX_TITLE_CHARS
from ..layout import apply_layout
from ..op_facts import Role
from ..registry import OPS
from .plan import Plan
from .printer import MAX_TITLE

CUT = "…"  # ends a region title too long to hold its whole line
CLASS_NAMES_META = "class_names"  # {label name: [class names]} when the classes have names


def build_graph(plan: Plan) -> Graph:
    """Add the planned nodes and edges, group each line into a region, lay them out to fit a 16:9 slide."""
    graph = Graph()
    ids: list[str] = []
    for planned in plan.nodes:
        node = graph.add_node(planned.op, planned.name, planned.attrs, value=planned.value)
        ids.append(node.id)
        for port, source in planned.inputs.items():
            graph.connect(ids[source], node.id, port)
    for (title, members), colour in zip(plan.lines, line_colours(plan)):
        graph.add_region(region_title(title), [ids[i] for i in members], colour)
    graph.meta = _meta(plan)
    apply_layout(graph)  # after the regions: rows of a wrapped layout end between them
    return graph


def region_title(line: str) -> str:
    """The line as its region's title, cut with … where it is longer than a title may be."""
    return line if len(line) <= MAX_TITLE_CHARS else line[:MAX_TITLE_CHARS - 1] + CUT


def line_colours(plan: Plan) -> list[str]:
    """Losses red; of the other lines the last is the decoder (orange), the first the encoder (blue)."""
    is_loss = [OPS[plan.nodes[members[-1]].op].role is Role.LOSS for _, members in plan.lines]
    others = [k for k, loss in enumerate(is_loss) if not loss]
    colours = []
    for k, loss in enumerate(is_loss):
        if loss:
            colours.append(LOSS)
        elif k == others[-1]:
            colours.append(DECODER)
        else:
            colours.append(ENCODER if k == others[0] else HIDDEN)
    return colours


def _meta(plan: Plan) -> dict:
    title = "; ".join(title for title, _ in plan.lines) or "A graph from a formula"
    meta: dict = {"title": title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1] + "…"}
    if plan.sample:
        meta["sample"] = dict(plan.sample)
    if plan.class_names:
        meta[CLASS_NAMES_META] = {k: list(v) for k, v in plan.class_names.items()}
    return meta
