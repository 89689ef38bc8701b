"""PyTorch export: readable source, and (with torch installed) the same outputs, gradients and training."""
import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import Graph, explain, forward
from engine.interop.errors import InteropError
from engine.interop.pytorch_export import export_pytorch, pytorch_source
from test_executor import lecture_mlp
from test_onnx_export import PER_OP, bow_classifier, single_op, text_cnn, token_ids

ROOT = Path(__file__).resolve().parent.parent


def toy_classifier(optimizer="sgd", hidden=4):
    """x (2-D point) → tanh(xW + b) → hV + c → softmax cross-entropy, trained on the XOR toy set."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [2], "batched": True})
    y = g.add_node("Label", "y", {"classes": 2})
    W = g.add_node("Parameter", "W", {"shape": [2, hidden], "init": "normal", "scale": 1.0, "seed": 1})
    b = g.add_node("Parameter", "b", {"shape": [hidden], "init": "zeros"})
    V = g.add_node("Parameter", "V", {"shape": [hidden, 2], "init": "normal", "scale": 1.0, "seed": 2})
    xw, h, hv = g.add_node("MatMul", "xW"), g.add_node("Add", "xW+b"), g.add_node("Tanh", "h")
    scores, p, loss = g.add_node("MatMul", "hV"), g.add_node("Softmax", "p"), g.add_node("CrossEntropy", "L")
    for src, dst, port in [(x, xw, "x"), (W, xw, "W"), (xw, h, "a"), (b, h, "b"), (h, hv, "x"), (hv, scores, "x"),
                           (V, scores, "W"), (scores, p, "x"), (p, loss, "p"), (y, loss, "y")]:
        g.connect(src.id, dst.id, port)
    g.meta.update(title="XOR", dataset={"name": "xor", "n": 120, "noise": 0.1, "test_fraction": 0.25, "seed": 0},
                  bindings={"inputs": "x", "labels": "y", "output": "p"},
                  training={"optimizer": optimizer, "lr": 0.05, "batch_size": 16, "epochs": 3, "seed": 7})
    return g


def test_source_is_valid_python_naming_every_node():
    g = text_cnn()
    source = pytorch_source(g, "cnn.npz")
    ast.parse(source)
    for node in g.nodes.values():
        if not node.op.is_source:
            assert f"# {node.op_name} '{node.name}'" in source
    assert "self.E = nn.Parameter" in source and "WEIGHTS = Path(__file__).with_name('cnn.npz')" in source


def test_greek_names_become_ascii_identifiers():
    source = pytorch_source(lecture_mlp())
    assert "self.theta = nn.Parameter" in source
    assert "theta_Tb = b @ self.theta  # Dot 'θᵀb'" in source


def test_training_loop_only_when_the_graph_has_a_dataset():
    with_data = pytorch_source(toy_classifier())
    assert 'if __name__ == "__main__":\n    train()' in with_data
    assert "'optimizer': 'sgd'" in with_data and "'batch_size': 16" in with_data and "'seed': 7" in with_data
    without = pytorch_source(lecture_mlp())
    assert "def train(" not in without and "no dataset to train on" in without


def test_labels_are_optional_and_the_loss_waits_for_them():
    source = pytorch_source(bow_classifier())
    assert "def forward(self, x: torch.Tensor, y: torch.Tensor | None = None)" in source
    assert "if y is not None:  # the loss needs the labels" in source


def test_graph_with_errors_is_refused():
    g = lecture_mlp()
    g.disconnect(g.incoming(g.find("Wx").id)["W"].id)
    with pytest.raises(InteropError, match="MatMul 'Wx': input 'W' is not connected"):
        pytorch_source(g)


def test_weights_file_holds_the_parameter_values(tmp_path):
    g = text_cnn()
    weights = export_pytorch(g, tmp_path / "cnn.py")
    assert weights == tmp_path / "cnn.npz" and (tmp_path / "cnn.py").exists()
    with np.load(weights, allow_pickle=False) as values:
        assert sorted(values.files) == ["E", "V", "b", "w"]
        np.testing.assert_array_equal(values["E"], g.find("E").value)


@pytest.mark.parametrize("name", ["file", "allow_pickle"])
def test_weights_file_holds_a_parameter_named_like_an_argument_of_savez(name, tmp_path):
    g = lecture_mlp()
    g.rename(g.find("W").id, name)
    weights = export_pytorch(g, tmp_path / "mlp.py")
    with np.load(weights, allow_pickle=False) as values:
        assert name in values.files
        np.testing.assert_array_equal(values[name], g.find(name).value)


torch_missing = importlib.util.find_spec("torch") is None
needs_torch = pytest.mark.skipif(torch_missing, reason="torch is not installed (pip install torch==2.13.0, CPU build)")


def load_exported(graph, folder, name="exported"):
    """Export, then import the generated file as a module."""
    path = folder / f"{name}.py"
    export_pytorch(graph, path)
    spec = importlib.util.spec_from_file_location(f"{name}_{id(graph)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_run(module, graph, feeds):
    """Outputs and ∂loss/∂parameter from the exported module (the graph's loss is out[loss name])."""
    import torch

    model = module.Model()
    kwargs = {}
    for name, value in feeds.items():
        node = graph.find(name)
        dtype = torch.long if node.op.out_dtype == "int" else torch.float64
        kwargs[module_arg(module, node.name)] = torch.as_tensor(np.asarray(value), dtype=dtype)
    out = model(**kwargs)
    return model, out


def module_arg(module, name):
    from engine.interop.names import identifier

    return identifier(name)


def assert_parity(graph, feeds, tmp_path, loss="L"):
    module = load_exported(graph, tmp_path)
    model, out = torch_run(module, graph, feeds)
    values = forward(graph, feeds)
    for name, tensor in out.items():
        np.testing.assert_allclose(tensor.detach().numpy(), values[graph.find(name).id], rtol=1e-10, atol=1e-12)
    out[loss].backward()
    trace = explain(graph, feeds)
    grads = dict(model.named_parameters())
    for node in graph.parameters():
        np.testing.assert_allclose(grads[module_arg(module, node.name)].grad.numpy(), trace.grad(node.name),
                                   rtol=1e-9, atol=1e-12, err_msg=node.name)
    return out


@needs_torch
def test_lecture_mlp_outputs_and_gradients_equal_the_engine(tmp_path):
    feeds = {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]), "y": np.array([1.0, 0.0])}
    out = assert_parity(lecture_mlp(), feeds, tmp_path)
    assert set(out) == {"L"}


