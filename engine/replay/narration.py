"""The trace told in words: captions, questions, edge labels and max-pool winners (no Qt)."""
from __future__ import annotations

import numpy as np

from ..graph import Graph
from ..trace import BackwardStep, ForwardStep, Trace, UpdateStep

from .labels import Labeller, forward_formula
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
        if node is not None and node.op_name == "Label" and self.class_names and value is not None \
                and value.size == 1 and 0 <= int(value.reshape(-1)[0]) < len(self.class_names):
            klass = int(value.reshape(-1)[0])
            return f"= {klass} ({self.class_names[klass]})"
        return ""

    def _pool_winners(self) -> dict[str, str]:
        """Max-pool node id → a sentence naming the winning position (and its words)."""
        out = {}
        for node in self.graph.nodes.values():
            if node.op_name == "MaxPoolTime" and node.id in self.trace.values:
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
                text = self.labeller.backward_label(step) if full else self.labeller.product_label(step)
                if step.dst in self.winners:
                    text += "\nonly the winners get gradient"
            else:
                text = self.labeller.nograd_label(step)
            self._edge_labels[key] = text
        return self._edge_labels[key]
