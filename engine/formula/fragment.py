"""Formula lines added to a graph that exists: its nodes are used by name, with the shapes inference gives them.

    fragment = plan_fragment("h = relu(Vᵀa)", graph)   # FormulaError (located) if it does not fit
    new_ids = add_fragment(graph, fragment, place_fragment(graph, fragment, (400, 300)))

A name of the graph may be used but not defined again (`a = …` when node a exists is refused at its place).
New names are declared in the text (`U: R^{4×4}`) or assigned; each assignment becomes a region titled as the line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..free_space import Box, free_offset
from ..graph import MAX_NODES, Graph
from ..layout import Extent, Position, estimate_sizes, plan_layout
from ..shapes import ShapeReport, infer_shapes
from .build import CLASS_NAMES_META, line_colours, region_title
from .errors import FormulaError
from .parser import parse_formula
from .plan import Plan, PlannedNode, Planner, fail, shape_type
from .printer import dims_text
from .syntax import VOCAB_ATTR
from .tree import Assign, Decl, Formula, Loc, Name

SAMPLE_META = "sample"
REGION_ROOM = 40.0  # model units a region's frame and title take around its nodes (the canvas pads about 20)


@dataclass
class Fragment:
    """A plan for new nodes in a graph: which planned nodes stand for nodes already there, and where the new go."""

    plan: Plan
    existing: dict[int, str] = field(default_factory=dict)  # planned index → id of the graph's node
    layout: dict[int, Position] = field(default_factory=dict)  # new planned index → position, top-left at (0, 0)
    extents: dict[int, Extent] = field(default_factory=dict)  # new planned index → the room its node takes

    @property
    def new_indices(self) -> list[int]:
        """The planned nodes that will be added, in creation order."""
        return [i for i in range(len(self.plan.nodes)) if i not in self.existing]


class FragmentPlanner(Planner):
    """The formula planner with the graph's named nodes in scope, and the graph's names taken."""

    def __init__(self, formula: Formula, graph: Graph):
        super().__init__(formula)
        self.graph = graph
        self.report: ShapeReport = infer_shapes(graph)
        self.by_name: dict[str, list[str]] = {}
        for node in graph.nodes.values():
            self.by_name.setdefault(node.name, []).append(node.id)
        self.existing: dict[int, str] = {}
        seeds = [n.attrs["seed"] for n in graph.nodes.values() if isinstance(n.attrs.get("seed"), int)]
        self.random_params = max(seeds, default=0)  # new random parameters start from seeds the graph has not used

    def _collect_names(self) -> None:
        super()._collect_names()
        for statement in self.plan.formula.statements:
            name = statement.name if isinstance(statement, Decl) else statement.target
            if name in self.by_name:
                node = self.graph.nodes[self.by_name[name][0]]
                verb = "declared" if isinstance(statement, Decl) else "assigned"
                raise fail(statement.loc, f"{name} is already a node of the graph ({node.op_name}), so it cannot "
                                          f"be {verb} again here; use it as it is, or pick a new name "
                                          f"(e.g. {self._free_name(name)})")
        self.taken |= set(self.by_name)

    def _free_name(self, base: str) -> str:
        k = 2
        while f"{base}{k}" in self.by_name or f"{base}{k}" in self.defined_at:
            k += 1
        return f"{base}{k}"

    def lookup(self, e: Name) -> int:
        """A name of the graph stands for its node (joining no region); any other name as in a formula."""
        if e.id not in self.scope and e.id in self.by_name:
            self.scope[e.id] = self._stand_in(e)
        index = self.scope.get(e.id)
        if index is not None and index in self.existing:
            return index
        return super().lookup(e)

    def _stand_in(self, e: Name) -> int:
        """A planned node for the graph's node named `e.id`, with its inferred shape; it is not created again."""
        ids = self.by_name[e.id]
        if len(ids) > 1:
            raise fail(e.loc, f"{len(ids)} nodes of the graph are named {e.id}; rename one of them first")
        node = self.graph.nodes[ids[0]]
        shape = self.report.shapes.get(node.id)
        if shape is None:
            why = self.report.errors.get(node.id, "a node before it has an error")
            raise fail(e.loc, f"{e.id}'s shape is not known ({why}); fix the graph there first")
        dtype = self.report.dtypes.get(node.id, node.op.out_dtype)
        describe = ("ids" + dims_text(shape)) if dtype == "int" else shape_type(shape)
        index = len(self.plan.nodes)
        self.plan.nodes.append(PlannedNode(node.op_name, node.name, dict(node.attrs), {}, tuple(shape), dtype,
                                           e.loc, describe))
        self.existing[index] = node.id
        vocab = self._known_vocab(node.id)
        if vocab is not None:
            self.vocab[index] = vocab
        return index

    def _known_vocab(self, node_id: str) -> int | None:
        """The vocabulary size a node's token ids already feed elsewhere in the graph (e.g. into an Embedding)."""
        for edge in self.graph.outgoing(node_id):
            size = self.graph.nodes[edge.dst].attrs.get(VOCAB_ATTR)
            if isinstance(size, int):
                return size
        return None

    def add(self, node: PlannedNode) -> int:
        """As a formula's add, counting the graph's nodes towards the limit."""
        new = len(self.plan.nodes) - len(self.existing)
        if len(self.graph.nodes) + new >= MAX_NODES:
            raise fail(node.loc, f"a graph holds at most {MAX_NODES} nodes; this one has {len(self.graph.nodes)}")
        return super().add(node)


