"""Export a graph to ONNX: parameters become initializers, Input/Label nodes graph inputs, sinks outputs."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..fileformat.safe_io import write_atomic
from ..graph import Graph, Node
from ..names import printable, shown
from ..shapes import ShapeReport, infer_shapes
from .errors import InteropError, require_onnx

OPSET = 18  # ReduceMean/ReduceMax take their axes as an input from 18 on; every op we emit exists there
BATCH_DIM = "B"
DTYPES = ("float32", "float64")
CARRIED_META = ("title", "bindings", "dataset", "training")  # written as metadata_props, read back on import
# Ops whose ONNX form uses an ONNX op that onnxruntime runs only in float32 (no double kernel).
FLOAT32_ONLY_IN_ONNXRUNTIME = {"BagOfWords": "OneHot", "BagOfBigrams": "OneHot", "Window": "Conv",
                               "SeqConv": "Conv"}


def float64_problems(graph: Graph) -> list[str]:
    """The nodes whose float64 ONNX form onnxruntime cannot run, e.g. "BagOfWords 'f' (OneHot)"."""
    return [f"{n.op_name} {shown(n.name)} ({FLOAT32_ONLY_IN_ONNXRUNTIME[n.op_name]})" for n in graph.nodes.values()
            if n.op_name in FLOAT32_ONLY_IN_ONNXRUNTIME]


class Emitter:
    """Collects ONNX nodes and initializers while the graph is walked in topological order."""

    def __init__(self, graph: Graph, report: ShapeReport, dtype: str):
        onnx = require_onnx()
        self.helper, self.numpy_helper, self.TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto
        self.graph, self.report = graph, report
        self.np_dtype = np.dtype(dtype)
        self.float_type = self.helper.np_dtype_to_tensor_dtype(self.np_dtype)
        self.nodes: list = []
        self.initializers: list = []
        self.tensor: dict[str, str] = {}
        self._taken: set[str] = set()
        names = [printable(n.name) for n in graph.nodes.values()]
        for node, name in zip(graph.nodes.values(), names):
            unique = names.count(name) == 1
            self.tensor[node.id] = self.claim(name if unique else f"{name}_{node.id}")

    def claim(self, base: str) -> str:
        """A tensor or node name not used yet, derived from `base`."""
        name, i = base, 2
        while name in self._taken:
            name, i = f"{base}_{i}", i + 1
        self._taken.add(name)
        return name

    def shape(self, node_id: str) -> tuple:
        """The inferred shape of a node's output (None = batch axis)."""
        return self.report.shapes[node_id]

    def const(self, base: str, value: Any, integer: bool = False) -> str:
        """A fixed tensor: int64 axes and shapes as initializers, float values as Constant nodes.

        Initializers are what importers treat as trainable weights, so only parameters go there."""
        array = np.asarray(value, dtype=np.int64 if integer else self.np_dtype)
        name = self.claim(base)
        if integer:
            self.initializers.append(self.numpy_helper.from_array(array, name))
        else:
            tensor = self.numpy_helper.from_array(array, f"{name}:value")
            self.nodes.append(self.helper.make_node("Constant", [], [name], name=self.claim(f"{name}:Constant"),
                                                    value=tensor))
        return name

    def ints(self, base: str, values: Iterable[int]) -> str:
        """An int64 vector initializer (axes, shapes, perms)."""
        return self.const(base, list(values), integer=True)

    def op(self, op_type: str, inputs: list[str], base: str, out: str | None = None, **attrs: Any) -> str:
        """Append one ONNX node; returns its output name (`out`, or a fresh name from `base`)."""
        out = out or self.claim(base)
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=self.claim(f"{out}:{op_type}"), **attrs))
        return out

    def value_info(self, name: str, shape: tuple, integer: bool):
        """A typed tensor description with the batch axis written as the symbolic dim B."""
        elem = self.TensorProto.INT64 if integer else self.float_type
        dims = [BATCH_DIM if d is None else int(d) for d in shape]
        return self.helper.make_tensor_value_info(name, elem, dims)


