"""The trace timeline dock: run buttons, speed, a slider over the whole trace, and the step in words."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout,
                               QWidget)

from ..setting_field import SettingField
from .player import TracePlayer
from .sample_picker import SamplePicker

BUTTONS = ("forward", "backward", "step_back", "step", "play", "sgd", "predict", "wiggle", "check_all")


def _spin(low: float, high: float, step: float, value: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    return box


class TimelineWidget(QWidget):
    """Controls of explain mode; buttons share the controller's QActions (toolbar, menu and keys)."""

    def __init__(self, player: TracePlayer, picker: SamplePicker, caption_of: Callable[[int], str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.player = player
        self.caption_of = caption_of
        self.picker = picker
        self.buttons: dict[str, QToolButton] = {}
        self.button_row = row = QHBoxLayout()
        row.addStretch(1)
        self.speed = _spin(0.2, 20.0, 0.5, player.speed, 2, "How many trace steps play per second")
        self.speed.setSuffix(" steps/s")
        self.speed.valueChanged.connect(player.set_speed)
        # the graph's one learning rate (graph.meta["training"]), shared with the training dock
        self.lr = SettingField("lr", "Learning rate α of the SGD step, Θ ← Θ − α ∇Θ L; the same α training uses",
                               show_range=False)
        for widget in (QLabel("speed"), self.speed, QLabel("α"), self.lr):
            row.addWidget(widget)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub through the trace: forward, backward and update steps")
        self.slider.setRange(-1, -1)
        self.slider.valueChanged.connect(self._scrubbed)
        self.position = QLabel("no trace")
        self.caption = QLabel("Press Forward (Ctrl+Shift+F) to run the example through the graph.")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.caption.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.caption.setFont(font)
        scrub = QHBoxLayout()
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.position)
        layout = QVBoxLayout(self)
        layout.addWidget(picker)
        layout.addLayout(row)
        layout.addLayout(scrub)
        layout.addWidget(self.caption)
        layout.addStretch(1)  # keep the controls together at the top when the dock is tall
        player.loaded.connect(self._reload)
        player.step_changed.connect(self._stepped)
        player.revealed_changed.connect(lambda _r: self._stepped(self.player.step))

    def add_buttons(self, actions: dict[str, QAction]) -> None:
        """Buttons for the run actions, in BUTTONS order, at the start of the button row."""
        for key in reversed(BUTTONS):
            if key in actions:
                button = QToolButton()
                button.setDefaultAction(actions[key])
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                self.button_row.insertWidget(0, button)
                self.buttons[key] = button

    def _reload(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(-1, self.player.last)
        self.slider.setValue(self.player.step)
        self.slider.blockSignals(False)
        self._stepped(self.player.step)

    def _stepped(self, k: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(k)
        self.slider.blockSignals(False)
        total = len(self.player)
        self.position.setText(f"step {k + 1} / {total}" if total else "no trace")
        self.caption.setText(self.caption_of(k))

    def _scrubbed(self, k: int) -> None:
        self.player.pause()
        self.player.seek(k)
