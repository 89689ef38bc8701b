"""Losses at the edge of float64: saturated probabilities and huge logit gaps, in explain and train mode."""
import numpy as np
import pytest

from engine import OPS, Graph, explain, forward
from engine.compiled import Plan
from engine.compiled.scalar import ScalarProgram
from engine.trace import BackwardStep


def bce_graph(batched=True):
    """logit z → σ → p → binary cross-entropy against y (the neuron's loss, with z fed directly)."""
    g = Graph()
    z = g.add_node("Input", "z", {"shape": [], "batched": batched})
    y = g.add_node("Input", "y", {"shape": [], "batched": batched})
    p, loss = g.add_node("Sigmoid", "p"), g.add_node("BinaryCrossEntropy", "L")
    scale = g.add_node("Parameter", "w", {"shape": [], "init": "constant", "scale": 1.0})
    wz = g.add_node("Multiply", "wz")
    for src, dst, port in [(scale, wz, "a"), (z, wz, "b"), (wz, p, "x"), (p, loss, "p"), (y, loss, "y")]:
        g.connect(src.id, dst.id, port)
    return g


def softmax_ce_graph(classes=3, extra_reader=False):
    """scores z = w·x (w = 1, a parameter so that train mode has a gradient) → Softmax p → CrossEntropy."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [classes], "batched": True})
    w = g.add_node("Parameter", "w", {"shape": [], "init": "constant", "scale": 1.0})
    y = g.add_node("Label", "y", {"classes": classes})
    z, p, loss = g.add_node("Multiply", "z"), g.add_node("Softmax", "p"), g.add_node("CrossEntropy", "L")
    for src, dst, port in [(w, z, "a"), (x, z, "b"), (z, p, "x"), (p, loss, "p"), (y, loss, "y")]:
        g.connect(src.id, dst.id, port)
    if extra_reader:
        g.connect(p.id, g.add_node("Sum", "Σp").id, "x")
    return g


# logit gaps of 800 (p_y = e^−800 is 0 in float64), 720 (p_y is subnormal) and an ordinary row
GAPS = np.array([[0.0, 800.0, 1.0], [2.0, -1.0, 720.0]])
ORDINARY = np.array([[0.5, -1.0, 2.0], [1.0, 0.2, -0.3]])
TARGETS = np.array([0, 0])


def stable_loss_and_grad(z, y):
    """−mean log softmax(z)_y and its gradient (softmax − onehot)/N, written out in numpy."""
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    grad = np.exp(logp)
    grad[np.arange(len(y)), y] -= 1.0
    return -logp[np.arange(len(y)), y].mean(), grad / len(y)


# ----- BinaryCrossEntropy at p exactly 0 or 1

@pytest.mark.parametrize("p, y", [(1.0, 1.0), (0.0, 0.0)])
def test_binary_cross_entropy_is_zero_where_a_saturated_p_agrees_with_the_label(p, y):
    op = OPS["BinaryCrossEntropy"]()
    value, ctx = op.forward(np.array(p), np.array(y))
    assert value == 0.0
    slope = op.vjp(0, np.array(1.0), (np.array(p), np.array(y)), value, ctx)
    assert slope == (-1.0 if y == 1.0 else 1.0)  # d/dp of −log p at 1, of −log(1 − p) at 0


def test_binary_cross_entropy_is_infinite_not_nan_where_a_saturated_p_contradicts_the_label():
    op = OPS["BinaryCrossEntropy"]()
    with np.errstate(divide="ignore"):
        value, _ = op.forward(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert value == np.inf


@pytest.mark.parametrize("batched", [True, False])
def test_a_saturated_sigmoid_with_an_agreeing_label_gives_finite_numbers_in_both_modes(batched):
    g = bce_graph(batched)
    z, y = (np.array([40.0, -800.0, 0.3]), np.array([1.0, 0.0, 1.0])) if batched else (40.0, 1.0)
    feeds = {"z": z, "y": y}
    trace = explain(g, feeds)
    saturated = np.ravel(trace.value("p"))[:2]
    assert saturated.tolist() == ([1.0, 0.0] if batched else [1.0])  # σ(40) rounds to 1, σ(−800) to 0
    assert np.isfinite(trace.loss)
    for step in trace.steps_of("backward"):
        assert np.all(np.isfinite(step.product)), (trace.names[step.src], trace.names[step.dst])
    loss, grads = Plan(g).loss_and_grads(feeds)
    assert loss == pytest.approx(trace.loss, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(grads[g.find("w").id], trace.grads[g.find("w").id], rtol=1e-12)


def test_the_scalar_fast_path_computes_a_saturated_agreeing_label_itself(monkeypatch):
    g = bce_graph(batched=False)
    program = Plan(g)._grad_program()
    assert isinstance(program, ScalarProgram)
    monkeypatch.setattr(program.arrays, "loss_and_grads", lambda *args: pytest.fail("fell back to the arrays"))
    loss, grads = program.loss_and_grads(g, {"z": 40.0, "y": 1.0})
    assert loss == 0.0 and float(grads[g.find("w").id]) == 0.0  # σ′ is 0 where σ rounds to 1


def test_binary_cross_entropy_matches_pytorch_float64():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    op = OPS["BinaryCrossEntropy"]()
    p = np.array([1.0, 0.0, 0.3, 0.9, 1e-12, 0.5])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 0.25])  # saturated and agreeing, ordinary, a soft label
    value, ctx = op.forward(p, y)
    pt = torch.tensor(p, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy(pt, torch.tensor(y))
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-13)
    grad = op.vjp(0, np.array(1.0), (p, y), value, ctx)
    inside = (p > 0) & (p < 1)  # PyTorch bounds its slope by 1/ε at 0 and 1; there ours is the one-sided limit
    np.testing.assert_allclose(grad[inside], pt.grad.numpy()[inside], rtol=1e-12)


def test_sigmoid_then_binary_cross_entropy_matches_pytorch_at_saturation():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    g = bce_graph()
    z, y = np.array([40.0, -40.0, 37.0, 0.3, -2.0]), np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    loss, grads = Plan(g).loss_and_grads({"z": z, "y": y})
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy(torch.sigmoid(w * torch.tensor(z)), torch.tensor(y))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    assert float(grads[g.find("w").id]) == pytest.approx(w.grad.item(), rel=1e-12)


# ----- Softmax → CrossEntropy with huge logit gaps

def test_softmax_then_cross_entropy_in_explain_mode_is_exact_for_huge_gaps():
    g = softmax_ce_graph()
    trace = explain(g, {"x": GAPS, "y": TARGETS})
    loss, grad = stable_loss_and_grad(GAPS, TARGETS)
    assert trace.loss == pytest.approx(loss, rel=1e-15)  # 759: (800 + 718) / 2
    np.testing.assert_allclose(trace.grad("z"), grad, rtol=1e-15, atol=0)
    np.testing.assert_allclose(forward(g, {"x": GAPS, "y": TARGETS})[g.find("L").id], loss, rtol=1e-15)


def test_the_trace_of_a_huge_gap_shows_finite_numbers_on_every_edge():
    g = softmax_ce_graph()
    trace = explain(g, {"x": GAPS, "y": TARGETS})
    p = trace.value("p")
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    steps = [s for s in trace.steps if isinstance(s, BackwardStep)]
    assert {("p", "L"), ("z", "p")} <= {(trace.names[s.src], trace.names[s.dst]) for s in steps}
    for step in steps:
        for what in (step.upstream, step.product, step.local_jacobian()):
            assert np.all(np.isfinite(what)), (trace.names[step.src], trace.names[step.dst])
    to_p = trace.edge("p", "L")
    assert to_p.product[0, 0] < -1e300 and to_p.product[1, 0] < -1e300  # −1/(N·p_y): enormous, yet finite


def test_ordinary_scores_give_the_same_trace_as_the_plain_chain_rule():
    g = softmax_ce_graph()
    trace = explain(g, {"x": ORDINARY, "y": TARGETS})
    softmax, ce = OPS["Softmax"](), OPS["CrossEntropy"]()
    p, _ = softmax.forward(ORDINARY)
    assert trace.loss == pytest.approx(float(ce.forward(p, TARGETS)[0]), rel=1e-14)
    to_p, to_z = trace.edge("p", "L"), trace.edge("z", "p")
    np.testing.assert_allclose(to_p.product, ce.vjp(0, np.array(1.0), (p, TARGETS), None, None), rtol=1e-13)
    np.testing.assert_allclose(to_z.product, softmax.vjp(0, to_p.product, (ORDINARY,), p, None), rtol=1e-13)
    # and local · upstream = product, as the edge label says
    np.testing.assert_allclose(to_z.local_jacobian() @ to_z.upstream.reshape(-1), to_z.product.reshape(-1),
                               rtol=1e-13)


@pytest.mark.parametrize("shown", [False, True])
def test_compiled_plan_equals_explain_for_huge_gaps(shown):
    g = softmax_ce_graph()
    trace = explain(g, {"x": GAPS, "y": TARGETS})
    plan, feeds = Plan(g), {"x": GAPS, "y": TARGETS}
    if shown:  # the trainer asks for the probabilities in the same pass; the loss must stay exact
        loss, grads, probs = plan.loss_grads_and_output(feeds, "p")
        np.testing.assert_allclose(probs, trace.value("p"), rtol=1e-15)
    else:
        loss, grads = plan.loss_and_grads(feeds)
    assert np.isfinite(loss) and np.all(np.isfinite(grads[g.find("w").id]))
    assert loss == pytest.approx(trace.loss, rel=1e-15)
    np.testing.assert_allclose(grads[g.find("w").id], trace.grad("w"), rtol=1e-15, atol=0)


def test_a_softmax_read_by_another_node_runs_unfused_in_both_modes():
    g = softmax_ce_graph(extra_reader=True)
    feeds = {"x": ORDINARY, "y": TARGETS}
    trace = explain(g, feeds, target="L")
    loss, grads = Plan(g, "L").loss_and_grads(feeds)
    assert loss == pytest.approx(trace.loss, rel=1e-13)
    np.testing.assert_allclose(grads[g.find("w").id], trace.grad("w"), rtol=1e-12)


def test_softmax_then_cross_entropy_matches_pytorch_float64_for_huge_gaps():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    for scores in (GAPS, ORDINARY, np.array([[-1000.0, 0.0, 1000.0], [0.0, 745.5, -3.0]])):
        g = softmax_ce_graph()
        trace = explain(g, {"x": scores, "y": TARGETS})
        zt = torch.tensor(scores, requires_grad=True)
        expected = torch.nn.functional.cross_entropy(zt, torch.tensor(TARGETS))
        expected.backward()
        assert trace.loss == pytest.approx(expected.item(), rel=1e-14)
        np.testing.assert_allclose(trace.grad("z"), zt.grad.numpy(), rtol=1e-13, atol=1e-300)
