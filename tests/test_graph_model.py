"""The graph model: ids, connection rules with clear messages, events, shape inference."""
import numpy as np
import pytest

from engine import AttrError, Graph, GraphError, infer_shapes
from engine.errors import ShapeError
from engine.ops.sources import initial_value
from engine.registry import get_op


def chain():
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3], "batched": True})
    w = g.add_node("Parameter", "W", {"shape": [3, 4]})
    wx = g.add_node("MatMul", "Wx")
    a = g.add_node("Sigmoid", "a")
    g.connect(x.id, wx.id, "x")
    g.connect(w.id, wx.id, "W")
    g.connect(wx.id, a.id, "x")
    return g, x, w, wx, a


def test_connect_refuses_a_cycle_and_names_both_nodes():
    g, x, w, wx, a = chain()
    extra = g.add_node("Add", "s")
    g.connect(a.id, extra.id, "a")
    g.disconnect(g.incoming(wx.id)["x"].id)
    with pytest.raises(GraphError) as err:
        g.connect(extra.id, wx.id, "x")
    assert str(err.value) == "connecting 's' → 'Wx' would make a cycle ('Wx' already feeds 's')"
    assert "x" not in g.incoming(wx.id)


def test_connect_refuses_a_second_edge_into_one_port():
    g, x, w, wx, a = chain()
    other = g.add_node("Input", "x2", {"shape": [3]})
    with pytest.raises(GraphError, match="input 'x' of 'Wx' is already fed by 'x'"):
        g.connect(other.id, wx.id, "x")


def test_connect_refuses_an_unknown_port_and_lists_the_real_ones():
    g, x, w, wx, a = chain()
    with pytest.raises(GraphError, match=r"Sigmoid 'a' has no input port 'y' \(its inputs: x\)"):
        g.connect(x.id, a.id, "y")


def test_events_report_each_change():
    g = Graph()
    seen = []
    for event in g.events.all():
        event.subscribe(lambda *args, name=event.name: seen.append((name, args)))
    n = g.add_node("Sigmoid")
    m = g.add_node("Input")
    e = g.connect(m.id, n.id, "x")
    g.move(n.id, (10, 20))
    g.remove_node(n.id)
    kinds = [k for k, _ in seen]
    assert kinds == ["node_added", "node_added", "edge_added", "node_moved", "edge_removed", "node_removed"]
    assert seen[4][1] == (e.id,)


def test_shape_inference_reports_the_matmul_mismatch_in_words():
    g, x, w, wx, a = chain()
    g.set_attr(x.id, "shape", [5])
    report = infer_shapes(g)
    assert report.errors[wx.id] == "MatMul 'Wx': inner dimensions differ: x is B×5, W is 3×4"
    assert a.id not in report.errors  # only the node at fault is marked


def test_shape_inference_gives_batched_shapes():
    g, x, w, wx, a = chain()
    report = infer_shapes(g)
    assert report.ok and report.shapes[a.id] == (None, 4)


def test_an_unknown_shape_is_refused_with_the_reason_and_left_out_of_the_known_ones():
    g, x, w, wx, a = chain()
    g.set_attr(x.id, "shape", [5])
    report = infer_shapes(g)
    with pytest.raises(ShapeError, match="MatMul 'Wx': inner dimensions differ"):
        report.shape(wx.id)
    with pytest.raises(ShapeError, match=f"the shape of node {a.id} is unknown: an input before it has an error"):
        report.shape(a.id)
    assert report.shape(w.id) == (3, 4) and set(report.known()) == {x.id, w.id}


def test_only_parameters_and_constants_start_from_an_initial_value():
    np.testing.assert_array_equal(initial_value(get_op("Parameter")({"shape": [2], "init": "ones"})), [1.0, 1.0])
    np.testing.assert_array_equal(initial_value(get_op("Constant")({"value": [2, 3]})), [2.0, 3.0])
    with pytest.raises(GraphError, match="Input keeps no value of its own to start from"):
        initial_value(get_op("Input")())


def test_unconnected_input_is_an_error_on_that_node():
    g = Graph()
    s = g.add_node("Sigmoid", "a")
    assert infer_shapes(g).errors[s.id] == "Sigmoid 'a': input 'x' is not connected"


