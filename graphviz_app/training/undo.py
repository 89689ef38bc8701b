"""Undo for training: a whole run (or a series of single steps) is one command restoring weights and metrics."""
from __future__ import annotations

import copy
from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from engine.graph import Graph

META_KEYS = ("metrics", "training")
STEP_COMMAND_ID = 7001  # consecutive single steps merge into one command


class TrainingRunCommand(QUndoCommand):
    """Sets every trained parameter (before → after) and graph.meta["metrics"]/["training"] in one step."""

    def __init__(self, graph: Graph, before: dict[str, np.ndarray], after: dict[str, np.ndarray],
                 meta_after: dict[str, Any], text: str, single_step: bool = False):
        super().__init__(text)
        self.graph = graph
        self.before = {k: v.copy() for k, v in before.items() if k in after}
        self.after = {k: v.copy() for k, v in after.items() if k in graph.nodes}
        self.meta_before = {k: copy.deepcopy(graph.meta.get(k)) for k in META_KEYS}
        self.meta_after = {k: copy.deepcopy(v) for k, v in meta_after.items() if k in META_KEYS}
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
        self.after, self.meta_after = other.after, other.meta_after
        self.steps += other.steps
        self.setText(f"Training: {self.steps} single steps")
        return True

    def redo(self) -> None:
        self._apply(self.after, self.meta_after)

    def undo(self) -> None:
        self._apply(self.before, self.meta_before)

    def _apply(self, values: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        for node_id, value in values.items():
            node = self.graph.nodes.get(node_id)
            if node is not None and node.value is not None and node.value.shape == value.shape:
                self.graph.set_value(node_id, value.copy())
        for key in META_KEYS:
            if key in meta:
                self.graph.set_meta(key, copy.deepcopy(meta[key]))


class SetMetaCommand(QUndoCommand):
    """Set one graph.meta entry (e.g. "dataset"); None removes it."""

    def __init__(self, graph: Graph, key: str, value: Any, text: str | None = None,
                 parent: QUndoCommand | None = None):
        super().__init__(text or f"Set {key}", parent)
        self.graph, self.key = graph, key
        self.old = copy.deepcopy(graph.meta.get(key))
        self.new = copy.deepcopy(value)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, value: Any) -> None:
        self.graph.set_meta(self.key, copy.deepcopy(value))
