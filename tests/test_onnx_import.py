"""ONNX import: ONNX's own test cases, round trips of our graphs, structure of the mapping, and refusals."""
import sys

import numpy as np
import pytest

from engine import explain, forward
from engine.gradcheck import check_graph
from engine.interop.errors import InteropError, OnnxMissingError, UnsupportedOnnxError
from test_executor import lecture_mlp
from test_onnx_export import bow_classifier, single_op, text_cnn, token_ids

onnx = pytest.importorskip("onnx", reason="ONNX import needs the optional onnx package")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from engine.interop import onnx_conformance  # noqa: E402
from engine.interop.onnx_export import graph_to_onnx  # noqa: E402
from engine.interop.onnx_import import SUPPORTED_ONNX_OPS, import_onnx, import_onnx_model  # noqa: E402

# Cases passed today per group of ONNX test cases (node tests by op, shipped PyTorch models, 1-D
# Conv/MaxPool models checked against onnx.reference); a group may pass more, never fewer.
MIN_PASSED = {
    "Add": 2, "Sub": 3, "Mul": 3, "Div": 3, "Sigmoid": 2, "Tanh": 2, "Relu": 1, "Exp": 2, "Log": 2, "Neg": 2,
    "Softmax": 7, "Softmax (expanded)": 7, "LogSoftmax": 7, "LogSoftmax (expanded)": 7,
    "Gemm": 11, "MatMul": 6, "Concat": 12, "Reshape": 9, "Transpose": 7, "Gather": 4, "Flatten": 9,
    "Squeeze": 2, "Unsqueeze": 3, "Cast": 5, "ReduceMax": 8, "ReduceSum": 10, "ReduceMean": 8,
    "SoftmaxCrossEntropyLoss": 6, "NegativeLogLikelihoodLoss": 3, "MaxPool": 1,
    "Conv 1-D (generated)": 6, "MaxPool 1-D (generated)": 4,
    "pytorch-converted": 23, "pytorch-operator": 18,
}


@pytest.fixture(scope="module")
def conformance():
    """Every applicable ONNX test case, imported, run with engine.forward and compared."""
    return onnx_conformance.run_all()


@pytest.mark.parametrize("group", sorted(MIN_PASSED))
def test_onnx_test_cases_pass_for_each_supported_op(conformance, group):
    results = [r for r in conformance if r.group == group]
    passed = [r for r in results if r.status == "pass"]
    failed = [f"{r.name}: {r.reason}" for r in results if r.status == "fail"]
    skipped = [f"{r.name}: {r.reason[:160]}" for r in results if r.status == "skip"]
    print(f"{group}: {len(passed)} passed, {len(skipped)} skipped, {len(failed)} failed")
    for line in skipped:
        print("  skipped", line)
    assert not failed, failed
    assert len(passed) >= MIN_PASSED[group]


def test_no_onnx_test_case_of_a_supported_op_fails(conformance):
    failed = [f"{r.group} {r.name}: {r.reason}" for r in conformance if r.status == "fail"]
    assert not failed, failed


def test_shipped_pytorch_models_within_the_subset_pass(conformance):
    passed = {r.name for r in conformance if r.group.startswith("pytorch") and r.status == "pass"}
    for name in ("test_Linear", "test_Conv1d_pad2", "test_Conv1d_stride", "test_Embedding", "test_MaxPool1d",
                 "test_LogSoftmax", "test_operator_addmm"):
        assert name in passed


def roundtrip(graph, feeds, **options):
    imported = import_onnx_model(graph_to_onnx(graph, dtype="float64", **options))
    before, after = forward(graph, feeds), forward(imported, feeds)
    for name in imported.meta["onnx"]["outputs"].values():
        np.testing.assert_allclose(after[imported.find(name).id], before[graph.find(name).id], rtol=1e-12)
    return imported


MLP_FEEDS = {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]), "y": np.array([1.0, 0.0])}


