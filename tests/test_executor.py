"""Explain mode: values, the three gradients per edge, fan-out sums, SGD steps, and errors."""
import numpy as np
import pytest

from engine import ExecutionError, Graph, explain, forward
from engine.gradcheck import check_graph


def log_wx(w=2.0, x=3.0):
    g = Graph()
    xn = g.add_node("Input", "x")
    wn = g.add_node("Parameter", "w", {"init": "constant", "scale": w})
    a = g.add_node("Multiply", "a")
    b = g.add_node("Log", "b")
    g.connect(wn.id, a.id, "a")
    g.connect(xn.id, a.id, "b")
    g.connect(a.id, b.id, "x")
    return g


def test_chain_rule_numbers_of_log_wx():
    trace = explain(log_wx(), {"x": 3.0})
    assert trace.value("b") == pytest.approx(np.log(6.0))
    edge = trace.edge("a", "b")
    assert edge.upstream == pytest.approx(1.0)  # ∂b/∂b
    assert edge.local_jacobian()[0, 0] == pytest.approx(1 / 6)  # ∂log(a)/∂a = 1/a
    assert edge.product == pytest.approx(1 / 6)
    assert trace.edge("x", "a").local_jacobian()[0, 0] == pytest.approx(2.0)  # ∂(wx)/∂x = w
    assert trace.grad("x") == pytest.approx(1 / 3)  # ∂log(wx)/∂x = 1/x


def test_trace_order_is_forward_then_seed_then_backward():
    trace = explain(log_wx(), {"x": 3.0})
    kinds = [s.kind for s in trace.steps]
    assert kinds == ["forward"] * 4 + ["seed"] + ["backward"] * 3
    assert [trace.names[s.dst] for s in trace.steps_of("backward")] == ["b", "a", "a"]


def test_fan_out_gradients_are_summed_and_recorded():
    g = Graph()
    x = g.add_node("Input", "x")
    sq = g.add_node("Multiply", "x·x")
    g.connect(x.id, sq.id, "a")
    g.connect(x.id, sq.id, "b")
    trace = explain(g, {"x": 3.0})
    (summed,) = trace.steps_of("sum")
    assert len(summed.parts) == 2
    assert [float(p) for _, p in summed.parts] == [3.0, 3.0]
    assert trace.grad("x") == pytest.approx(6.0)  # d(x²)/dx = 2x


