"""Undo for training: a whole run (or a series of single steps) restoring weights and metrics.

Each command only calls model methods (Graph.set_value, Graph.set_meta); what it sets is checked before it is
pushed, so redo() and undo() cannot fail. Settings edits are graphviz_app/commands/meta.py's (explain mode's α
field makes them too)."""
from __future__ import annotations

import copy
from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine.graph import Graph

from ..commands.meta import SetMetaCommand  # noqa: F401 (switching.py pushes it)

STEP_COMMAND_ID = 7001  # consecutive single steps merge into one command


class TrainingRunCommand(QUndoCommand):
    """Sets every trained parameter (before → after) and graph.meta["metrics"] in one step."""

    def __init__(self, graph: Graph, before: dict[str, np.ndarray], after: dict[str, np.ndarray],
                 metrics_after: dict[str, Any] | None, text: str, single_step: bool = False):
        super().__init__(text)
        self.graph = graph
        self.after = {k: v.copy() for k, v in after.items() if k in graph.nodes and _fits(graph, k, v)}
        self.before = {k: v.copy() for k, v in before.items() if k in self.after}
        self.metrics_before = copy_metrics(graph.meta.get("metrics"))
        self.metrics_after = copy_metrics(metrics_after)
        self.single_step = single_step
        self.steps = 1

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return STEP_COMMAND_ID if self.single_step else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        """Absorb the next single step: this command now goes from our `before` to its `after`."""
        if not (isinstance(other, TrainingRunCommand) and other.single_step and self.single_step):
            return False
        if other.graph is not self.graph or other.after.keys() != self.after.keys():
            return False
        self.after, self.metrics_after = other.after, other.metrics_after
        self.steps += other.steps
        self.setText(f"Training: {self.steps} single steps")
        return True

    def redo(self) -> None:
        self._apply(self.after, self.metrics_after)

    def undo(self) -> None:
        self._apply(self.before, self.metrics_before)

    def _apply(self, values: dict[str, np.ndarray], metrics: dict[str, Any] | None) -> None:
        for node_id, value in values.items():
            if node_id in self.graph.nodes and _fits(self.graph, node_id, value):
                self.graph.set_value(node_id, value.copy())
        self.graph.set_meta("metrics", copy_metrics(metrics))


_ATOMS = (float, int, str, bool, type(None))


def copy_metrics(value: Any) -> Any:
    """A deep copy of graph.meta["metrics"]-like data: its long lists of numbers are copied at C speed (a run's
    history copied by copy.deepcopy held the window for 15 ms at the end of a run)."""
    if isinstance(value, dict):
        return {key: copy_metrics(item) for key, item in value.items()}
    if isinstance(value, list):
        if all(type(item) in _ATOMS for item in value):
            return value.copy()
        return [copy_metrics(item) for item in value]
    return value if type(value) in _ATOMS else copy.deepcopy(value)


def _fits(graph: Graph, node_id: str, value: np.ndarray) -> bool:
    node = graph.nodes[node_id]
    return node.value is not None and node.value.shape == value.shape
