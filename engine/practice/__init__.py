"""Practice mode (no Qt): questions from a trace, typed answers checked within a tolerance, hints from the ops'
own local rules, scores, sealed attempt files, and grading them.

    practice = prepare(graph)                  # the graph's meta.practice section, or every backward product
    session = PracticeSession(practice.questions, practice.spec)
    session.submit("1/6")                      # Feedback("right", …)
    write_attempt(make_record(session, "Ada", practice.graph_hash), "ada.json")
"""
from .answers import AnswerError, format_answer, parse_answer
from .attempt import Attempt, AttemptError, make_record, read_attempt, write_attempt
from .checking import Verdict, check_answer
from .fingerprint import graph_hash
from .prepare import Practice, prepare
from .questions import MAX_QUESTION_ENTRIES, PracticeError, Question, build_questions
from .section import KINDS, Ask, PracticeSpec, Tolerance, parse_section, spec_of
from .session import Feedback, PracticeSession, Score

__all__ = [
    "AnswerError", "format_answer", "parse_answer", "Attempt", "AttemptError", "make_record", "read_attempt",
    "write_attempt", "Verdict", "check_answer", "graph_hash", "Practice", "prepare", "MAX_QUESTION_ENTRIES",
    "PracticeError", "Question", "build_questions", "KINDS", "Ask", "PracticeSpec", "Tolerance", "parse_section",
    "spec_of", "Feedback", "PracticeSession", "Score",
]
