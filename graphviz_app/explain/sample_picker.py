"""Choose the example that flows: a row of the data set, a typed headline, or typed values."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox,
                               QStackedWidget, QWidget)

from engine.data import DataError, PreparedData
from engine.graph import Graph, Node

from engine.replay import samples
from engine.replay.samples import Sample

MODES = ("dataset row", "typed headline", "typed values")


def _field_key(node: Node) -> tuple:
    """What a typed value must fit: a field whose node changed this keeps nothing typed."""
    return (node.op_name, tuple(node.attrs.get("shape", ())), node.attrs.get("dtype"), node.attrs.get("batched"))


class SamplePicker(QWidget):
    """Widgets that produce a Sample; `changed` fires whenever the chosen example changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.graph: Graph | None = None
        self.data: PreparedData | None = None
        self.value_edits: dict[str, QLineEdit] = {}
        self._value_keys: dict[str, tuple] = {}  # node id → (op, shape, dtype) its field was made for
        self.mode = QComboBox()
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._row_page())
        self.pages.addWidget(self._text_page())
        self.values_page = QWidget()
        self.values_form = QFormLayout(self.values_page)
        self.values_form.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.values_page)
        self.preview = QLabel()
        self.preview.setMinimumWidth(120)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Example:"))
        layout.addWidget(self.mode)
        layout.addWidget(self.pages, 3)
        layout.addWidget(self.preview, 2)

    def _row_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.split = QComboBox()
        self.split.addItems(["test", "train"])
        self.row = QSpinBox()
        self.row.setToolTip("Which row of the split flows through the graph")
        self.row.setMinimumWidth(80)
        for widget in (QLabel("split"), self.split, QLabel("row"), self.row):
            row.addWidget(widget)
        row.addStretch(1)
        self.split.currentIndexChanged.connect(self._row_changed)
        self.row.valueChanged.connect(self._row_changed)
        return page

    def _text_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = QLineEdit()
        self.text.setPlaceholderText("type a headline, e.g. stocks fall as oil prices rise")
        self.text_class = QComboBox()
        self.text_class.setToolTip("The true class of the typed headline (the loss needs one)")
        row.addWidget(self.text, 1)
        row.addWidget(self.text_class)
        self.text.editingFinished.connect(self.changed)
        self.text_class.currentIndexChanged.connect(self.changed)
        return page

    # ----- following the graph
    def set_graph(self, graph: Graph) -> None:
        """Offer the modes that fit this graph (dataset rows only when it names a data set)."""
        self.graph = graph
        self.preview.clear()  # the previous graph's example description goes with it
        try:
            self.data = samples.dataset_of(graph) if graph.meta.get("bindings") else None
        except DataError as exc:
            self.data = None
            self.preview.setText(f"data set not available: {exc}")
        self._fill_values()
        widgets = (self.mode, self.split, self.row, self.text, self.text_class)
        for widget in widgets:  # the previous graph's example is forgotten in one go
            widget.blockSignals(True)
        self.mode.clear()
        self.split.setCurrentIndex(0)
        self.row.setValue(0)
        self.text.clear()
        self.text_class.clear()
        if self.data is not None:
            self.mode.addItem(MODES[0])
            if self.data.kind == "text":
                self.mode.addItem(MODES[1])
            self.text_class.addItems(list(self.data.class_names))
        self.mode.addItem(MODES[2])
        for widget in widgets:
            widget.blockSignals(False)
        self._mode_changed()
        self._preset_text(graph)

    def _preset_text(self, graph: Graph) -> None:
        """Text examples start with their sample headline (meta 'sample_text'), the lecture's example."""
        text = graph.meta.get("sample_text")
        if self.data is None or self.data.kind != "text" or not text:
            return
        labels = graph.meta.get("sample", {}).get(graph.meta.get("bindings", {}).get("labels", ""), [0])
        first = int(labels[0] if isinstance(labels, list) and labels else labels or 0)
        self.set_text(text, first if 0 <= first < len(self.data.class_names) else 0)

    def _fill_values(self, keep: bool = False) -> None:
        """One field per fed node; with `keep`, what was typed for a node whose kind and shape stayed stays."""
        typed = {n: (self._value_keys.get(n), e.text()) for n, e in self.value_edits.items()} if keep else {}
        while self.values_form.rowCount():
            self.values_form.removeRow(0)
        self.value_edits.clear()
        self._value_keys = {}
        if self.graph is None:
            return
        for node_id, text in samples.default_texts(self.graph).items():
            node = self.graph.nodes[node_id]
            key = _field_key(node)
            before = typed.get(node_id)
            edit = QLineEdit(before[1] if before is not None and before[0] == key else text)
            edit.setToolTip("A number, or a list such as [1, -2, 0.5]")
            edit.editingFinished.connect(self.changed)
            self.values_form.addRow(node.name, edit)
            self.value_edits[node_id] = edit
            self._value_keys[node_id] = key

    def follow_graph(self) -> None:
        """The graph's inputs were added, removed, renamed or reshaped: the typed-value fields follow."""
        if self.graph is None:
            return
        wanted = {n.id: (n.name, _field_key(n)) for n in samples.fed_nodes(self.graph)}
        shown = {n: (self._field_name(n), self._value_keys.get(n)) for n in self.value_edits}
        if wanted != shown or list(wanted) != list(shown):
            self._fill_values(keep=True)
            self.changed.emit()

    def _field_name(self, node_id: str) -> str:
        label = self.values_form.labelForField(self.value_edits[node_id])
        return label.text() if isinstance(label, QLabel) else ""

    def _mode_changed(self) -> None:
        self.pages.setCurrentIndex(MODES.index(self.mode.currentText()) if self.mode.count() else 2)
        self._row_changed()

    def _row_changed(self) -> None:
        if self.data is not None:
            count = len(self.data.y_test if self.split.currentText() == "test" else self.data.y_train)
            self.row.setMaximum(max(0, count - 1))
        self.changed.emit()

    # ----- the sample
    def current_mode(self) -> str:
        """Which of MODES is chosen."""
        return self.mode.currentText() or MODES[2]

    def sample(self) -> Sample:
        """The chosen example; ValueError (or an engine error) says what is wrong with typed input."""
        if self.graph is None:
            raise ValueError("no graph is open")
        mode = self.current_mode()
        if mode == MODES[0] and self.data is not None:
            result = samples.row_sample(self.graph, self.data, self.split.currentText(), self.row.value())
        elif mode == MODES[1] and self.data is not None:
            result = samples.text_sample(self.graph, self.data, self.text.text(), self.text_class.currentIndex())
        else:
            result = samples.typed_sample(self.graph, {n: e.text() for n, e in self.value_edits.items()})
        self.preview.setText(result.description)
        return result

    def set_values(self, texts: dict[str, str]) -> None:
        """Type values for some nodes (by name or id) and switch to typed values."""
        assert self.graph is not None
        for key, text in texts.items():
            self.value_edits[self.graph.find(key).id].setText(text)
        self.mode.setCurrentText(MODES[2])
        self.changed.emit()

    def set_row(self, split: str, index: int) -> None:
        """Pick a dataset row."""
        self.mode.setCurrentText(MODES[0])
        self.split.setCurrentText(split)
        self.row.setValue(index)

    def set_text(self, text: str, class_index: int = 0) -> None:
        """Type a headline with its class."""
        self.mode.setCurrentText(MODES[1])
        self.text_class.setCurrentIndex(class_index)
        self.text.setText(text)
        self.changed.emit()
