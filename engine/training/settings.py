"""Training settings (graph.meta["training"]) and bindings (graph.meta["bindings"]), checked against the data."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..data import PreparedData
from ..executor import default_target
from ..graph import Graph, Node
from ..errors import EngineError
from ..optim import EXTRA_SETTINGS, OPTIMIZERS, Optimizer, OptimizerError, make_optimizer
from ..shapes import infer_shapes
from .errors import TrainingError

DISTRIBUTION_OPS = ("Softmax", "Sigmoid")


@dataclass
class TrainingSettings:
    """How to train: optimizer, learning rate α, batch size, epochs, seed (shuffling), weight decay."""

    optimizer: str = "sgd"
    lr: float = 0.1
    batch_size: int = 32
    epochs: int = 10
    seed: int = 0
    weight_decay: float = 0.0
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    @classmethod
    def from_dict(cls, *layers: dict | None) -> "TrainingSettings":
        """Defaults, overridden by each dict in turn; every value is checked (errors say training.<key>)."""
        merged: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for layer in layers:
            if layer is None:
                continue
            if not isinstance(layer, dict):
                raise TrainingError(f"training: expected a dict of settings, got {layer!r}")
            unknown = sorted(set(layer) - known)
            if unknown:
                known_list = ", ".join(sorted(known))
                raise TrainingError(f"training.{unknown[0]}: not a training setting (known: {known_list})")
            merged.update(layer)
        settings = cls(**merged)
        settings.check()
        return settings

    def check(self) -> None:
        """Raise TrainingError naming the first setting that is not valid."""
        if self.optimizer not in OPTIMIZERS:
            raise TrainingError(f"training.optimizer: expected one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        for key in ("batch_size", "epochs"):
            _whole(key, getattr(self, key), 1)
        _whole("seed", self.seed, 0)
        _number("lr", self.lr, positive=True)
        _number("weight_decay", self.weight_decay, positive=False)
        self.make_optimizer()  # checks momentum, betas and eps

    def make_optimizer(self) -> Optimizer:
        """A fresh optimizer with these settings."""
        extra = {k: getattr(self, k) for k in EXTRA_SETTINGS[self.optimizer]}
        try:
            return make_optimizer(self.optimizer, self.lr, self.weight_decay, **extra)
        except OptimizerError as exc:
            raise TrainingError(f"training.{exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """The settings that matter for this optimizer, JSON-friendly."""
        out = asdict(self)
        for name, extra in EXTRA_SETTINGS.items():
            if name != self.optimizer:
                for key in extra:
                    if key not in EXTRA_SETTINGS[self.optimizer]:
                        out.pop(key, None)
        return out


def _whole(key: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise TrainingError(f"training.{key}: expected an integer ≥ {minimum}, got {value!r}")


def _number(key: str, value: Any, positive: bool) -> None:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or (value <= 0 if positive else value < 0):
        raise TrainingError(f"training.{key}: expected a {'positive number' if positive else 'number ≥ 0'}, "
                            f"got {value!r}")


@dataclass(frozen=True)
class Bindings:
    """Which nodes take the examples x and labels y, which gives the prediction, and the loss."""

    inputs: str  # node ids
    labels: str
    output: str
    loss: str


def resolve_bindings(graph: Graph) -> Bindings:
    """Node ids named by graph.meta["bindings"]; a missing entry is inferred when only one node fits."""
    given = graph.meta.get("bindings") or {}
    if not isinstance(given, dict):
        raise TrainingError(f"bindings: expected a dict with inputs, labels, output; got {given!r}")
    try:
        loss = default_target(graph)
    except EngineError as exc:
        raise TrainingError(f"training needs one loss to minimise: {exc}") from None
    ids: dict[str, str] = {}
    for key, guess in (("output", _guess_output), ("inputs", _guess_input), ("labels", _guess_label)):
        name = given.get(key)
        if name is None:
            ids[key] = guess(graph, loss, ids)
            continue
        hits = [n for n in graph.nodes.values() if n.name == name or n.id == name]
        if len(hits) != 1:
            raise TrainingError(f"bindings.{key}: {'no node' if not hits else 'more than one node'} is named {name!r}")
        ids[key] = hits[0].id
    for key in ("inputs", "labels"):
        node = graph.nodes[ids[key]]
        if node.op_name not in ("Input", "Label"):
            raise TrainingError(f"bindings.{key}: '{node.name}' is a {node.op_name}, not an Input or Label")
    return Bindings(ids["inputs"], ids["labels"], ids["output"], loss)


def _only(nodes: list[Node], what: str) -> str:
    if len(nodes) != 1:
        raise TrainingError(f"bindings: name the {what} in graph.meta['bindings'] "
                            f"(the graph has {len(nodes)} candidates)")
    return nodes[0].id


def _loss_input(graph: Graph, loss: str, index: int) -> str:
    port = graph.nodes[loss].op.port_names()[index]
    edge = graph.incoming(loss).get(port)
    if edge is None:
        raise TrainingError(f"the loss '{graph.nodes[loss].name}' has no input '{port}'")
    return edge.src


def _guess_output(graph: Graph, loss: str, found: dict[str, str]) -> str:
    return _loss_input(graph, loss, 0)  # the prediction the loss compares with the label


def _guess_input(graph: Graph, loss: str, found: dict[str, str]) -> str:
    import networkx as nx

    feeding = nx.ancestors(graph.nx, found["output"]) | {found["output"]}
    return _only([graph.nodes[i] for i in feeding if graph.nodes[i].op_name == "Input"],
                 "inputs (the Input fed with examples)")


def _guess_label(graph: Graph, loss: str, found: dict[str, str]) -> str:
    labels = [n for n in graph.nodes.values() if n.op_name == "Label"]
    if not labels and len(graph.nodes[loss].op.port_names()) > 1:
        return _loss_input(graph, loss, 1)  # e.g. an Input t of 0/1 targets for BinaryCrossEntropy
    return _only(labels, "labels (the Label node)")


def check_compatible(graph: Graph, bindings: Bindings, data: PreparedData) -> None:
    """Raise TrainingError if the data does not fit the graph (shapes, vocabulary, classes)."""
    report = infer_shapes(graph)
    if not report.ok:
        raise TrainingError(report.messages(graph)[0])
    x_node, y_node = graph.nodes[bindings.inputs], graph.nodes[bindings.labels]
    expected = report.shapes[x_node.id]
    if not expected or expected[0] is not None:
        raise TrainingError(f"{x_node.op_name} '{x_node.name}' must be batched to train on minibatches")
    if tuple(expected[1:]) != data.x_train.shape[1:]:
        raise TrainingError(f"{x_node.op_name} '{x_node.name}' takes examples of shape {list(expected[1:])}, "
                            f"but {data.name} gives {list(data.x_train.shape[1:])}")
    if data.kind == "text" and x_node.attrs.get("dtype") != "int":
        raise TrainingError(f"Input '{x_node.name}' must have dtype int to take token ids")
    classes = len(data.class_names)
    if y_node.op_name == "Label" and y_node.attrs["classes"] != classes:
        raise TrainingError(f"Label '{y_node.name}' has {y_node.attrs['classes']} classes, "
                            f"but {data.name} has {classes}")
    out_shape = report.shapes[bindings.output]
    width = out_shape[-1] if len(out_shape) > 1 else 1
    if width != classes and not (width == 1 and classes == 2):
        out = graph.nodes[bindings.output]
        raise TrainingError(f"output '{out.name}' gives {width} numbers per example, but {data.name} has "
                            f"{classes} classes")
    if data.kind == "text":
        _check_vocabulary(graph, len(data.vocab))


def _check_vocabulary(graph: Graph, size: int) -> None:
    for node in graph.nodes.values():
        if node.op_name == "BagOfWords" and node.attrs["vocab_size"] < size:
            raise TrainingError(f"BagOfWords '{node.name}' has vocab_size {node.attrs['vocab_size']}, "
                                f"but the vocabulary has {size} words")
        if node.op_name == "Embedding":
            table = graph.incoming(node.id).get("E")
            rows = None if table is None else graph.nodes[table.src].value
            if rows is not None and rows.shape[0] < size:
                raise TrainingError(f"Embedding '{node.name}' has a table of {rows.shape[0]} rows, "
                                    f"but the vocabulary has {size} words")
