"""The automatic layout: left to right, side nodes beside their op, wrapped into rows to fit a slide."""
import doctest

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

import engine.layout
from engine import Graph
from engine.layout import Extent, Gaps, apply_layout, estimate_sizes, layered_layout, plan_layout

GAPS = Gaps()


def classifier() -> Graph:
    """x → f(x) → MatMul θ → Add b → Softmax p → CrossEntropy L with label y."""
    g = Graph()
    ids = {}
    for op, name, attrs in [("Input", "x", {"shape": [4], "batched": True, "dtype": "int"}),
                            ("BagOfWords", "f(x)", {"vocab_size": 10}), ("Parameter", "θ", {"shape": [10, 3]}),
                            ("MatMul", "s", {}), ("Parameter", "b", {"shape": [3]}), ("Add", "S", {}),
                            ("Softmax", "p", {}), ("Label", "y", {}), ("CrossEntropy", "L", {})]:
        ids[name] = g.add_node(op, name, attrs).id
    for src, dst, port in [("x", "f(x)", "ids"), ("f(x)", "s", "x"), ("θ", "s", "W"), ("s", "S", "a"),
                           ("b", "S", "b"), ("S", "p", "x"), ("p", "L", "p"), ("y", "L", "y")]:
        g.connect(ids[src], ids[dst], port)
    return g


def chain(stages: int, regions_of: int = 0) -> Graph:
    """x → stage 1 → … → stage n, each a MatMul with its own weight then a Sigmoid; optional regions."""
    g = Graph()
    prev = g.add_node("Input", "x", {"shape": [2]}).id
    for k in range(stages):
        w = g.add_node("Parameter", f"W{k}", {"shape": [2, 2]}).id
        m = g.add_node("MatMul", f"m{k}").id
        s = g.add_node("Sigmoid", f"s{k}").id
        g.connect(prev, m, "x")
        g.connect(w, m, "W")
        g.connect(m, s, "x")
        prev = s
        if regions_of:
            g.add_region(f"layer {k}", [w, m, s])
    return g


def by_name(graph: Graph, positions: dict) -> dict:
    return {graph.nodes[n].name: p for n, p in positions.items()}


def boxes(graph: Graph, positions: dict, ext: dict) -> dict:
    """name → (left, top, right, bottom)."""
    out = {}
    for n, (x, y) in positions.items():
        e = ext[n]
        out[graph.nodes[n].name] = (x - e.width / 2, y - e.above, x + e.width / 2, y + e.below)
    return out


def overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_the_docstring_example_holds():
    assert doctest.testmod(engine.layout).failed == 0


def test_main_line_runs_left_to_right_on_one_row():
    g = classifier()
    pos = by_name(g, layered_layout(g, aspect=None))
    line = ["x", "f(x)", "s", "S", "p", "L"]
    xs = [pos[n][0] for n in line]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert {pos[n][1] for n in line} == {0.0}


def test_parameters_sit_above_left_and_labels_below_left_of_their_op():
    g = classifier()
    ext = estimate_sizes(g)
    box = boxes(g, layered_layout(g, aspect=None), ext)
    for side, op in [("θ", "s"), ("b", "S")]:
        assert box[side][2] == pytest.approx(box[op][0] - GAPS.inset)  # ends a little left of its op
        assert box[side][3] <= box[op][1] - GAPS.side + 1e-9  # and above it, with room for its label
    assert box["y"][2] == pytest.approx(box["L"][0] - GAPS.inset)
    assert box["y"][1] > box["L"][1]  # below the loss's top: labels hang under the loss
    # the side nodes stay clear of the previous column
    assert box["θ"][0] >= box["f(x)"][2] + GAPS.lane - 1e-9


def test_layout_is_deterministic_and_apply_moves_every_node_once():
    g = classifier()
    expected = layered_layout(g)
    assert layered_layout(classifier()) == expected
    moved = []
    g.events.node_moved.subscribe(moved.append)
    apply_layout(g)
    assert sorted(moved) == sorted(g.nodes)
    assert {n: node.pos for n, node in g.nodes.items()} == expected


def test_empty_graph_has_an_empty_layout():
    assert layered_layout(Graph()) == {}


def test_a_long_chain_wraps_into_rows_that_restart_at_the_left_and_fit_16_9_better():
    g = chain(10)
    one, fit = plan_layout(g, aspect=None), plan_layout(g, aspect=16 / 9)
    assert len(one.rows) == 1 and one.aspect > 6
    assert len(fit.rows) > 1
    assert abs(fit.aspect - 16 / 9) < abs(one.aspect - 16 / 9)
    assert fit.fit_scale() > 1.5 * one.fit_scale()
    box = boxes(g, fit.positions, estimate_sizes(g))
    rows = [[g.nodes[n].name for n in g.nodes if _row_of(fit, g, n) == r] for r in range(len(fit.rows))]
    lefts = [min(box[n][0] for n in row) for row in rows]
    assert max(lefts) - min(lefts) < 1e-6  # every row starts at the same x
    for upper, lower in zip(rows, rows[1:]):  # rows go down the page in reading order, without overlapping
        assert max(box[n][3] for n in upper) + GAPS.row <= min(box[n][1] for n in lower) + 1e-6
    # the corridor between two rows is the free band a return edge can run along
    assert [round(b - a, 6) for a, b in fit.corridors] == [GAPS.row] * (len(rows) - 1)
    for (top, bottom), upper, lower in zip(fit.corridors, rows, rows[1:]):
        assert top == pytest.approx(max(box[n][3] for n in upper))
        assert bottom == pytest.approx(min(box[n][1] for n in lower))


