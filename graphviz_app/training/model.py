"""Private copies of the graph for training and for live views, and moving metrics between files and trainers."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.data import PreparedData
from engine.executor import forward
from engine.graph import Graph
from engine.train import History, Trainer, resolve_bindings, to_probs
from engine.training.settings import Bindings

STEP_KEYS = ("step", "loss", "acc", "lr")
EPOCH_KEYS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")


def clone_graph(graph: Graph) -> Graph:
    """A copy with the same node and edge ids and its own parameter arrays, followed by nobody."""
    return graph.copy()


def parameter_values(graph: Graph) -> dict[str, np.ndarray]:
    """Copies of every parameter array, by node id."""
    return {node.id: node.value.copy() for node in graph.parameters()}


def parameter_names(graph: Graph) -> dict[str, str]:
    """Display name of every parameter, by node id, in topological order."""
    return {node.id: node.name for node in graph.parameters()}


def same_values(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    """True if both hold the same ids with bit-identical arrays."""
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def history_from_metrics(metrics: dict | None) -> History:
    """A History rebuilt from graph.meta["metrics"] (missing or malformed lists are left empty)."""
    history = History()
    if not isinstance(metrics, dict):
        return history
    for key in STEP_KEYS + EPOCH_KEYS:
        values = metrics.get(key)
        if isinstance(values, list):
            setattr(history, key, list(values))
    norms = metrics.get("grad_norms")
    if isinstance(norms, dict):
        history.grad_norms = {str(k): list(v) for k, v in norms.items() if isinstance(v, list)}
    return history


def restore_history(trainer: Trainer, metrics: dict | None) -> None:
    """Continue a saved run: the trainer's history, step count and epoch count come from `metrics`."""
    history = history_from_metrics(metrics)
    trainer.history = history
    trainer.step_count = history.step[-1] if history.step else 0
    trainer.epoch = history.epoch[-1] if history.epoch else 0


class ModelView:
    """A GUI-thread copy of the graph whose parameters follow the trainer's snapshots: predictions for views."""

    def __init__(self, graph: Graph, data: PreparedData):
        self.graph = clone_graph(graph)
        self.data = data
        self.bindings: Bindings = resolve_bindings(self.graph)

    def set_values(self, values: dict[str, np.ndarray]) -> None:
        """Use these parameter arrays (ids that do not exist here are ignored)."""
        for node_id, value in values.items():
            node = self.graph.nodes.get(node_id)
            if node is not None and node.value is not None and node.value.shape == value.shape:
                node.value = value

    def values_for(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every computable node's value for a batch of examples (no labels fed)."""
        with np.errstate(all="ignore"):
            return forward(self.graph, {self.bindings.inputs: x})

    def probs(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (N, classes) for a batch of examples."""
        out = self.values_for(x)[self.bindings.output]
        return to_probs(self.graph, self.bindings.output, out)

    def encode(self, text: str) -> np.ndarray:
        """Token ids (1, max_len) of a typed text."""
        return self.data.encode_text(text)


def describe_settings(settings: dict[str, Any]) -> str:
    """One line for the status bar, e.g. "sgd, α = 0.5, batch 32"."""
    return f"{settings.get('optimizer', 'sgd')}, α = {settings.get('lr', 0):g}, batch {settings.get('batch_size', 0)}"
