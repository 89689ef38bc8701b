"""ONNX export: the checker accepts the model and the reference evaluator gives the engine's numbers."""
import sys

import numpy as np
import pytest

from engine import Graph, forward
from engine.interop.errors import InteropError, OnnxMissingError
from test_executor import lecture_mlp

onnx = pytest.importorskip("onnx", reason="ONNX export needs the optional onnx package")
from onnx.reference import ReferenceEvaluator  # noqa: E402

from engine.interop import onnx_export_ops  # noqa: E402
from engine.interop.onnx_export import graph_to_onnx  # noqa: E402


def wire(g, *links):
    for src, dst, port in links:
        g.connect(src.id, dst.id, port)


def bow_classifier(vocab=12, classes=3, seed=0):
    """ids → bag of words f(x) → f(x)W + b → softmax → cross-entropy (the headline classifier's shape)."""
    g = Graph()
    ids = g.add_node("Input", "x", {"shape": [6], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": classes})
    f = g.add_node("BagOfWords", "f(x)", {"vocab_size": vocab})
    W = g.add_node("Parameter", "W", {"shape": [vocab, classes], "init": "normal", "scale": 1.0, "seed": seed})
    b = g.add_node("Parameter", "b", {"shape": [classes], "init": "normal", "scale": 1.0, "seed": seed + 1})
    s, z, p = g.add_node("MatMul", "f(x)W"), g.add_node("Add", "s"), g.add_node("Softmax", "p")
    loss = g.add_node("CrossEntropy", "L")
    wire(g, (ids, f, "ids"), (f, s, "x"), (W, s, "W"), (s, z, "a"), (b, z, "b"), (z, p, "x"),
         (p, loss, "p"), (y, loss, "y"))
    g.meta.update(title="BoW classifier", bindings={"inputs": "x", "labels": "y", "output": "p"})
    return g


def text_cnn(vocab=15, dim=4, filters=5, classes=3, length=7, seed=0):
    """Collobert & Weston: f(w) → window conv a_i = σ(w·[f(w_{i−1}); f(w_i)] + b) → max over time → scores."""
    g = Graph()
    ids = g.add_node("Input", "x", {"shape": [length], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": classes})
    E = g.add_node("Parameter", "E", {"shape": [vocab, dim], "init": "normal", "scale": 1.0, "seed": seed})
    w = g.add_node("Parameter", "w", {"shape": [2 * dim, filters], "init": "normal", "scale": 0.5, "seed": seed + 1})
    b = g.add_node("Parameter", "b", {"shape": [filters], "init": "normal", "scale": 0.5, "seed": seed + 2})
    V = g.add_node("Parameter", "V", {"shape": [filters, classes], "init": "normal", "scale": 1.0, "seed": seed + 3})
    emb, conv = g.add_node("Embedding", "f(w)"), g.add_node("SeqConv", "w·[f(w_{i−1}); f(w_i)]", {"width": 2})
    plus, act, pool = g.add_node("Add", "+b"), g.add_node("Sigmoid", "a_i"), g.add_node("MaxPoolTime", "a")
    scores, loss = g.add_node("MatMul", "aV"), g.add_node("SoftmaxCrossEntropy", "L")
    wire(g, (ids, emb, "ids"), (E, emb, "E"), (emb, conv, "x"), (w, conv, "W"), (conv, plus, "a"),
         (b, plus, "b"), (plus, act, "x"), (act, pool, "x"), (pool, scores, "x"), (V, scores, "W"),
         (scores, loss, "z"), (y, loss, "y"))
    g.meta.update(title="Text CNN", bindings={"inputs": "x", "labels": "y", "output": "aV"})
    return g


def token_ids(rows=4, length=6, vocab=12, seed=3):
    """Token ids with padding (0) at the end of some rows and some unknown words (1)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, vocab, size=(rows, length))
    ids[0, 3:] = 0
    ids[2, 5:] = 0
    return ids


def run_reference(model, feeds):
    """Run the model under onnx.reference; returns {output name: array}."""
    names = [i.name for i in model.graph.input]
    elem = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
    arrays = {n: np.asarray(feeds[n], dtype=onnx.helper.tensor_dtype_to_np_dtype(elem[n])) for n in names}
    outputs = ReferenceEvaluator(model).run(None, arrays)
    return dict(zip([o.name for o in model.graph.output], outputs))


def assert_same_as_engine(graph, feeds, extra_outputs=(), dtype="float32", rtol=2e-5, atol=2e-6, **options):
    model = graph_to_onnx(graph, extra_outputs=extra_outputs, dtype=dtype, **options)
    got = run_reference(model, feeds)
    values = forward(graph, feeds)
    assert got, "the model has no outputs"
    for name, array in got.items():
        np.testing.assert_allclose(array, values[graph.find(name).id], rtol=rtol, atol=atol, err_msg=name)
    return model, got


def test_lecture_mlp_matches_engine_and_exports_parameters_as_initializers():
    g = lecture_mlp()
    feeds = {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]), "y": np.array([1.0, 0.0])}
    model, got = assert_same_as_engine(g, feeds, extra_outputs=["c"])
    assert set(got) == {"L", "c"}
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    for name in ("W", "V", "θ"):
        np.testing.assert_allclose(inits[name], g.find(name).value, rtol=1e-6)


def test_inputs_have_a_symbolic_batch_axis_and_integer_ids():
    model = graph_to_onnx(bow_classifier())
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}
    types = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
    assert dims == {"x": ["B", 6], "y": ["B"]}
    assert types == {"x": onnx.TensorProto.INT64, "y": onnx.TensorProto.INT64}


def test_bow_classifier_matches_engine_with_padding():
    g = bow_classifier()
    feeds = {"x": token_ids(), "y": np.array([0, 2, 1, 1])}
    _, got = assert_same_as_engine(g, feeds)
    assert set(got) == {"L", "p"}  # the sink and the bindings' output


def test_text_cnn_matches_engine_including_padding_rows():
    g = text_cnn()
    assert np.any(g.find("E").value[0] != 0), "row 0 of E must be non-zero for this test to mean something"
    feeds = {"x": token_ids(length=7, vocab=15), "y": np.array([0, 2, 1, 1])}
    assert_same_as_engine(g, feeds, extra_outputs=["a", "f(w)"])


def test_float64_export_is_exact_to_double_precision():
    g = text_cnn()
    feeds = {"x": token_ids(length=7, vocab=15), "y": np.array([0, 2, 1, 1])}
    model, _ = assert_same_as_engine(g, feeds, dtype="float64", rtol=1e-12, atol=1e-12)
    assert {t.data_type for t in model.graph.initializer if t.name in "EwbV"} == {onnx.TensorProto.DOUBLE}


def single_op(op, attrs, shapes, ints=(), params=None):
    """One op fed by Inputs named after its ports (batched shapes use None first)."""
    g = Graph()
    node = g.add_node(op, "out", attrs)
    for port, shape in zip(node.op.port_names(), shapes):
        batched = bool(shape) and shape[0] is None
        if params and port in params:
            src = g.add_node("Parameter", port, {"shape": list(shape), "init": "normal", "scale": 1.0, "seed": 1})
        elif op.endswith("CrossEntropy") and port == "y" and shape == (None,):
            src = g.add_node("Label", port, {"classes": 4})
        else:
            src = g.add_node("Input", port, {"shape": list(shape[1:] if batched else shape), "batched": batched,
                                             "dtype": "int" if port in ints else "float"})
        g.connect(src.id, node.id, port)
    return g


rng = np.random.default_rng(0)
POS = lambda *s: rng.uniform(0.2, 0.9, size=s)  # noqa: E731  (probabilities and logs need positive inputs)
N = lambda *s: rng.normal(size=s)  # noqa: E731

PER_OP = [
    ("Add", {}, [(None, 3), (3,)], {"a": N(2, 3), "b": N(3)}),
    ("Subtract", {}, [(2, 3), (2, 1)], {"a": N(2, 3), "b": N(2, 1)}),
    ("Multiply", {}, [(), (2, 2)], {"a": N(), "b": N(2, 2)}),
    ("Divide", {}, [(3,), (3,)], {"a": N(3), "b": POS(3)}),
    ("Negate", {}, [(2, 3)], {"x": N(2, 3)}),
    ("Power", {"exponent": 3.0}, [(4,)], {"x": N(4)}),
    ("Exp", {}, [(None, 3)], {"x": N(2, 3)}),
    ("Log", {}, [(3,)], {"x": POS(3)}),
    ("Sigmoid", {}, [(None, 4)], {"x": N(3, 4)}),
    ("Tanh", {}, [(4,)], {"x": N(4)}),
    ("ReLU", {}, [(None, 4)], {"x": N(3, 4)}),
    ("Sum", {"axis": "all"}, [(None, 3)], {"x": N(2, 3)}),
    ("Sum", {"axis": 1}, [(None, 3)], {"x": N(2, 3)}),
    ("Mean", {"axis": -1}, [(2, 3, 4)], {"x": N(2, 3, 4)}),
    ("Mean", {"axis": "all"}, [(2, 3)], {"x": N(2, 3)}),
    ("MatMul", {}, [(None, 3), (3, 2)], {"x": N(4, 3), "W": N(3, 2)}),
    ("MatMul", {}, [(3,), (3, 2)], {"x": N(3), "W": N(3, 2)}),
    ("Dot", {}, [(3,), (None, 3)], {"θ": N(3), "x": N(5, 3)}),
    ("Transpose", {}, [(None, 2, 3)], {"x": N(4, 2, 3)}),
    ("Reshape", {"shape": [3, 2], "keep_batch": True}, [(None, 6)], {"x": N(2, 6)}),
    ("Reshape", {"shape": [6], "keep_batch": False}, [(2, 3)], {"x": N(2, 3)}),
    ("Concat", {"axis": -1}, [(None, 2), (None, 3)], {"a": N(2, 2), "b": N(2, 3)}),
    ("Concat", {"axis": 0}, [(2, 3), (1, 3)], {"a": N(2, 3), "b": N(1, 3)}),
    ("Softmax", {"axis": -1}, [(None, 4)], {"x": N(3, 4)}),
    ("Softmax", {"axis": 0}, [(3, 4)], {"x": N(3, 4)}),
    ("LogSoftmax", {"axis": -1}, [(None, 4)], {"x": N(3, 4)}),
    ("CrossEntropy", {}, [(None, 4), (None,)], {"p": POS(3, 4), "y": [0, 3, 1]}),
    ("CrossEntropy", {}, [(4,), ()], {"p": POS(4), "y": 2}),
    ("SoftmaxCrossEntropy", {}, [(None, 4), (None,)], {"z": N(3, 4), "y": [0, 3, 1]}),
    ("SoftmaxCrossEntropy", {}, [(None, 5, 4), (None, 5)], {"z": N(2, 5, 4), "y": [[0, 3, 1, 2, 2], [1] * 5]}),
    ("BinaryCrossEntropy", {}, [(None,), (None,)], {"p": POS(5), "y": [1, 0, 0, 1, 1]}),
    ("MeanSquaredError", {}, [(None, 2), (None, 2)], {"ŷ": N(3, 2), "t": N(3, 2)}),
    ("BagOfWords", {"vocab_size": 9}, [(None, 5)], {"ids": [[3, 3, 8, 0, 0], [1, 2, 0, 4, 4]]}),
    ("BagOfBigrams", {"buckets": 16}, [(None, 5)], {"ids": [[3, 3, 8, 0, 0], [1, 2, 0, 4, 4]]}),
    ("Embedding", {}, [(None, 4), (6, 3)], {"ids": [[0, 5, 1, 0], [2, 2, 3, 4]], "E": N(6, 3)}),
    ("Window", {"width": 3}, [(None, 5, 2)], {"x": N(2, 5, 2)}),
    ("Window", {"width": 2}, [(4, 3)], {"x": N(4, 3)}),
    ("SeqConv", {"width": 2}, [(None, 5, 3), (6, 4)], {"x": N(2, 5, 3), "W": N(6, 4)}),
    ("SeqConv", {"width": 3}, [(6, 2), (6, 2)], {"x": N(6, 2), "W": N(6, 2)}),
    ("MaxPoolTime", {}, [(None, 5, 3)], {"x": N(2, 5, 3)}),
]


@pytest.mark.parametrize("op, attrs, shapes, feeds", PER_OP, ids=[f"{c[0]}-{i}" for i, c in enumerate(PER_OP)])
def test_each_op_matches_engine(op, attrs, shapes, feeds):
    ints = {"ids"} | ({"y"} if op in ("CrossEntropy", "SoftmaxCrossEntropy") else set())
    g = single_op(op, attrs, shapes, ints=ints)
    assert_same_as_engine(g, feeds)


def test_parameter_ports_become_initializers_not_inputs():
    g = single_op("SeqConv", {"width": 2}, [(None, 5, 3), (6, 4)], params={"W"})
    model = graph_to_onnx(g)
    assert [i.name for i in model.graph.input] == ["x"]
    assert "W" in {t.name for t in model.graph.initializer}
    assert_same_as_engine(g, {"x": N(2, 5, 3)})


def test_integer_input_into_a_float_op_is_cast():
    g = single_op("Add", {}, [(None, 2), (2,)], ints={"a"})
    assert_same_as_engine(g, {"a": [[1, 2], [3, 4]], "b": N(2)})


@pytest.mark.parametrize("opset", [18, 21])
def test_recent_opsets_are_accepted(opset):
    g = text_cnn()
    model, _ = assert_same_as_engine(g, {"x": token_ids(length=7, vocab=15), "y": [0, 1, 2, 0]}, opset=opset)
    assert model.opset_import[0].version == opset


def test_bad_options_are_named():
    with pytest.raises(InteropError, match="opset: expected 18"):
        graph_to_onnx(lecture_mlp(), opset=9)
    with pytest.raises(InteropError, match="dtype: expected one of float32, float64"):
        graph_to_onnx(lecture_mlp(), dtype="int8")


def test_ops_without_a_mapping_are_listed(monkeypatch):
    monkeypatch.delitem(onnx_export_ops.EMITTERS, "Sigmoid")
    monkeypatch.delitem(onnx_export_ops.EMITTERS, "Dot")
    with pytest.raises(InteropError, match="no mapping for the op\\(s\\) Dot, Sigmoid"):
        graph_to_onnx(lecture_mlp())


def test_graph_with_an_unconnected_port_is_refused_with_the_reason():
    g = lecture_mlp()
    g.disconnect(g.incoming(g.find("Va").id)["W"].id)
    with pytest.raises(InteropError, match="MatMul 'Va': input 'W' is not connected"):
        graph_to_onnx(g)


def test_title_and_bindings_travel_as_model_metadata():
    model = graph_to_onnx(bow_classifier())
    props = {p.key: p.value for p in model.metadata_props}
    assert props["title"] == "BoW classifier"
    assert '"output": "p"' in props["bindings"]
    assert model.graph.name == "BoW classifier"


def test_missing_onnx_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # makes `import onnx` raise ImportError
    with pytest.raises(OnnxMissingError, match="pip install onnx"):
        graph_to_onnx(lecture_mlp())
