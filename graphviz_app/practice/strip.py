"""The practice strip of presentation mode: the question, the answer box and the feedback in large type.

It lies along the top of the canvas (the presentation caption keeps the bottom), so a class can read the question
from the back of the hall while the lecturer types what it calls out.
"""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .controller import PracticeController
from .widgets import KEY_HELP, AnswerEdit, feedback_html, pixel_font

STRIP_STYLE = ("QFrame#practice_strip { background: rgba(255, 255, 255, 240); border: 2px solid #303030;"
               " border-radius: 8px; } QLabel { color: #000000; background: transparent; }"
               " QLineEdit { color: #000000; background: #ffffff; border: 2px solid #1565c0; border-radius: 4px; }")
MARGIN = 16
PROMPT_PX, ANSWER_PX, FEEDBACK_PX, HELP_PX = 36, 36, 30, 18


class PracticeStrip(QFrame):
    """A large question-and-answer band over the top of the canvas, shown in presentation mode."""

    def __init__(self, controller: PracticeController, view: QWidget, reserve_top: Callable[[int], None]):
        super().__init__(view)
        self.reserve_top = reserve_top  # keeps a band free at the top of the canvas (Presentation.reserve_top)
        self.setObjectName("practice_strip")
        self.controller = controller
        self._index = -1  # the question shown, to clear the answer box when another one comes
        self.view = view
        self.setStyleSheet(STRIP_STYLE)
        self.progress = QLabel()
        self.progress.setFont(pixel_font(HELP_PX + 4))
        self.prompt = QLabel()
        self.prompt.setFont(pixel_font(PROMPT_PX, bold=True))
        self.prompt.setWordWrap(True)
        self.answer = AnswerEdit()
        self.answer.setFont(pixel_font(ANSWER_PX))
        self.answer.setPlaceholderText("the answer, e.g. 1/6")
        self.answer.setMinimumWidth(320)
        self.feedback = QLabel()
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setFont(pixel_font(FEEDBACK_PX))
        self.feedback.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setFont(pixel_font(FEEDBACK_PX - 2))
        self.hint.setWordWrap(True)
        self.keys = QLabel(KEY_HELP + " · Esc: leave presentation")
        self.keys.setFont(pixel_font(HELP_PX))
        self.keys.setStyleSheet("color: #555555")
        row = QHBoxLayout()
        row.addWidget(self.prompt, 3)
        row.addWidget(self.answer, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        layout.addWidget(self.feedback)
        layout.addWidget(self.hint)
        layout.addWidget(self.keys)
        self._connect()
        view.installEventFilter(self)
        self.hide()

    def _connect(self) -> None:
        c = self.controller
        self.answer.answer_to(c)
        c.changed.connect(self.refresh)
        c.feedback.connect(self._feedback)
        c.hint_shown.connect(lambda text: self._set_hint(text))

    def _feedback(self, outcome: str, text: str) -> None:
        self.feedback.setText(feedback_html(outcome, text))
        self.feedback.setVisible(bool(text))
        if outcome in ("wrong", "unreadable"):
            self.answer.selectAll()
        self.place()

    def _set_hint(self, text: str) -> None:
        self.hint.setText(f"Hint: {html.escape(text)}" if text else "")
        self.hint.setVisible(bool(text))
        self.place()

    def refresh(self) -> None:
        """The current question and the score."""
        session = self.controller.session
        if session is None or session.current is None:
            self._index = -1
            return
        state = session.state
        self.progress.setText(f"Question {session.index + 1} of {len(session.questions)} · "
                              f"{session.current.where} · {session.score().text()}")
        self.prompt.setText(session.current.prompt)
        if session.index != self._index or state.done:
            self._index = session.index
            self.answer.setText(state.answers[-1] if state.done and state.answers else "")
        self.answer.setReadOnly(state.done)
        self.place()

    def present(self, on: bool) -> None:
        """Show the strip (with the focus in the answer box) or hide it; the canvas makes room for it."""
        self.setVisible(on)
        if not on:
            self.reserve_top(0)
        else:
            self.feedback.setVisible(bool(self.feedback.text()))
            self.hint.setVisible(bool(self.hint.text()))
            self.refresh()
            self.raise_()
            # presentation mode gives the canvas the focus once it is set up: take it back after that
            QTimer.singleShot(0, self._take_focus)

    def _take_focus(self) -> None:
        if self.isVisible():
            self.answer.setFocus()

    def place(self) -> None:
        """Across the top of the canvas, as tall as its text."""
        if not self.isVisible():
            return
        width = max(300, self.view.width() - 2 * MARGIN)
        self.setFixedWidth(width)
        self.setFixedHeight(self.layout().heightForWidth(width) if self.layout().hasHeightForWidth()
                            else self.sizeHint().height())
        self.move(MARGIN, MARGIN)
        self.raise_()
        self.reserve_top(self.height() + 2 * MARGIN)  # the camera frames the step below the strip

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.place()
        return False
