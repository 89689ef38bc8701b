"""The training controls: data set, features, optimizer, learning rate, batch size, epochs, seed, and the buttons."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QLabel, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from engine.train import TrainingSettings

from .controller import ACCEPTING, BUSY, PAUSING, RUNNING, UNTRAINABLE, TrainingController
from .worker import Snapshot

DATASETS: tuple[tuple[str, dict], ...] = (
    ("Headlines: 3 classes", {"name": "headlines", "classes": 3}),
    ("Headlines: 5 classes", {"name": "headlines", "classes": 5}),
    ("Negation: “not good” vs “good”", {"name": "negation"}),
    ("2-D: XOR", {"name": "xor"}),
    ("2-D: two moons", {"name": "moons"}),
    ("2-D: circles", {"name": "circles"}),
    ("2-D: spirals", {"name": "spirals"}),
    ("2-D: three blobs", {"name": "blobs3"}),
)
FEATURES: tuple[tuple[str, str], ...] = (
    ("unigrams", "Unigrams (bag of words)"),
    ("bigrams", "Bigrams (word pairs)"),
    ("sequence", "Token sequence (CNN)"),
    ("points", "2-D point (x₁, x₂)"),
)
OPTIMIZERS = (("sgd", "SGD  Θ ← Θ − α∇Θ"), ("momentum", "Momentum"), ("adam", "Adam"))


def dataset_index(spec: dict | None) -> int:
    """Row of DATASETS that matches a graph's data spec, or -1."""
    if not isinstance(spec, dict):
        return -1
    for k, (_, wanted) in enumerate(DATASETS):
        if all(spec.get(key, 3 if key == "classes" else None) == value for key, value in wanted.items()):
            return k
    return -1


class TrainingControls(QWidget):
    """Form and buttons; it calls the controller and mirrors its state (buttons enable and disable)."""

    dataset_chosen = Signal(dict)  # the user picked another data set: the graph may need changes
    features_chosen = Signal(str)  # "unigrams", "bigrams" or "sequence"

    def __init__(self, controller: TrainingController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self._syncing = False
        self.dataset = QComboBox()
        for text, spec in DATASETS:
            self.dataset.addItem(text, spec)
        self.dataset.setToolTip("The data this graph trains on (graph.meta['dataset'])")
        self.features = QComboBox()
        for key, text in FEATURES:
            self.features.addItem(text, key)
        self.features.setToolTip("What the encoder f(x) computes from the words")
        self.optimizer = QComboBox()
        for key, text in OPTIMIZERS:
            self.optimizer.addItem(text, key)
        self.lr = _spin_float(1e-5, 10.0, 5, "Learning rate α: a change takes effect at the next step")
        self.batch_size = _spin_int(1, 4096, "Examples per minibatch (one step)")
        self.epochs = _spin_int(1, 100_000, "How many passes over the training set Train runs")
        self.seed = _spin_int(0, 2**31 - 1, "Seed of the shuffling")
        for combo in (self.dataset, self.features, self.optimizer):
            # long entries must not widen the dock: the combo shrinks, its list still shows them whole
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self._build_buttons()
        self.progress = QLabel("")
        self.progress.setWordWrap(True)
        self.progress.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self._layout()
        self._connect()
        self.show_settings(controller.settings)
        self._on_state(controller.state)

    def _build_buttons(self) -> None:
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train for the given number of epochs (F9)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause now; the run becomes one step in Edit ▸ Undo (F9)")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Train on one minibatch (Shift+F9)")
        self.reset_button = QPushButton("Reset weights")
        self.reset_button.setToolTip("Start again from the seeded initial weights (undoable)")

    def _layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Data", self.dataset)
        form.addRow("Features", self.features)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate α", self.lr)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Epochs", self.epochs)
        form.addRow("Shuffle seed", self.seed)
        buttons = QGridLayout()
        buttons.addWidget(self.train_button, 0, 0)
        buttons.addWidget(self.pause_button, 0, 1)
        buttons.addWidget(self.step_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _connect(self) -> None:
        c = self.controller
        self.train_button.clicked.connect(lambda: c.train(self.epochs.value()))
        self.pause_button.clicked.connect(c.pause)
        self.step_button.clicked.connect(c.step)
        self.reset_button.clicked.connect(c.reset_weights)
        self.lr.valueChanged.connect(lambda v: None if self._syncing else c.set_lr(v))
        self.optimizer.currentIndexChanged.connect(lambda _i: self._setting("optimizer", self.optimizer.currentData()))
        self.batch_size.valueChanged.connect(lambda v: self._setting("batch_size", v))
        self.epochs.valueChanged.connect(lambda v: self._setting("epochs", v))
        self.seed.valueChanged.connect(lambda v: self._setting("seed", v))
        self.dataset.activated.connect(lambda i: self.dataset_chosen.emit(dict(self.dataset.itemData(i))))
        self.features.activated.connect(lambda i: self.features_chosen.emit(self.features.itemData(i)))
        c.state_changed.connect(self._on_state)
        c.settings_changed.connect(self.show_settings)
        c.redraw_due.connect(self.show_progress)
        c.status.connect(self.message.setText)

    def _setting(self, key: str, value: Any) -> None:
        if not self._syncing:
            self.controller.set_settings(**{key: value})

    def show_settings(self, settings: dict) -> None:
        """Show these training settings (missing ones at their defaults) without sending them back."""
        full = {**TrainingSettings().to_dict(), **(settings or {})}
        self._syncing = True
        try:
            self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(full["optimizer"])))
            self.lr.setValue(float(full["lr"]))
            self.batch_size.setValue(int(full["batch_size"]))
            self.epochs.setValue(int(full["epochs"]))
            self.seed.setValue(int(full["seed"]))
        finally:
            self._syncing = False

    def show_graph_kind(self, dataset: dict | None, feature: str | None) -> None:
        """Select the graph's data set and feature kind in the combo boxes."""
        self.dataset.setCurrentIndex(dataset_index(dataset))
        self.features.setCurrentIndex(self.features.findData(feature) if feature else -1)
        self.features.setEnabled(feature in ("unigrams", "bigrams", "sequence"))

    def show_progress(self, shot: Snapshot) -> None:
        """One line: epoch, step, the latest test accuracy."""
        parts = [f"epoch {shot.epoch}", f"step {shot.step}"]
        if shot.test_accuracy is not None:
            parts.append(f"test accuracy {shot.test_accuracy:.3f}")
        self.progress.setText(" · ".join(parts))

    def _on_state(self, state: str) -> None:
        accepting = state in ACCEPTING
        self.train_button.setEnabled(accepting)
        self.step_button.setEnabled(accepting)
        self.reset_button.setEnabled(accepting)
        self.pause_button.setEnabled(state == RUNNING)
        busy = state in (RUNNING, PAUSING, BUSY)
        for widget in (self.dataset, self.features, self.optimizer, self.batch_size, self.seed):
            widget.setEnabled(not busy and state != UNTRAINABLE)
        self.train_button.setText("Training…" if state == RUNNING else "Train")


def _spin_int(low: int, high: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


def _spin_float(low: float, high: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box
