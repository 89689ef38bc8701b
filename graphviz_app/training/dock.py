"""The training controls: data set, features, optimizer, learning rate, batch size, epochs, seed, and the buttons.

The fields show graph.meta["training"]; a committed edit is an undo command on it (the session follows the graph).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.train import LIVE_SETTINGS

from ..setting_field import SettingField, push_setting
from .session import ACCEPTING, State, TrainingSession
from .snapshot import Snapshot

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
    """Form and buttons; edits become undo commands on the graph's settings, buttons call the session."""

    dataset_chosen = Signal(dict)  # the user picked another data set: the graph may need changes
    features_chosen = Signal(str)  # "unigrams", "bigrams" or "sequence"

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._text_features = False  # the graph's features can be switched (unigrams, bigrams, sequence)
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
        self.optimizer.setToolTip("The update rule (a change builds a new optimizer: momentum and moments restart)")
        self.fields = {
            "lr": SettingField("lr", "Learning rate α: a change takes effect at the next step"),
            "batch_size": SettingField("batch_size", "Examples per minibatch (one step)"),
            "epochs": SettingField("epochs", "How many passes over the training set Train runs"),
            "seed": SettingField("seed", "Seed of the shuffling", show_range=False),  # any number will do
        }
        for combo in (self.dataset, self.features, self.optimizer):
            # long entries must not widen the dock: the combo shrinks, its list still shows them whole
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self._build_buttons()
        self.refusal = QLabel("")  # why a typed value was not taken
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #c53030")
        self.progress = QLabel("")
        self.progress.setWordWrap(True)
        self.progress.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self._layout()
        self._connect()
        self.show_settings()
        self._on_state(session.state)

    @property
    def lr(self) -> SettingField:
        """The learning-rate field."""
        return self.fields["lr"]

    @property
    def epochs(self) -> SettingField:
        """The epochs field."""
        return self.fields["epochs"]

    def _build_buttons(self) -> None:
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train for the given number of epochs, or resume a paused run (F9)")
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
        form.addRow("Learning rate α", self.fields["lr"])
        form.addRow("Batch size", self.fields["batch_size"])
        form.addRow("Epochs", self.fields["epochs"])
        form.addRow("Shuffle seed", self.fields["seed"])
        buttons = QGridLayout()
        buttons.addWidget(self.train_button, 0, 0)
        buttons.addWidget(self.pause_button, 0, 1)
        buttons.addWidget(self.step_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _connect(self) -> None:
        s = self.session
        self.train_button.clicked.connect(s.train)
        self.pause_button.clicked.connect(s.pause)
        self.step_button.clicked.connect(s.step)
        self.reset_button.clicked.connect(s.reset_weights)
        self.optimizer.activated.connect(lambda _i: self.set_setting("optimizer", self.optimizer.currentData()))
        for field in self.fields.values():
            field.chosen.connect(self.set_setting)
            field.refused.connect(self.refusal.setText)
        self.dataset.activated.connect(lambda i: self.dataset_chosen.emit(dict(self.dataset.itemData(i))))
        self.features.activated.connect(lambda i: self.features_chosen.emit(self.features.itemData(i)))
        s.state_changed.connect(self._on_state)
        s.settings_changed.connect(self.show_settings)
        s.redraw_due.connect(self.show_progress)
        s.status.connect(self.message.setText)
        s.cleared.connect(self._clear)

    def set_setting(self, key: str, value: float | int | str) -> None:
        """Change one training setting of the graph: one undoable edit of graph.meta["training"]."""
        self.refusal.setText("")
        if self.session.graph is not None:
            push_setting(self.session.undo_stack, self.session.graph, key, value)

    def show_settings(self) -> None:
        """Show the graph's training settings (missing ones at their defaults)."""
        full = self.session.settings_dict()
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(full["optimizer"])))
        for key, field in self.fields.items():
            field.show_value(full[key])

    def show_graph_kind(self, dataset: dict | None, feature: str | None) -> None:
        """Select the graph's data set and feature kind in the combo boxes."""
        self.dataset.setCurrentIndex(dataset_index(dataset))
        self.features.setCurrentIndex(self.features.findData(feature) if feature else -1)
        self._text_features = feature in ("unigrams", "bigrams", "sequence")
        self._on_state(self.session.state)

    def show_progress(self, shot: Snapshot) -> None:
        """One line: epoch (of the run's last), step, the latest test accuracy."""
        target = self.session.run_target
        parts = [f"epoch {shot.epoch}" + (f" of {target}" if target is not None else ""), f"step {shot.step}"]
        if shot.test_accuracy is not None:
            parts.append(f"test accuracy {shot.test_accuracy:.3f}")
        self.progress.setText(" · ".join(parts))

    def _clear(self) -> None:
        """Another graph: nothing of the previous one's training stays on screen."""
        self.progress.setText("")
        self.message.setText("")
        self.refusal.setText("")
        self.show_settings()

    def _on_state(self, state: State) -> None:
        accepting = state in ACCEPTING
        self.train_button.setEnabled(accepting)
        self.step_button.setEnabled(accepting)
        self.reset_button.setEnabled(accepting)
        self.pause_button.setEnabled(state is State.RUNNING)
        self.train_button.setText({State.RUNNING: "Training…", State.PAUSED: "Resume"}.get(state, "Train"))
        has_graph = state is not State.NO_GRAPH
        for key, field in self.fields.items():
            field.setEnabled(has_graph and (state is not State.RUNNING or key in LIVE_SETTINGS))
        for widget in (self.dataset, self.features, self.optimizer):
            widget.setEnabled(has_graph and state is not State.RUNNING)
        self.features.setEnabled(self.features.isEnabled() and self._text_features)
        if state is State.UNTRAINABLE:
            self.message.setText(f"This graph cannot be trained: {self.session.reason}")
