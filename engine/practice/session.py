"""One student working through the questions: answers, tries, hints, skips, time and score (no Qt)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from .answers import AnswerError, parse_answer
from .questions import Question
from .section import PracticeSpec


@dataclass
class QuestionState:
    """What happened to one question so far."""

    answers: list[str] = field(default_factory=list)  # every answer that used up a try, as typed
    right: bool = False
    done: bool = False  # answered right, or out of tries (then the answer is shown)
    hint: bool = False  # the hint was shown
    hint_first: bool = False  # … before the first answer
    skipped: bool = False  # skipped and not answered since
    seconds: float = 0.0

    @property
    def tries(self) -> int:
        """Answers that counted."""
        return len(self.answers)

    @property
    def first_try(self) -> bool:
        """Right with the first answer, without a hint before it."""
        return self.right and self.tries == 1 and not self.hint_first


@dataclass(frozen=True)
class Feedback:
    """What the student is told after pressing Enter."""

    outcome: str  # right, wrong, shown (out of tries: the answer is given), unreadable, done (already answered)
    message: str

    @property
    def finished_question(self) -> bool:
        """True when this answer closed the question (right, or the last try)."""
        return self.outcome in ("right", "shown")


@dataclass(frozen=True)
class Score:
    """How a session stands: right answers, of which at the first try, hints, skips, questions."""

    right: int
    first_try: int
    answered: int  # done: right, or out of tries
    hints: int
    skipped: int
    total: int

    def text(self) -> str:
        """'3 of 8 right (2 at the first try)'."""
        return f"{self.right} of {self.total} right ({self.first_try} at the first try)"


class PracticeSession:
    """A walk through a list of questions; `clock` gives seconds (injected by tests)."""

    def __init__(self, questions: list[Question], spec: PracticeSpec,
                 clock: Callable[[], float] = time.monotonic):
        self.questions = list(questions)
        self.spec = spec
        self.states = [QuestionState() for _ in self.questions]
        self.index = 0
        self.clock = clock
        self.started = clock()
        self._last = self.started

    # ----- where we are
    @property
    def current(self) -> Question | None:
        """The question on screen (None when there are none)."""
        return self.questions[self.index] if self.questions else None

    @property
    def state(self) -> QuestionState:
        """What happened to the current question."""
        return self.states[self.index]

    @property
    def finished(self) -> bool:
        """True when every question is done."""
        return all(s.done for s in self.states)

    def tries_left(self) -> int | None:
        """Tries left on the current question (None: no limit)."""
        if self.spec.tries == 0:
            return None
        return max(0, self.spec.tries - self.state.tries)

    def elapsed(self) -> float:
        """Seconds since the session started."""
        return self.clock() - self.started

    def _tick(self) -> None:
        """Time since the last action goes to the current question while it is open."""
        now = self.clock()
        if self.questions and not self.state.done:
            self.state.seconds += now - self._last
        self._last = now

    # ----- actions
    def submit(self, text: str) -> Feedback:
        """Judge a typed answer to the current question."""
        self._tick()
        question, state = self.current, self.state
        if question is None:
            return Feedback("done", "there are no questions")
        if state.done:
            return Feedback("done", "already answered: go on to the next question")
        try:
            answer = parse_answer(text)
        except AnswerError as exc:
            return Feedback("unreadable", f"cannot read that: {exc}")
        verdict = question.check(answer, self.spec.tolerance)
        if not verdict.counts:
            return Feedback("unreadable", verdict.message)
        state.answers.append(text.strip())
        state.skipped = False
        if verdict.right:
            state.right = state.done = True
            return Feedback("right", "right" + (" at the first try" if state.first_try else ""))
        left = self.tries_left()
        if left == 0:
            state.done = True
            return Feedback("shown", f"{verdict.message}. The answer is {question.answer_text()}")
        more = "" if left is None else f" ({left} {'try' if left == 1 else 'tries'} left)"
        return Feedback("wrong", f"{verdict.message}{more}")

    def hint(self) -> str:
        """The current question's hint (remembered: a first-try answer after it no longer counts as one)."""
        self._tick()
        question, state = self.current, self.state
        if question is None:
            return ""
        if not state.done:
            state.hint = True
            state.hint_first = state.hint_first or state.tries == 0
        return question.hint

    def skip(self) -> None:
        """Leave the current question open and go to the next one that is not done."""
        self._tick()
        if self.questions and not self.state.done:
            self.state.skipped = True
        self.go(self._next_open())

    def go(self, index: int) -> None:
        """Show question `index` (clamped to the list)."""
        self._tick()
        if self.questions:
            self.index = max(0, min(int(index), len(self.questions) - 1))

    def next(self) -> None:
        """The next question (the last stays)."""
        self.go(self.index + 1)

    def previous(self) -> None:
        """The question before (the first stays)."""
        self.go(self.index - 1)

    def _next_open(self) -> int:
        """The first question after the current one that is not done (wrapping round), else the next one."""
        count = len(self.questions)
        for step in range(1, count + 1):
            k = (self.index + step) % count
            if not self.states[k].done and k != self.index:
                return k
        return min(self.index + 1, count - 1)

    def advance(self) -> None:
        """After a question is closed: on to the next open question."""
        self.go(self._next_open())

    # ----- results
    def score(self) -> Score:
        """The score so far."""
        return Score(right=sum(s.right for s in self.states), first_try=sum(s.first_try for s in self.states),
                     answered=sum(s.done for s in self.states), hints=sum(s.hint for s in self.states),
                     skipped=sum(s.skipped and not s.done for s in self.states), total=len(self.states))
