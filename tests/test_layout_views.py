"""A parameter seen transposed (W → Wᵀ → MatMul, as formulas write W x) sits beside its op, like a parameter."""
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Graph
from engine.formula import formula_to_graph
from engine.layout import Extent, Gaps, estimate_sizes, plan_layout
from test_layout import boxes, overlap

GAPS = Gaps()


def test_a_transposed_parameter_sits_above_left_of_its_matmul_with_the_parameter_beside_it():
    g = formula_to_graph("x: R^3\nW: R^{4×3}\na = σ(W x)")
    ext = estimate_sizes(g)
    plan = plan_layout(g, ext)
    box = boxes(g, plan.positions, ext)
    y = {g.nodes[n].name: p[1] for n, p in plan.positions.items()}
    assert box["Wᵀ"][2] == box["Wx"][0] - GAPS.inset  # in the MatMul's lane, like a parameter
    assert box["Wᵀ"][3] <= box["Wx"][1] - GAPS.side  # above it
    assert y["W"] == y["Wᵀ"] and box["W"][2] <= box["Wᵀ"][0] - GAPS.behind  # W just left, at its height
    assert box["x"][2] <= box["W"][0] - GAPS.lane  # the input stays in the column before
    names = list(box)
    assert not any(overlap(box[a], box[b]) for i, a in enumerate(names) for b in names[i + 1:])


def test_a_transpose_of_computed_values_stays_on_the_main_line():
    g = formula_to_graph("x: R^{2×3}\nW: R^{2×4}\nh = xᵀ W")
    plan = plan_layout(g, aspect=None)
    y = {g.nodes[n].name: p[1] for n, p in plan.positions.items()}
    assert y["xᵀ"] == y["x"]


@st.composite
def dags_with_views(draw):
    """Random DAGs of Add nodes fed by Parameters, Labels and transposed Parameters, with random node sizes."""
    g = Graph()
    count = draw(st.integers(1, 14))
    nodes = []
    for k in range(count):
        kind = draw(st.sampled_from(["Parameter", "Add", "Add", "Label", "View"]))
        if kind == "View":
            w = g.add_node("Parameter", f"w{k}").id
            nodes.append(g.add_node("Transpose", f"v{k}").id)
            g.connect(w, nodes[-1], "x")
        else:
            nodes.append(g.add_node(kind, f"v{k}").id)
    for k, node_id in enumerate(nodes):
        if g.nodes[node_id].op_name != "Add":
            continue
        for port in ("a", "b"):
            if k and draw(st.booleans()):
                g.connect(nodes[draw(st.integers(0, k - 1))], node_id, port)
    size = st.floats(20, 400)
    sizes = {n: Extent(draw(size), draw(size) / 2, draw(size)) for n in g.nodes}
    labels = {e: (draw(st.floats(10, 200)), draw(st.floats(10, 60))) for e in g.edges}
    return g, sizes, labels, draw(st.sampled_from([None, 16 / 9, 0.5]))


@settings(max_examples=150, deadline=None)
@given(dags_with_views())
def test_with_views_no_two_nodes_overlap_and_edges_in_a_row_point_right(case):
    g, sizes, labels, aspect = case
    plan = plan_layout(g, sizes, aspect, labels=labels)
    box = boxes(g, plan.positions, sizes)
    names = list(box)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(box[a], box[b]), (a, b)
    for edge in g.edges.values():
        if edge.id not in plan.return_edges:
            assert box[g.nodes[edge.src].name][2] <= box[g.nodes[edge.dst].name][0] + 1e-6