def test_lecture_mlp_round_trip_keeps_parameters_and_outputs():
    g = lecture_mlp()
    imported = roundtrip(g, MLP_FEEDS, extra_outputs=["c"])
    params = {n.name: n.value for n in imported.parameters()}
    assert set(params) == {"W", "V", "θ"}
    for name, value in params.items():
        np.testing.assert_array_equal(value, g.find(name).value)
    assert sorted(n.op_name for n in imported.nodes.values()) == sorted(n.op_name for n in g.nodes.values())


def test_onnx_constants_become_constant_nodes_that_training_leaves_alone():
    g = single_op("Multiply", {}, [(None, 3), (3,)])
    g.remove_node(g.find("b").id)
    c = g.add_node("Constant", "c", {"value": [1.0, 2.0, 3.0]})
    g.connect(c.id, g.find("out").id, "b")
    imported = roundtrip(g, {"a": np.ones((2, 3))})
    constants = [n for n in imported.nodes.values() if n.op_name == "Constant"]
    assert constants and not any(n.trainable for n in constants)


def test_imported_graph_can_be_explained_and_gradient_checked():
    imported = roundtrip(lecture_mlp(), MLP_FEEDS)
    trace = explain(imported, MLP_FEEDS)
    assert trace.grad("W").shape == (3, 4)
    results = check_graph(imported, MLP_FEEDS)
    assert [r.name for r in results] == ["W", "V", "θ"] and all(r.ok for r in results)


def test_classifier_round_trip_with_labels_and_bindings():
    g = single_op("SoftmaxCrossEntropy", {}, [(None, 4), (None,)], ints={"y"})
    imported = roundtrip(g, {"z": np.random.default_rng(1).normal(size=(3, 4)), "y": [0, 3, 1]})
    assert imported.find("y").op_name == "Label" and imported.find("y").attrs["classes"] == 4


def test_symbolic_batch_axis_becomes_a_batched_input():
    imported = import_onnx_model(graph_to_onnx(lecture_mlp()))
    x = imported.find("x")
    assert x.attrs["batched"] and tuple(x.attrs["shape"]) == (3,)
    for rows in (1, 5):
        values = forward(imported, {"x": np.ones((rows, 3)), "y": np.ones(rows)})
        assert np.isfinite(values[imported.find("L").id])


def model_of(nodes, inputs, outputs, initializers=(), opset=18, name="test model"):
    body = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    return helper.make_model(body, opset_imports=[helper.make_opsetid("", opset)])


def tensor(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def run_both(model, feeds):
    """(expected from onnx.reference, got from engine.forward on the import) for every output."""
    graph = import_onnx_model(model)
    expected = ReferenceEvaluator(model).run(None, feeds)
    values = forward(graph, {graph.meta["onnx"]["inputs"][k]: v for k, v in feeds.items()})
    got = [values[graph.find(graph.meta["onnx"]["outputs"][o.name]).id] for o in model.graph.output]
    return graph, expected, got


def test_linear_layer_from_gemm_with_trans_b_is_matmul_transpose_add():
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    model = model_of([helper.make_node("Gemm", ["x", "W", "b"], ["h"], transB=1)],
                     [tensor("x", ["N", 3])], [tensor("h", ["N", 4])],
                     [numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")])
    graph, expected, got = run_both(model, {"x": rng.normal(size=(5, 3)).astype(np.float32)})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-5)
    ops = sorted(n.op_name for n in graph.nodes.values())
    assert ops == ["Add", "Input", "MatMul", "Parameter", "Parameter", "Transpose"]
    np.testing.assert_array_equal(graph.find("W").value, W)


def test_conv_1d_becomes_a_seq_conv_with_filters_in_our_layout():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(5, 3, 2)).astype(np.float32)  # (filters, channels, width)
    model = model_of([helper.make_node("Conv", ["x", "W"], ["y"], kernel_shape=[2])],
                     [tensor("x", ["N", 3, 6])], [tensor("y", ["N", 5, 5])], [numpy_helper.from_array(W, "W")])
    graph, expected, got = run_both(model, {"x": rng.normal(size=(2, 3, 6)).astype(np.float32)})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-5, atol=1e-6)
    conv = next(n for n in graph.nodes.values() if n.op_name == "SeqConv")
    assert conv.attrs["width"] == 2
    filters = graph.find("W").value
    assert filters.shape == (6, 5)  # width·channels × filters
    np.testing.assert_array_equal(filters[1 * 3 + 2], W[:, 2, 1])  # row j·C + c is tap j of channel c