def test_attribute_validation_names_node_and_attribute():
    g, x, w, wx, a = chain()
    with pytest.raises(AttrError, match=r"Parameter 'W'.shape: expected sizes between 1 and 1000000, got -2"):
        g.set_attr(w.id, "shape", [3, -2])
    assert w.attrs["shape"] == (3, 4)


def test_parameters_are_seeded():
    g1, g2 = Graph(), Graph()
    a = g1.add_node("Parameter", attrs={"shape": [4, 4], "init": "normal", "seed": 7})
    b = g2.add_node("Parameter", attrs={"shape": [4, 4], "init": "normal", "seed": 7})
    c = g2.add_node("Parameter", attrs={"shape": [4, 4], "init": "normal", "seed": 8})
    assert np.array_equal(a.value, b.value) and not np.array_equal(a.value, c.value)


def test_remove_node_removes_its_edges():
    g, x, w, wx, a = chain()
    g.remove_node(wx.id)
    assert not g.edges and wx.id not in g.nx


def test_integer_ports_refuse_float_sources():
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [4]})
    bow = g.add_node("BagOfWords", "f(x)", {"vocab_size": 10})
    g.connect(x.id, bow.id, "ids")
    assert "needs integer ids, but 'x' gives numbers" in infer_shapes(g).errors[bow.id]


# ----- closing the model API (issue 14 item 5) and keeping order for undo (issue 13 item 2)
def test_add_node_and_connect_at_an_index_put_them_back_in_their_place():
    g, x, w, wx, a = chain()
    order, edges = list(g.nodes), list(g.edges)
    g.remove_node(w.id)  # also removes the edge W → Wx, the second edge
    g.add_node("Parameter", "W", {"shape": [3, 4]}, node_id=w.id, index=order.index(w.id))
    g.connect(w.id, wx.id, "W", edge_id=edges[1], index=1)
    assert list(g.nodes) == order and list(g.edges) == edges
    assert g.incoming(wx.id)["W"].src == w.id


def test_from_parts_keeps_the_given_order_and_checks_every_part():
    from engine.graph import Edge, Node, Region
    from engine.registry import get_op

    def parts():
        nodes = [Node("n9", get_op("Sigmoid")(), "a"), Node("n2", get_op("Input")({"shape": [2]}), "x")]
        return nodes, [Edge("e5", "n2", "n9", "x")], [Region("r1", "encoder f(x)", ["n2", "n9"], "#4c78a8")]
    nodes, edges, regions = parts()
    g = Graph.from_parts(nodes, edges, regions, {"title": "t"})
    assert list(g.nodes) == ["n9", "n2"] and g.incoming("n9")["x"].src == "n2"
    assert g.regions["r1"].title == "encoder f(x)" and g.meta == {"title": "t"}
    bad = [
        (lambda n, e, r: (n, e + [Edge("e6", "n2", "n9", "x")], r), "fed twice"),
        (lambda n, e, r: (n, [Edge("e5", "n2", "n9", "y")], r), "has no input port 'y'"),
        (lambda n, e, r: (n, e, [Region("r1", "x" * 81, ["n2"], "#4c78a8")]), "at most 80"),
        (lambda n, e, r: (n, e, [Region("r1", "a\nb", ["n2"], "#4c78a8")]), "one line"),
        (lambda n, e, r: (n, e, [Region("r1", "t", ["n2"], "blue")]), "#4c78a8"),
        (lambda n, e, r: (n + [Node("n2", get_op("Exp")(), "e")], e, r), "already used"),
    ]
    for change, message in bad:
        with pytest.raises(GraphError, match=message):
            Graph.from_parts(*change(*parts()))


def test_from_parts_refuses_a_cycle_and_names_it():
    from engine.graph import Edge, Node
    from engine.registry import get_op

    nodes = [Node("n1", get_op("Exp")(), "p"), Node("n2", get_op("Exp")(), "q")]
    with pytest.raises(GraphError, match="cycle"):
        Graph.from_parts(nodes, [Edge("e1", "n1", "n2", "x"), Edge("e2", "n2", "n1", "x")])