@needs_torch
def test_text_cnn_outputs_and_gradients_equal_the_engine(tmp_path):
    g = text_cnn()
    feeds = {"x": token_ids(length=7, vocab=15), "y": np.array([0, 2, 1, 1])}
    out = assert_parity(g, feeds, tmp_path)
    assert set(out) == {"L", "aV"}


@needs_torch
def test_bag_of_words_classifier_outputs_and_gradients_equal_the_engine(tmp_path):
    assert_parity(bow_classifier(), {"x": token_ids(), "y": np.array([0, 2, 1, 1])}, tmp_path)


@needs_torch
@pytest.mark.parametrize("op, attrs, shapes, feeds", PER_OP, ids=[f"{c[0]}-{i}" for i, c in enumerate(PER_OP)])
def test_each_op_gives_the_engine_value(op, attrs, shapes, feeds, tmp_path):
    ints = {"ids"} | ({"y"} if op in ("CrossEntropy", "SoftmaxCrossEntropy") else set())
    g = single_op(op, attrs, shapes, ints=ints)
    module = load_exported(g, tmp_path)
    _, out = torch_run(module, g, feeds)
    np.testing.assert_allclose(out["out"].detach().numpy(), forward(g, feeds)[g.find("out").id], rtol=1e-10,
                               atol=1e-12)


@needs_torch
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_loop_reproduces_our_trainer(optimizer, tmp_path):
    from engine.train import Trainer

    g = toy_classifier(optimizer)
    module = load_exported(g, tmp_path)
    model = module.train(epochs=2, verbose=False)
    Trainer(g).fit(2)
    trained = dict(model.named_parameters())
    for node in g.parameters():
        np.testing.assert_allclose(trained[node.name].detach().numpy(), node.value, rtol=1e-8, atol=1e-10,
                                   err_msg=node.name)


@needs_torch
def test_exported_file_runs_and_prints_test_accuracy(tmp_path):
    g = toy_classifier()
    g.meta["training"]["epochs"] = 1
    export_pytorch(g, tmp_path / "xor_model.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(tmp_path / "xor_model.py")], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "epoch 1: train_loss=" in done.stdout and "test_acc=" in done.stdout


@needs_torch
def test_exported_script_reports_the_same_train_loss_as_main_py_train(tmp_path):
    from engine.serialization import save_graph

    g = toy_classifier()
    g.meta["training"]["epochs"] = 2
    save_graph(g, tmp_path / "xor.json")
    export_pytorch(g, tmp_path / "xor_model.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    ours = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(tmp_path / "xor.json")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    theirs = subprocess.run([sys.executable, str(tmp_path / "xor_model.py")], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    pattern = r"train_loss=(\d+\.\d{4}) train_acc=(\d\.\d{4})\s+test_loss=(\d+\.\d{4}) test_acc=(\d\.\d{4})"
    expected = re.findall(pattern, ours.stdout)
    assert len(expected) == 2 and re.findall(pattern, theirs.stdout) == expected
