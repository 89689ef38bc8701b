"""Exported binary cross-entropy at p = 0 or 1: a term whose weight is 0 counts 0 (0·log 0 = 0), as in the engine."""
import numpy as np
import pytest

from engine import Graph, explain, forward
from test_pytorch_export import load_exported, needs_torch, torch_run

onnx = pytest.importorskip("onnx", reason="ONNX export needs the optional onnx package")
from engine.interop.onnx_export import graph_to_onnx  # noqa: E402
from engine.interop.onnx_import import import_onnx_model  # noqa: E402
from test_onnx_export import run_reference  # noqa: E402

# σ(±800) is exactly 1 or 0 in float64; the labels agree, the last example is an ordinary one
SCORES = [800.0, -800.0, 0.3]
LABELS = [1.0, 0.0, 1.0]


def saturated_bce():
    """z (a Parameter of scores) → σ → BinaryCrossEntropy with labels y."""
    g = Graph()
    z = g.add_node("Parameter", "z", {"shape": [3], "init": "zeros"}, value=np.array(SCORES))
    y = g.add_node("Input", "y", {"shape": [3]})
    p, loss = g.add_node("Sigmoid", "p"), g.add_node("BinaryCrossEntropy", "L")
    for src, dst, port in [(z, p, "x"), (p, loss, "p"), (y, loss, "y")]:
        g.connect(src.id, dst.id, port)
    return g


def test_the_engine_gives_a_finite_loss_here():
    g = saturated_bce()
    values = forward(g, {"y": LABELS})
    assert list(values[g.find("p").id][:2]) == [1.0, 0.0]
    assert np.isfinite(values[g.find("L").id])


@needs_torch
def test_pytorch_export_agrees_with_the_engine_at_saturation(tmp_path):
    g = saturated_bce()
    module = load_exported(g, tmp_path)
    model, out = torch_run(module, g, {"y": LABELS})
    expected = forward(g, {"y": LABELS})[g.find("L").id]
    assert np.isfinite(out["L"].item())
    np.testing.assert_allclose(out["L"].item(), expected, rtol=1e-12)
    out["L"].backward()
    grad = dict(model.named_parameters())["z"].grad.numpy()
    np.testing.assert_allclose(grad, explain(g, {"y": LABELS}).grad("z"), rtol=1e-12, atol=1e-15)


@needs_torch
def test_pytorch_export_keeps_a_wrong_certain_answer_infinite(tmp_path):
    g = saturated_bce()
    module = load_exported(g, tmp_path)
    _, out = torch_run(module, g, {"y": [0.0, 1.0, 1.0]})  # certain and wrong: infinitely bad, as in the engine
    assert out["L"].item() == np.inf == forward(g, {"y": [0.0, 1.0, 1.0]})[g.find("L").id]


def probabilities_bce():
    g = Graph()
    p = g.add_node("Input", "p", {"shape": [4]})
    y = g.add_node("Input", "y", {"shape": [4]})
    loss = g.add_node("BinaryCrossEntropy", "L")
    g.connect(p.id, loss.id, "p")
    g.connect(y.id, loss.id, "y")
    return g


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_onnx_export_agrees_with_the_engine_at_p_0_and_1(dtype):
    g = probabilities_bce()
    feeds = {"p": [0.0, 1.0, 0.25, 1.0], "y": [0.0, 1.0, 1.0, 1.0]}
    model = graph_to_onnx(g, dtype=dtype)  # graph_to_onnx runs onnx.checker (full check) on what it writes
    with np.errstate(divide="ignore", invalid="ignore"):  # the reference evaluator computes both sides of Where
        got = run_reference(model, feeds)["L"]
    expected = forward(g, feeds)[g.find("L").id]
    assert np.isfinite(got)
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == "float32" else 1e-12)


def test_exported_bce_imports_back_as_one_binary_cross_entropy():
    g = probabilities_bce()
    imported = import_onnx_model(graph_to_onnx(g, dtype="float64"))
    assert sorted(n.op_name for n in imported.nodes.values()) == ["BinaryCrossEntropy", "Input", "Input"]
    feeds = {"p": [0.0, 1.0, 0.25, 0.5], "y": [0.0, 1.0, 1.0, 0.3]}
    np.testing.assert_allclose(forward(imported, feeds)[imported.find("L").id], forward(g, feeds)[g.find("L").id],
                               rtol=1e-12)
