"""Explain-mode text without a display: Leibniz labels, captions, trace states, the wiggle check, samples."""
import numpy as np
import pytest

from engine import Graph, explain
from engine.examples.small import chain_rule, mlp
from engine.replay.labels import Labeller, fmt_num, forward_formula, math_name, space_of
from engine.replay.samples import default_texts, parse_value, typed_sample
from engine.replay.state import state_at
from engine.gradcheck import check_all, wiggle


def chain_trace(lr=None):
    g = chain_rule()
    return g, explain(g, {"x": 3.0}, lr=lr)


def test_numbers_are_written_with_four_significant_digits_and_a_true_minus():
    assert fmt_num(1 / 6) == "0.1667"
    assert fmt_num(1.0) == "1"
    assert fmt_num(-2.5) == "−2.5"
    assert fmt_num(3.2e-7) == "3.2·10⁻⁷"


def test_spaces_use_the_slides_notation_and_drop_a_batch_of_one():
    assert space_of(()) == "ℝ"
    assert space_of((4,)) == "ℝ⁴"
    assert space_of((3, 4)) == "ℝ³ˣ⁴"
    assert space_of((1, 4)) == "ℝ⁴"


def test_compound_names_are_parenthesised_in_partials():
    assert math_name("a") == "a"
    assert math_name("b₁") == "b₁"
    assert math_name("loss") == "loss"
    assert math_name("θᵀb") == "(θᵀb)"


def test_chain_rule_edge_label_has_upstream_local_and_product_numbers():
    g, trace = chain_trace()
    label = Labeller(trace).backward_label(trace.edge("a", "b"))
    assert label.splitlines() == ["∂L/∂a = ∂b/∂a · ∂L/∂b", "= 0.1667 · 1 = 0.1667"]
    label = Labeller(trace).backward_label(trace.edge("x", "a"))
    assert label.splitlines() == ["∂L/∂x = ∂a/∂x · ∂L/∂a", "= 2 · 0.1667 = 0.3333"]


def test_vector_edge_label_gives_shapes_and_a_norm():
    g = mlp()
    trace = explain(g, {"x": [[1.0, -1.0]], "y": [1]})
    step = trace.edge("W", "Wx")
    label = Labeller(trace).backward_label(step)
    first, second = label.splitlines()
    assert first == "∂L/∂W = ∂(Wx)/∂W · ∂L/∂(Wx)"
    norm = np.linalg.norm(step.product)
    assert second == f"ℝ⁸ˣ⁴ · ℝ⁴ → ℝ²ˣ⁴ (‖·‖ = {fmt_num(norm, 2)})"


def test_forward_formula_puts_input_names_in_the_ops_notation():
    assert forward_formula("a · b", ["a", "b"], ["w", "x"]) == "w · x"
    assert forward_formula("log(x)", ["x"], ["a"]) == "log(a)"
    assert forward_formula("θᵀx", ["θ", "x"], ["θ", "b"]) == "θᵀb"
    assert forward_formula("x W", ["x", "W"], ["a", "V"]) == "a V"


def test_captions_describe_each_kind_of_step():
    g, trace = chain_trace(lr=0.1)
    labeller = Labeller(trace)
    captions = [labeller.caption(s) for s in trace.steps]
    assert captions[3] == "forward: b = 1.792"
    assert captions[4] == "backward starts at b: ∂L/∂b = 1"
    assert "(local · upstream) = 0.1667 · 1 = 0.1667" in captions[5]
    assert captions[-1] == "SGD update: w ← w − α·∂L/∂w = 2 − 0.1 · 0.5 = 1.95"


def test_fan_out_sum_badge_lists_the_parts():
    g = Graph()
    x = g.add_node("Input", "x")
    sq = g.add_node("Multiply", "sq")
    g.connect(x.id, sq.id, "a")
    g.connect(x.id, sq.id, "b")
    trace = explain(g, {"x": 3.0})
    (summed,) = trace.steps_of("sum")
    assert Labeller(trace).sum_badge(summed) == "Σ 3 + 3 = 6"


def test_nograd_edges_say_why():
    g = mlp()
    trace = explain(g, {"x": [[1.0, -1.0]], "y": [1]})
    (nograd,) = trace.steps_of("nograd")
    assert Labeller(trace).nograd_label(nograd) == "no gradient (integer ids)"
    g = Graph()
    p, t = g.add_node("Input", "p"), g.add_node("Input", "t")
    loss = g.add_node("BinaryCrossEntropy", "L")
    g.connect(p.id, loss.id, "p")
    g.connect(t.id, loss.id, "y")
    trace = explain(g, {"p": 0.3, "t": 1.0})
    (nograd,) = trace.steps_of("nograd")
    assert Labeller(trace).nograd_label(nograd) == "no gradient (target t)"


def test_state_accumulates_fan_out_parts_before_the_sum():
    g = Graph()
    x = g.add_node("Input", "x")
    sq = g.add_node("Multiply", "sq")
    g.connect(x.id, sq.id, "a")
    g.connect(x.id, sq.id, "b")
    trace = explain(g, {"x": 3.0})
    first_part = next(i for i, s in enumerate(trace.steps) if s.kind == "backward")
    assert float(state_at(trace, first_part).grads[x.id]) == 3.0
    final = state_at(trace, len(trace) - 1)
    assert float(final.grads[x.id]) == 6.0
    assert final.badges[x.id] == len(trace) - 1


def test_state_pending_focuses_the_step_but_keeps_its_result_out():
    g, trace = chain_trace()
    b = g.find("b").id
    pending = state_at(trace, 3, pending=True)
    assert pending.focus_node == b and pending.node_states[b] == "active"
    assert b not in pending.values
    assert b in state_at(trace, 3).values
    assert state_at(trace, 1).node_states[b] == "dim"


def test_wiggle_matches_the_analytic_gradient_on_the_chain_rule():
    g, trace = chain_trace()
    result = wiggle(g, {"x": 3.0}, "w", trace=trace)
    assert result.analytic == pytest.approx(0.5)
    assert result.numeric == pytest.approx(0.5, rel=1e-3)
    assert result.ok
    assert g.find("w").value == 2.0  # the graph itself is never nudged


def test_wiggle_fails_when_the_gradient_is_wrong():
    g, trace = chain_trace()
    wrong = explain(g, {"x": 3.0})
    wrong.grads[g.find("w").id] = np.asarray(0.7)
    assert not wiggle(g, {"x": 3.0}, "w", trace=wrong).ok


def test_wiggle_an_intermediate_value():
    g, trace = chain_trace()
    result = wiggle(g, {"x": 3.0}, "a", trace=trace)
    assert result.numeric == pytest.approx(1 / 6, rel=1e-3) and result.ok


def test_check_all_covers_every_parameter():
    g = mlp()
    feeds = {"x": [[1.0, -1.0]], "y": [1]}
    results = check_all(g, feeds)
    assert sorted(g.nodes[n].name for n in results) == ["V", "W", "θ"]
    assert all(r.ok for rs in results.values() for r in rs)


def test_typed_values_get_a_batch_axis_when_the_input_is_batched():
    g = mlp()
    x = g.find("x")
    assert parse_value(x, "[1, -1]").shape == (1, 2)
    assert parse_value(x, "[[1, -1], [0, 2]]").shape == (2, 2)
    with pytest.raises(ValueError, match="'x': expected a number"):
        parse_value(x, "one")


def test_default_texts_come_from_the_graphs_sample():
    g = chain_rule()
    texts = default_texts(g)
    assert texts == {g.find("x").id: "3.0"}
    assert float(typed_sample(g, texts).feeds[g.find("x").id]) == 3.0
