"""Insert formula lines into the graph (the canvas's formula box): every node, edge and region, one undo step."""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from engine import EngineError, Graph
from engine.formula.fragment import Fragment, add_fragment, fragment_meta
from engine.layout import Position

from ._records import InsertCommand, check_room


class InsertFormulaCommand(InsertCommand):
    """Add a planned fragment's nodes at `positions`, wired to the graph's nodes, one region per line; new inputs'
    sample values and labels' class names join graph.meta, and leave it again on undo."""

    def __init__(self, graph: Graph, fragment: Fragment, positions: dict[int, Position],
                 parent: QUndoCommand | None = None):
        check_room(graph, len(fragment.new_indices))
        try:
            add_fragment(graph.copy(), fragment, positions)  # a trial, so that build() cannot fail
        except (EngineError, ValueError) as exc:
            raise ValueError(f"the formula cannot be inserted: {exc}") from None
        lines = [title for title, _ in fragment.plan.lines]
        super().__init__(graph, f"Insert {lines[0]}" if len(lines) == 1 else f"Insert {len(lines)} formula lines",
                         parent)
        self.fragment, self.positions = fragment, dict(positions)
        self.meta_after: dict[str, Any] = fragment_meta(graph, fragment)
        self.meta_before = {key: copy.deepcopy(graph.meta.get(key)) for key in self.meta_after}

    def build(self) -> list[str]:
        return add_fragment(self.graph, self.fragment, self.positions)

    def redo(self) -> None:
        super().redo()
        for key, value in self.meta_after.items():
            self.graph.set_meta(key, copy.deepcopy(value))

    def undo(self) -> None:
        super().undo()
        for key, value in self.meta_before.items():
            self.graph.set_meta(key, copy.deepcopy(value))
