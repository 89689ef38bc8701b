"""Changing a graph's data set or features: a few undoable edits when they suffice, else the matching example.

Kept deliberately simple: a new data set of the same kind changes the class count and vocabulary sizes (which
re-initialises the affected weights); unigrams ↔ bigrams swaps the featurizer node. Anything bigger (text ↔
points, bag of words ↔ token sequences) is a different network, so the user is offered the example built for it.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from PySide6.QtGui import QUndoStack

from engine.data import DEFAULT_SPECS, PreparedData, prepare
from engine.data.prepare import TEXT_SETS
from engine.errors import EngineError
from engine.graph import Graph, Node
from engine.op_facts import Role
from engine.shapes import infer_shapes
from engine.train import resolve_bindings
from engine.training.settings import check_compatible
from graphviz_app.commands import AddNodeCommand, ConnectCommand, RemoveItemsCommand, SetAttrCommand

from .undo import SetMetaCommand

FEATURIZERS = {"unigrams": ("BagOfWords", "f(x)"), "bigrams": ("BagOfBigrams", "f₂(x)")}
BIGRAM_BUCKETS = 4096
KEPT_SETTINGS = ("max_len", "min_count", "test_fraction", "seed", "n", "noise")


@dataclass
class Outcome:
    """What a switch did: `done`, or a `message` and maybe the `example` that fits the wish (with `spec`)."""

    done: bool
    message: str = ""
    example: str | None = None
    spec: dict | None = None


def data_kind(spec: dict | None) -> str | None:
    """"text" or "points" for a data spec, None without one."""
    if not isinstance(spec, dict) or spec.get("name") not in DEFAULT_SPECS:
        return None
    return "text" if spec["name"] in TEXT_SETS else "points"


def feature_kind(graph: Graph) -> str | None:
    """"sequence", "bigrams", "unigrams" or "points": what the encoder computes from the input."""
    ops = {node.op_name for node in graph.nodes.values()}
    for op, kind in (("Embedding", "sequence"), ("BagOfBigrams", "bigrams"), ("BagOfWords", "unigrams")):
        if op in ops:
            return kind
    return "points" if data_kind(graph.meta.get("dataset")) == "points" else None


def merged_spec(current: dict | None, wanted: dict) -> dict:
    """The wanted data set, keeping settings of the current one that it also has (e.g. max_len)."""
    defaults = DEFAULT_SPECS[wanted["name"]]
    kept = {k: v for k, v in (current or {}).items() if k in defaults and k in KEPT_SETTINGS}
    return {**defaults, **kept, **wanted}


def example_for(kind: str, feature: str | None = None) -> str:
    """The library example built for a data kind (and feature)."""
    if kind == "points":
        return "toy_2d"
    return "text_cnn" if feature == "sequence" else "headline_classifier"


def switch_dataset(graph: Graph, stack: QUndoStack, wanted: dict) -> Outcome:
    """Train this graph on another data set, adapting class count and vocabulary (one undoable step)."""
    current = graph.meta.get("dataset")
    spec = merged_spec(current, wanted)
    if current is not None and all(current.get(k) == v for k, v in spec.items()):
        return Outcome(True)
    if data_kind(current) != data_kind(spec):
        kind = data_kind(spec)
        what = "2-D points" if kind == "points" else "token ids of a text"
        return Outcome(False, f"This graph cannot read {what}.", example_for(kind, feature_kind(graph)), spec)
    data = prepare(spec)
    stack.beginMacro(f"Data: {data.name}")
    try:
        stack.push(SetMetaCommand(graph, "dataset", spec))
        stack.push(SetMetaCommand(graph, "sample", sample_of(data)))
        if data.kind == "text":
            stack.push(SetMetaCommand(graph, "sample_text", data.texts_train[0]))
        for node_id, key, value in adaptations(graph, data):
            stack.push(SetAttrCommand(graph, node_id, key, value))
    finally:
        stack.endMacro()
    return _verified(graph, stack, data)


def sample_of(data: PreparedData) -> dict:
    """Explain-mode feeds from the first training examples (one text, or four points)."""
    rows = 1 if data.kind == "text" else 4
    x = data.x_train[:rows]
    return {"x": x.tolist() if data.kind == "text" else x.astype(float).tolist(), "y": data.y_train[:rows].tolist()}


def adaptations(graph: Graph, data: PreparedData) -> list[tuple[str, str, object]]:
    """(node id, attribute, value) edits that fit the graph to the data's classes and vocabulary."""
    edits: list[tuple[str, str, object]] = []
    classes = len(data.class_names)
    for node in graph.nodes.values():
        if node.op.role is Role.LABEL and node.attrs["classes"] != classes:
            edits.append((node.id, "classes", classes))
    shapes: dict[str, list[int]] = {}  # new shapes of parameters; one weight may change on both axes
    for node_id in _class_params(graph, classes):
        shapes.setdefault(node_id, list(graph.nodes[node_id].attrs["shape"]))[-1] = classes
    if data.kind == "text":
        size = len(data.vocab)
        for node in list(graph.nodes.values()):
            if node.op_name == "BagOfWords" and node.attrs["vocab_size"] != size:
                edits.append((node.id, "vocab_size", size))
                for weight in _feature_weights(graph, node.id, node.attrs["vocab_size"]):
                    shapes.setdefault(weight, list(graph.nodes[weight].attrs["shape"]))[0] = size
            table = _embedding_table(graph, node)
            if table is not None and graph.nodes[table].attrs["shape"][0] != size:
                shapes.setdefault(table, list(graph.nodes[table].attrs["shape"]))[0] = size
    return edits + [(node_id, "shape", shape) for node_id, shape in shapes.items()]


