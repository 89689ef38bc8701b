"""A number field for one training setting: its range shown beside it, a clear message beyond it.

graph.meta["training"] owns the settings; the training dock and explain mode's α field show them with this
field, and a committed value becomes one undo command (graphviz_app/commands/meta.py) through `push_setting`.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from engine.graph import Graph
from engine.train import SETTING_RANGES, TrainingSettings, setting_problem, setting_range_text
from engine.training.settings import SETTING_NAMES, WHOLE_SETTINGS

from .commands.meta import training_setting_command

FIELD_CHARS = 10


def parse_setting(key: str, text: str) -> tuple[float | int | None, str]:
    """(value, "") for typed text that is a valid value of the setting `key`, else (None, what is wrong)."""
    whole = key in WHOLE_SETTINGS
    kind = "a whole number" if whole else "a number such as 0.1 or 1e-3"
    if not text.strip():
        return None, f"type {kind} {setting_range_text(key)}"
    try:
        number = float(text.strip())
    except ValueError:
        return None, f"“{text.strip()}” is not a number: type {kind} {setting_range_text(key)}"
    if whole and number.is_integer() and abs(number) < 2**63:
        value: float | int = int(number)
    else:
        value = number
    problem = setting_problem(key, value, typed=text.strip())
    return (None, problem) if problem else (value, "")


def training_settings(graph: Graph | None) -> dict[str, Any]:
    """The graph's training settings as it holds them, with the defaults for those it has not."""
    given = graph.meta.get("training") if graph is not None else None
    return {**TrainingSettings().to_dict(), **(given if isinstance(given, dict) else {})}


def push_setting(stack: QUndoStack, graph: Graph, key: str, value: float | int | str) -> bool:
    """Set one training setting (a value checked already) as one undoable edit; False if it is the value in force."""
    if training_settings(graph).get(key) == value:
        return False
    stack.push(training_setting_command(graph, key, value))
    return True


def shown(value: float | int) -> str:
    """A setting as the field shows it (0.1, 1e-05, 32)."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def compact(value: float | int) -> str:
    """A range end in few characters: 1e-06, 100, 10⁵ (a power of ten from 10 000 on)."""
    if isinstance(value, int) and value >= 10_000 and str(value).rstrip("0") == "1":
        return "10" + str(len(str(value)) - 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return shown(value)


class SettingField(QWidget):
    """A line edit for one numeric setting and its range; `chosen` carries a valid value the user committed."""

    chosen = Signal(str, object)  # key, value (float or int)
    refused = Signal(str)  # what was wrong with the typed text (the field shows the value in force again)

    def __init__(self, key: str, tip: str, show_range: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.value: float | int | None = None
        self.edit = QLineEdit()
        self.edit.setToolTip(f"{tip}\nAllowed: {setting_range_text(key)}")
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("0" * FIELD_CHARS))
        low, high = SETTING_RANGES[key]
        self.hint = QLabel(f"{compact(low)} … {compact(high)}")
        self.hint.setToolTip(f"{SETTING_NAMES[key][0].upper()}{SETTING_NAMES[key][1:]} must be "
                             f"{setting_range_text(key)}")
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a hint, not a value
        self.hint.setMinimumWidth(self.hint.fontMetrics().horizontalAdvance("1e-06 … 100"))
        self.hint.setVisible(show_range)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.hint)
        self.edit.editingFinished.connect(self._commit)

    def show_value(self, value: float | int) -> None:
        """Show the value in force (without sending it back)."""
        self.value = value
        self.edit.setText(shown(value))
        self.edit.setCursorPosition(0)

    def _commit(self) -> None:
        text = self.edit.text()
        if self.value is not None and text.strip() == shown(self.value):
            return
        value, problem = parse_setting(self.key, text)
        if value is None:
            if self.value is not None:
                self.show_value(self.value)
            self.refused.emit(problem)
            return
        self.chosen.emit(self.key, value)
