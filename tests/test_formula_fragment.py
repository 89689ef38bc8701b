"""Formula lines added to an existing graph (the canvas's formula box), without Qt: the graph's names are used with
their inferred shapes, the new nodes compute what hand-built ones do, and every mistake is located."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.executor import explain, forward
from engine.formula import FormulaError
from engine.formula.fragment import add_fragment, fragment_meta, place_fragment, plan_fragment
from engine.graph import Graph
from engine.layout import estimate_sizes
from engine.serialization import graph_to_dict, load_graph

MLP = "assets/graphs/mlp.json"


@pytest.fixture
def mlp() -> Graph:
    return load_graph(MLP)


def insert(graph: Graph, text: str, at=(0.0, 900.0)) -> list[str]:
    fragment = plan_fragment(text, graph)
    return add_fragment(graph, fragment, place_fragment(graph, fragment, at))


def error(graph: Graph, text: str) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        plan_fragment(text, graph)
    return info.value


def test_lines_using_the_graphs_nodes_compute_what_the_same_nodes_built_by_hand_compute(mlp):
    by_hand = load_graph(MLP)
    insert(mlp, "U: R^{4×4}\nh = relu(Uᵀ b)\nz = θᵀh + a")
    n = {name: by_hand.find(name).id for name in ("a", "b", "θ")}
    u = by_hand.add_node("Parameter", "U", {"shape": [4, 4], "init": "xavier", "seed": 4})  # seeds 1-3 are taken
    ub = by_hand.add_node("MatMul", "Uᵀb")
    h = by_hand.add_node("ReLU", "h")
    dot = by_hand.add_node("Dot", "θᵀh")
    z = by_hand.add_node("Add", "z")
    for src, dst, port in ((n["b"], ub.id, "x"), (u.id, ub.id, "W"), (ub.id, h.id, "x"), (n["θ"], dot.id, "θ"),
                           (h.id, dot.id, "x"), (dot.id, z.id, "a"), (n["a"], z.id, "b")):
        by_hand.connect(src, dst, port)
    feeds = mlp.meta["sample"]
    got, expected = forward(mlp, feeds), forward(by_hand, feeds)
    assert got[mlp.find("z").id].shape == (4, 4)  # θᵀh is one number per row, broadcast over a's four
    assert np.array_equal(got[mlp.find("z").id], expected[z.id])
    assert np.array_equal(mlp.find("U").value, u.value)
    # and the graph's own loss is untouched by the new branch
    assert np.array_equal(explain(mlp, feeds).loss, explain(load_graph(MLP), feeds).loss)


def test_the_new_nodes_are_wired_to_the_existing_ones_which_stay_as_they_were(mlp):
    before = graph_to_dict(load_graph(MLP))
    new = insert(mlp, "h = relu(Vᵀ a)")
    names = {mlp.nodes[i].name: i for i in new}
    assert sorted(names) == sorted(["h", "Vᵀa"])
    edges = {(mlp.nodes[e.src].name, mlp.nodes[e.dst].name, e.port) for e in mlp.edges.values() if e.dst in new}
    assert edges == {("a", "Vᵀa", "x"), ("V", "Vᵀa", "W"), ("Vᵀa", "h", "x")}
    after = graph_to_dict(mlp)
    old_ids = {n["id"] for n in before["nodes"]}
    assert [n for n in after["nodes"] if n["id"] in old_ids] == before["nodes"]
    assert after["regions"][:-1] == before["regions"]
    assert after["regions"][-1]["title"] == "h = relu(Vᵀa)"
    assert sorted(after["regions"][-1]["nodes"]) == sorted(new)


def test_each_line_is_one_region_named_after_it_and_holding_only_new_nodes(mlp):
    new = insert(mlp, "h = tanh(Vᵀ b)\nk = σ(h)")
    regions = list(mlp.regions.values())[-2:]
    assert [r.title for r in regions] == ["h = tanh(Vᵀb)", "k = σ(h)"]
    assert [sorted(mlp.nodes[i].name for i in r.node_ids) for r in regions] == [sorted(["h", "Vᵀb"]), ["k"]]
    assert set(regions[0].node_ids) | set(regions[1].node_ids) == set(new)


def test_an_intermediate_name_the_graph_already_has_gets_a_number(mlp):
    new = insert(mlp, "h = σ(V a)")  # V a would be named Va, which the graph has
    assert "Va2" in {mlp.nodes[i].name for i in new}
    names = [n.name for n in mlp.nodes.values()]
    assert len(names) == len(set(names))


def test_assigning_a_name_the_graph_has_is_refused_at_its_place(mlp):
    exc = error(mlp, "h = relu(b)\na = relu(b)")
    assert (exc.line, exc.col) == (2, 1)
    assert "a is already a node of the graph (Sigmoid)" in str(exc) and "a2" in str(exc)


def test_declaring_a_name_the_graph_has_is_refused_at_its_place(mlp):
    exc = error(mlp, "W: R^{4×4}\nh = relu(W a)")
    assert (exc.line, exc.col) == (1, 1)
    assert "W is already a node of the graph (Parameter)" in str(exc)


def test_an_unknown_name_is_refused_with_its_position(mlp):
    exc = error(mlp, "h = relu(Vᵀ q)")
    assert (exc.line, exc.col) == (1, 13)
    assert "q is not defined" in str(exc)


def test_shapes_come_from_the_graphs_inference_and_a_mismatch_is_located(mlp):
    exc = error(mlp, "h = relu(W x)")  # W is stored 2×4 (input × output): W x needs x to have 4 numbers
    assert (exc.line, exc.col) == (1, 12)  # the product is located at its operator (here the space)
    assert "W is R^{2×4}, x is R^{B×2}" in str(exc)
    assert "W x needs x to have 4 numbers" in str(exc)


def test_a_name_two_nodes_share_is_refused_as_ambiguous(mlp):
    mlp.add_node("Tanh", "twin")
    mlp.add_node("Tanh", "twin")
    exc = error(mlp, "h = relu(twin)")
    assert (exc.line, exc.col) == (1, 10)
    assert "2 nodes of the graph are named twin" in str(exc)


def test_a_node_whose_shape_is_unknown_is_refused_with_the_reason(mlp):
    mlp.add_node("Tanh", "loose")
    exc = error(mlp, "h = relu(loose)")
    assert (exc.line, exc.col) == (1, 10)
    assert "loose's shape is not known" in str(exc) and "not connected" in str(exc)


def test_declarations_alone_are_refused_because_they_add_nothing_wired(mlp):
    exc = error(mlp, "U: R^{4×4}")
    assert (exc.line, exc.col) == (1, 1)
    assert "at least one line" in str(exc)


def test_the_new_nodes_are_placed_where_they_cover_no_node_and_no_region_of_the_graph(mlp):
    a = mlp.find("a")
    fragment = plan_fragment("h = relu(Vᵀ a)\nk = tanh(h)", mlp)
    positions = place_fragment(mlp, fragment, (300.0, 300.0))  # between the rows, where a region reaches in
    sizes = estimate_sizes(mlp)

    def box(pos, ext):
        return pos[0] - ext.width / 2, pos[1] - ext.above, pos[0] + ext.width / 2, pos[1] + ext.below

    new_boxes = [box(positions[i], fragment.extents[i]) for i in positions]
    old_boxes = [box(n.pos, sizes[n.id]) for n in mlp.nodes.values()]
    for region in mlp.regions.values():  # a region's frame holds at least its members' boxes
        members = [box(mlp.nodes[n].pos, sizes[n]) for n in region.node_ids]
        old_boxes.append((min(b[0] for b in members), min(b[1] for b in members),
                          max(b[2] for b in members), max(b[3] for b in members)))
    for l1, t1, r1, b1 in new_boxes:
        for l2, t2, r2, b2 in old_boxes:
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1
    far = max(abs(p[0] - a.pos[0]) + abs(p[1] - a.pos[1]) for p in positions.values())
    assert far < 2500  # still near where it was asked for


def test_a_new_inputs_sample_value_joins_the_graphs_sample(mlp):
    fragment = plan_fragment("x2: R^{B×2} = [[1, 2]]\nh = tanh(x2)", mlp)
    meta = fragment_meta(mlp, fragment)
    assert meta["sample"]["x2"] == [[1.0, 2.0]]
    assert meta["sample"]["x"] == mlp.meta["sample"]["x"]


FRAGMENT_LEAVES = ["x", "W", "Wx", "a", "V", "Va", "b", "θ", "c", "y", "L", "U", "q", "2", "0.5"]
FRAGMENT_SHAPES = ["{}", "σ({})", "relu({})", "{}ᵀ {}", "{} {}", "{} + {}", "{} × {}", "bce({}, {})", "Σ {}",
                   "softmax({})", "dot({}, {})"]


@given(st.lists(st.tuples(st.sampled_from(["h", "k", "a", "z", "W"]), st.sampled_from(FRAGMENT_SHAPES),
                          st.lists(st.sampled_from(FRAGMENT_LEAVES), min_size=2, max_size=2)),
                min_size=1, max_size=3),
       st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_lines_over_the_mlp_insert_or_give_a_located_error_and_never_touch_the_graph_on_an_error(lines, declare):
    graph = load_graph(MLP)
    text = ("U: R^{4×4}\n" if declare else "") + "\n".join(f"{t} = {shape.format(*args)}" for t, shape, args in lines)
    before = graph_to_dict(graph)
    try:
        fragment = plan_fragment(text, graph)
    except FormulaError as exc:
        assert 1 <= exc.line <= text.count("\n") + 1 and exc.col >= 1
        assert graph_to_dict(graph) == before
        return
    new = add_fragment(graph, fragment, place_fragment(graph, fragment, (0.0, 0.0)))
    assert len(new) == len(fragment.new_indices) and len(graph.nodes) == len(before["nodes"]) + len(new)
