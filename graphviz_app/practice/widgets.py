"""Small parts of the practice views: the answer box and its keys, feedback in words and colour, fonts."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

if TYPE_CHECKING:
    from .controller import PracticeController

MARKS = {"right": ("✓", "#1b873f"), "wrong": ("✗", "#d32f2f"), "shown": ("✗", "#d32f2f"),
         "unreadable": ("?", "#b26a00"), "done": ("→", "#1565c0")}
STATE_MARKS = {"right": "✓", "wrong": "✗", "open": "·", "skipped": "↷"}
KEY_HELP = "Enter: check (then next) · H: hint · S: skip · PgUp/PgDn: previous/next"


class AnswerEdit(QLineEdit):
    """The answer box: Enter submits; H, S, PgUp and PgDn are commands (no answer contains those letters)."""

    hint_requested = Signal()
    skip_requested = Signal()
    previous_requested = Signal()
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("type the answer: 0.1667, 1/6, −3e-2, [1, 2]")
        self.setClearButtonEnabled(True)

    def answer_to(self, controller: PracticeController) -> None:
        """Send what is typed and the command keys to the practice controller (the dock's and the strip's box)."""
        self.returnPressed.connect(lambda: controller.submit(self.text()))
        self.hint_requested.connect(controller.hint)
        self.skip_requested.connect(controller.skip)
        self.previous_requested.connect(controller.previous)
        self.next_requested.connect(controller.next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        commands = {Qt.Key.Key_H: self.hint_requested, Qt.Key.Key_S: self.skip_requested}
        moves = {Qt.Key.Key_PageUp: self.previous_requested, Qt.Key.Key_PageDown: self.next_requested}
        signal = commands.get(Qt.Key(event.key())) if plain else None
        signal = signal or moves.get(Qt.Key(event.key()))
        if signal is not None:
            signal.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def feedback_html(outcome: str, message: str) -> str:
    """Feedback as rich text: a coloured mark, then the words (in the widget's own colour)."""
    if not message:
        return ""
    mark, colour = MARKS.get(outcome, ("", ""))
    head = f"<span style='color:{colour}; font-weight:bold'>{mark}</span> " if mark else ""
    return head + html.escape(message[:1].upper() + message[1:])


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """The widget's font, `factor` times larger."""
    font = QFont(widget.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() * factor))
    font.setBold(bold)
    return font


def pixel_font(pixels: int, bold: bool = False) -> QFont:
    """A font of a given pixel size (the presentation strip matches the presentation caption)."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font
