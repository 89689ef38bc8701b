"""Practice mode: the Practice dock (the student's questions, and the lecturer's choice of what is asked),
Run ▸ Practice (Ctrl+Shift+A), and a large question strip in presentation mode.

`PracticeMode(window, explain)` is built by the main window after explain mode, whose canvas, player and
presentation it uses through their public API. Everything computed lives in engine.practice.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget

from engine.graph import Graph
from engine.trace import Trace

from ..explain import ExplainMode
from ..window.contract import Workbench
from .controller import PracticeController
from .panel import PracticePanel
from .setup import SetupPanel
from .strip import PracticeStrip

SHORTCUT = "Ctrl+Shift+A"
ATTEMPT_FILTER = "Practice attempts (*.json)"
STEP_LOCK = "A practice question is open: type the answer and press Enter (H: hint, S: skip)"


class PracticeMode:
    """Everything practice mode adds to one window (the window keeps it as `practice`)."""

    def __init__(self, window: Workbench, explain: ExplainMode):
        self.window = window
        self.explain = explain
        self.controller = PracticeController(window.graph, explain.controller.player, self._show_trace,
                                             parent=window.host)
        self.controller.message.connect(window.show_status)
        self.panel = PracticePanel(self.controller, self.start, self.save_attempt)
        self.setup = SetupPanel(window)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.panel, "Practise")
        self.tabs.addTab(self.setup, "Set Questions")
        self.dock = window.add_dock("Practice", self.tabs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.strip = PracticeStrip(self.controller, window.view, explain.presentation.reserve_top)
        self.actions = {"start": self._action()}
        window.menus["run"].addSeparator()
        window.menus["run"].addAction(self.actions["start"])
        window.add_actions("practice", self.actions)
        self.panel.student.setText(str(window.settings.value("practice/student", "")))
        window.graph_replaced.connect(self._graph_replaced)
        explain.presentation.changed.connect(self._presenting)
        self.controller.running_changed.connect(lambda _on: self._presenting(explain.presentation.active))
        self.controller.changed.connect(self._lock_steps)
        self.controller.running_changed.connect(lambda _on: self._lock_steps())

    def _lock_steps(self) -> None:
        """An open question's step is practice's: explain's Space, arrows and run commands would reveal it."""
        self.explain.controller.lock_steps(STEP_LOCK if self.controller.question_open else None)

    def _action(self) -> QAction:
        action = QAction("Practice: &Type the Answers", self.window.host)
        action.setObjectName("practice_start")
        action.setShortcut(QKeySequence(SHORTCUT))
        tip = "Hide chosen numbers as “?” and type each one, with hints and a score"
        action.setToolTip(f"{tip} ({SHORTCUT})")
        action.setStatusTip(tip)
        action.triggered.connect(self.start)
        return action

    def start(self) -> bool:
        """Start a session with the dock in front and the focus in the answer box."""
        started = self.controller.start(self.window.document.path or "")
        self._bring_forward()
        if started:
            target = self.strip.answer if self.explain.presentation.active else self.panel.answer
            target.setFocus()
        return started

    def _bring_forward(self) -> None:
        if not self.explain.presentation.active:  # presentation mode hides every dock; the strip shows instead
            self.dock.show()
            self.dock.raise_()
            self.tabs.setCurrentWidget(self.panel)

    def _show_trace(self, trace: Trace) -> None:
        """The practice trace on the canvas; the window brings the Explain dock forward, practice takes it back."""
        self.window.show_trace(trace)
        self._bring_forward()

    def _graph_replaced(self, graph: Graph) -> None:
        self.controller.set_graph(graph)
        self.setup.set_graph(graph)

    def _presenting(self, on: bool) -> None:
        self.strip.present(on and self.controller.running)

    def save_attempt(self) -> None:
        """Ask where to save the attempt (named after the graph and the student) and write it."""
        student = self.panel.student.text().strip()
        if not student:
            self.panel.feedback.setText("Type your name first: the attempt is graded under it.")
            self.panel.student.setFocus()
            return
        self.window.settings.setValue("practice/student", student)
        graph_path = self.window.document.path or ""
        folder = Path(graph_path).parent if graph_path else Path.home()
        stem = Path(graph_path).stem if graph_path else (self.window.document.example or "practice")
        suggested = str(folder / f"{stem}-{re.sub(r'[^A-Za-z0-9]+', '_', student).strip('_') or 'attempt'}.json")
        path = self.window.prompts.export_path("Save attempt", suggested, ATTEMPT_FILTER)
        if not path:
            return
        problem = self.controller.save_attempt(path, student)
        if problem:
            self.window.prompts.error("Cannot save the attempt", problem)
        else:
            self.window.show_status(f"Attempt saved: {path}")