def test_copy_keeps_regions_order_values_and_meta_and_shares_nothing():
    g, x, w, wx, a = chain()
    g.add_region("encoder f(x)", [x.id, w.id, wx.id, a.id], "#f58518")
    g.meta["sample"] = {"x": [[1.0, 2.0, 3.0]]}
    seen = []
    g.events.node_added.subscribe(seen.append)
    twin = g.copy()
    assert list(twin.nodes) == list(g.nodes) and list(twin.edges) == list(g.edges)
    assert [(r.id, r.title, r.node_ids, r.color) for r in twin.regions.values()] == \
        [(r.id, r.title, r.node_ids, r.color) for r in g.regions.values()]
    np.testing.assert_array_equal(twin.nodes[w.id].value, w.value)
    twin.nodes[w.id].value[0, 0] = 99.0
    twin.meta["sample"]["x"][0][0] = -1.0
    twin.regions[next(iter(twin.regions))].node_ids.pop()
    twin.add_node("Exp", "e")
    assert w.value[0, 0] != 99.0 and g.meta["sample"]["x"][0][0] == 1.0
    assert len(next(iter(g.regions.values())).node_ids) == 4 and seen == []


def test_set_meta_sets_and_removes_an_entry_and_emits_meta_changed():
    g = Graph()
    keys = []
    g.events.meta_changed.subscribe(keys.append)
    g.set_meta("view", {"zoom": 1.0})
    assert g.meta["view"] == {"zoom": 1.0}
    g.set_meta("view", None)
    assert "view" not in g.meta and keys == ["view", "view"]


def test_an_attribute_the_initialiser_cannot_use_changes_nothing():
    g, x, w, wx, a = chain()
    g.set_attr(w.id, "init", "uniform")
    before = w.value.copy()
    with pytest.raises(AttrError, match="'W'.scale"):
        g.set_attr(w.id, "scale", 1e308)  # numpy: "high - low range exceeds valid bounds"
    assert w.attrs["scale"] == 0.1
    np.testing.assert_array_equal(w.value, before)


def test_new_layers_get_a_seed_no_other_node_uses():
    g = Graph()
    assert g.unused_seed() == 1
    g.add_node("Parameter", "W", {"shape": [2], "seed": 1})
    g.add_node("Parameter", "V", {"shape": [2], "seed": 3})
    assert g.unused_seed() == 2


def test_regions_follow_one_title_rule():
    from engine.names import MAX_TITLE_CHARS

    g, x, *_ = chain()
    g.add_region("t" * MAX_TITLE_CHARS, [x.id])
    for title, message in (("t" * (MAX_TITLE_CHARS + 1), "at most"), ("   ", "visible"), ("a\nb", "one line")):
        with pytest.raises(GraphError, match=message):
            g.add_region(title, [x.id])
    with pytest.raises(GraphError, match="twice"):
        g.add_region("loss", [x.id, x.id])


def test_new_nodes_are_named_as_on_the_slides():
    g = Graph()
    names = [g.add_node(op, attrs={"shape": [2]} if op == "Parameter" else None).name
             for op in ("Input", "Label", "Parameter", "Constant", "MatMul", "Softmax", "Input")]
    assert names == ["x", "y", "θ", "c", "matmul", "softmax", "x2"]


def test_only_parameters_are_trainable():
    g, x, w, wx, a = chain()
    assert [n.name for n in g.nodes.values() if n.trainable] == ["W"] and g.parameters() == [w]


def test_every_event_is_listed_once_in_order():
    g = Graph()
    assert [event.name for event in g.events.all()] == list(g.events.NAMES)


def test_a_region_id_is_not_given_twice():
    g, x, *_ = chain()
    region = g.add_region("encoder f(x)", [x.id])
    with pytest.raises(GraphError, match="already used"):
        g.add_region("decoder", [x.id], region_id=region.id)  # before: the first region was silently replaced
    assert g.regions[region.id].title == "encoder f(x)"


def test_follow_subscribes_one_callback_to_named_events_and_takes_it_back():
    g = Graph()
    seen, other = [], []
    g.events.follow(["node_added", "node_renamed"], seen.append)
    g.events.follow(["node_added"], other.append)
    node = g.add_node("Input", "x")
    g.rename(node.id, "x2")
    assert seen == [node.id, node.id] and other == [node.id]
    g.events.follow(["node_added"], other.append, on=False)
    g.add_node("Input", "y")
    assert len(seen) == 3 and other == [node.id]
    with pytest.raises(KeyError):
        g.events.named("no_such_event")
