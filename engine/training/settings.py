"""Training settings (graph.meta["training"]) and bindings (graph.meta["bindings"]), checked against the data."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import networkx as nx
import numpy as np

from ..data import PreparedData
from ..executor import default_target
from ..graph import Graph, Node
from ..errors import EngineError
from ..op_facts import Role
from ..optim import EXTRA_SETTINGS, OPTIMIZERS, Optimizer, OptimizerError, make_optimizer
from ..shapes import infer_shapes
from .errors import TrainingError


# One range per setting, used by the file reader, the Trainer, the command line and the training dock alike.
SETTING_RANGES: dict[str, tuple[float, float]] = {
    "lr": (1e-6, 100.0),
    "batch_size": (1, 1_000_000),
    "epochs": (1, 100_000),
    "seed": (0, 2**32 - 1),
    "weight_decay": (0.0, 100.0),
}
SETTING_NAMES = {"lr": "the learning rate α", "batch_size": "the batch size", "epochs": "the number of epochs",
                 "seed": "the shuffling seed", "weight_decay": "the weight decay λ"}
WHOLE_SETTINGS = ("batch_size", "epochs", "seed")
LIVE_SETTINGS = ("lr", "epochs")  # a running trainer takes these at its next step; the others need a new trainer


def setting_range_text(key: str) -> str:
    """The allowed range of a setting in words, e.g. "between 1e-06 and 100"."""
    low, high = SETTING_RANGES[key]
    return f"between {_plain(low)} and {_plain(high)}"


def _plain(number: float) -> str:
    return str(number) if isinstance(number, int) else f"{number:g}"


def setting_problem(key: str, value: Any, typed: str | None = None) -> str | None:
    """What is wrong with `value` for the setting `key` (lr, batch_size, epochs, seed, weight_decay), or None;
    `typed` is the value as the user wrote it, quoted instead of the number."""
    low, high = SETTING_RANGES[key]
    whole = key in WHOLE_SETTINGS
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not number or (whole and not isinstance(value, (int, np.integer))) or not math.isfinite(value):
        kind = "a whole number" if whole else "a number"
        return f"expected {kind} {setting_range_text(key)}, got {value!r}"
    if not low <= value <= high:
        side = "too large" if value > high else "too small"
        return f"{typed or format(value, 'g')} is {side}: {SETTING_NAMES[key]} must be {setting_range_text(key)}"
    return None


def check_setting(key: str, value: Any) -> None:
    """Raise TrainingError "training.<key>: …" if `value` is outside the setting's range."""
    problem = setting_problem(key, value)
    if problem:
        raise TrainingError(f"training.{key}: {problem}")


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
        for key in SETTING_RANGES:
            check_setting(key, getattr(self, key))
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

    def changed(self, other: "TrainingSettings") -> set[str]:
        """The names of the settings whose values differ between the two."""
        return {f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)}


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
        if not node.op.role.fed:
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
    feeding = nx.ancestors(graph.nx, found["output"]) | {found["output"]}
    return _only([graph.nodes[i] for i in feeding if graph.nodes[i].op.role is Role.INPUT],
                 "inputs (the Input fed with examples)")


def _guess_label(graph: Graph, loss: str, found: dict[str, str]) -> str:
    labels = [n for n in graph.nodes.values() if n.op.role is Role.LABEL]
    feeding = nx.ancestors(graph.nx, loss)
    labels = [n for n in labels if n.id in feeding] or labels  # a Label lying unconnected does not count
    if not labels and len(graph.nodes[loss].op.port_names()) > 1:
        return _loss_input(graph, loss, 1)  # e.g. an Input t of 0/1 targets for BinaryCrossEntropy
    return _only(labels, "labels (the Label node)")


def check_compatible(graph: Graph, bindings: Bindings, data: PreparedData) -> None:
    """Raise TrainingError if the data does not fit the graph (shapes, vocabulary, classes).

    Only the nodes that the loss and the prediction are computed from count: a node lying unconnected beside
    them (being wired, or left over) does not stop training."""
    report = infer_shapes(graph)
    used = _used_nodes(graph, bindings)
    problems = [report.errors[n] for n in graph.topo_order() if n in report.errors and n in used]
    if problems:
        raise TrainingError(problems[0])
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
    if y_node.op.role is Role.LABEL and y_node.attrs["classes"] != classes:
        raise TrainingError(f"Label '{y_node.name}' has {y_node.attrs['classes']} classes, "
                            f"but {data.name} has {classes}")
    out_shape = report.shape(bindings.output)
    width = out_shape[-1] if len(out_shape) > 1 else 1
    if width != classes and not (width == 1 and classes == 2):
        out = graph.nodes[bindings.output]
        raise TrainingError(f"output '{out.name}' gives {width} numbers per example, but {data.name} has "
                            f"{classes} classes")
    if data.kind == "text":
        _check_vocabulary(graph, used, x_node.id, report.known(), len(data.vocabulary))


def _used_nodes(graph: Graph, bindings: Bindings) -> set[str]:
    ends = (bindings.loss, bindings.output)
    return set(ends).union(*(nx.ancestors(graph.nx, n) for n in ends))


def _check_vocabulary(graph: Graph, used: set[str], tokens: str, shapes: dict[str, tuple], size: int) -> None:
    """TrainingError when a node reading the token ids (from node `tokens`) accepts fewer ids than `size` words."""
    for node in (graph.nodes[n] for n in graph.topo_order() if n in used):
        incoming = graph.incoming(node.id)
        in_shapes = {port: shapes[edge.src] for port, edge in incoming.items() if edge.src in shapes}
        for port in node.op.connected_ports(incoming):
            if not port.integer or incoming[port.name].src != tokens:
                continue
            limit = node.op.id_limit(port.name, in_shapes)
            if limit is not None and limit < size:
                raise TrainingError(f"{node.op_name} '{node.name}' has room for {limit} words at its input "
                                    f"'{port.name}', but the vocabulary has {size} words")