def _class_params(graph: Graph, classes: int) -> list[str]:
    """Parameters of the output layer: their last axis and their consumer's last axis are the class count."""
    try:
        bindings = resolve_bindings(graph)
    except EngineError:
        return []
    report = infer_shapes(graph)
    old = report.shapes.get(bindings.output)
    if not old or len(old) < 2 or old[-1] == classes:
        return []
    near_output = nx.ancestors(graph.nx, bindings.output) | {bindings.output}
    found = []
    for node in graph.parameters():
        shape = tuple(node.attrs["shape"])
        consumers = [e.dst for e in graph.outgoing(node.id)]
        if not shape or shape[-1] != old[-1] or not consumers:
            continue
        if all(c in near_output and (report.shapes.get(c) or (None,))[-1] == old[-1] for c in consumers):
            found.append(node.id)
    return found


def _embedding_table(graph: Graph, node: Node) -> str | None:
    """The Parameter holding the table whose rows the node's token ids pick (Embedding's E), or None."""
    port = node.op.table_port
    table = graph.incoming(node.id).get(port) if port is not None else None
    return table.src if table is not None and graph.nodes[table.src].op.role is Role.PARAMETER else None


def _feature_weights(graph: Graph, feature_id: str, rows: int) -> list[str]:
    """Weight matrices W in f(x) @ W whose rows are the features (`rows` of them)."""
    found = []
    for edge in graph.outgoing(feature_id):
        consumer = graph.nodes[edge.dst]
        weight = graph.incoming(consumer.id).get("W") if consumer.op_name == "MatMul" else None
        if weight is None or graph.nodes[weight.src].op.role is not Role.PARAMETER:
            continue
        shape = list(graph.nodes[weight.src].attrs["shape"])
        if shape and shape[0] == rows:
            found.append(weight.src)
    return found


def switch_features(graph: Graph, stack: QUndoStack, wanted: str) -> Outcome:
    """Unigrams ↔ bigrams by swapping the featurizer node; token sequences need the text CNN example."""
    current = feature_kind(graph)
    if current == wanted:
        return Outcome(True)
    if current in (None, "points"):
        return Outcome(False, "This graph has no text features to change.")
    spec = graph.meta.get("dataset")
    if "sequence" in (current, wanted):
        example = example_for("text", wanted)
        return Outcome(False, "Token sequences and word counts need different networks.", example, spec)
    old = next(n for n in graph.nodes.values() if n.op_name == FEATURIZERS[current][0])
    data = prepare(spec)
    op, name = FEATURIZERS[wanted]
    size = len(data.vocab) if wanted == "unigrams" else BIGRAM_BUCKETS
    attrs = {"vocab_size": size} if wanted == "unigrams" else {"buckets": size}
    old_size = old.attrs.get("vocab_size", old.attrs.get("buckets"))
    ids_edge = graph.incoming(old.id).get("ids")
    consumers = [(e.dst, e.port) for e in graph.outgoing(old.id)]
    resized = [(w, "shape", [size] + list(graph.nodes[w].attrs["shape"])[1:])
               for w in _feature_weights(graph, old.id, old_size)]
    stack.beginMacro(f"Features: {wanted}")
    try:
        stack.push(RemoveItemsCommand(graph, [old.id]))
        add = AddNodeCommand(graph, op, old.pos, attrs, name)
        stack.push(add)
        if ids_edge is not None:
            stack.push(ConnectCommand(graph, ids_edge.src, add.node_id, "ids"))
        for dst, port in consumers:
            stack.push(ConnectCommand(graph, add.node_id, dst, port))
        for node_id, key, value in resized:
            stack.push(SetAttrCommand(graph, node_id, key, value))
    finally:
        stack.endMacro()
    return _verified(graph, stack, data)


def _verified(graph: Graph, stack: QUndoStack, data: PreparedData) -> Outcome:
    """Keep the edits if the graph now trains on the data; otherwise take them back and say why."""
    try:
        check_compatible(graph, resolve_bindings(graph), data)
    except EngineError as exc:
        stack.undo()
        return Outcome(False, f"The graph does not fit {data.name} after the change: {exc}",
                       example_for(data.kind, feature_kind(graph)), dict(data.spec))
    return Outcome(True, f"Now training on {data.describe()}")
