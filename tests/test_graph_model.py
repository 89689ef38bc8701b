"""The graph model: ids, connection rules with clear messages, events, shape inference."""
import numpy as np
import pytest

from engine import AttrError, Graph, GraphError, infer_shapes


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
