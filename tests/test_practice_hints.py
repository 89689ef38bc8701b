"""Hints come from the ops themselves: every op writes its local rule, and practice turns it into a sentence."""
import numpy as np
import pytest

from engine import OPS, Graph, explain
from engine.practice.hints import Hints, substitute
from engine.registry import LocalRule, Op, Port, missing_local_rules
from engine.trace import BackwardStep

DIFFERENTIABLE = sorted(name for name, op in OPS.items()
                        if not op.is_source and any(p.differentiable for p in op.inputs))


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_writes_the_local_rule_of_each_differentiable_input(name):
    assert missing_local_rules(OPS[name]) == [], f"{name} needs a local_rule for its differentiable inputs"


def test_an_op_without_a_local_rule_is_caught():
    class Halve(Op):
        """Half of x (a new op whose author forgot the rule)."""

        name, category, inputs = "Halve", "Arithmetic", (Port("x"),)

    assert missing_local_rules(Halve) == ["x"]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_each_rule_is_written_with_the_ops_ports_and_names_only_them_as_used(name):
    op = OPS[name]()
    ports = {p.name for p in op.inputs}
    for port in op.inputs:
        if not port.differentiable:
            continue
        rule = op.local_rule(port.name)
        assert rule.formula.startswith("∂out"), f"{name}.{port.name}: {rule.formula!r} should start with ∂out"
        assert set(rule.uses) <= ports | {"out"}, f"{name}.{port.name} uses {rule.uses}"


def _graph_around(name: str) -> tuple[Graph, dict, str]:
    """Inputs (from the op's own gradient-check samples) → the op → Sum (when needed) → a scalar target."""
    op = OPS[name]()
    sample = op.sample_inputs(np.random.default_rng(0))[0]
    g = Graph()
    node = g.add_node(name, "f", dict(op.attrs), (400, 0))
    feeds = {}
    for k, (port, value) in enumerate(zip(op.inputs, sample)):
        value = np.asarray(value)
        integer = value.dtype.kind in "iu"
        source = g.add_node("Input", f"in{k}", {"shape": list(value.shape), "dtype": "int" if integer else "float"},
                            (0, 100 * k))
        g.connect(source.id, node.id, port.name)
        feeds[source.id] = value
    target = node.id
    if op.category != "Losses":
        total = g.add_node("Sum", "L", pos=(600, 0))
        g.connect(node.id, total.id, "x")
        target = total.id
    return g, feeds, target


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_every_ops_hint_states_its_own_rule_in_the_nodes_names(name):
    g, feeds, target = _graph_around(name)
    trace = explain(g, feeds, target=target)
    hints = Hints(g, trace)
    node = g.find("f")
    steps = [s for s in trace.steps if isinstance(s, BackwardStep) and s.dst == node.id]
    assert steps, f"no gradient flowed into {name}'s inputs"
    for step in steps:
        rule = node.op.local_rule(step.port)
        names = {p: g.nodes[e.src].name for p, e in g.incoming(node.id).items()}
        names["out"] = "f"
        expected = substitute(rule.formula, names)
        assert "out" not in expected.replace("without", "")  # every `out` became the node's name
        assert expected in hints.local(step)
        assert expected in hints.product(step)


def test_the_chain_rule_hint_reads_as_on_the_slide():
    from engine.examples.small import chain_rule

    g = chain_rule()
    trace = explain(g, {"x": 3.0})
    step = trace.edge("a", "b")
    assert Hints(g, trace).local(step) == "b = log(a), so ∂b/∂a = 1/a, with a = 6."


def test_substitution_keeps_other_words_and_brackets_compound_names():
    names = {"x": "w · x", "out": "a"}
    assert substitute("∂out/∂x = σ(x)·(1 − σ(x))", names) == "∂a/∂(w · x) = σ(w · x)·(1 − σ(w · x))"
    assert substitute("∂out/∂x = 2x, exp(x)", {"x": "z", "out": "q"}) == "∂q/∂z = 2z, exp(z)"


def test_a_rule_may_depend_on_an_attribute():
    assert OPS["Power"]({"exponent": 3.0}).local_rule("x").formula.endswith("3·x^2")
    assert isinstance(OPS["Power"]().local_rule("x"), LocalRule)
