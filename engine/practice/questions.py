"""Questions from a trace: what the practice section asks, in trace order, each with its answer and hint."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import EngineError
from ..executor import explain
from ..graph import Graph
from ..replay.labels import fmt_num, math_name, partial
from ..replay.narration import Narrator
from ..replay.samples import file_feeds
from ..trace import BackwardStep, ForwardStep, NoGradStep, Step, Trace, UpdateStep
from .answers import format_answer
from .checking import Verdict, answer_shape, check_answer, form_text, is_diagonal
from .hints import Hints
from .section import ALL, EDGE_KINDS, KINDS, WHERE, PracticeSpec, Tolerance, learning_rate

MAX_QUESTION_ENTRIES = 16  # more numbers than this are not typed by hand


class PracticeError(EngineError, ValueError):
    """Practice cannot start on this graph; the message says why."""


@dataclass
class Question:
    """One quantity to type: where it is, the question in the slides' notation, its answer and its hint."""

    id: str  # kind:edge-or-node id, stable across runs (grade matches attempts by it)
    kind: str
    step: int  # the trace step the canvas shows with its result hidden
    where: str  # "backward along a → b"
    prompt: str  # "∂L/∂a = ∂b/∂a · ∂L/∂b = ?"
    expected: np.ndarray
    hint: str
    diagonal: bool = False  # a diagonal Jacobian may be typed as its diagonal
    others: dict[str, np.ndarray] = field(default_factory=dict)  # what a student may give by mistake

    @property
    def form(self) -> str:
        """What the answer looks like: a number, 3 numbers in brackets, …"""
        return form_text(self.expected, self.diagonal)

    @property
    def size(self) -> int:
        """How many numbers the answer has."""
        return int(np.size(self.expected))

    def check(self, answer: np.ndarray, tolerance: Tolerance) -> Verdict:
        """Judge a parsed answer."""
        return check_answer(answer, self.expected, tolerance, self.diagonal, self.others)

    def answer_text(self, digits: int = 4) -> str:
        """The right answer as it would be typed."""
        return format_answer(np.reshape(self.expected, answer_shape(self.expected)), digits)


def practice_trace(graph: Graph, spec: PracticeSpec) -> Trace:
    """The explained pass practice asks about: the file's own sample, with the update at the practice's α."""
    try:
        return explain(graph, file_feeds(graph), lr=learning_rate(graph, spec))
    except (EngineError, ValueError) as exc:
        raise PracticeError(f"cannot run the graph on its sample: {exc}") from None


