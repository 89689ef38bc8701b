"""Facts about each op live on its class (engine.op_facts); they are checked against what the op does, and one
reviewed table says which per-format side tables cover each op, so a new op fails here until someone decides."""
import math

import numpy as np
import pytest

import engine.ops  # noqa: F401  (registers every op)
from engine.compiled.fusion import RULES
from engine.interop.onnx_export import FLOAT32_ONLY_IN_ONNXRUNTIME
from engine.interop.onnx_export_ops import EMITTERS
from engine.interop.pytorch_ops import EXPRESSIONS
from engine.op_facts import OutputKind, Role
from engine.registry import OPS

onnx = pytest.importorskip("onnx", reason="the import column round-trips each op through ONNX")
from engine.interop.errors import InteropError  # noqa: E402
from engine.interop.onnx_export import graph_to_onnx  # noqa: E402
from engine.interop.onnx_import import import_onnx_model  # noqa: E402
from test_onnx_export import PER_OP, single_op  # noqa: E402

# Which side tables handle each op. A gap is a decision written here, not a silent fallback:
#   onnx-export   engine/interop/onnx_export_ops.EMITTERS
#   onnx-import   exporting the op (a PER_OP case of tests/test_onnx_export.py) and importing it gives the op back
#                 (MeanSquaredError comes back as its primitives; BagOfBigrams' hash is not recognised)
#   onnx-f32      engine/interop/onnx_export.FLOAT32_ONLY_IN_ONNXRUNTIME: onnxruntime runs its ONNX form in float32 only
#   pytorch       engine/interop/pytorch_ops.EXPRESSIONS (sources are written from their role, not from this table)
#   fused         engine/compiled/fusion.RULES anchors a faster kernel on it (ops absorbed into one are not listed)
#   scalar        Op.scalar_rule(): the compiled path for graphs of single numbers
EXPECTED = {
    "Add": "onnx-export onnx-import pytorch scalar",
    "Subtract": "onnx-export onnx-import pytorch scalar",
    "Multiply": "onnx-export onnx-import pytorch scalar",
    "Divide": "onnx-export onnx-import pytorch scalar",
    "Negate": "onnx-export onnx-import pytorch scalar",
    "Power": "onnx-export onnx-import pytorch scalar",
    "Exp": "onnx-export onnx-import pytorch scalar",
    "Log": "onnx-export onnx-import pytorch scalar",
    "Sigmoid": "onnx-export onnx-import pytorch fused scalar",
    "Tanh": "onnx-export onnx-import pytorch scalar",
    "ReLU": "onnx-export onnx-import pytorch scalar",
    "Sum": "onnx-export onnx-import pytorch scalar",
    "Mean": "onnx-export onnx-import pytorch scalar",
    "MatMul": "onnx-export onnx-import pytorch fused",
    "Dot": "onnx-export onnx-import pytorch",
    "Transpose": "onnx-export onnx-import pytorch",
    "Reshape": "onnx-export onnx-import pytorch",
    "Concat": "onnx-export onnx-import pytorch",
    "Softmax": "onnx-export onnx-import pytorch",
    "LogSoftmax": "onnx-export onnx-import pytorch",
    "CrossEntropy": "onnx-export onnx-import pytorch fused",
    "SoftmaxCrossEntropy": "onnx-export onnx-import pytorch fused",
    "BinaryCrossEntropy": "onnx-export onnx-import pytorch scalar",
    "MeanSquaredError": "onnx-export pytorch scalar",
    "Input": "onnx-export onnx-import",
    "Label": "onnx-export onnx-import",
    "Constant": "onnx-export onnx-import",
    "Parameter": "onnx-export onnx-import",
    "BagOfWords": "onnx-export onnx-import onnx-f32 pytorch",
    "BagOfBigrams": "onnx-export onnx-f32 pytorch",
    "Embedding": "onnx-export onnx-import pytorch fused",
    "Window": "onnx-export onnx-import onnx-f32 pytorch",
    "SeqConv": "onnx-export onnx-import onnx-f32 pytorch fused",
    "MaxPoolTime": "onnx-export onnx-import pytorch fused",
}


