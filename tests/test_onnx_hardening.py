"""ONNX import: PyTorch's default ignore_index is accepted; a model that imports can always be saved and
opened again (what cannot be kept is cut or left out with a note, or the import is refused with a message)."""
import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from engine import explain  # noqa: E402
from engine.interop.errors import UnsupportedOnnxError  # noqa: E402
from engine.interop.onnx_import import import_onnx, import_onnx_model  # noqa: E402
from engine.serialization import load_graph, save_graph  # noqa: E402

W = np.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.75]], dtype=np.float32)


def tensor(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def classifier(ignore_index=None, name="classifier", props=None, initializer=W):
    """x (B×2) @ W → SoftmaxCrossEntropyLoss with labels y, as torch.onnx writes F.cross_entropy."""
    attrs = {"reduction": "mean"} if ignore_index is None else {"reduction": "mean", "ignore_index": ignore_index}
    nodes = [helper.make_node("MatMul", ["x", "W"], ["s"]),
             helper.make_node("SoftmaxCrossEntropyLoss", ["s", "y"], ["L"], **attrs)]
    body = helper.make_graph(nodes, name, [tensor("x", ["B", 2]), tensor("y", ["B"], TensorProto.INT64)],
                             [tensor("L", [])], [numpy_helper.from_array(initializer, "W")])
    model = helper.make_model(body, opset_imports=[helper.make_opsetid("", 18)])
    if props:
        helper.set_model_props(model, props)
    return model


def saves_and_opens(graph, tmp_path):
    path = tmp_path / "imported.json"
    save_graph(graph, path)
    return load_graph(path)


def mean_cross_entropy(x, y):
    s = x @ W.astype(np.float64)
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


# ----- item 13: ignore_index
def test_pytorchs_default_ignore_index_is_accepted_with_a_note():
    graph = import_onnx_model(classifier(ignore_index=-100))
    notes = graph.meta["onnx"]["notes"]
    assert any("ignore_index -100 left out: labels are class numbers 0 to 2" in n for n in notes)
    x, y = np.array([[1.0, 2.0], [-0.5, 0.25]]), np.array([2, 0])
    trace = explain(graph, {"x": x, "y": y})
    assert float(trace.loss) == pytest.approx(mean_cross_entropy(x, y), rel=1e-12)


@pytest.mark.parametrize("ignore", [0, 2])
def test_an_ignore_index_that_a_label_can_equal_is_refused(ignore):
    with pytest.raises(UnsupportedOnnxError, match=f"ignore_index {ignore} is a class number"):
        import_onnx_model(classifier(ignore_index=ignore))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the TorchScript exporter: the new one needs onnxscript
def test_a_pytorch_model_with_its_loss_in_forward_imports_and_matches(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0, CPU build)")

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(2, 3)

        def forward(self, x, y):
            return torch.nn.functional.cross_entropy(self.linear(x), y)

    torch.manual_seed(0)
    model = Model().double()
    x, y = torch.randn(4, 2, dtype=torch.float64), torch.tensor([0, 1, 2, 1])
    path = tmp_path / "ce.onnx"
    torch.onnx.export(model, (x, y), str(path), dynamo=False, input_names=["x", "y"], output_names=["L"],
                      dynamic_axes={"x": {0: "B"}, "y": {0: "B"}}, opset_version=18)
    graph = import_onnx(path)
    ours = float(explain(graph, {"x": x.numpy(), "y": y.numpy()}).loss)
    assert ours == pytest.approx(float(model(x, y).detach()), rel=1e-9)
    saves_and_opens(graph, tmp_path)


# ----- item 9: what imports can be saved
def test_an_over_long_multi_line_graph_name_is_cut_to_one_line(tmp_path):
    graph = import_onnx_model(classifier(name="A title\nwith two lines " + "x" * 1000))
    assert graph.meta["title"].startswith("A title with two lines x") and len(graph.meta["title"]) == 200
    assert saves_and_opens(graph, tmp_path).meta["title"] == graph.meta["title"]


def test_nan_initializers_are_refused_naming_them():
    bad = W.copy()
    bad[0, 1] = np.nan
    with pytest.raises(UnsupportedOnnxError, match="'W' holds NaN or infinity"):
        import_onnx_model(classifier(initializer=bad))


@pytest.mark.parametrize("key, value, reason", [
    ("dataset", json.dumps({"name": "negation", "n": 10**9}), "meta.dataset.n: 1e+09 is more than the limit"),
    ("training", json.dumps({"lr": -1}), "meta.training.lr: expected a positive number"),
    ("dataset", "[" * 100_000 + "]" * 100_000, "not valid JSON, or nested too deeply"),
])
def test_bad_metadata_is_left_out_with_a_note(tmp_path, key, value, reason):
    graph = import_onnx_model(classifier(props={key: value}))
    assert key not in graph.meta
    assert any(f"the model's metadata '{key}' was left out" in n and reason in n for n in graph.meta["onnx"]["notes"])
    saves_and_opens(graph, tmp_path)


def test_a_sample_too_big_for_a_file_is_not_made(tmp_path):
    body = helper.make_graph([helper.make_node("Relu", ["pixels"], ["r"])], "big input",
                             [tensor("pixels", ["B", 300, 300])], [tensor("r", ["B", 300, 300])])
    graph = import_onnx_model(helper.make_model(body, opset_imports=[helper.make_opsetid("", 18)]))
    assert "sample" not in graph.meta
    assert any("no sample values were made" in n for n in graph.meta["onnx"]["notes"])
    saves_and_opens(graph, tmp_path)


def test_very_long_onnx_tensor_names_still_save(tmp_path):
    long = "input/" + "very_" * 100
    model = classifier()
    model.graph.input[0].name = long
    model.graph.node[0].input[0] = long
    graph = import_onnx_model(model)
    assert all(len(k) <= 200 for k in graph.meta["onnx"]["inputs"])
    saves_and_opens(graph, tmp_path)
