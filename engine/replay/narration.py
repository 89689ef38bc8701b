"""The trace told in words: captions, questions, edge labels and max-pool winners (no Qt)."""
from __future__ import annotations

import numpy as np

from ..graph import Graph
from ..op_facts import Role
from ..trace import BackwardStep, ForwardStep, NoGradStep, Trace, UpdateStep

from .labels import Labeller, forward_formula, value_part
from .softmax import p_minus_y
from .update import loss_after_update, loss_line, update_lines
from .winners import pool_winners, winners_text
from .words import UNKNOWN_MARK, TokenReader

READY = "Ready: Step or Play runs the example through the graph, one event at a time."


class Narrator:
    """Everything explain mode writes about one trace of one graph."""

    def __init__(self, graph: Graph, trace: Trace, vocab_words: list[str] | None = None,
                 class_names: list[str] | None = None, tokens: list[str] | None = None):
        self.graph = graph
        self.trace = trace
        self.reader = TokenReader(vocab_words, tokens)
        self.class_names = class_names
        self.labeller = Labeller(trace, {n.id: n.name for n in graph.nodes.values()})
        self.winners = self._pool_winners()
        self._edge_labels: dict[tuple[int, bool], str] = {}
        self._products: dict[int, str] = {}
        self.updates = {step.node: k for k, step in enumerate(trace.steps) if isinstance(step, UpdateStep)}
        self._update_steps = {step.node: step for step in trace.update_steps()}
        self.last_update = max(self.updates.values()) if self.updates else None
        self.update_edges = self._edges_for_updates()
        self._loss_after: tuple[float | None] | None = None  # computed when first asked for

    def update_step(self, param: str) -> UpdateStep:
        """The SGD step of one parameter (by id); KeyError if the trace did not update it."""
        return self._update_steps[param]

    def updated_at(self, k: int) -> str:
        """The id of the parameter that SGD step k updates."""
        step = self.trace.steps[k]
        assert isinstance(step, UpdateStep), f"step {k} is a {step.kind} step, not an update"
        return step.node

    def _edges_for_updates(self) -> dict[str, str]:
        """Edge id → parameter id: the first edge leaving each updated parameter carries its SGD step."""
        out = {}
        for node_id in self.updates:
            edges = sorted(self.graph.outgoing(node_id), key=lambda e: e.id) if node_id in self.graph.nodes else []
            if edges:
                out[edges[0].id] = node_id
        return out

    def words(self, node_id: str) -> str | None:
        """The headline held by a node of token ids, as words (padding left out); None for other nodes."""
        value = self.trace.values.get(node_id)
        if value is None or value.dtype.kind not in "iu" or value.size < 2 or not self.reader.known:
            return None
        return self.reader.text(np.reshape(value, (-1, value.shape[-1]))[0])

    def value_words(self, node_id: str) -> str:
        """A value in words where a number says little: the headline of token ids, the name of a class."""
        words = self.words(node_id)
        if words is not None:
            size = np.shape(self.trace.values[node_id])[-1]
            note = f"; {UNKNOWN_MARK} = not in the vocabulary, read as <unk>" if UNKNOWN_MARK in words else ""
            return f"= {words} ({size} token ids, 0 = padding{note})"
        node = self.graph.nodes.get(node_id)
        value = self.trace.values.get(node_id)
        if node is not None and node.op.role is Role.LABEL and self.class_names and value is not None \
                and value.size == 1 and 0 <= int(value.reshape(-1)[0]) < len(self.class_names):
            klass = int(value.reshape(-1)[0])
            return f"= {klass} ({self.class_names[klass]})"
        return ""

    def _pool_winners(self) -> dict[str, str]:
        """Max-pool node id → a sentence naming the winning position (and its words)."""
        out = {}
        for node in self.graph.nodes.values():
            if node.op.has_winners and node.id in self.trace.values:
                winners = pool_winners(self.graph, self.trace, node.id)
                if winners is not None:
                    out[node.id] = winners_text(winners, self.reader)
        return out

    def formula(self, node_id: str) -> str:
        """The node's op written with the names of its inputs, e.g. log(a)."""
        node = self.graph.nodes.get(node_id)
        if node is None or node.op.is_source:
            return ""
        incoming = self.graph.incoming(node_id)
        names = [self.graph.nodes[incoming[p].src].name if p in incoming else p for p in node.op.port_names()]
        formula = forward_formula(node.op.leibniz, node.op.port_names(), names)
        return "" if formula == node.name else formula

    def caption(self, k: int, hidden: bool = False) -> str:
        """Step k in words (READY before the first); `hidden` asks the question without the answer."""
        if k < 0:
            return READY
        step = self.trace.steps[k]
        if hidden:
            return self.question(k)
        if isinstance(step, UpdateStep):
            return self.update_caption(k)
        named = p_minus_y(self.graph, self.trace, step) if isinstance(step, BackwardStep) else None
        if isinstance(step, BackwardStep) and named is not None:
            return (f"backward along {self.labeller.name(step.src)} → {self.labeller.name(step.dst)}: "
                    f"{self.labeller.chain_formula(step)} (local · upstream) = {named} {value_part(step.product)}")
        if not isinstance(step, ForwardStep):
            return self.labeller.caption(step)
        extra = self.winners.get(step.node, "").replace(":\n", ": ").replace("\n", ", ")
        return self.labeller.caption(step, self.formula(step.node), extra,
                                     self.value_words(step.node))

    def question(self, k: int) -> str:
        """Step k as a question for the class: its formula, with '?' for the result."""
        step, lab = self.trace.steps[k], self.labeller
        if isinstance(step, ForwardStep):
            formula = self.formula(step.node)
            return f"forward: {lab.name(step.node)}{' = ' + formula if formula else ''} = ?"
        if isinstance(step, BackwardStep):
            return f"backward along {lab.name(step.src)} → {lab.name(step.dst)}: {lab.chain_formula(step)} = ?"
        if isinstance(step, UpdateStep):
            return "SGD update: " + lab.update_label(step).splitlines()[0] + " = ?"
        return lab.caption(step).split(":")[0] + ": ?"

    def edge_label(self, k: int, full: bool = True) -> str:
        """The label of backward or no-gradient step k: the whole chain rule, or (not `full`) just ∂L/∂in."""
        key = (k, full)
        if key not in self._edge_labels:
            step = self.trace.steps[k]
            if isinstance(step, BackwardStep):
                text = self._backward_label(step, full)
                if step.dst in self.winners:
                    text += "\nonly the winners get gradient"
            elif isinstance(step, NoGradStep):
                text = self.labeller.nograd_label(step)
            else:
                raise ValueError(f"step {k} is a {step.kind} step, not one along an edge")
            self._edge_labels[key] = text
        return self._edge_labels[key]

    def _backward_label(self, step: BackwardStep, full: bool) -> str:
        """The chain rule on one edge; the edge into softmax scores also names its gradient p − y."""
        named = p_minus_y(self.graph, self.trace, step)
        lab = self.labeller
        if named is None:
            return lab.backward_label(step) if full else lab.product_label(step)
        if not full:
            return f"{lab.product_label(step).split(' = ')[0]} = {named} {value_part(step.product)}"
        return f"{lab.chain_formula(step)} = {named}\n{value_part(step.product)}"

    def product_text(self, k: int) -> str:
        """What a label shows when zoomed out: the product alone (or what replaces it on this step)."""
        if k not in self._products:
            step = self.trace.steps[k]
            if isinstance(step, BackwardStep):
                text = value_part(step.product).removeprefix("= ")
            elif isinstance(step, UpdateStep):
                text = update_lines(step, self.labeller.name(step.node), limit=1)[1].split(" = ")[-1]
            else:
                text = self.edge_label(k, False)
            self._products[k] = text
        return self._products[k]

    def loss_change(self) -> str | None:
        """'loss 0.953 → 0.871': the example's loss before and after the trace's SGD step (None without one)."""
        if self._loss_after is None:
            self._loss_after = (loss_after_update(self.graph, self.trace),)
        after, before = self._loss_after[0], self.trace.loss
        return None if after is None or before is None else loss_line(before, after)

    def update_label(self, k: int) -> str:
        """The SGD step of one parameter with its numbers; the last one also gives the loss recomputed."""
        step = self.trace.steps[k]
        assert isinstance(step, UpdateStep)
        lines = update_lines(step, self.labeller.name(step.node))
        change = self.loss_change() if k == self.last_update else None
        return "\n".join(lines + ([change] if change else []))

    def update_caption(self, k: int) -> str:
        """'SGD update: w ← w − α·∂L/∂w = 2 − 0.1 · 0.5 = 1.95', or the first entries of a matrix, then the loss."""
        step = self.trace.steps[k]
        assert isinstance(step, UpdateStep)
        if np.size(step.before) == 1:
            text = self.labeller.caption(step)
        else:
            lines = update_lines(step, self.labeller.name(step.node))
            text = "SGD update: " + "; ".join(lines)
        change = self.loss_change() if k == self.last_update else None
        return text + (f". After the update, {change}" if change else "")
