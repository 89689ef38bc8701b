"""Hints in the slides' notation, drawn from the ops themselves: "b = log(a), so ∂b/∂a = 1/a, and a = 6"."""
from __future__ import annotations

import re

import numpy as np

from ..graph import Graph
from ..registry import LocalRule
from ..trace import BackwardStep, ForwardStep, SumStep, Trace, UpdateStep
from ..replay.labels import Labeller, fmt_num, jacobian_space, math_name, partial, space_of, summary
from ..replay.narration import Narrator

OUT = "out"  # how a local rule names the op's result
_LETTER = r"[A-Za-z\u0370-\u03ff]"  # a port name is not part of a longer word (exp holds no x) …
_IDENT = r"[A-Za-z0-9\u0370-\u03ff]"  # … but may follow a coefficient: 2x

_COMPOUND = re.compile(r"[\s+\-−·/*]")


def substitute(formula: str, names: dict[str, str]) -> str:
    """A rule written with port names (and `out`) in the nodes' names: ∂out/∂x = 1/x → ∂b/∂a = 1/a.

    After ∂ a name is written as the labels write it (∂(Va)); elsewhere a name that is an expression gets
    parentheses unless they are there already: σ(w · x), 2(w · x)."""
    if not names:
        return formula
    alternatives = "|".join(re.escape(p) for p in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<!{_LETTER})({alternatives})(?!{_IDENT})")

    def replace(m: re.Match) -> str:
        name = names[m.group(1)]
        if formula[m.start() - 1: m.start()] == "∂":
            return math_name(name)
        enclosed = formula[m.start() - 1: m.start()] == "(" and formula[m.end(): m.end() + 1] == ")"
        return f"({name})" if _COMPOUND.search(name) and not enclosed else name

    return pattern.sub(replace, formula)


class Hints:
    """The hint of each kind of question about one trace of one graph."""

    def __init__(self, graph: Graph, trace: Trace, narrator: Narrator | None = None):
        self.graph, self.trace = graph, trace
        self.narrator = narrator or Narrator(graph, trace)
        self.labeller: Labeller = self.narrator.labeller

    # ----- the parts
    def _name(self, node_id: str) -> str:
        return self.labeller.name(node_id)

    def _inputs(self, node_id: str) -> dict[str, str]:
        """Port → the node id feeding it, for the ports that are connected."""
        node = self.graph.nodes[node_id]
        incoming = self.graph.incoming(node_id)
        return {p.name: incoming[p.name].src for p in node.op.connected_ports(incoming)}

    def _values(self, node_ids: list[str]) -> str:
        """'a = 6, x = (1, 2)': the values of these nodes in this trace, each once."""
        seen: list[str] = []
        for node_id in node_ids:
            if node_id not in seen and node_id in self.trace.values:
                seen.append(node_id)
        return ", ".join(summary(self._name(n), self.trace.values[n]) for n in seen)

    def rule_text(self, step: BackwardStep) -> tuple[str, str]:
        """(the op's local rule with the nodes' names, the values it uses) for one backward edge.

        The rule's note (a diagonal Jacobian, broadcasting) is said only where the edge carries more than one number."""
        node = self.graph.nodes[step.dst]
        rule: LocalRule | None = node.op.local_rule(step.port)
        if rule is None:
            return f"{partial(self._name(step.dst), self._name(step.src))} comes from {node.op_name}'s rule", ""
        inputs = self._inputs(step.dst)
        names = {port: self._name(src) for port, src in inputs.items()}
        names[OUT] = self._name(step.dst)
        formula = substitute(rule.formula, names)
        used = [step.dst if u == OUT else inputs[u] for u in rule.uses if u == OUT or u in inputs]
        note = f" ({rule.note})" if rule.note and step.jacobian_shape != (1, 1) else ""
        return formula + note, self._values(used)

    def definition(self, node_id: str) -> str:
        """'b = log(a)' (the node's op with its inputs' names), or just the name where that is all it says."""
        formula = self.narrator.formula(node_id)
        return f"{self._name(node_id)} = {formula}" if formula else self._name(node_id)

    def _lead(self, node_id: str) -> str:
        """'b = log(a), so' before a rule; 'for θᵀb,' when the name is the formula itself."""
        definition = self.definition(node_id)
        return f"{definition}, so" if definition != self._name(node_id) else f"for {definition},"

    # ----- one per kind
    def value(self, step: ForwardStep) -> str:
        """How the node computes its value from its inputs' values (and what its op is, unless arithmetic)."""
        node = self.graph.nodes[step.node]
        values = self._values(list(self._inputs(step.node).values()))
        about = f" {node.op.description()}" if node.op.category != "Arithmetic" else ""
        definition = self.definition(step.node)
        if definition == self._name(step.node):
            definition, about = f"{definition}: {node.op.description().rstrip('.')}", ""
        return f"{definition}{', with ' + values if values else ''}.{about}"

    def upstream(self, step: BackwardStep) -> str:
        """Where ∂L/∂(the edge's target) came from."""
        dst = self._name(step.dst)
        grad = partial(self.labeller.loss, dst)
        if step.dst == self.trace.target:
            return f"backward starts at {dst}: {grad} = 1"
        total = next((s for s in self.trace.steps_of("sum") if isinstance(s, SumStep) and s.node == step.dst), None)
        if total is not None:
            return (f"the upstream is {grad}, the gradient that reached {dst}: {dst} feeds {len(total.parts)} nodes, "
                    f"so it is the sum of what came back along each (it is shown on {dst})")
        return (f"the upstream is {grad}, the gradient that reached {dst} in the step before "
                f"(it is shown on {dst})")

    def local(self, step: BackwardStep) -> str:
        """The op's own rule for ∂out/∂input, with the values it needs."""
        rule, values = self.rule_text(step)
        n, m = step.jacobian_shape
        shape = "" if n == m == 1 else (f" The Jacobian is {jacobian_space(n, m)}: J[i, j] = "
                                        f"∂{math_name(self._name(step.dst))}_j/∂{math_name(self._name(step.src))}_i.")
        return f"{self._lead(step.dst)} {rule}{', with ' + values if values else ''}.{shape}"

    def product(self, step: BackwardStep) -> str:
        """Local times upstream, with both parts."""
        rule, values = self.rule_text(step)
        upstream = summary(partial(self.labeller.loss, self._name(step.dst)), step.upstream)
        n, m = step.jacobian_shape
        how = "local · upstream" if n == m == 1 else (
            f"J · upstream, with the local Jacobian J ∈ {jacobian_space(n, m)} and the upstream in "
            f"{space_of(np.shape(step.upstream))}")
        return (f"{self.labeller.chain_formula(step)} is {how}. Local: {rule}"
                f"{', with ' + values if values else ''}. Upstream: {upstream}.")

    def update(self, step: UpdateStep) -> str:
        """The SGD rule with α, the parameter and its gradient."""
        name = self._name(step.node)
        grad = summary(partial(self.labeller.loss, name), step.grad)
        return (f"{name} ← {name} − α·{partial(self.labeller.loss, name)}, with α = {fmt_num(step.lr)}, "
                f"{summary(name, step.before)} and {grad}")