class _Builder:
    """Turns the candidate steps of a trace into questions, keeping notes on what was left out."""

    def __init__(self, graph: Graph, trace: Trace, spec: PracticeSpec):
        self.graph, self.trace, self.spec = graph, trace, spec
        self.narrator = Narrator(graph, trace)
        self.labeller = self.narrator.labeller
        self.hints = Hints(graph, trace, self.narrator)
        self.everywhere = {a.kind for a in spec.ask if a.at == ALL}
        self.chosen = {(a.kind, a.at) for a in spec.ask if a.at != ALL}
        self.found: set[tuple[str, str]] = set()
        self.too_large: list[str] = []

    def name(self, node_id: str) -> str:
        return self.labeller.name(node_id)

    def wanted(self, kind: str, at: str) -> bool:
        return kind in self.everywhere or (kind, at) in self.chosen

    def build(self) -> list[Question]:
        questions: list[Question] = []
        for k, step in enumerate(self.trace.steps):
            for kind, at in _candidates(self.graph, step):
                if not self.wanted(kind, at):
                    continue
                self.found.add((kind, at))
                question = self.question(kind, k, step)
                if question is None:
                    continue
                if question.size > MAX_QUESTION_ENTRIES:
                    self.too_large.append(question.prompt.removesuffix(" = ?"))
                    continue
                questions.append(question)
        return questions

    def question(self, kind: str, k: int, step: Step) -> Question | None:
        if isinstance(step, ForwardStep):
            return self.value(k, step)
        if isinstance(step, UpdateStep):
            return self.update(k, step)
        assert isinstance(step, BackwardStep)
        return {"upstream": self.upstream, "local": self.local, "product": self.product}[kind](k, step)

    def value(self, k: int, step: ForwardStep) -> Question:
        definition = self.hints.definition(step.node)
        return Question(f"value:{step.node}", "value", k, f"forward: {self.name(step.node)}",
                        f"{definition} = ?", step.value, self.hints.value(step))

    def upstream(self, k: int, step: BackwardStep) -> Question:
        where = f"upstream of {self.name(step.src)} → {self.name(step.dst)}"
        prompt = f"upstream {partial(self.labeller.loss, self.name(step.dst))} = ?"
        return Question(f"upstream:{step.edge}", "upstream", k, where, prompt, step.upstream,
                        self.hints.upstream(step))

    def local(self, k: int, step: BackwardStep) -> Question | None:
        n, m = step.jacobian_shape
        if n * m > MAX_QUESTION_ENTRIES:
            self.too_large.append(f"local {partial(self.name(step.dst), self.name(step.src))}")
            return None
        jacobian = step.local_jacobian()
        where = f"local derivative on {self.name(step.src)} → {self.name(step.dst)}"
        prompt = f"local {partial(self.name(step.dst), self.name(step.src))} = ?"
        if len(answer_shape(jacobian)) == 2:
            prompt += f" (J[i, j] = ∂{math_name(self.name(step.dst))}_j/∂{math_name(self.name(step.src))}_i)"
        return Question(f"local:{step.edge}", "local", k, where, prompt, jacobian, self.hints.local(step),
                        diagonal=is_diagonal(jacobian))

    def product(self, k: int, step: BackwardStep) -> Question:
        src, dst = self.name(step.src), self.name(step.dst)
        others = {f"the upstream {partial(self.labeller.loss, dst)}": step.upstream}
        n, m = step.jacobian_shape
        if n * m <= MAX_QUESTION_ENTRIES:
            others[f"the local derivative {partial(dst, src)}"] = step.local_jacobian()
        return Question(f"product:{step.edge}", "product", k, f"backward along {src} → {dst}",
                        f"{self.labeller.chain_formula(step)} = ?", step.product, self.hints.product(step),
                        others=others)

    def update(self, k: int, step: UpdateStep) -> Question:
        name = self.name(step.node)
        others = {f"the gradient {partial(self.labeller.loss, name)}": step.grad,
                  f"{name} before the update": step.before,
                  f"{name} + α·{partial(self.labeller.loss, name)}: the update goes against the gradient":
                      step.before + step.lr * step.grad}
        prompt = f"{name} ← {name} − α·{partial(self.labeller.loss, name)} = ?"
        return Question(f"update:{step.node}", "update", k, f"SGD update of {name} (α = {fmt_num(step.lr)})", prompt,
                        step.after, self.hints.update(step), others=others)

    def notes(self) -> list[str]:
        """One line per chosen question that could not be asked, and one for answers too long to type."""
        out = [self.missing(k, a.kind, a.at) for k, a in enumerate(self.spec.ask)
               if a.at != ALL and (a.kind, a.at) not in self.found]
        if self.too_large:
            shown = ", ".join(self.too_large[:4]) + (", …" if len(self.too_large) > 4 else "")
            out.append(f"left out {len(self.too_large)} question{'s' if len(self.too_large) > 1 else ''} whose "
                       f"answer has more than {MAX_QUESTION_ENTRIES} numbers: {shown}")
        return out

    def missing(self, k: int, kind: str, at: str) -> str:
        where = f"{WHERE}.ask[{k}]"
        if kind in EDGE_KINDS:
            edge = self.graph.edges.get(at)
            if edge is None:
                return f"{where}: there is no edge {at!r} in the graph"
            arrow = f"{self.name(edge.src) if edge.src in self.trace.names else edge.src} → " \
                    f"{self.name(edge.dst) if edge.dst in self.trace.names else edge.dst}"
            nograd = next((s for s in self.trace.steps if isinstance(s, NoGradStep) and s.edge == at), None)
            if nograd is not None:
                return f"{where}: {arrow} carries no gradient ({nograd.reason})"
            return f"{where}: backward does not pass {arrow} (it does not lead to the loss)"
        node = self.graph.nodes.get(at)
        if node is None:
            return f"{where}: there is no node {at!r} in the graph"
        if kind == "value" and node.op.is_source:
            return (f"{where}: {node.name} is {_article(node.op_name)} {node.op_name}: its value is given, "
                    "not computed")
        if kind == "update" and not node.op.trainable:
            return f"{where}: {node.name} is {_article(node.op_name)} {node.op_name}; only parameters are updated"
        done = "updated" if kind == "update" else "computed"
        return f"{where}: {node.name} is not on the way to the loss, so it is not {done}"


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _candidates(graph: Graph, step: Step) -> list[tuple[str, str]]:
    """(kind, node or edge id) of the questions a step can answer, in the order they are asked."""
    if isinstance(step, ForwardStep):
        return [] if graph.nodes[step.node].op.is_source else [("value", step.node)]
    if isinstance(step, BackwardStep):
        return [(kind, step.edge) for kind in EDGE_KINDS]
    if isinstance(step, UpdateStep):
        return [("update", step.node)]
    return []


def build_questions(graph: Graph, trace: Trace, spec: PracticeSpec) -> tuple[list[Question], list[str]]:
    """The questions the spec asks about this trace, in trace order, and notes on what was left out."""
    assert all(a.kind in KINDS for a in spec.ask)
    builder = _Builder(graph, trace, spec)
    questions = builder.build()
    return questions, builder.notes()
