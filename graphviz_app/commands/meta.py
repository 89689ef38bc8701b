"""Edits of graph.meta, one entry at a time: the data set, the practice questions, the training settings.

The training settings (graph.meta["training"]) have one owner, the graph; the training dock and explain mode's
α field both change them through `training_setting_command`."""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from engine.graph import Graph

SETTING_LABELS = {"lr": "learning rate α", "optimizer": "optimizer", "batch_size": "batch size", "epochs": "epochs",
                  "seed": "shuffle seed", "weight_decay": "weight decay λ"}


class SetMetaCommand(QUndoCommand):
    """Set one graph.meta entry (e.g. "dataset"); None removes it."""

    def __init__(self, graph: Graph, key: str, value: Any, text: str | None = None,
                 parent: QUndoCommand | None = None):
        super().__init__(text or f"Set {key}", parent)
        self.graph, self.key = graph, key
        self.old = copy.deepcopy(graph.meta.get(key))
        self.new = copy.deepcopy(value)

    def redo(self) -> None:
        self.graph.set_meta(self.key, copy.deepcopy(self.new))

    def undo(self) -> None:
        self.graph.set_meta(self.key, copy.deepcopy(self.old))


def training_setting_command(graph: Graph, key: str, value: float | int | str) -> SetMetaCommand:
    """The command that sets one training setting in graph.meta["training"] (the value is checked already)."""
    settings = dict(graph.meta.get("training") or {})
    settings[key] = value
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return SetMetaCommand(graph, "training", settings, f"Training: {SETTING_LABELS.get(key, key)} = {shown}")
