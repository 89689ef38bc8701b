"""A graph made ready for practice: its section, the trace, the questions, notes and the graph's hash."""
from __future__ import annotations

from dataclasses import dataclass

from ..fileformat.errors import FileFormatError
from ..graph import Graph
from ..trace import Trace
from .fingerprint import graph_hash
from .questions import PracticeError, Question, build_questions, practice_trace
from .section import PracticeSpec, spec_of


@dataclass
class Practice:
    """Everything a session on one graph needs."""

    spec: PracticeSpec
    trace: Trace
    questions: list[Question]
    notes: list[str]  # what the section asks but could not be asked, in words
    graph_hash: str
    title: str

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if it is asked."""
        return next((q for q in self.questions if q.id == question_id), None)


def prepare(graph: Graph, spec: PracticeSpec | None = None) -> Practice:
    """Practice on `graph` with its own section (or `spec`); PracticeError says why it cannot start."""
    if spec is None:
        try:
            spec = spec_of(graph)
        except FileFormatError as exc:
            raise PracticeError(str(exc)) from None
    trace = practice_trace(graph, spec)
    questions, notes = build_questions(graph, trace, spec)
    title = spec.title or str(graph.meta.get("title") or "Practice")
    return Practice(spec, trace, questions, notes, graph_hash(graph, spec), title)