def plan_fragment(text: str, graph: Graph) -> Fragment:
    """Parse and plan `text` against `graph`'s names and shapes, and lay out the new nodes; FormulaError if not."""
    formula = parse_formula(text)
    if not any(isinstance(s, Assign) for s in formula.statements):
        loc = formula.statements[0].loc if formula.statements else Loc(1, 1)
        raise FormulaError(loc.line, loc.col, "write at least one line such as h = relu(W x); declarations alone "
                                              "add nothing to the graph")
    planner = FragmentPlanner(formula, graph)
    fragment = Fragment(planner.run(), dict(planner.existing))
    _lay_out(fragment)
    return fragment


def _lay_out(fragment: Fragment) -> None:
    """The new nodes laid out on their own, left to right in one row, shifted so their top-left is (0, 0)."""
    scratch = Graph()
    ids = _add_nodes(scratch, fragment, {i: (0.0, 0.0) for i in fragment.new_indices}, with_existing=False)
    sizes = estimate_sizes(scratch, explain=True)
    layout = plan_layout(scratch, sizes, aspect=None)
    left, top = layout.bounds[0], layout.bounds[1]
    for index, node_id in ids.items():
        x, y = layout.positions[node_id]
        fragment.layout[index] = (round(x - left, 1), round(y - top, 1))
        fragment.extents[index] = sizes[node_id]


def _add_nodes(graph: Graph, fragment: Fragment, positions: dict[int, Position],
               with_existing: bool = True) -> dict[int, str]:
    """Add the new nodes at `positions` and their edges (from the graph's own nodes too, `with_existing`)."""
    ids: dict[int, str] = dict(fragment.existing) if with_existing else {}
    for index in fragment.new_indices:
        planned = fragment.plan.nodes[index]
        ids[index] = graph.add_node(planned.op, planned.name, planned.attrs, positions[index],
                                    value=planned.value).id
        for port, source in planned.inputs.items():
            if source in ids:
                graph.connect(ids[source], ids[index], port)
    return {i: n for i, n in ids.items() if i not in fragment.existing}


def place_fragment(graph: Graph, fragment: Fragment, at: Position) -> dict[int, Position]:
    """Where each new node goes: the layout with its top-left at `at`, moved on until its regions cover no node and
    no region of `graph`."""
    placed = {i: (x + at[0], y + at[1]) for i, (x, y) in fragment.layout.items()}
    footprint = [_grown(_box(placed[i], fragment.extents[i]), REGION_ROOM / 2) for i in placed]
    sizes = estimate_sizes(graph, explain=True)
    boxes = {node_id: _box(node.pos, sizes[node_id]) for node_id, node in graph.nodes.items()}
    occupied = list(boxes.values())
    for region in graph.regions.values():
        members = [boxes[n] for n in region.node_ids if n in boxes]
        if members:
            occupied.append(_grown((min(b[0] for b in members), min(b[1] for b in members),
                                    max(b[2] for b in members), max(b[3] for b in members)), REGION_ROOM))
    dx, dy = free_offset(occupied, footprint)
    return {i: (round(x + dx, 1), round(y + dy, 1)) for i, (x, y) in placed.items()}


def _grown(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _box(pos: Position, extent: Extent) -> Box:
    return (pos[0] - extent.width / 2, pos[1] - extent.above, pos[0] + extent.width / 2, pos[1] + extent.below)


def add_fragment(graph: Graph, fragment: Fragment, positions: dict[int, Position]) -> list[str]:
    """Add the new nodes (at `positions`), their edges and one region per line to `graph`; returns the new ids.

    Raises only what Graph raises, and not for a fragment just planned against this graph."""
    ids = _add_nodes(graph, fragment, positions)
    for (title, members), colour in zip(fragment.plan.lines, line_colours(fragment.plan)):
        graph.add_region(region_title(title), [ids[i] for i in members], colour)
    return [ids[i] for i in fragment.new_indices]


def fragment_meta(graph: Graph, fragment: Fragment) -> dict[str, Any]:
    """The graph's meta entries the fragment changes: new inputs' sample values, new labels' class names."""
    changes: dict[str, Any] = {}
    for key, new in ((SAMPLE_META, fragment.plan.sample), (CLASS_NAMES_META, fragment.plan.class_names)):
        if new:
            old = graph.meta.get(key)
            changes[key] = {**(old if isinstance(old, dict) else {}), **new}
    return changes


def fragment_summary(fragment: Fragment) -> str:
    """"3 new nodes, 1 line, using a, V": what Enter will insert."""
    count, lines = len(fragment.new_indices), len(fragment.plan.lines)
    used = sorted({fragment.plan.nodes[i].name for i in fragment.existing})
    text = f"{count} new node{'s' * (count != 1)}, {lines} line{'s' * (lines != 1)}"
    return text + (f", using {', '.join(used)}" if used else "")


__all__ = ["Fragment", "add_fragment", "fragment_meta", "fragment_summary", "place_fragment", "plan_fragment"]
