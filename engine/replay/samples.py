"""The example that flows through explain mode: a dataset row, a typed headline or typed values (no Qt)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import PreparedData, prepare
from ..graph import Graph, Node
from ..op_facts import Role


@dataclass
class Sample:
    """Feeds for engine.explain plus what to say about them (the headline, its class)."""

    feeds: dict[str, Any]
    description: str = ""
    ids_node: str | None = None  # the Input fed with token ids, if any
    text: str | None = None  # the headline itself (its words name the positions of a max-pool)


def fed_nodes(graph: Graph) -> list[Node]:
    """Inputs and Labels in topological order: the nodes a sample must feed."""
    return [graph.nodes[i] for i in graph.topo_order() if graph.nodes[i].op.role.fed]


def dataset_of(graph: Graph) -> PreparedData | None:
    """The prepared data set named in the graph's meta, or None when there is none."""
    spec = graph.meta.get("dataset")
    return prepare(spec) if spec else None


def _batched(node: Node) -> bool:
    return bool(node.attrs.get("batched", False))


def _example_rank(node: Node) -> int:
    """Number of axes of one example fed to this node (a Label's example is one class id)."""
    return 0 if node.op.role is Role.LABEL else len(node.attrs.get("shape", ()))


def _shaped(node: Node, value: np.ndarray) -> np.ndarray:
    """One example gets a batch axis of one if the node is batched; a whole batch stays as it is."""
    return value[None, ...] if _batched(node) and value.ndim == _example_rank(node) else value


def _bound(graph: Graph, role: str) -> Node | None:
    name = graph.meta.get("bindings", {}).get(role)
    return graph.find(name) if name else None


def row_sample(graph: Graph, data: PreparedData, split: str, index: int) -> Sample:
    """Row `index` of the train or test split, fed to the bound inputs and labels."""
    xs, ys = (data.x_train, data.y_train) if split == "train" else (data.x_test, data.y_test)
    if not 0 <= index < len(ys):
        raise ValueError(f"row {index} is outside the {split} split (0 to {len(ys) - 1})")
    return _bound_sample(graph, data, np.asarray(xs[index]), int(ys[index]), _row_text(data, split, index))


def _row_text(data: PreparedData, split: str, index: int) -> str:
    texts = data.texts_train if split == "train" else data.texts_test
    if texts is not None:
        return texts[index]
    xs = data.x_train if split == "train" else data.x_test
    return "point (" + ", ".join(f"{v:.2f}" for v in xs[index]) + ")"


def text_sample(graph: Graph, data: PreparedData, text: str, label: int) -> Sample:
    """A typed headline, encoded with the data set's vocabulary, with the class the presenter picked."""
    if not text.strip():
        raise ValueError("type a headline first")
    return _bound_sample(graph, data, data.encode_text(text)[0], label, text)


def _bound_sample(graph: Graph, data: PreparedData, x: np.ndarray, label: int, text: str) -> Sample:
    inputs, labels = _bound(graph, "inputs"), _bound(graph, "labels")
    if inputs is None:
        raise ValueError("the graph's meta has no bindings.inputs: which Input gets the data?")
    feeds: dict[str, Any] = {inputs.id: _shaped(inputs, x)}
    if labels is not None:
        y = np.asarray(label, dtype=np.int64 if labels.op.role is Role.LABEL else np.float64)
        feeds[labels.id] = _shaped(labels, y)
    klass = data.class_names[label] if 0 <= label < len(data.class_names) else str(label)
    if data.kind != "text":
        return Sample(feeds, f"{text} → {klass}")
    return Sample(feeds, f"“{text}” → {klass}", inputs.id, text)


def parse_value(node: Node, text: str) -> np.ndarray:
    """A typed value for an Input or Label: a number or a JSON list such as [1, -2, 0.5]."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError(f"'{node.name}': expected a number or a list like [1, 2], got {text!r:.40}") from None
    if not isinstance(value, (int, float, list)) or isinstance(value, bool):
        raise ValueError(f"'{node.name}': expected a number or a list like [1, 2], got {text!r:.40}")
    integer = node.op.output_kind.ids
    try:
        arr = np.asarray(value, dtype=np.int64 if integer else np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"'{node.name}': the list must be rectangular and hold numbers") from None
    return _shaped(node, arr)


def typed_sample(graph: Graph, texts: dict[str, str]) -> Sample:
    """Feeds from typed text per node id (as shown in the sample picker)."""
    feeds = {node_id: parse_value(graph.nodes[node_id], text) for node_id, text in texts.items()}
    parts = ", ".join(f"{graph.nodes[n].name} = {t}" for n, t in texts.items())
    return Sample(feeds, parts)


def default_texts(graph: Graph) -> dict[str, str]:
    """Starting text per fed node: meta['sample'] where given, else ones of the right shape."""
    sample = graph.meta.get("sample", {})
    texts: dict[str, str] = {}
    for node in fed_nodes(graph):
        if node.name in sample:
            texts[node.id] = json.dumps(np.asarray(sample[node.name]).tolist())
        elif node.op.role is Role.LABEL:
            texts[node.id] = "0"
        else:
            shape = tuple(node.attrs.get("shape", ()))
            texts[node.id] = json.dumps(np.ones(shape, dtype=int).tolist())
    return texts


def first_example(graph: Graph, feeds: dict[str, Any]) -> dict[str, Any]:
    """One example of a batched sample: the explanation of one headline or one point is the clearest."""
    out = {}
    for key, value in feeds.items():
        node = graph.find(key)
        arr = np.asarray(value)
        whole_batch = _batched(node) and arr.ndim > _example_rank(node) and len(arr) > 1
        out[key] = arr[:1] if whole_batch else arr
    return out


def file_feeds(graph: Graph, whole_batch: bool = False) -> dict[str, Any]:
    """Feeds from the graph's own sample (meta 'sample'); its first example unless `whole_batch`."""
    feeds = typed_sample(graph, default_texts(graph)).feeds
    return feeds if whole_batch else first_example(graph, feeds)
