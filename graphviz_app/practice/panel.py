"""The student's side of the Practice dock: the question, the answer box, hint, skip, feedback, score, saving."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout,
                               QWidget)

from .controller import PracticeController
from .widgets import KEY_HELP, STATE_MARKS, AnswerEdit, feedback_html, scaled_font

IDLE_TEXT = ("Practice hides numbers of the backward pass as “?”; you type each one. "
             "Press Start (or Run ▸ Practice, Ctrl+Shift+A).")


def _label(text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PracticePanel(QWidget):
    """Question on the left, progress and saving on the right; every button has a key."""

    def __init__(self, controller: PracticeController, start: Callable[[], bool], save_attempt: Callable[[], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.title = _label(wrap=False)
        self.title.setFont(scaled_font(self, 1.15, bold=True))
        self.instructions = _label()
        self.where = _label(wrap=False)
        self.prompt = _label()
        self.prompt.setFont(scaled_font(self, 1.6, bold=True))
        self.form = _label()
        self.answer = AnswerEdit()
        self.answer.setFont(scaled_font(self, 1.4))
        self.feedback = _label()
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setFont(scaled_font(self, 1.2))
        self.hint = _label()
        self.buttons = self._make_buttons(start, save_attempt)
        self.score = _label()
        self.score.setFont(scaled_font(self, 1.1, bold=True))
        self.questions = QListWidget()
        self.questions.setToolTip("Every question: ✓ right, ✗ wrong, ↷ skipped, · open; click one to go to it")
        self.student = QLineEdit()
        self.student.setPlaceholderText("your name (graded under it)")
        self.notes = _label()
        self._index = -1  # the question shown, to clear the answer box when another one comes
        self._lay_out()
        self._connect()
        self.refresh()

    def _make_buttons(self, start: Callable[[], bool], save_attempt: Callable[[], None]) -> dict[str, QPushButton]:
        c = self.controller
        specs = {"start": ("Start", start, "Start (again) from the first question"),
                 "check": ("Check ⏎", lambda: c.submit(self.answer.text()), "Check the answer (Enter)"),
                 "hint": ("Hint (H)", c.hint, "The op's own rule for this step, with the numbers it needs"),
                 "skip": ("Skip (S)", c.skip, "Leave this question open and go on"),
                 "previous": ("◀ Back", c.previous, "The question before (PgUp)"),
                 "next": ("Next ▶", c.next, "The next question (PgDn)"),
                 "save": ("Save Atte&mpt…", save_attempt, "Save your answers as a file for your lecturer")}
        out = {}
        for key, (text, slot, tip) in specs.items():
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            out[key] = button
        return out

    def _lay_out(self) -> None:
        b = self.buttons
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.where)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer, 1)
        for key in ("check", "hint", "skip", "previous", "next"):
            answer_row.addWidget(b[key])
        left = QVBoxLayout()
        left.addLayout(head)
        for widget in (self.instructions, self.prompt, self.form):
            left.addWidget(widget)
        left.addLayout(answer_row)
        left.addWidget(self.feedback)
        left.addWidget(self.hint)
        left.addStretch(1)
        right = QGridLayout()
        right.addWidget(self.score, 0, 0, 1, 2)
        right.addWidget(self.questions, 1, 0, 1, 2)
        right.addWidget(QLabel("Name"), 2, 0)
        right.addWidget(self.student, 2, 1)
        right.addWidget(b["start"], 3, 0)
        right.addWidget(b["save"], 3, 1)
        right.addWidget(self.notes, 4, 0, 1, 2)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addSpacing(24)
        layout.addLayout(right, 1)
        # Tab from the answer goes to the name, then to Save Attempt (H, S and Enter are the other buttons' keys)
        QWidget.setTabOrder(self.answer, self.student)
        QWidget.setTabOrder(self.student, b["save"])

    def _connect(self) -> None:
        c = self.controller
        self.answer.answer_to(c)
        c.changed.connect(self.refresh)
        c.feedback.connect(self._show_feedback)
        c.hint_shown.connect(lambda text: self.hint.setText(f"Hint: {text}" if text else ""))
        self.questions.currentRowChanged.connect(self._row_chosen)

    def _show_feedback(self, outcome: str, text: str) -> None:
        self.feedback.setText(feedback_html(outcome, text))
        if outcome in ("wrong", "unreadable"):
            self.answer.selectAll()  # type the next try over it

    def _row_chosen(self, row: int) -> None:
        session = self.controller.session
        if session is not None and row >= 0 and row != session.index:
            self.controller.go(row)

    def refresh(self) -> None:
        """Show the controller's state: the question, the list, the score, which buttons work."""
        session, practice = self.controller.session, self.controller.practice
        running = session is not None
        for key in ("check", "hint", "skip", "previous", "next"):
            self.buttons[key].setEnabled(running)
        self.buttons["save"].setEnabled(self.controller.last is not None)
        self.answer.setEnabled(running)
        self.buttons["start"].setText("Start Again" if running else "Start")
        if not running or practice is None:
            self._show_idle()
            return
        question, state = session.current, session.state
        self.title.setText(practice.title)
        self.instructions.setText(practice.spec.instructions)
        self.instructions.setVisible(bool(practice.spec.instructions))
        self.where.setText(f"Question {session.index + 1} of {len(session.questions)} · {question.where}")
        self.prompt.setText(question.prompt)
        left = session.tries_left()
        tries = "" if left is None or state.done else f" · {left} {'try' if left == 1 else 'tries'} left"
        self.form.setText(f"Type {question.form}.{tries}   {KEY_HELP}")
        if session.index != self._index or state.done:
            self._index = session.index
            self.answer.setText(state.answers[-1] if state.done and state.answers else "")
        self.answer.setReadOnly(state.done)
        self.score.setText(("Finished: " if session.finished else "") + session.score().text())
        self._fill_list()
        self.notes.setText("\n".join(practice.notes))

    def _show_idle(self) -> None:
        self._index = -1
        self.title.setText("Practice")
        last = self.controller.last
        kept = "" if last is None else (f" The practice that ended ({last.score().text()}) can still be saved: "
                                        "type your name and press Save Attempt….")
        self.instructions.setText(IDLE_TEXT + kept)
        self.instructions.setVisible(True)
        for label in (self.where, self.prompt, self.form, self.score, self.notes):
            label.setText("")
        self.answer.clear()
        self.questions.clear()

    def _fill_list(self) -> None:
        session = self.controller.session
        assert session is not None
        self.questions.blockSignals(True)
        self.questions.clear()
        for k, (question, state) in enumerate(zip(session.questions, session.states)):
            mark = STATE_MARKS["right" if state.right else "wrong" if state.done else
                               "skipped" if state.skipped else "open"]
            self.questions.addItem(f"{mark} {k + 1}. {question.prompt.removesuffix(' = ?')}")
        self.questions.setCurrentRow(session.index)
        self.questions.blockSignals(False)