def _imported_ops() -> set[str]:
    """The ops that come back as themselves from an ONNX export of their PER_OP case (sources: from any case)."""
    found = set()
    for op, attrs, shapes, _ in PER_OP:
        ints = {"ids"} | ({"y"} if op in ("CrossEntropy", "SoftmaxCrossEntropy") else set())
        try:
            imported = import_onnx_model(graph_to_onnx(single_op(op, attrs, shapes, ints=ints), dtype="float64"))
        except InteropError:
            continue
        found |= {n.op_name for n in imported.nodes.values() if n.op_name == op or n.op.is_source}
    found.add("Parameter")  # initializers; the PER_OP cases feed every port with an Input
    found |= {"Constant"} if _constant_round_trips() else set()
    return found


def _constant_round_trips() -> bool:
    g = single_op("Multiply", {}, [(None, 3), (3,)])
    g.remove_node(g.find("b").id)
    c = g.add_node("Constant", "c", {"value": [1.0, 2.0, 3.0]})
    g.connect(c.id, g.find("out").id, "b")
    return any(n.op_name == "Constant" for n in import_onnx_model(graph_to_onnx(g)).nodes.values())


def coverage() -> dict[str, str]:
    """For every registered op, the side tables that cover it, in the order of the legend above."""
    imported = _imported_ops()
    out = {}
    for name, op in OPS.items():
        tables = [("onnx-export", name in EMITTERS), ("onnx-import", name in imported),
                  ("onnx-f32", name in FLOAT32_ONLY_IN_ONNXRUNTIME), ("pytorch", name in EXPRESSIONS),
                  ("fused", name in RULES), ("scalar", op().scalar_rule() is not None)]
        out[name] = " ".join(table for table, covered in tables if covered)
    return out


def coverage_problems(found: dict[str, str], expected: dict[str, str]) -> list[str]:
    """What differs between the coverage found and the reviewed table, one line each."""
    new = [f"new op {name} (covered today by: {found[name] or 'nothing'}): decide which side tables must handle "
           "it and add a reviewed line to EXPECTED" for name in sorted(set(found) - set(expected))]
    gone = [f"EXPECTED lists {name}, which is not registered" for name in sorted(set(expected) - set(found))]
    changed = [f"{name}: expected {expected[name]!r}, found {found[name]!r}"
               for name in sorted(set(found) & set(expected)) if found[name] != expected[name]]
    return new + gone + changed


def test_every_op_has_a_reviewed_entry_for_the_side_tables_that_cover_it():
    problems = coverage_problems(coverage(), EXPECTED)
    assert not problems, "\n".join(problems)


def test_a_new_op_or_a_lost_mapping_is_reported():
    found = dict(EXPECTED, Gelu="onnx-export")
    found["Tanh"] = "onnx-export pytorch"
    assert coverage_problems(found, EXPECTED) == [
        "new op Gelu (covered today by: onnx-export): decide which side tables must handle it and add a reviewed "
        "line to EXPECTED",
        "Tanh: expected 'onnx-export onnx-import pytorch scalar', found 'onnx-export pytorch'"]


def test_no_side_table_names_an_op_that_does_not_exist():
    for table in (EMITTERS, FLOAT32_ONLY_IN_ONNXRUNTIME, EXPRESSIONS, RULES):
        assert set(table) <= set(OPS)


# ----- the facts agree with what the ops do
@pytest.mark.parametrize("name", sorted(OPS))
def test_role_agrees_with_source_trainable_and_category(name):
    op = OPS[name]
    assert op.is_source == (op.role.fed or op.role.stored)
    assert op.trainable == (op.role is Role.PARAMETER)
    assert (op.role is Role.LOSS) == (op.category == "Losses")
    assert op.role.computed == (not op.is_source)


def test_ids_are_integers_and_integers_are_ids():
    for name, op_class in OPS.items():
        for attrs in ({}, {"dtype": "int"}) if name == "Input" else ({},):
            op = op_class(attrs)
            assert op.output_kind.ids == (op.out_dtype == "int"), name


def _outputs(name, rng):
    op = OPS[name]()
    for xs in op.sample_inputs(rng):
        yield op, xs, op.forward(*xs)[0]


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.activation_range is not None])
def test_an_activation_stays_in_its_range_and_never_decreases(name):
    low, high = OPS[name].activation_range
    x = np.linspace(-40.0, 40.0, 2001)
    out = OPS[name]().forward(x)[0]
    assert np.all(out >= low) and np.all(out <= high)
    assert np.all(np.diff(out) >= 0)
    assert OPS[name].category == "Activations"