def test_max_pool_over_the_whole_length_is_max_pool_time():
    model = model_of([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[6])],
                     [tensor("x", ["N", 3, 6])], [tensor("y", ["N", 3, 1])])
    graph, expected, got = run_both(model, {"x": np.random.default_rng(0).normal(size=(2, 3, 6)).astype(np.float32)})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)
    assert "MaxPoolTime" in {n.op_name for n in graph.nodes.values()}
    assert "Window" not in {n.op_name for n in graph.nodes.values()}


def embedding_model(table):
    return model_of([helper.make_node("Gather", ["E", "ids"], ["f"], axis=0)],
                    [tensor("ids", ["N", 4], TensorProto.INT64)], [tensor("f", ["N", 4, table.shape[1]])],
                    [numpy_helper.from_array(table, "E")])


def test_gather_of_token_ids_is_an_embedding_and_exact_at_id_0():
    table = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    ids = np.array([[0, 5, 1, 0], [2, 2, 3, 4]])
    graph, expected, got = run_both(embedding_model(table), {"ids": ids})
    np.testing.assert_allclose(got[0], table[ids], rtol=1e-6)
    assert graph.find("ids").attrs["dtype"] == "int"
    embeddings = [n for n in graph.nodes.values() if n.op_name == "Embedding"]
    assert any(graph.nodes[e.src].name == "E" for n in embeddings for e in graph.incoming(n.id).values())


def test_gather_with_a_zero_padding_row_is_a_single_embedding():
    table = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    table[0] = 0.0
    graph, expected, got = run_both(embedding_model(table), {"ids": np.array([[0, 5, 1, 0]])})
    np.testing.assert_allclose(got[0], expected[0])
    assert sorted(n.op_name for n in graph.nodes.values()) == ["Embedding", "Input", "Parameter"]


def test_nodes_are_laid_out_apart_and_the_title_is_kept():
    graph = import_onnx_model(graph_to_onnx(text_cnn()))
    positions = [n.pos for n in graph.nodes.values()]
    assert len(set(positions)) == len(positions)
    assert graph.meta["title"] == "Text CNN"
    assert graph.meta["bindings"] == {"inputs": "x", "labels": "y", "output": "aV"}


def test_unsupported_ops_are_listed_in_one_message():
    model = model_of([helper.make_node("Elu", ["x"], ["a"]), helper.make_node("LeakyRelu", ["a"], ["b"]),
                      helper.make_node("Relu", ["b"], ["c"])], [tensor("x", [3])], [tensor("c", [3])])
    with pytest.raises(UnsupportedOnnxError, match="does not have: Elu, LeakyRelu \\(supported: Add"):
        import_onnx_model(model)


def test_every_unsupported_attribute_is_reported_together():
    model = model_of([helper.make_node("Conv", ["x", "W"], ["a"], kernel_shape=[2], group=2),
                      helper.make_node("Reshape", ["x", "shape"], ["r"]),
                      helper.make_node("Relu", ["r"], ["r2"]),
                      helper.make_node("SoftmaxCrossEntropyLoss", ["x", "y"], ["L"], reduction="none")],
                     [tensor("x", ["N", 2, 4]), tensor("W", [2, 1, 2]), tensor("shape", [3], TensorProto.INT64),
                      tensor("y", ["N", 4], TensorProto.INT64)],
                     [tensor("a", None), tensor("r2", None), tensor("L", None)])
    with pytest.raises(UnsupportedOnnxError) as info:
        import_onnx_model(model)
    message = str(info.value)
    assert "Conv 'a': grouped convolution is not supported" in message
    assert "Reshape 'r': the shape must be a constant" in message
    assert "SoftmaxCrossEntropyLoss 'L': reduction 'none' is not supported" in message
    assert "Relu" not in message  # it only failed because its input did


