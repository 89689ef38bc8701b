"""Run ONNX's own test cases through the importer and the engine: `python -m engine.interop.onnx_conformance`.

Sources: the node test cases that the onnx package builds in memory (onnx.backend.test.case.node),
the PyTorch-converted models it ships with input and output data (onnx/backend/test/data/pytorch-*),
and 1-D Conv/MaxPool models (ONNX's node tests have none) checked against onnx.reference.
Each case is imported, run with engine.forward and compared with the expected outputs; cases that
use ops or attributes the explorer does not have are skipped with the importer's reason.
"""
from __future__ import annotations

import sys
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..executor import forward
from .errors import UnsupportedOnnxError, require_onnx
from .onnx_import import SUPPORTED_ONNX_OPS, freeze_inputs, import_onnx_model

LABEL_CONSUMERS = {"SoftmaxCrossEntropyLoss": 1, "NegativeLogLikelihoodLoss": 1}
DATA_DIRS = ("pytorch-converted", "pytorch-operator")


@dataclass
class Case:
    """One model with its inputs and expected outputs."""

    group: str  # the op it tests, or the data folder for shipped models
    name: str
    model: Any
    inputs: list[np.ndarray]
    outputs: list[np.ndarray]
    rtol: float = 1e-3
    atol: float = 1e-7


@dataclass
class Result:
    """What happened to one case: passed, skipped (with the reason) or failed (with the mismatch)."""

    group: str
    name: str
    status: str
    reason: str = ""


def node_cases() -> Iterator[Case]:
    """ONNX node test cases whose tested op is one the importer supports (expanded variants included)."""
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = collect_testcases(None)
    primary = {c.name: c.model.graph.node[0].op_type for c in cases
               if c.model is not None and len(c.model.graph.node) == 1}
    for case in cases:
        op = primary.get(case.name.removesuffix("_expanded"))
        if op not in SUPPORTED_ONNX_OPS or not case.data_sets:
            continue
        group = op if case.name in primary else f"{op} (expanded)"
        for inputs, outputs in case.data_sets:
            yield Case(group, case.name, case.model, _arrays(inputs), _arrays(outputs), case.rtol, case.atol)


def _arrays(values: Any) -> list:
    """Test data as numpy arrays (a few cases hold TensorProtos, e.g. for 8-bit float types)."""
    from onnx import TensorProto, numpy_helper

    return [numpy_helper.to_array(v) if isinstance(v, TensorProto) else v for v in values]


def shipped_cases() -> Iterator[Case]:
    """The PyTorch-converted models shipped with the onnx package, with their first data set."""
    onnx = require_onnx()
    base = Path(onnx.__file__).parent / "backend" / "test" / "data"
    for folder in DATA_DIRS:
        for case_dir in sorted((base / folder).glob("test_*")):
            data = case_dir / "test_data_set_0"
            if not (case_dir / "model.onnx").exists() or not data.is_dir():
                continue
            yield Case(folder, case_dir.name, onnx.load(str(case_dir / "model.onnx")),
                       _tensors(onnx, data, "input"), _tensors(onnx, data, "output"))


# 1-D Conv and MaxPool settings: ONNX's node tests only have 2-D and 3-D cases of these
GENERATED: list[tuple[str, dict[str, Any], tuple[int, ...], tuple[int, ...] | None, bool]] = [
    ("Conv", {"kernel_shape": [2]}, (2, 3, 7), (4, 3, 2), True),
    ("Conv", {"kernel_shape": [3], "pads": [1, 1]}, (2, 3, 7), (4, 3, 3), True),
    ("Conv", {"kernel_shape": [3], "pads": [2, 0], "strides": [2]}, (1, 2, 9), (3, 2, 3), False),
    ("Conv", {"kernel_shape": [3], "auto_pad": "SAME_UPPER", "strides": [2]}, (2, 2, 8), (2, 2, 3), True),
    ("Conv", {"kernel_shape": [2], "auto_pad": "SAME_LOWER"}, (1, 3, 5), (2, 3, 2), False),
    ("Conv", {"kernel_shape": [4], "auto_pad": "VALID", "strides": [3]}, (3, 1, 10), (2, 1, 4), True),
    ("MaxPool", {"kernel_shape": [2]}, (2, 3, 8), None, False),
    ("MaxPool", {"kernel_shape": [3], "strides": [2]}, (1, 4, 9), None, False),
    ("MaxPool", {"kernel_shape": [8]}, (2, 3, 8), None, False),
    ("MaxPool", {"kernel_shape": [3], "strides": [3], "ceil_mode": 1}, (2, 2, 9), None, False),
]