@pytest.mark.parametrize("name", sorted(OPS))
def test_output_kind_holds_for_the_sample_inputs(name):
    if OPS[name].is_source:
        return
    for op, _xs, out in _outputs(name, np.random.default_rng(0)):
        kind = op.output_kind
        if kind is OutputKind.DISTRIBUTION:
            assert np.all(out >= 0) and np.allclose(out.sum(axis=op.attrs["axis"]), 1.0)
        elif kind is OutputKind.LOG_DISTRIBUTION:
            assert np.allclose(np.exp(out).sum(axis=op.attrs["axis"]), 1.0)
        elif kind is OutputKind.PROBABILITY:
            assert np.all((out >= 0) & (out <= 1))
        elif kind is OutputKind.COUNTS:
            assert np.all(out >= 0) and np.array_equal(out, np.round(out))
        else:
            assert kind is OutputKind.VALUE and op.out_dtype == "float"


@pytest.mark.parametrize("name", sorted(OPS))
def test_has_winners_means_explain_names_the_winners(name):
    if OPS[name].is_source:
        return
    for op, xs, _ in _outputs(name, np.random.default_rng(1)):
        info = op.explain(op.forward(*xs)[1])
        assert ("winner" in info) == op.has_winners


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.rearranges])
def test_a_rearranging_op_keeps_the_numbers_of_its_input(name):
    for _, xs, out in _outputs(name, np.random.default_rng(2)):
        np.testing.assert_array_equal(np.sort(out, axis=None), np.sort(xs[0], axis=None))


@pytest.mark.parametrize("name", sorted(OPS))
def test_window_width_is_how_many_positions_each_output_position_reads(name):
    if OPS[name].is_source:
        return
    for op, xs, out in _outputs(name, np.random.default_rng(3)):
        width = op.window_width()
        if width is not None:
            assert out.shape[-2] == xs[0].shape[-2] - width + 1


@pytest.mark.parametrize("name", sorted(OPS))
def test_table_port_names_an_input_whose_rows_token_ids_pick(name):
    port = OPS[name].table_port
    if port is None:
        return
    assert port in OPS[name].port_names()
    op = OPS[name]()
    ids, table = np.array([[1, 2]]), np.arange(12.0).reshape(4, 3)
    out = op.forward(ids, table)[0]
    np.testing.assert_array_equal(out[0], table[[1, 2]])


def test_id_limit_is_where_an_op_starts_refusing_ids():
    shapes = {"Embedding": {"E": (6, 3)}, "BagOfWords": {}, "CrossEntropy": {"p": (None, 4)},
              "SoftmaxCrossEntropy": {"z": (None, 4)}}
    limits = {name: OPS[name]().id_limit(port.name, shapes.get(name, {}))
              for name, op in OPS.items() for port in op.inputs if port.integer}
    assert limits == {"Embedding": 6, "BagOfWords": 5000, "CrossEntropy": 4, "SoftmaxCrossEntropy": 4,
                      "BagOfBigrams": None, "MaxPoolTime": None}
    table = np.zeros((6, 3))
    OPS["Embedding"]().forward(np.array([5]), table)
    with pytest.raises(ValueError, match="outside"):
        OPS["Embedding"]().forward(np.array([6]), table)
    OPS["BagOfWords"]().forward(np.array([4999]))
    with pytest.raises(ValueError, match="outside"):
        OPS["BagOfWords"]().forward(np.array([5000]))


# ----- the scalar rules agree with the array formulas
@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op().scalar_rule() is not None])
def test_scalar_rule_gives_the_same_numbers_as_forward_and_vjp(name):
    rng = np.random.default_rng(4)
    op = OPS[name]({"exponent": 3.0} if name == "Power" else {})
    rule = op.scalar_rule()
    for _ in range(5):  # numbers where every op is defined: logs, powers, 1 − p and divisions included
        floats = [float(v) for v in rng.uniform(0.2, 0.9, size=len(op.inputs))]
        xs = tuple(np.asarray(v) for v in floats)
        out, ctx = op.forward(*xs)
        assert math.isclose(rule.forward(*floats), float(out), rel_tol=1e-12)
        local = rule.vjp(0.7, *floats, float(out))
        assert len(local) == len(op.inputs)
        for i, port in enumerate(op.inputs):
            if port.differentiable:
                expected = float(op.vjp(i, np.asarray(0.7), xs, out, ctx))
                assert math.isclose(local[i], expected, rel_tol=1e-12), (name, port.name)


def test_power_scalar_rule_follows_the_exponent():
    rule = OPS["Power"]({"exponent": 3.0}).scalar_rule()
    assert rule.forward(2.0) == 8.0 and rule.vjp(1.0, 2.0, 8.0) == (12.0,)
