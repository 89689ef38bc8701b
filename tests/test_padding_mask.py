"""Max over time with the token ids: windows made only of padding never win, in explain and train mode alike."""
import numpy as np
import pytest

from engine import OPS, explain, forward, infer_shapes
from engine.compiled import Plan
from engine.compiled.program import Program
from engine.examples import build_example
from engine.gradcheck import check_graph
from engine.serialization import load_graph, save_graph
from test_compiled import assert_same_as_explain, dense, kernel_names, text_cnn

# right-padded rows of 7 ids: 7, 4, 1 and 0 words (a headline shorter than any window, and an empty one)
PADDED = np.array([[3, 5, 2, 7, 4, 6, 2],
                   [4, 2, 6, 3, 0, 0, 0],
                   [5, 0, 0, 0, 0, 0, 0],
                   [0, 0, 0, 0, 0, 0, 0],
                   [2, 9, 0, 0, 0, 0, 0]])
LABELS = np.array([0, 1, 2, 1, 0])


def masked_cnn(act="Sigmoid", bias=True, width=2, filters=6):
    """test_compiled's text CNN with its max-pool also reading the token ids."""
    g = text_cnn(act, bias, width, filters=filters)
    g.connect(g.find("ids").id, g.find("a").id, "ids")
    return g


def pool_winners(g, ids):
    trace = explain(g, {"ids": ids, "y": LABELS[:len(ids)]})
    step = next(s for s in trace.steps_of("forward") if s.node == g.find("a").id)
    return np.asarray(step.info["winner"])


def padding_only(ids, winners, width):
    """(rows, filters) True where the winning window holds nothing but padding."""
    rows = np.arange(len(ids))[:, None]
    return np.all([ids[rows, winners + j] == 0 for j in range(width)], axis=0)


def unmasked_padding_wins(width, act="Sigmoid", bias=True):
    """How many padding-only windows win without the mask on rows that have a word (the bug being fixed)."""
    g = masked_cnn(act, bias, width)
    g.disconnect(g.incoming(g.find("a").id)["ids"].id)
    return int(padding_only(PADDED, pool_winners(g, PADDED), width)[:3].sum())


@pytest.mark.parametrize("width", [1, 2, 3])
def test_padding_only_windows_never_win_when_the_headline_has_a_word(width):
    assert unmasked_padding_wins(width) > 0, "unmasked, padding must win somewhere for this test to mean something"
    g = masked_cnn(width=width)
    winners = pool_winners(g, PADDED)
    has_word = (PADDED != 0).any(axis=1)
    assert not padding_only(PADDED, winners, width)[has_word].any()
    # a headline shorter than the window: its only window with a word (partly padding) wins every filter
    assert (winners[2] == 0).all()


def test_an_empty_headline_keeps_every_window_and_stays_finite():
    g = masked_cnn()
    winners = pool_winners(g, PADDED)
    assert (winners[3] == 0).all()  # all windows are alike (padding): the first one wins, as without a mask
    trace = explain(g, {"ids": PADDED, "y": LABELS})
    pooled = trace.value("a")
    conv_bias = g.find("bc").value
    np.testing.assert_allclose(pooled[3], 1 / (1 + np.exp(-conv_bias)))  # σ(w·0 + b): what "no words" reads
    assert all(np.all(np.isfinite(grad)) for grad in trace.grads.values())


@pytest.mark.parametrize("act", ["Sigmoid", "ReLU", "Tanh", None])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("width", [1, 2, 3])
def test_compiled_plan_equals_explain_on_padded_input(act, bias, width):
    g = masked_cnn(act, bias, width)
    assert kernel_names(Plan(g))[0] == "EmbedConvPoolKernel"
    feeds = {"ids": PADDED, "y": LABELS}
    assert_same_as_explain(g, feeds)
    np.testing.assert_allclose(Plan(g).outputs(feeds, "a"), forward(g, feeds)[g.find("a").id], rtol=1e-12)