def lecture_mlp(seed=0):
    """a = σ(Wx), b = σ(Va), c = σ(θᵀb) with a binary cross-entropy loss."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3], "batched": True})
    y = g.add_node("Input", "y", {"batched": True})
    W = g.add_node("Parameter", "W", {"shape": [3, 4], "init": "normal", "scale": 1.0, "seed": seed})
    V = g.add_node("Parameter", "V", {"shape": [4, 4], "init": "normal", "scale": 1.0, "seed": seed + 1})
    t = g.add_node("Parameter", "θ", {"shape": [4], "init": "normal", "scale": 1.0, "seed": seed + 2})
    wx, a = g.add_node("MatMul", "Wx"), g.add_node("Sigmoid", "a")
    va, b = g.add_node("MatMul", "Va"), g.add_node("Sigmoid", "b")
    tb, c = g.add_node("Dot", "θᵀb"), g.add_node("Sigmoid", "c")
    loss = g.add_node("BinaryCrossEntropy", "L")
    for src, dst, port in [(x, wx, "x"), (W, wx, "W"), (wx, a, "x"), (a, va, "x"), (V, va, "W"), (va, b, "x"),
                           (t, tb, "θ"), (b, tb, "x"), (tb, c, "x"), (c, loss, "p"), (y, loss, "y")]:
        g.connect(src.id, dst.id, port)
    return g


def test_lecture_mlp_passes_the_gradient_check():
    g = lecture_mlp()
    feeds = {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]), "y": np.array([1.0, 0.0])}
    results = check_graph(g, feeds)
    assert [r.name for r in results] == ["W", "V", "θ"]
    assert all(r.ok for r in results), results


def test_local_jacobian_of_matmul_is_w_in_the_slides_layout():
    g = lecture_mlp()
    trace = explain(g, {"x": np.array([[1.0, -2.0, 0.5]]), "y": np.array([1.0])})
    edge = trace.edge("x", "Wx")
    assert edge.jacobian_shape == (3, 4)  # ℝ^{n×m}: input size × output size
    assert np.allclose(edge.local_jacobian(), g.find("W").value)
    assert np.allclose(edge.local_jacobian() @ edge.upstream.reshape(-1), edge.product.reshape(-1))


def test_sgd_step_records_before_gradient_after_and_applies():
    g = lecture_mlp()
    before = g.find("W").value.copy()
    trace = explain(g, {"x": np.ones((1, 3)), "y": np.array([1.0])}, lr=0.5, apply_update=True)
    update = next(s for s in trace.steps_of("update") if s.node == g.find("W").id)
    assert np.allclose(update.before, before)
    assert np.allclose(update.after, before - 0.5 * update.grad)
    assert np.allclose(g.find("W").value, update.after)


def test_labels_carry_no_gradient_and_say_so():
    g = Graph()
    z = g.add_node("Input", "z", {"shape": [3], "batched": True})
    y = g.add_node("Label", "y")
    loss = g.add_node("SoftmaxCrossEntropy", "L")
    g.connect(z.id, loss.id, "z")
    g.connect(y.id, loss.id, "y")
    trace = explain(g, {"z": np.zeros((2, 3)), "y": [0, 2]})
    (nograd,) = trace.steps_of("nograd")
    assert nograd.port == "y" and "integer" in nograd.reason
    assert trace.loss == pytest.approx(np.log(3))


def test_missing_feed_is_named():
    with pytest.raises(ExecutionError, match="feed x"):
        explain(log_wx(), {})


def test_wrong_feed_shape_is_named():
    g = lecture_mlp()
    with pytest.raises(ExecutionError, match="Input 'x' expects B×3, got 2×5"):
        forward(g, {"x": np.zeros((2, 5)), "y": np.zeros(2)})


def test_state_at_scrubs_through_the_trace():
    from engine.replay.state import state_at

    trace = explain(log_wx(), {"x": 3.0})
    state = state_at(trace, 1)
    assert len(state.values) == 2 and not state.grads
    state = state_at(trace, len(trace) - 1)
    assert len(state.values) == 4 and len(state.grads) == 4


def test_max_pool_winner_is_recorded_and_only_it_gets_gradient():
    g = Graph()
    x = g.add_node("Input", "a_i", {"shape": [4, 2]})
    m = g.add_node("MaxPoolTime", "a")
    s = g.add_node("Sum", "s")
    g.connect(x.id, m.id, "x")
    g.connect(m.id, s.id, "x")
    data = np.array([[0.1, 0.9], [0.7, 0.2], [0.3, 0.1], [0.0, 0.5]])
    trace = explain(g, {"a_i": data})
    pool = next(st for st in trace.steps_of("forward") if st.node == m.id)
    assert pool.info["winner"].tolist() == [1, 0]
    assert trace.grad("a_i").tolist() == [[0, 1], [1, 0], [0, 0], [0, 0]]


def test_gradient_check_looks_at_the_entries_a_sparse_example_moves():
    from engine.gradcheck import _entries_to_check

    grad = np.zeros(10_000)
    grad[[17, 4242, 9001]] = 1.0
    picks = _entries_to_check(grad, 50)
    assert {17, 4242, 9001} <= set(picks.tolist())
    assert len(picks) <= 50


def test_labels_out_of_range_are_named():
    g = Graph()
    z = g.add_node("Input", "z", {"shape": [3], "batched": True})
    y = g.add_node("Label", "y", {"classes": 3})
    loss = g.add_node("SoftmaxCrossEntropy", "L")
    g.connect(z.id, loss.id, "z")
    g.connect(y.id, loss.id, "y")
    for bad in (-1, 7):
        with pytest.raises(ExecutionError, match=f"Label 'y': class {bad} is out of range 0..2"):
            explain(g, {"z": np.zeros((2, 3)), "y": [0, bad]})


def test_bad_token_id_is_named_with_its_position():
    g = Graph()
    ids = g.add_node("Input", "x", {"shape": [3], "batched": True, "dtype": "int"})
    bow = g.add_node("BagOfWords", "f(x)", {"vocab_size": 10})
    g.connect(ids.id, bow.id, "ids")
    with pytest.raises(ExecutionError, match=r"token id -3 at position \[1, 0\] is outside the vocabulary of 10"):
        forward(g, {"x": [[2, 3, 4], [-3, 1, 1]]})


@pytest.mark.parametrize("mode", ["central", "one-sided"])
def test_both_gradient_check_modes_catch_a_wrong_vjp(monkeypatch, mode):
    from engine.gradcheck import check_parameters
    from engine.registry import get_op

    g = lecture_mlp()
    feeds = {"x": np.array([[1.0, -2.0, 0.5]]), "y": np.array([1.0])}
    sigmoid = get_op("Sigmoid")
    right = sigmoid.vjp
    monkeypatch.setattr(sigmoid, "vjp", lambda self, *a: 1.2 * right(self, *a))
    eps = 1e-6 if mode == "central" else 1e-4
    nudges = check_parameters(g, feeds, picks=3, eps=eps, central=mode == "central")
    assert all(n.mode == mode for ns in nudges.values() for n in ns)
    assert not all(n.ok for ns in nudges.values() for n in ns)
    monkeypatch.setattr(sigmoid, "vjp", right)
    nudges = check_parameters(g, feeds, picks=3, eps=eps, central=mode == "central")
    assert all(n.ok for ns in nudges.values() for n in ns)
