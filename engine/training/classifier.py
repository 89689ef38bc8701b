"""A graph with its data set and a compiled plan: evaluation and prediction (what a Trainer does besides training)."""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..compiled import Plan
from ..data import PreparedData, prepare
from ..events import Event
from ..graph import Graph
from .errors import TrainingError
from .metrics import EVAL_CHUNK, Metrics, evaluate_arrays, to_probs
from .settings import Bindings, check_compatible, resolve_bindings


class GraphClassifier:
    """A classifier graph bound to its data set (graph.meta["dataset"]): loss, accuracy, confusion, predictions.

    The plan is compiled on first use and again after the graph's structure changes; one lock serialises the
    work on the graph, so that another thread sees whole steps."""

    bindings: Bindings  # resolved with the plan

    def __init__(self, graph: Graph, data: PreparedData | None = None):
        self.graph = graph
        if data is None:
            spec = graph.meta.get("dataset")
            if spec is None:
                raise TrainingError("the graph has no data set to train on (its meta.dataset is missing)")
            data = prepare(spec)
        if len(data.y_train) == 0:
            raise TrainingError(f"the training split of {data.name} is empty: with test_fraction "
                                f"{data.spec.get('test_fraction')} every example went to the test split "
                                "(lower dataset.test_fraction or use more examples)")
        self.data = data
        self.classes = len(data.class_names)
        self._plan: Plan | None = None
        self._quiet = False  # True while we emit value_changed ourselves
        self._lock = threading.RLock()
        for event in self._structure_events():
            event.subscribe(self._graph_changed)

    def _structure_events(self) -> list[Event]:
        ev = self.graph.events
        return [ev.node_added, ev.node_removed, ev.edge_added, ev.edge_removed, ev.attr_changed, ev.value_changed]

    def close(self) -> None:
        """Stop following the graph's events (call when the trainer is dropped while the graph lives on)."""
        for event in self._structure_events():
            event.unsubscribe(self._graph_changed)

    def _graph_changed(self, *args: Any) -> None:
        if not self._quiet:
            self._plan = None  # rebuilt (and the graph re-checked) before the next step

    def _ready(self) -> Plan:
        if self._plan is None:
            self.bindings = resolve_bindings(self.graph)
            check_compatible(self.graph, self.bindings, self.data)
            self._plan = Plan(self.graph, self.bindings.loss)
        return self._plan

    def notify_values(self) -> None:
        """Emit value_changed for every parameter, so views show the trained weights."""
        self._quiet = True
        try:
            for node in self.graph.parameters():
                self.graph.events.value_changed.emit(node.id)
        finally:
            self._quiet = False

    def _feeds(self, x: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        feeds = {self.bindings.inputs: x}
        if y is not None:
            feeds[self.bindings.labels] = y
        return feeds

    def evaluate(self, split: str = "test") -> Metrics:
        """Mean loss, accuracy and confusion matrix of the current weights on the "train" or "test" split."""
        if split not in ("train", "test"):
            raise TrainingError(f"split: expected 'train' or 'test', got {split!r}")
        x, y = (self.data.x_train, self.data.y_train) if split == "train" else (self.data.x_test, self.data.y_test)
        with self._lock:
            plan = self._ready()
            return evaluate_arrays(plan, self.graph, self.bindings, x, y, self.classes)

    def predict_proba(self, x_batch: np.ndarray) -> np.ndarray:
        """Class probabilities (N, classes) for a batch of examples (a single example is also accepted)."""
        x = np.asarray(x_batch)
        example = self.data.x_train.shape[1:]
        if x.shape == example:
            x = x[None]
        if x.shape[1:] != example:
            raise TrainingError(f"predict: expected examples of shape {list(example)}, got {list(x.shape)}")
        with self._lock:
            plan, out_id = self._ready(), self.bindings.output
            parts = [to_probs(self.graph, out_id, plan.outputs(self._feeds(x[s:s + EVAL_CHUNK]), out_id))
                     for s in range(0, len(x), EVAL_CHUNK)]
        return np.concatenate(parts) if parts else np.zeros((0, self.classes))

    def predict_text(self, text: str) -> list[tuple[str, float]]:
        """(class name, probability) for a typed text, most likely first (text data sets only)."""
        if self.data.kind != "text":
            raise TrainingError(f"{self.data.name} holds 2-D points, not text: give a point such as 0.5,-1.2")
        probs = self.predict_proba(self.data.encode_text(text))[0]
        return sorted(zip(self.data.class_names, (float(p) for p in probs)), key=lambda item: -item[1])

    def class_index(self, label: int | str) -> int:
        """A class given by index or by (case-insensitive) name, as its index."""
        names = [n.lower() for n in self.data.class_names]
        if isinstance(label, str) and label.lower() in names:
            return names.index(label.lower())
        if isinstance(label, (int, np.integer)) and not isinstance(label, bool) and 0 <= label < self.classes:
            return int(label)
        raise TrainingError(f"label: expected a class index 0..{self.classes - 1} or one of "
                            f"{', '.join(self.data.class_names)}, got {label!r}")
