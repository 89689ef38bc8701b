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
    step = trace.edge("V", "Va")
    label = Labeller(trace).backward_label(step)
    first, second = label.splitlines()
    assert first == "∂L/∂V = ∂(Va)/∂V · ∂L/∂(Va)"
    norm = np.linalg.norm(step.product)
    assert second == f"ℝ¹⁶ˣ⁴ · ℝ⁴ → ℝ⁴ˣ⁴ (‖·‖ = {fmt_num(norm, 2)})"


def test_arrays_of_up_to_eight_entries_are_written_out_row_by_row():
    g = mlp()
    trace = explain(g, {"x": [[1.0, -1.0]], "y": [1]})
    step = trace.edge("W", "Wx")  # ∂L/∂W is 2×4: eight entries
    rows = ["(" + ", ".join(fmt_num(v, 3) for v in row) + ")" for row in step.product]
    lines = Labeller(trace).backward_label(step).splitlines()
    assert lines[1:] == [f"ℝ⁸ˣ⁴ · ℝ⁴ → ({rows[0]},", f"{rows[1]})"]  # one row a line: the label stays narrow
    assert Labeller(trace).caption(step).endswith(f"ℝ⁸ˣ⁴ · ℝ⁴ → ({rows[0]}, {rows[1]})")  # captions: one line


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


# ----- values as numbers, the SGD step, p − y, bag-of-words features (engine/replay, shared with the exporters)
from engine.replay.values import entry_rows, main_text, percentages  # noqa: E402


def test_percentages_add_to_100_by_largest_remainder():
    assert [int(100 * p + 0.5) for p in (0.298, 0.317, 0.385)] == [30, 32, 39]  # 101 % when rounded one by one
    assert percentages([0.298, 0.317, 0.385]) == [30, 32, 38]
    assert sum(percentages(np.random.default_rng(0).dirichlet(np.ones(7)))) == 100
    assert percentages([1 / 3, 1 / 3, 1 / 3]) == [34, 33, 33]  # ties go to the earlier class
    assert percentages([0.0, 0.0]) == [0, 0]


def test_arrays_up_to_eight_entries_give_every_entry_and_drop_a_batch_of_one():
    assert entry_rows(np.array([[0.5, -1.0, 2.0, 0.25]])) == [["0.5", "−1", "2", "0.25"]]
    assert entry_rows(np.arange(8.0).reshape(2, 4)) == [["0", "1", "2", "3"], ["4", "5", "6", "7"]]
    assert entry_rows(np.arange(9.0)) is None
    assert main_text(np.array([[0.2, 0.5, 0.3]]), "probs", ["Sports", "Politics", "Business"]) == "Politics 50 %"
    assert main_text(np.array([0.1, 0.2]), "auto") == "(0.1, 0.2)"
    assert main_text(np.zeros((3, 4)), "auto") == "3×4"


def test_an_sgd_step_shows_the_entries_it_moves_most_with_alpha_and_the_gradient():
    from engine.replay.update import update_lines

    g = mlp()
    trace = explain(g, {"x": [[1.0, -1.0]], "y": [1]}, lr=0.1)
    step = next(s for s in trace.steps_of("update") if trace.names[s.node] == "V")
    lines = update_lines(step, "V")
    assert lines[0] == "V ← V − α·∂L/∂V,  α = 0.1"
    flat = np.abs(step.grad).reshape(-1)
    top = sorted(np.argsort(-flat)[:3])
    for line, k in zip(lines[1:4], top):
        i, j = np.unravel_index(k, step.grad.shape)
        before, grad, after = step.before[i, j], step.grad[i, j], step.after[i, j]
        sub = "₀₁₂₃₄₅₆₇₈₉"
        assert line.startswith(f"V{sub[i + 1]},{sub[j + 1]}: {fmt_num(before)} − 0.1 · ")
        assert line.endswith(f"= {fmt_num(after)}") and fmt_num(abs(grad)) in line
    assert lines[4].startswith("… 13 more entries")


def test_entries_are_named_with_subscripts_that_cannot_run_together():
    from engine.replay.update import entry_name

    assert entry_name("w", ()) == "w"
    assert entry_name("θ", (2,)) == "θ₃" and entry_name("W", (0, 1)) == "W₁,₂"
    assert entry_name("b₁", (124,)) == "b₁[125]" and entry_name("W", (11, 2)) == "W[12, 3]"


def test_the_loss_is_recomputed_with_the_updated_weights():
    from engine.replay.update import loss_after_update

    g = mlp()
    feeds = {"x": [[1.0, -1.0]], "y": [1]}
    trace = explain(g, feeds, lr=0.5)
    expected = explain(g, feeds, lr=0.5, apply_update=True)  # moves the graph's weights
    assert loss_after_update(g, trace) == pytest.approx(explain(g, feeds).loss)
    assert loss_after_update(g, trace) < trace.loss and expected.loss == pytest.approx(trace.loss)
    assert loss_after_update(g, explain(g, feeds)) is None  # no update, nothing to recompute


def test_the_gradient_into_softmax_scores_is_named_p_minus_y():
    from engine.examples.text import headline_classifier
    from engine.replay.samples import file_feeds
    from engine.replay.softmax import p_minus_y

    g = headline_classifier()
    trace = explain(g, file_feeds(g))
    assert p_minus_y(g, trace, trace.edge("S", "p")) == "p − y"
    assert p_minus_y(g, trace, trace.edge("b", "S")) is None  # the same numbers, but not the softmax's input
    m = mlp()
    mlp_trace = explain(m, {"x": [[1.0, -1.0]], "y": [1]})
    assert all(p_minus_y(m, mlp_trace, s) is None for s in mlp_trace.steps_of("backward"))


def test_bag_of_words_and_bigrams_are_read_back_as_the_words_they_count():
    from engine.replay.features import active_features
    from engine.replay.words import TokenReader

    g = Graph()
    ids = g.add_node("Input", "x", {"shape": [6], "batched": True, "dtype": "int"})
    bow = g.add_node("BagOfWords", "f(x)", {"vocab_size": 6})
    bigrams = g.add_node("BagOfBigrams", "f₂(x)", {"buckets": 64})
    g.connect(ids.id, bow.id, "ids")
    g.connect(ids.id, bigrams.id, "ids")
    from engine.executor import forward
    from engine.trace import Trace

    values = forward(g, {"x": [[2, 3, 2, 1, 0, 0]]})  # "oil prices oil opec", opec not in the vocabulary
    trace = Trace([], values, {}, None, {n: g.nodes[n].name for n in values})
    reader = TokenReader(["<pad>", "<unk>", "oil", "prices", "rise", "fall"], ["oil", "prices", "oil", "opec"])
    assert active_features(g, trace, bow.id, reader) == [("oil", 2), ("prices", 1), ("<unk> (opec)", 1)]
    assert active_features(g, trace, bigrams.id, reader) == [("oil prices", 1), ("prices oil", 1),
                                                             ("oil opec*", 1)]
    assert active_features(g, trace, ids.id, reader) is None