@pytest.mark.parametrize("opset", [11, 13])
def test_unsqueeze_without_axes_is_refused_with_its_name(opset):
    model = model_of([helper.make_node("Unsqueeze", ["x"], ["y"])], [tensor("x", [3])], [tensor("y", None)],
                     opset=opset)
    with pytest.raises(UnsupportedOnnxError, match="Unsqueeze 'y': the axes to insert are missing"):
        import_onnx_model(model)


def test_integer_arithmetic_is_refused():
    model = model_of([helper.make_node("Add", ["a", "b"], ["c"])],
                     [tensor("a", [2], TensorProto.INT64), tensor("b", [2], TensorProto.INT64)],
                     [tensor("c", [2], TensorProto.INT64)])
    with pytest.raises(UnsupportedOnnxError, match="computes in floating point"):
        import_onnx_model(model)


def test_import_from_file_uses_the_file_name_when_the_model_has_no_title(tmp_path):
    model = graph_to_onnx(bow_classifier())
    model.graph.name = ""
    path = tmp_path / "headlines.onnx"
    path.write_bytes(model.SerializeToString())
    graph = import_onnx(path)
    assert graph.meta["title"] == "headlines"
    values = forward(graph, {"x": token_ids(), "y": [0, 1, 2, 0]})
    assert np.isfinite(values[graph.find("L").id])


def test_a_file_that_is_not_onnx_is_refused(tmp_path):
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"\x00\x01 definitely not protobuf \xff" * 10)
    with pytest.raises(InteropError, match="broken.onnx: not a readable ONNX model"):
        import_onnx(path)


def test_supported_ops_include_the_ones_the_issue_lists():
    listed = {"Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Sigmoid", "Tanh", "Relu", "Softmax", "LogSoftmax",
              "Log", "Exp", "Concat", "Reshape", "Transpose", "Gather", "Conv", "MaxPool", "ReduceMax",
              "ReduceSum", "ReduceMean", "SoftmaxCrossEntropyLoss", "NegativeLogLikelihoodLoss"}
    assert listed <= set(SUPPORTED_ONNX_OPS)


def test_missing_onnx_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(OnnxMissingError, match="pip install onnx"):
        import_onnx(tmp_path / "model.onnx")


@pytest.mark.parametrize("build", [text_cnn, bow_classifier])
def test_explorer_graphs_round_trip_to_the_same_ops(build):
    g = build()
    length = g.find("x").attrs["shape"][0]
    vocab = g.find("E").value.shape[0] if build is text_cnn else g.find("f(x)").attrs["vocab_size"]
    feeds = {"x": token_ids(length=length, vocab=vocab), "y": [0, 2, 1, 1]}
    imported = roundtrip(g, feeds)
    assert sorted(n.op_name for n in imported.nodes.values()) == sorted(n.op_name for n in g.nodes.values())
    assert {n.name for n in imported.nodes.values()} == {n.name for n in g.nodes.values()}


def test_window_round_trips_as_a_window():
    g = single_op("Window", {"width": 3}, [(None, 5, 2)])
    imported = roundtrip(g, {"x": np.random.default_rng(0).normal(size=(2, 5, 2))})
    (window,) = [n for n in imported.nodes.values() if n.op_name == "Window"]
    assert window.attrs["width"] == 3 and len(imported.nodes) == 2


def test_dataset_training_and_bindings_travel_through_onnx():
    g = text_cnn()
    g.meta.update(dataset={"name": "headlines", "max_len": 7}, training={"optimizer": "adam", "lr": 0.01})
    imported = import_onnx_model(graph_to_onnx(g))
    for key in ("dataset", "training", "bindings"):
        assert imported.meta[key] == g.meta[key]
    assert "sample" not in imported.meta  # the dataset gives check and explain their values


def test_a_model_without_dataset_gets_a_sample_within_every_table():
    imported = import_onnx_model(graph_to_onnx(text_cnn(vocab=9, classes=3)))
    sample = imported.meta["sample"]
    ids, labels = np.array(sample["x"]), np.array(sample["y"])
    assert ids.shape == (2, 7) and ids.min() >= 0 and ids.max() < 9
    assert labels.shape == (2,) and labels.max() < 3
    trace = explain(imported, sample)
    assert np.isfinite(trace.loss)