def _row_of(plan, graph: Graph, node_id: str) -> int:
    from engine.layout.columns import assign_columns
    column = assign_columns(graph)[node_id]
    return next(r for r, row in enumerate(plan.rows) if column in row)


def test_rows_end_between_regions_and_each_return_edge_joins_two_rows():
    g = chain(10, regions_of=1)
    plan = plan_layout(g)
    assert len(plan.rows) > 1
    for region in g.regions.values():
        assert len({_row_of(plan, g, n) for n in region.node_ids}) == 1
    for edge_id in plan.return_edges:
        edge = g.edges[edge_id]
        assert _row_of(plan, g, edge.dst) == _row_of(plan, g, edge.src) + 1
    crossing = [e.id for e in g.edges.values() if _row_of(plan, g, e.src) != _row_of(plan, g, e.dst)]
    assert sorted(crossing) == plan.return_edges and len(crossing) == len(plan.rows) - 1


def test_a_small_graph_that_is_readable_in_one_row_keeps_one_row():
    g = chain(2)
    plan = plan_layout(g)
    assert len(plan.rows) == 1 and plan.fit_scale() >= 1.0


def test_labels_widen_the_gap_they_sit_in():
    g = classifier()
    plain = by_name(g, layered_layout(g, aspect=None))
    edge = next(e for e in g.edges.values() if g.nodes[e.src].name == "S")
    wide = by_name(g, plan_layout(g, aspect=None, labels={edge.id: (500.0, 30.0)}).positions)
    ext = {g.nodes[n].name: e for n, e in estimate_sizes(g).items()}
    room = (wide["p"][0] - ext["p"].width / 2) - (wide["S"][0] + ext["S"].width / 2)
    assert room == pytest.approx(500.0 + 2 * GAPS.label_pad)
    assert wide["S"][0] - wide["x"][0] == pytest.approx(plain["S"][0] - plain["x"][0])  # only that gap grew


def test_estimated_sizes_put_a_parameters_numbers_above_it_and_an_ops_below_it():
    g = classifier()
    ext = {g.nodes[n].name: e for n, e in estimate_sizes(g).items()}
    plain = {g.nodes[n].name: e for n, e in estimate_sizes(g, explain=False).items()}
    assert ext["θ"].above > plain["θ"].above and ext["θ"].below == plain["θ"].below
    assert ext["S"].below > plain["S"].below and ext["S"].above == plain["S"].above
    assert ext["θ"].width < ext["S"].width  # parameters are drawn narrower
    assert ext["x"] == plain["x"]  # word ids show no numbers


def test_sizes_given_as_pairs_are_centred_and_move_the_nodes_apart():
    g = classifier()
    big = {n: (400.0, 300.0) for n in g.nodes}
    box = boxes(g, layered_layout(g, big, aspect=None), {n: Extent.centred(400.0, 300.0) for n in g.nodes})
    names = list(box)
    assert not any(overlap(box[a], box[b]) for i, a in enumerate(names) for b in names[i + 1:])


@st.composite
def random_dags(draw):
    """Random DAGs of Add nodes fed by Parameters and Labels, with random node sizes."""
    g = Graph()
    count = draw(st.integers(1, 16))
    nodes = []
    for k in range(count):
        kind = draw(st.sampled_from(["Parameter", "Add", "Add", "Add", "Label"]))
        nodes.append(g.add_node(kind, f"v{k}").id)
    for k, node_id in enumerate(nodes):
        if g.nodes[node_id].op_name != "Add":
            continue
        for port in ("a", "b"):
            if k and draw(st.booleans()):
                g.connect(nodes[draw(st.integers(0, k - 1))], node_id, port)
    size = st.floats(20, 400)
    sizes = {n: Extent(draw(size), draw(size) / 2, draw(size)) for n in nodes}
    aspect = draw(st.sampled_from([None, 16 / 9, 4 / 3, 0.5]))
    return g, sizes, aspect


@settings(max_examples=150, deadline=None)
@given(random_dags())
def test_no_two_nodes_overlap_and_edges_in_a_row_point_right(case):
    g, sizes, aspect = case
    plan = plan_layout(g, sizes, aspect)
    box = boxes(g, plan.positions, sizes)
    names = list(box)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(box[a], box[b]), (a, b)
    for edge in g.edges.values():
        if edge.id in plan.return_edges:
            continue
        src, dst = g.nodes[edge.src].name, g.nodes[edge.dst].name
        assert box[src][2] <= box[dst][0] + 1e-6  # the source ends before the target begins
    assert plan_layout(g, sizes, aspect) == plan
