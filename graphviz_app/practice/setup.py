"""The lecturer's side of the Practice dock: what is asked, how it is judged, saved into the graph (undoable)."""
from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from engine.errors import EngineError
from engine.fileformat.errors import FileFormatError
from engine.graph import Graph
from engine.practice import PracticeError, PracticeSpec, Tolerance, parse_section, prepare
from engine.practice.section import (ALL, DEFAULT_SPEC, EDGE_KINDS, KIND_NAMES, KIND_WORDS, KINDS, META_KEY, Ask,
                                     learning_rate)

from ..commands.meta import SetMetaCommand
from ..window.contract import Workbench

PREVIEW_DELAY_MS = 300


def _spin(low: int, high: int, at_low: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSpecialValueText(at_low)
    return box


def _double(decimals: int, low: float, high: float, step: float, at_low: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSpecialValueText(at_low)
    return box


class SetupPanel(QWidget):
    """A form for the practice section; Save pushes one undo command that sets graph.meta["practice"]."""

    def __init__(self, window: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        self.graph: Graph | None = None
        self._chosen: list[Ask] = []  # the file's own chosen steps, kept when nothing is selected
        self._stale = True  # the preview waits until the form is shown
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Backward by hand: b = log(w·x)")
        self.instructions = QLineEdit()
        self.instructions.setPlaceholderText("e.g. Four significant digits; use the hint if you are stuck.")
        self.kinds = {kind: QCheckBox(KIND_NAMES[kind]) for kind in KINDS}
        self.every = QRadioButton("at every step")
        self.selected = QRadioButton("only at the selected edges and nodes")
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.every)
        self.scope.addButton(self.selected)
        self.tries, self.digits = _spin(0, 100, "unlimited"), _spin(1, 15)
        self.relative, self.lr = _double(6, 0.000001, 0.5, 0.0005), _double(4, 0.0, 100.0, 0.01, "the graph's α")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.save = QPushButton("Save int&o the Graph")
        self.save.setToolTip("Store these questions in the graph (undoable); File ▸ Save writes them to the file")
        self.remove = QPushButton("Re&move from the Graph")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.preview)
        self._lay_out()
        self._connect()
        self.set_graph(window.graph)

    def _lay_out(self) -> None:
        kinds = QHBoxLayout()
        for box in self.kinds.values():
            kinds.addWidget(box)
        kinds.addStretch(1)
        scope = QHBoxLayout()
        scope.addWidget(self.every)
        scope.addWidget(self.selected)
        scope.addStretch(1)
        judged = QHBoxLayout()
        for label, widget in (("tries", self.tries), ("relative tolerance", self.relative),
                              ("or significant digits", self.digits), ("α of the updates", self.lr)):
            judged.addWidget(QLabel(label))
            judged.addWidget(widget)
        judged.addStretch(1)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Instructions", self.instructions)
        form.addRow("Ask for", kinds)
        form.addRow("Where", scope)
        form.addRow("Judging", judged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def _connect(self) -> None:
        for box in self.kinds.values():
            box.toggled.connect(self._timer.start)
        for widget in (self.tries, self.digits):
            widget.valueChanged.connect(self._timer.start)
        for spin in (self.relative, self.lr):
            spin.valueChanged.connect(self._timer.start)
        self.scope.buttonToggled.connect(self._timer.start)
        self.save.clicked.connect(self.save_into_graph)
        self.remove.clicked.connect(self.remove_from_graph)
        self.window.scene.selectionChanged.connect(self._selection_changed)

    def _selection_changed(self) -> None:
        if self.selected.isChecked() and self.isVisible():
            self._timer.start()

    # ----- the graph
    def set_graph(self, graph: Graph) -> None:
        """Follow another graph: the form shows its section."""
        if self.graph is not None:
            self.graph.events.meta_changed.unsubscribe(self._meta_changed)
        self.graph = graph
        graph.events.meta_changed.subscribe(self._meta_changed)
        self.load()

    def _meta_changed(self, key: str) -> None:
        if key == META_KEY:
            self.load()

    def load(self) -> None:
        """Fill the form from the graph's section (every backward product when it has none)."""
        assert self.graph is not None
        section = self.graph.meta.get(META_KEY)
        try:
            spec = DEFAULT_SPEC if section is None else parse_section(section)
        except FileFormatError as exc:
            self.summary.setText(f"The graph's practice section cannot be read: {exc}")
            spec = DEFAULT_SPEC
        self._fill(spec)
        self.remove.setEnabled(section is not None)
        if self.isVisible():
            self.preview()
        else:
            self.summary.setText("")
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        """The preview runs the graph: only when the lecturer looks at the form (not at every start-up)."""
        super().showEvent(event)
        if self._stale:
            self.preview()

    def _fill(self, spec: PracticeSpec) -> None:
        widgets = [self.title, self.instructions, self.tries, self.relative, self.digits, self.lr,
                   *self.kinds.values(), self.every, self.selected]
        for widget in widgets:
            widget.blockSignals(True)
        self.title.setText(spec.title)
        self.instructions.setText(spec.instructions)
        asked = {a.kind for a in spec.ask}
        for kind, box in self.kinds.items():
            box.setChecked(kind in asked)
        self._chosen = [a for a in spec.ask if a.at != ALL]
        (self.selected if self._chosen else self.every).setChecked(True)
        self.tries.setValue(spec.tries)
        self.relative.setValue(spec.tolerance.relative)
        self.digits.setValue(spec.tolerance.digits)
        self.lr.setValue(spec.lr or 0.0)
        for widget in widgets:
            widget.blockSignals(False)

    # ----- the spec in the form
    def _asks(self, kinds: list[str]) -> list[Ask] | str:
        if self.every.isChecked():
            return [Ask(kind) for kind in kinds]
        edges, nodes = self.window.scene.selected_edge_ids(), self.window.scene.selected_node_ids()
        if not edges and not nodes:
            kept = [a for a in self._chosen if a.kind in kinds]
            return kept or "select the edges (and nodes) to ask about on the canvas first"
        return [Ask(kind, at) for kind in kinds for at in (edges if kind in EDGE_KINDS else nodes)]

    def spec(self) -> PracticeSpec | str:
        """The form as a spec, or what is missing in words."""
        kinds = [kind for kind, box in self.kinds.items() if box.isChecked()]
        if not kinds:
            return "tick at least one kind of question"
        asks = self._asks(kinds)
        if isinstance(asks, str):
            return asks
        if not asks:
            return "the selection has no edge or node for the kinds ticked"
        return PracticeSpec(tuple(asks), self.title.text().strip()[:200], self.instructions.text().strip()[:5000],
                            self.tries.value(), Tolerance(self.relative.value(), self.digits.value()),
                            self.lr.value() or None)

    def _checked(self) -> tuple[PracticeSpec, str] | str:
        """(spec, summary) when the form asks at least one question of this graph, else the problem."""
        assert self.graph is not None
        spec = self.spec()
        if isinstance(spec, str):
            return spec
        try:
            parse_section(spec.to_dict())
            practice = prepare(self.graph, spec)
        except (FileFormatError, PracticeError, EngineError, ValueError) as exc:
            return str(exc)
        counts = Counter(q.kind for q in practice.questions)
        if not counts:
            return "these choices ask nothing on this graph" + (f": {practice.notes[0]}" if practice.notes else "")
        parts = ", ".join(f"{n} {KIND_WORDS[k][n > 1]}" for k, n in counts.items())
        alpha = f"; updates with α = {learning_rate(self.graph, spec):g}" if "update" in counts else ""
        notes = "".join(f"\n{note}" for note in practice.notes)
        return spec, f"Asks {sum(counts.values())} questions: {parts}{alpha}.{notes}"

    def preview(self) -> None:
        """Say how many questions the form asks (or what is wrong with it)."""
        self._stale = False
        checked = self._checked()
        self.summary.setText(checked if isinstance(checked, str) else checked[1])
        self.save.setEnabled(not isinstance(checked, str))

    def save_into_graph(self) -> bool:
        """Push the command that stores the section; False (and why, in the summary) when the form asks nothing."""
        assert self.graph is not None
        checked = self._checked()
        if isinstance(checked, str):
            self.summary.setText(f"Not saved: {checked}")
            return False
        spec, summary = checked
        self.window.undo_stack.push(SetMetaCommand(self.graph, META_KEY, spec.to_dict(), "Set practice questions"))
        self.window.show_status(f"Practice questions set: {summary.splitlines()[0]} (File ▸ Save keeps them)")
        return True

    def remove_from_graph(self) -> None:
        """Push the command that removes the section (practice then asks every backward product)."""
        assert self.graph is not None
        if META_KEY in self.graph.meta:
            self.window.undo_stack.push(SetMetaCommand(self.graph, META_KEY, None, "Remove practice questions"))
