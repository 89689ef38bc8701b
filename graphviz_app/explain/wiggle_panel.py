"""The wiggle-check panel: nudge the selected value by ε, show ΔL/ε next to ∂L/∂x with pass or fail."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from engine.errors import EngineError
from engine.executor import Feeds
from engine.graph import Graph

from engine.replay.labels import fmt_num, partial
from engine.gradcheck import WiggleResult, check_all, wiggle

EPSILONS = ("0.01", "0.001", "0.0001", "1e-05", "1e-06")


def result_text(result: WiggleResult, loss_name: str) -> str:
    """The check in a lecturer's words, with both numbers and the verdict."""
    entry = "" if not result.index else "[" + ", ".join(str(i) for i in result.index) + "]"
    name = f"{result.name}{entry}"
    verdict = "✓ they agree" if result.ok else "✗ they differ"
    return (f"wiggle {name} by ε = {fmt_num(result.eps)}:\n"
            f"{loss_name} goes {fmt_num(result.loss_before, 7)} → {fmt_num(result.loss_after, 7)}\n"
            f"Δ{loss_name}/ε = {fmt_num(result.numeric, 5)}\n"
            f"{partial(loss_name, name)} = {fmt_num(result.analytic, 5)}   {verdict}")


def badge_of(results: list[WiggleResult]) -> tuple[str, str]:
    """The node badge after checking: '✓ ΔL/ε' (ok) or '✗ ΔL/ε' (fail)."""
    good = all(r.ok for r in results)
    return ("✓ ΔL/ε" if good else "✗ ΔL/ε"), ("ok" if good else "fail")


class WigglePanel(QWidget):
    """Wiggle the node selected on the canvas, or check every parameter at once."""

    badges_changed = Signal(dict)  # node id → (badge text, tone)

    def __init__(self, feeds_of: Callable[[], Feeds], parent: QWidget | None = None):
        super().__init__(parent)
        self.feeds_of = feeds_of
        self.graph: Graph | None = None
        self.node_id: str | None = None
        self.results: dict[str, list[WiggleResult]] = {}
        intro = QLabel("“If I wiggle x a tiny bit, how does L change?” Select a node, then Wiggle.")
        intro.setWordWrap(True)
        self.target = QLabel("nothing selected")
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("entry, e.g. 0, 2 (empty: largest gradient)")
        self.eps = QComboBox()
        self.eps.addItems(EPSILONS)
        self.eps.setCurrentText("0.0001")
        self.wiggle_button = QPushButton("Wiggle")
        self.check_button = QPushButton("Check all parameters")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.result.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.result.setFont(font)
        row = QHBoxLayout()
        row.addWidget(QLabel("ε"))
        row.addWidget(self.eps)
        row.addWidget(self.wiggle_button)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        for widget in (intro, self.target, self.entry):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.wiggle_button.clicked.connect(self.run_selected)
        self.check_button.clicked.connect(self.run_all)

    def set_graph(self, graph: Graph) -> None:
        """Follow a new graph; earlier results and the typed entry are forgotten."""
        self.graph = graph
        self.entry.clear()
        self.select(None)
        self.forget(force=True)

    def forget(self, force: bool = False) -> None:
        """Drop the results and their badges (the graph or its weights changed since they were made)."""
        if self.results or force:
            self.results.clear()
            self.result.setText("")
            self.badges_changed.emit({})

    def select(self, node_id: str | None) -> None:
        """The node to wiggle (from the canvas selection)."""
        self.node_id = node_id if self.graph is not None and node_id in self.graph.nodes else None
        self.target.setText(f"wiggle: {self.graph.nodes[self.node_id].name}" if self.node_id else
                            "nothing selected: click a parameter or any computed node")
        self.wiggle_button.setEnabled(self.node_id is not None)

    def _index(self) -> tuple[int, ...] | None:
        text = self.entry.text().strip()
        if not text:
            return None
        try:
            return tuple(int(p) for p in text.replace("[", "").replace("]", "").split(",") if p.strip())
        except ValueError:
            raise ValueError(f"entry: expected whole numbers such as 0, 2, got {text!r}") from None

    def run_selected(self) -> WiggleResult | None:
        """Wiggle the selected node; the answer (or the reason it cannot be done) shows in the panel."""
        if self.graph is None or self.node_id is None:
            self.result.setText("Select a node on the canvas first.")
            return None
        try:
            result = wiggle(self.graph, self.feeds_of(), self.node_id, self._index(), float(self.eps.currentText()))
        except (EngineError, ValueError, IndexError) as exc:
            self.result.setText(f"Cannot wiggle: {exc}")
            return None
        self.results[self.node_id] = [result]
        self.result.setText(result_text(result, "L"))
        self.badges_changed.emit({n: badge_of(r) for n, r in self.results.items()})
        return result

    def run_all(self) -> dict[str, list[WiggleResult]]:
        """Check every parameter; each gets a ✓ or ✗ badge."""
        if self.graph is None:
            return {}
        try:
            self.results = check_all(self.graph, self.feeds_of(), eps=float(self.eps.currentText()))
        except (EngineError, ValueError) as exc:
            self.result.setText(f"Cannot check: {exc}")
            return {}
        failed = [self.graph.nodes[n].name for n, rs in self.results.items() if not all(r.ok for r in rs)]
        self.result.setText(f"Checked {len(self.results)} parameters: " +
                            ("all agree ✓" if not failed else "✗ differs at " + ", ".join(failed)))
        self.badges_changed.emit({n: badge_of(r) for n, r in self.results.items()})
        return self.results
