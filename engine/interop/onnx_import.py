"""Import an ONNX model into an editable graph: initializers → Parameters, inputs → Input/Label, ops → ours.

Only models made of the supported ops are imported; anything else is refused as a whole with one
message that lists every problem, so nothing is ever half-loaded.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..fileformat.errors import MAX_FILE_BYTES
from ..fileformat.safe_io import read_regular_file
from ..graph import Graph
from ..layout import apply_layout
from ..names import clean_name
from ..op_facts import Role
from ..shapes import infer_shapes
from . import onnx_import_meta as meta
from . import onnx_import_nn  # noqa: F401  (registers the layer handlers)
from .errors import InteropError, UnsupportedOnnxError, require_onnx
from .onnx_builder import MAX_NAME, Builder, GraphInput, Value
from .onnx_import_ops import HANDLERS, OnnxNode
from .onnx_patterns import INTERNAL, fuse_explorer_patterns

SUPPORTED_ONNX_OPS: tuple[str, ...] = tuple(sorted(op for op in HANDLERS if op not in INTERNAL))
FLOAT_TYPES = ("FLOAT", "DOUBLE", "FLOAT16", "BFLOAT16")
INT_TYPES = ("INT64", "INT32")
MAX_INPUT_AXES = 4


def import_onnx(path: str | Path) -> Graph:
    """Read an .onnx file into a new Graph (see import_onnx_model)."""
    onnx = require_onnx()
    path = Path(path)
    data = read_regular_file(path, MAX_FILE_BYTES)
    try:
        model = onnx.load_model_from_string(data)
    except Exception as exc:  # noqa: BLE001  (protobuf raises its own DecodeError for a file that is not ONNX)
        raise InteropError(f"{path}: not a readable ONNX model ({type(exc).__name__})") from None
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer):
        raise UnsupportedOnnxError(f"{path}: the model keeps its weights in separate files (external data); "
                                   "save it as one .onnx file first")
    graph = import_onnx_model(model)
    if not model.graph.name:
        graph.meta["title"] = path.stem
    return graph


def import_onnx_model(model: Any) -> Graph:
    """A Graph computing the same outputs as an onnx.ModelProto made of SUPPORTED_ONNX_OPS."""
    onnx = require_onnx()
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 1)
    constants = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = fuse_explorer_patterns([_decode(onnx, p, opset) for p in model.graph.node], constants)
    unsupported = sorted({n.op_type for n in nodes if n.op_type not in HANDLERS})
    if unsupported:
        raise UnsupportedOnnxError(f"the model uses ops the explorer does not have: {', '.join(unsupported)} "
                                   f"(supported: {', '.join(SUPPORTED_ONNX_OPS)})")
    problems: list[str] = []
    inputs, refused = {}, set()
    for proto in model.graph.input:
        if proto.name not in constants:
            try:
                inputs[proto.name] = _graph_input(onnx, proto)
            except UnsupportedOnnxError as exc:
                problems.append(str(exc))
                refused.add(proto.name)
    builder = Builder(constants, set(constants), inputs)
    _convert_nodes(builder, nodes, problems, refused)
    if problems:
        raise UnsupportedOnnxError("cannot import this model: " + "; ".join(problems))
    _finish(builder, model, opset)
    return builder.graph


def freeze_inputs(model: Any, values: dict[str, np.ndarray]) -> Any:
    """A copy of the model where the named graph inputs are initializers holding the given values.

    Shapes, axes and fixed indices must be known when importing; models that feed them as inputs
    (ONNX's own node tests do) can be frozen first."""
    onnx = require_onnx()
    frozen = onnx.ModelProto()
    frozen.CopyFrom(model)
    keep = [i for i in frozen.graph.input if i.name not in values]
    del frozen.graph.input[:]
    frozen.graph.input.extend(keep)
    for name, array in values.items():
        frozen.graph.initializer.append(onnx.numpy_helper.from_array(np.asarray(array), name))
    return frozen


def _graph_input(onnx: Any, proto: Any) -> GraphInput:
    """Shape (None for a symbolic first axis) and dtype of a graph input; refuses what we cannot feed."""
    tensor = proto.type.tensor_type
    type_name = onnx.TensorProto.DataType.Name(tensor.elem_type) if tensor.elem_type else "unknown"
    if type_name not in FLOAT_TYPES + INT_TYPES:
        raise UnsupportedOnnxError(f"input '{proto.name}' has type {type_name.lower()}; the explorer takes "
                                   "floating-point numbers or int64 ids")
    if not tensor.HasField("shape"):
        raise UnsupportedOnnxError(f"input '{proto.name}' has no shape")
    dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    if any(d is None for d in dims[1:]) or 0 in dims:
        raise UnsupportedOnnxError(f"input '{proto.name}' has shape {dims}: only the first axis may be "
                                   "unknown (the batch axis) and no axis may be empty")
    if len(dims) - (dims[:1] == [None]) > MAX_INPUT_AXES:
        raise UnsupportedOnnxError(f"input '{proto.name}' has {len(dims)} axes; the explorer's inputs "
                                   f"have at most {MAX_INPUT_AXES} (plus a batch axis)")
    return GraphInput(proto.name, tuple(dims), "float" if type_name in FLOAT_TYPES else "int")


def _decode(onnx: Any, proto: Any, opset: int) -> OnnxNode:
    attrs = {}
    for attr in proto.attribute:
        value = onnx.helper.get_attribute_value(attr)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif isinstance(value, onnx.TensorProto):
            value = onnx.numpy_helper.to_array(value)
        attrs[attr.name] = value
    op_type = proto.op_type if proto.domain in ("", "ai.onnx") else f"{proto.domain}.{proto.op_type}"
    return OnnxNode(op_type, list(proto.input), list(proto.output), attrs, opset)


def _convert_nodes(b: Builder, nodes: list[OnnxNode], problems: list[str], broken: set[str]) -> None:
    """Run each node's handler; a failing node is recorded and the nodes that depend on it are skipped."""
    for n in nodes:
        handler, known = HANDLERS[n.op_type]
        if any(name in broken for name in n.inputs):
            broken.update(n.outputs)
            continue
        b.created = []
        try:
            extra = sorted(set(n.attrs) - known)
            if extra:
                raise n.refuse(f"attribute(s) {', '.join(extra)} not supported")
            outputs = handler(b, n)
        except UnsupportedOnnxError as exc:
            problems.append(str(exc))
            broken.update(n.outputs)
            continue
        for name, value in zip(n.outputs, outputs):
            if name and value is not None:
                _name_result(b, value, name)
                b.values[name] = value


def _name_result(b: Builder, value: Value, name: str) -> None:
    """The node made for an ONNX output carries that output's name (helpers keep theirs)."""
    node = b.graph.nodes[value.node]
    if value.node in b.created and node.name != name:
        b.graph.rename(value.node, b.graph.unique_name(clean_name(name, "t", MAX_NAME)))


def _finish(b: Builder, model: Any, opset: int) -> None:
    """Outputs, unused inputs, meta (title, ONNX names, bindings, notes), a final check and the layout."""
    graph = b.graph
    outputs = {o.name: b.value(o.name) for o in model.graph.output}
    for name in b.inputs:
        b.input_node(name)
    report = infer_shapes(graph)
    if report.errors:
        raise InteropError("the imported graph does not check (a bug in the importer): "
                           + "; ".join(report.messages(graph)))
    names = {name: graph.nodes[v.node].name for name, v in b.values.items() if name in b.inputs}
    out_names = {name: graph.nodes[v.node].name for name, v in outputs.items()}
    graph.meta["title"] = meta.one_line(model.graph.name, meta.TITLE_CHARS) or "ONNX model"
    producer = f"{model.producer_name} {model.producer_version}".strip() or "an unknown tool"
    graph.meta["description"] = (model.doc_string[:meta.DESCRIPTION_CHARS]
                                 or f"Imported from an ONNX model made by {producer}, opset {opset}.")
    carried = meta.carried_meta(graph, {p.key: p.value for p in model.metadata_props}, b.notes)
    graph.meta.update(carried)
    bindings = carried.get("bindings") or _bindings(graph, list(out_names.values()))
    if bindings:
        graph.meta["bindings"] = bindings
    if "dataset" not in graph.meta:
        _add_sample(graph, b.notes)
    graph.meta["onnx"] = {"opset": opset, "inputs": meta.name_map(names), "outputs": meta.name_map(out_names),
                          "notes": list(b.notes)}
    meta.check_savable(graph)
    apply_layout(graph)


def _add_sample(graph: Graph, notes: list[str], rows: int = 2) -> None:
    """Seeded sample values so check and Explain can run, unless they would be too many to keep in a file."""
    size = meta.sample_size(graph, rows)
    if size > meta.SAMPLE_ENTRIES:
        notes.append(f"no sample values were made: the inputs of {rows} examples hold {size:,} numbers, more "
                     f"than a graph file keeps ({meta.SAMPLE_ENTRIES:,})")
        return
    graph.meta["sample"] = sample_feeds(graph, rows)


def sample_feeds(graph: Graph, rows: int = 2, seed: int = 0) -> dict[str, Any]:
    """Seeded example values for every Input and Label (JSON lists), so check and explain can run.

    Numbers are drawn from (0.1, 0.9), where logs, σ and 1 − x are all defined; ids and labels stay
    below the size of every table, vocabulary or class count they index."""
    rng = np.random.default_rng(seed)
    report = infer_shapes(graph)
    shapes = report.known()
    feeds: dict[str, Any] = {}
    for node in graph.nodes.values():
        if not node.op.role.fed:
            continue
        shape = tuple(rows if d is None else d for d in report.shape(node.id))
        if node.op.out_dtype == "int":
            feeds[node.name] = rng.integers(0, _id_limit(graph, node.id, shapes), size=shape).tolist()
        else:
            feeds[node.name] = np.round(rng.uniform(0.1, 0.9, size=shape), 3).tolist()
    return feeds


def _id_limit(graph: Graph, node_id: str, shapes: dict[str, tuple]) -> int:
    """One more than the largest id every consumer of this integer input accepts."""
    node = graph.nodes[node_id]
    limits = [node.attrs["classes"]] if node.op.role is Role.LABEL else []
    for edge in graph.outgoing(node_id):
        in_shapes = {port: shapes[e.src] for port, e in graph.incoming(edge.dst).items()}
        limit = graph.nodes[edge.dst].op.id_limit(edge.port, in_shapes)
        if limit is not None:
            limits.append(limit)
    return max(1, min(limits, default=2))


def _bindings(graph: Graph, outputs: list[str]) -> dict[str, str] | None:
    """inputs/labels/output when the model is clearly one classifier: one input, one label, one prediction."""
    labels = [n.name for n in graph.nodes.values() if n.op.role is Role.LABEL]
    data = [n.name for n in graph.nodes.values() if n.op.role is Role.INPUT]
    predictions = [name for name in outputs if graph.find(name).op.role is not Role.LOSS]
    if len(labels) == 1 and len(data) == 1 and len(predictions) == 1:
        return {"inputs": data[0], "labels": labels[0], "output": predictions[0]}
    return None