@pytest.mark.parametrize("act", ["Sigmoid", None])
def test_compiled_pool_without_the_embedding_fusion_equals_explain_on_padded_input(act):
    g = masked_cnn(act)
    conv, loss = g.find("conv").id, g.find("L").id
    kernels = [type(k).__name__ for k in Program(g, loss, train=True, shown=(conv,)).kernels]
    assert "PoolActKernel" in kernels and "EmbedConvPoolKernel" not in kernels
    feeds = {"ids": PADDED, "y": LABELS}
    value, grads, _ = Plan(g).loss_grads_and_output(feeds, "conv")  # asking for conv keeps it out of the big fusion
    trace = explain(g, feeds)
    assert value == pytest.approx(trace.loss, rel=1e-12)
    for node_id, grad in grads.items():
        np.testing.assert_allclose(dense(grad), trace.grads[node_id], rtol=1e-10, atol=1e-12)


def test_an_unbatched_headline_is_masked_too():
    g = text_cnn(filters=6)
    single = g.add_node("Input", "one", {"shape": [7], "batched": False, "dtype": "int"})
    pool = g.find("a")
    g.disconnect(g.incoming(g.find("f(w)").id)["ids"].id)
    g.connect(single.id, g.find("f(w)").id, "ids")
    g.connect(single.id, pool.id, "ids")
    values = forward(g, {"one": PADDED[1]})
    masked = g.nodes[pool.id].op.forward(values[g.incoming(pool.id)["x"].src], PADDED[1])[1]
    assert not padding_only(PADDED[1:2], masked[None], 2).any()


def test_gradients_of_the_masked_graph_match_finite_differences():
    g = masked_cnn(width=2)
    assert all(check.ok for check in check_graph(g, {"ids": PADDED, "y": LABELS}))


def test_the_registry_gradient_check_covers_the_masked_path():
    op = OPS["MaxPoolTime"]()
    cases = [xs for xs in op.sample_inputs(np.random.default_rng(0)) if len(xs) == 2]
    assert cases, "MaxPoolTime's gradient-check cases must include token ids"
    moved = 0
    for x, ids in cases:
        masked = op.forward(x, ids)[1]
        moved += int(np.sum(masked != np.argmax(x, axis=-2)))
    assert moved > 0, "in some case the mask must move a winner, or the masked path is not exercised"


@pytest.mark.parametrize("shape, batched", [([5], True), ([7], False)])
def test_ids_that_do_not_cover_the_positions_are_refused_by_name(shape, batched):
    g = masked_cnn()  # 6 positions of width 2 over 7 ids, per row of a batch
    other = g.add_node("Input", "other", {"shape": shape, "batched": batched, "dtype": "int"})
    g.disconnect(g.incoming(g.find("a").id)["ids"].id)
    g.connect(other.id, g.find("a").id, "ids")
    message = infer_shapes(g).errors[g.find("a").id]
    assert "MaxPoolTime 'a'" in message and "other" in message and "one row per sequence" in message


def test_float_numbers_are_refused_as_ids():
    g = masked_cnn()
    numbers = g.add_node("Input", "numbers", {"shape": [7], "batched": True})
    g.disconnect(g.incoming(g.find("a").id)["ids"].id)
    g.connect(numbers.id, g.find("a").id, "ids")
    assert "needs integer ids" in infer_shapes(g).errors[g.find("a").id]


def test_the_text_cnn_example_masks_padding_and_names_words_of_its_headline():
    g = build_example("text_cnn")
    pool = g.find("a")
    assert g.incoming(pool.id)["ids"].src == g.find("x").id
    sample = g.meta["sample"]
    ids = np.asarray(sample["x"])
    trace = explain(g, sample)
    winners = np.asarray(next(s for s in trace.steps_of("forward") if s.node == pool.id).info["winner"])
    assert not padding_only(ids, winners, 2).any()
    assert winners.max() < len(g.meta["sample_text"].split())  # every winning window starts at a word


def test_a_file_without_the_mask_edge_still_opens_and_runs(tmp_path):
    g = build_example("text_cnn")
    g.disconnect(g.incoming(g.find("a").id)["ids"].id)  # as text_cnn.json was written before the mask
    path = tmp_path / "text_cnn_unmasked.json"
    save_graph(g, path)
    opened = load_graph(path)
    assert infer_shapes(opened).ok
    assert "ids" not in opened.incoming(opened.find("a").id)
    trace = explain(opened, opened.meta["sample"])
    assert np.isfinite(trace.loss)
    assert Plan(opened).loss_and_grads(opened.meta["sample"])[0] == pytest.approx(trace.loss, rel=1e-10)