def generated_cases() -> Iterator[Case]:
    """1-D Conv and MaxPool models with random data; onnx.reference computes the expected outputs."""
    require_onnx()
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    rng = np.random.default_rng(0)
    for i, (op, attrs, x_shape, w_shape, bias) in enumerate(GENERATED):
        inputs = [rng.normal(size=x_shape).astype(np.float32)]
        if w_shape:
            inputs.append(rng.normal(size=w_shape).astype(np.float32))
            if bias:
                inputs.append(rng.normal(size=w_shape[:1]).astype(np.float32))
        names = ["x", "W", "B"][:len(inputs)]
        infos = [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in zip(names, inputs)]
        node = helper.make_node(op, names, ["y"], **attrs)
        body = helper.make_graph([node], f"{op.lower()}_1d_{i}", infos,
                                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        model = helper.make_model(body, opset_imports=[helper.make_opsetid("", 18)])
        expected = ReferenceEvaluator(model).run(None, dict(zip(names, inputs)))
        # onnx types run() as list | dict, with no overload: it gives a list unless asked for intermediate=True
        outputs: list[np.ndarray] = list(expected)  # type: ignore[arg-type]
        yield Case(f"{op} 1-D (generated)", f"test_{op.lower()}_1d_{i}", model, inputs, outputs,
                   1e-4, 1e-5)


def _tensors(onnx: Any, folder: Path, kind: str) -> list[np.ndarray]:
    files = sorted(folder.glob(f"{kind}_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    return [onnx.numpy_helper.to_array(onnx.load_tensor(str(p))) for p in files]


def run_case(case: Case) -> Result:
    """Import (freezing integer inputs that are shapes, axes or indices), run and compare."""
    graph_inputs = _real_inputs(case.model)
    fed = dict(zip(graph_inputs, case.inputs))
    frozen = {name: value for name, value in fed.items() if _must_freeze(case.model, name, value)}
    try:
        graph = import_onnx_model(freeze_inputs(case.model, frozen) if frozen else case.model)
    except UnsupportedOnnxError as exc:
        return Result(case.group, case.name, "skip", str(exc))
    names = graph.meta["onnx"]["inputs"]
    feeds = {names[name]: value for name, value in fed.items() if name not in frozen}
    with np.errstate(all="ignore"):
        values = forward(graph, feeds)
    outputs = graph.meta["onnx"]["outputs"]
    for proto, expected in zip(case.model.graph.output, case.outputs):
        got = values.get(graph.find(outputs[proto.name]).id)
        if got is None:
            return Result(case.group, case.name, "fail", f"output {proto.name}: no value was computed")
        try:
            np.testing.assert_allclose(got, expected, rtol=case.rtol, atol=case.atol)
        except (AssertionError, TypeError, ValueError) as exc:
            first = str(exc).strip().splitlines()
            return Result(case.group, case.name, "fail", f"output {proto.name}: {' '.join(first[:4])}")
    return Result(case.group, case.name, "pass")


def _real_inputs(model: Any) -> list[str]:
    initialized = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initialized]


def _must_freeze(model: Any, name: str, value: np.ndarray) -> bool:
    """Integer inputs are shapes, axes or fixed indices, except labels of a loss and token ids of a table."""
    if np.asarray(value).dtype.kind not in "iu":
        return False
    initialized = {t.name: t for t in model.graph.initializer}
    for node in model.graph.node:
        for i, used in enumerate(node.input):
            if used != name:
                continue
            if LABEL_CONSUMERS.get(node.op_type) == i:
                return False
            table = initialized.get(node.input[0])
            if node.op_type == "Gather" and i == 1 and table is not None and len(table.dims) == 2:
                return False
    return True


def run_all() -> list[Result]:
    """Every applicable node case and shipped model."""
    return [run_case(case) for source in (node_cases, shipped_cases, generated_cases) for case in source()]


def summary(results: list[Result]) -> dict[str, dict[str, int]]:
    """{group: {"pass": n, "skip": n, "fail": n}}."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"pass": 0, "skip": 0, "fail": 0})
    for r in results:
        counts[r.group][r.status] += 1
    return dict(counts)


def main() -> int:
    """Print a table of passed/skipped/failed cases per op, then every skip and failure with its reason."""
    results = run_all()
    print(f"{'op':38} pass skip fail")
    for group, c in sorted(summary(results).items()):
        print(f"{group:38} {c['pass']:4} {c['skip']:4} {c['fail']:4}")
    for r in results:
        if r.status != "pass":
            print(f"{r.status}: {r.group} {r.name}: {r.reason[:300]}")
    return 1 if any(r.status == "fail" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
