"""The automatic layout: left to right, parameters beside the op they feed, no overlaps, deterministic."""
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from engine import Graph
from engine.layout import apply_layout, layered_layout


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


def by_name(graph: Graph, positions: dict) -> dict:
    return {graph.nodes[n].name: p for n, p in positions.items()}


def test_main_line_runs_left_to_right_on_one_row():
    g = classifier()
    pos = by_name(g, layered_layout(g))
    line = ["x", "f(x)", "s", "S", "p", "L"]
    assert [pos[n][0] for n in line] == sorted(pos[n][0] for n in line)
    assert len({pos[n][0] for n in line}) == len(line)
    assert {pos[n][1] for n in line} == {0.0}


def test_parameters_sit_above_and_labels_below_their_op_leaning_left():
    from engine.layout import SIDE_SHIFT

    g = classifier()
    pos = by_name(g, layered_layout(g, dx=200.0, dy=100.0))
    lean = SIDE_SHIFT * 200.0
    for source, op in [("θ", "s"), ("b", "S")]:
        assert pos[source] == pytest.approx((pos[op][0] - lean, pos[op][1] - 100.0))
    assert pos["y"] == pytest.approx((pos["L"][0] - lean, pos["L"][1] + 100.0))
    # leaning less than half a column keeps a side node clear of the previous column's node
    assert pos["θ"][0] > pos["f(x)"][0] + 100.0


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


@st.composite
def random_dags(draw):
    """Random DAGs of Add nodes fed by Parameters, wired forward only."""
    g = Graph()
    count = draw(st.integers(1, 12))
    nodes = []
    for k in range(count):
        kind = draw(st.sampled_from(["Parameter", "Add", "Add", "Label"]))
        nodes.append(g.add_node(kind, f"v{k}").id)
    for k, node_id in enumerate(nodes):
        if g.nodes[node_id].op_name != "Add":
            continue
        for port in ("a", "b"):
            if k and draw(st.booleans()):
                g.connect(nodes[draw(st.integers(0, k - 1))], node_id, port)
    return g


@settings(max_examples=150, deadline=None)
@given(random_dags())
def test_every_edge_points_right_and_no_two_nodes_share_a_place(g):
    pos = layered_layout(g, dx=220.0, dy=120.0)
    for edge in g.edges.values():
        assert pos[edge.src][0] < pos[edge.dst][0]
    places = sorted(pos.values())
    for (x1, y1), (x2, y2) in zip(places, places[1:]):
        assert x1 != x2 or abs(y1 - y2) >= 120.0 * 0.99
