"""Practice mode's controller: one session on the window's graph, and the canvas at each question's step.

The canvas is explain mode's: the practice trace is handed to the window (`show_trace`) and the player is driven
through its public API only. A question's step is shown with its result hidden (predict mode, then one step on);
when the question is closed the player reveals it.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.errors import EngineError
from engine.graph import Graph
from engine.practice import Practice, PracticeError, PracticeSession, make_record, prepare, write_attempt
from engine.practice.attempt import now_text
from engine.practice.session import Feedback
from engine.trace import Trace

from ..explain.player import TracePlayer

WATCHED = ("node_added", "node_removed", "edge_added", "edge_removed", "attr_changed", "node_renamed",
           "value_changed")
WATCHED_META = ("practice", "sample", "training")  # what the questions and answers depend on


class PracticeController(QObject):
    """Starts, drives and ends a practice session; the views listen to its signals."""

    changed = Signal()  # the question, its state or the score changed
    feedback = Signal(str, str)  # outcome (right, wrong, shown, unreadable, done), message
    hint_shown = Signal(str)
    message = Signal(str)  # for the status bar
    running_changed = Signal(bool)

    def __init__(self, graph: Graph, player: TracePlayer, show_trace: Callable[[Trace], None],
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None):
        super().__init__(parent)
        self.player = player
        self.show_trace = show_trace
        self.clock = clock
        self.graph: Graph | None = None
        self.practice: Practice | None = None
        self.session: PracticeSession | None = None  # the session on now
        self.last: PracticeSession | None = None  # the latest session, on or ended: its answers can be saved
        self.started_at = ""
        self.graph_file = ""  # the file practised, named in the attempt
        self._predict_before = False
        self._on_canvas = False  # the player is showing our trace (explain mode may have loaded another)
        self._loading = False
        player.loaded.connect(self._player_loaded)
        self.set_graph(graph)

    # ----- following the graph
    def set_graph(self, graph: Graph) -> None:
        """Practise another graph (New, Open): a running session ends."""
        self.stop()
        if self.graph is not None:
            self._subscribe(self.graph, False)
        self.graph = graph
        self._subscribe(graph, True)

    def _subscribe(self, graph: Graph, on: bool) -> None:
        graph.events.follow(WATCHED, self._graph_edited, on)
        graph.events.follow(["meta_changed"], self._meta_changed, on)

    def _graph_edited(self, *_args: Any) -> None:
        if self.session is not None:
            self.stop()
            self.message.emit("The graph changed: start the practice again to answer questions about it")

    def _meta_changed(self, key: str) -> None:
        if key in WATCHED_META:
            self._graph_edited()

    def _player_loaded(self) -> None:
        if not self._loading:
            self._on_canvas = False

    # ----- the session
    @property
    def running(self) -> bool:
        """True while a session is on."""
        return self.session is not None

    @property
    def question_open(self) -> bool:
        """True while the question on the canvas waits for its answer (its result hidden)."""
        session = self.session
        return session is not None and session.current is not None and not session.state.done

    def start(self, graph_file: str = "") -> bool:
        """A new session on the graph's questions (from `graph_file`); False, with a message, when it cannot start."""
        assert self.graph is not None
        self.stop()
        try:
            practice = prepare(self.graph)
        except (PracticeError, EngineError, ValueError) as exc:
            self.message.emit(f"Cannot practise: {exc}")
            self.feedback.emit("unreadable", f"Cannot practise this graph: {exc}")
            return False
        if not practice.questions:
            why = "; ".join(practice.notes) or "the graph has no step of the kinds asked"
            self.message.emit(f"Nothing to practise: {why}")
            self.feedback.emit("unreadable", f"Nothing to practise: {why}")
            return False
        self.practice = practice
        self.session = self.last = PracticeSession(practice.questions, practice.spec, self.clock)
        self.started_at, self.graph_file = now_text(), Path(graph_file).name if graph_file else ""
        self._predict_before = self.player.predict
        self._on_canvas = False
        self.running_changed.emit(True)
        self._show_question()
        self.changed.emit()
        return True

    def stop(self) -> None:
        """End the session; its answers can still be saved until another one starts."""
        if self.session is None:
            return
        self.session = None
        self.player.set_predict(self._predict_before)
        self.running_changed.emit(False)
        self.changed.emit()

    # ----- answering
    def submit(self, text: str) -> Feedback | None:
        """Judge an answer; on a closed question, go on to the next open one instead."""
        if self.session is None:
            return None
        if self.session.state.done:
            self.advance()
            return None
        result = self.session.submit(text)
        message = result.message
        if result.finished_question:
            self._reveal()
            message += (f". All done: {self.session.score().text()}; Save Attempt… keeps your answers"
                        if self.session.finished else ". Enter: the next question")
        self.feedback.emit(result.outcome, message)
        self.changed.emit()
        return result

    def hint(self) -> str:
        """Show the current question's hint."""
        if self.session is None:
            return ""
        text = self.session.hint()
        self.hint_shown.emit(text)
        self.changed.emit()
        return text

    def skip(self) -> None:
        """Leave the question open and go to the next open one."""
        if self.session is not None:
            self.session.skip()
            self._moved()

    def advance(self) -> None:
        """On to the next open question (after one is closed)."""
        if self.session is not None:
            self.session.advance()
            self._moved()

    def go(self, index: int) -> None:
        """Show question `index`."""
        if self.session is not None:
            self.session.go(index)
            self._moved()

    def next(self) -> None:
        """The next question."""
        if self.session is not None:
            self.go(self.session.index + 1)

    def previous(self) -> None:
        """The question before."""
        if self.session is not None:
            self.go(self.session.index - 1)

    def _moved(self) -> None:
        self.feedback.emit("", "")
        self.hint_shown.emit("")
        self._show_question()
        self.changed.emit()

    # ----- the canvas
    def _ensure_on_canvas(self) -> None:
        if not self._on_canvas and self.practice is not None:
            self._loading = True
            try:
                self.show_trace(self.practice.trace)
            finally:
                self._loading = False
            self._on_canvas = True

    def _show_question(self) -> None:
        """The canvas at the question's step: its result hidden while the question is open."""
        assert self.session is not None
        question = self.session.current
        if question is None:
            return
        self._ensure_on_canvas()
        if self.session.state.done:
            self.player.set_predict(False)
            self.player.seek(question.step)
            return
        self.player.set_predict(True)
        self.player.seek(question.step - 1)
        self.player.step_forward()

    def _reveal(self) -> None:
        self._ensure_on_canvas()
        self.player.reveal()

    # ----- saving
    def attempt_record(self, student: str) -> dict[str, Any]:
        """The latest session as a sealed attempt record."""
        assert self.last is not None and self.practice is not None
        return make_record(self.last, student, self.practice.graph_hash, self.graph_file, self.practice.title,
                           self.started_at)

    def save_attempt(self, path: str, student: str) -> str | None:
        """Write the latest session's attempt; None on success, else what went wrong in words."""
        if self.last is None:
            return "start the practice first"
        if not student.strip():
            return "type your name first: the attempt is graded under it"
        try:
            write_attempt(self.attempt_record(student), path)
        except EngineError as exc:
            return f"cannot save {path}: {exc}"
        except OSError as exc:
            return f"cannot save {path}: {exc.strerror or 'the file could not be written'}"
        return None