def graph_to_onnx(graph: Graph, *, opset: int = OPSET, dtype: str = "float32",
                  extra_outputs: Iterable[str] = ()) -> Any:
    """An onnx.ModelProto computing the same values as `engine.forward` on this graph."""
    onnx = require_onnx()
    from .onnx_export_ops import EMITTERS

    _check_options(onnx, opset, dtype)
    report = infer_shapes(graph)
    if report.errors:
        raise InteropError("cannot export a graph with errors: " + "; ".join(report.messages(graph)))
    unsupported = sorted({n.op_name for n in graph.nodes.values() if n.op_name not in EMITTERS})
    if unsupported:
        raise InteropError(f"cannot export to ONNX: no mapping for the op(s) {', '.join(unsupported)}")
    em = Emitter(graph, report, dtype)
    inputs = []
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        declared = EMITTERS[node.op_name](em, node, _input_names(em, node))
        if declared is not None:
            inputs.append(declared)
    outputs = [em.value_info(em.tensor[n], em.shape(n), False) for n in _output_ids(graph, extra_outputs)]
    title = printable(" ".join(str(graph.meta.get("title") or "graph").split()))
    body = em.helper.make_graph(em.nodes, title, inputs, outputs, em.initializers)
    model = _model(onnx, body, graph, opset)
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise InteropError(f"the exported model does not pass onnx.checker: {exc}") from None
    return model


def export_onnx(graph: Graph, path: str | Path, **options: Any) -> None:
    """Write the graph as an .onnx file (see graph_to_onnx for the options)."""
    model = graph_to_onnx(graph, **options)
    write_atomic(path, model.SerializeToString())


def _check_options(onnx: Any, opset: int, dtype: str) -> None:
    newest = onnx.defs.onnx_opset_version()
    if not isinstance(opset, int) or not OPSET <= opset <= newest:
        raise InteropError(f"opset: expected {OPSET} to {newest}, got {opset!r}")
    if dtype not in DTYPES:
        raise InteropError(f"dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")


def _input_names(em: Emitter, node: Node) -> list[str]:
    """Tensor names feeding each port; integer tensors going into a float port are cast first."""
    incoming = em.graph.incoming(node.id)
    names = []
    for port in node.op.connected_ports(incoming):
        src = incoming[port.name].src
        name = em.tensor[src]
        if not port.integer and em.report.dtypes.get(src) == "int":
            name = em.op("Cast", [name], f"{name}/float", to=em.float_type)
        names.append(name)
    return names


def _output_ids(graph: Graph, extra: Iterable[str]) -> list[str]:
    """The sinks (computed nodes nothing reads), the bindings' output, and any extra nodes asked for."""
    ids = [n for n in graph.topo_order() if graph.nx.out_degree(n) == 0 and not graph.nodes[n].op.is_source]
    wanted = list(extra)
    bound = (graph.meta.get("bindings") or {}).get("output")
    if bound:
        wanted.append(bound)
    for name in wanted:
        node = graph.find(name)
        if node.op.is_source:
            raise InteropError(f"'{node.name}' is a {node.op_name}; only computed nodes can be outputs")
        if node.id not in ids:
            ids.append(node.id)
    if not ids:
        raise InteropError("the graph computes nothing: it has no op nodes to export as outputs")
    return ids


def _model(onnx: Any, body: Any, graph: Graph, opset: int) -> Any:
    helper = onnx.helper
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(body, opset_imports=opsets, producer_name="computation-graph-explorer",
                              doc_string=_encodable(str(graph.meta.get("description", ""))))
    model.ir_version = helper.find_min_ir_version_for(opsets)
    props = {k: graph.meta[k] for k in CARRIED_META if k in graph.meta}
    helper.set_model_props(model, {k: _encodable(v) if isinstance(v, str) else json.dumps(v)
                                   for k, v in props.items()})
    return model


def _encodable(text: str) -> str:
    """Text protobuf can store: a lone surrogate (never valid UTF-8) is written as its escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
