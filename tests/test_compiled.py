"""Train mode (engine.compiled.Plan) gives explain mode's loss and gradients, on every kind of graph."""
import gc
import math
import weakref

import numpy as np
import pytest

from engine import ExecutionError, Graph, explain, forward, infer_shapes
from engine.compiled import Plan, SparseRows
from test_executor import lecture_mlp  # the slides' a = σ(Wx), b = σ(Va), c = σ(θᵀb)

TOL = 1e-10


def wire(g, edges):
    for src, dst, port in edges:
        g.connect(src.id, dst.id, port)


def dense(grad):
    return grad.to_dense() if isinstance(grad, SparseRows) else np.asarray(grad)


def assert_same_as_explain(g, feeds, target=None):
    """loss_and_grads equals explain's loss and parameter gradients (sparse ones densified) within 1e-10."""
    loss, grads = Plan(g, target).loss_and_grads(feeds)
    trace = explain(g, feeds, target)
    np.testing.assert_allclose(loss, trace.loss, rtol=TOL, atol=TOL, equal_nan=True)
    expected = {n.id for n in g.parameters() if n.id in trace.grads}
    assert set(grads) == expected
    for node_id, grad in grads.items():
        assert np.shape(dense(grad)) == np.shape(trace.grads[node_id]), g.nodes[node_id].name
        np.testing.assert_allclose(dense(grad), trace.grads[node_id], rtol=TOL, atol=TOL, equal_nan=True,
                                   err_msg=g.nodes[node_id].name)
    return grads


VOCAB, LENGTH = 30, 7


def token_ids(rng, rows=5, length=LENGTH, vocab=VOCAB):
    """Ids with padding (0), unknown (1) and repeated words."""
    ids = rng.integers(1, 8, size=(rows, length))  # few distinct words: many repeats
    ids[:, -2:] = rng.integers(0, vocab, size=(rows, 2))
    ids[0, 3:] = 0
    return ids


def bow_classifier(hidden=4, softmax_then_ce=True, act="Sigmoid"):
    g = Graph()
    ids = g.add_node("Input", "ids", {"shape": [LENGTH], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": 3})
    bag = g.add_node("BagOfWords", "f(x)", {"vocab_size": VOCAB})
    w1 = g.add_node("Parameter", "W1", {"shape": [VOCAB, hidden], "init": "normal", "scale": 0.5, "seed": 1})
    b1 = g.add_node("Parameter", "b1", {"shape": [hidden], "init": "normal", "seed": 2})
    w2 = g.add_node("Parameter", "W2", {"shape": [hidden, 3], "init": "normal", "scale": 0.5, "seed": 3})
    b2 = g.add_node("Parameter", "b2", {"shape": [3], "init": "normal", "seed": 4})
    mm1, add1, h = g.add_node("MatMul", "xW1"), g.add_node("Add", "z1"), g.add_node(act, "h")
    mm2, add2 = g.add_node("MatMul", "hW2"), g.add_node("Add", "s")
    wire(g, [(ids, bag, "ids"), (bag, mm1, "x"), (w1, mm1, "W"), (mm1, add1, "a"), (b1, add1, "b"),
             (add1, h, "x"), (h, mm2, "x"), (w2, mm2, "W"), (mm2, add2, "a"), (b2, add2, "b")])
    if softmax_then_ce:
        p, loss = g.add_node("Softmax", "p"), g.add_node("CrossEntropy", "L")
        wire(g, [(add2, p, "x"), (p, loss, "p"), (y, loss, "y")])
    else:
        loss = g.add_node("SoftmaxCrossEntropy", "L")
        wire(g, [(add2, loss, "z"), (y, loss, "y")])
    return g


def text_cnn(act="Sigmoid", bias=True, width=2, filters=4, embed=3):
    """Embedding → SeqConv → [+ b] → [act] → MaxPoolTime → MatMul → Add → Softmax → CrossEntropy."""
    g = Graph()
    ids = g.add_node("Input", "ids", {"shape": [LENGTH], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": 3})
    table = g.add_node("Parameter", "E", {"shape": [VOCAB, embed], "init": "normal", "scale": 1.0, "seed": 1})
    wc = g.add_node("Parameter", "Wc", {"shape": [width * embed, filters], "init": "normal", "seed": 2})
    w = g.add_node("Parameter", "W", {"shape": [filters, 3], "init": "normal", "seed": 3})
    b = g.add_node("Parameter", "b", {"shape": [3], "init": "normal", "seed": 4})
    emb, conv = g.add_node("Embedding", "f(w)"), g.add_node("SeqConv", "conv", {"width": width})
    pool, mm, add = g.add_node("MaxPoolTime", "a"), g.add_node("MatMul", "aW"), g.add_node("Add", "s")
    p, loss = g.add_node("Softmax", "p"), g.add_node("CrossEntropy", "L")
    wire(g, [(ids, emb, "ids"), (table, emb, "E"), (emb, conv, "x"), (wc, conv, "W"), (pool, mm, "x"),
             (w, mm, "W"), (mm, add, "a"), (b, add, "b"), (add, p, "x"), (p, loss, "p"), (y, loss, "y")])
    last = conv
    if bias:
        bc = g.add_node("Parameter", "bc", {"shape": [filters], "init": "normal", "seed": 5})
        plus = g.add_node("Add", "conv+b")
        wire(g, [(bc, plus, "b"), (last, plus, "a")])
        last = plus
    if act:
        a_i = g.add_node(act, "a_i")
        wire(g, [(last, a_i, "x")])
        last = a_i
    wire(g, [(last, pool, "x")])
    return g


def text_feeds(seed=0, rows=5):
    rng = np.random.default_rng(seed)
    return {"ids": token_ids(rng, rows), "y": rng.integers(0, 3, size=rows)}


# ----- the main check: the same numbers as explain mode

def test_lecture_mlp_matches_explain():
    feeds = {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]), "y": np.array([1.0, 0.0])}
    assert_same_as_explain(lecture_mlp(), feeds)


@pytest.mark.parametrize("fused_loss", [True, False])
@pytest.mark.parametrize("act", ["Sigmoid", "Tanh", "ReLU"])
def test_bag_of_words_classifier_matches_explain(fused_loss, act):
    g = bow_classifier(softmax_then_ce=fused_loss, act=act)
    for seed in range(3):
        assert_same_as_explain(g, text_feeds(seed))


def test_bag_of_words_weights_get_a_row_sparse_gradient_of_the_words_used():
    g = bow_classifier()
    feeds = text_feeds(0)
    grads = assert_same_as_explain(g, feeds)
    w1 = grads[g.find("W1").id]
    assert isinstance(w1, SparseRows)
    used = np.unique(feeds["ids"][feeds["ids"] != 0])
    assert sorted(w1.rows.tolist()) == used.tolist()  # no padding row, every used word once
    assert w1.values.shape == (used.size, 4)


@pytest.mark.parametrize("act", ["Sigmoid", "ReLU", "Tanh", None])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("width", [1, 2, 3])
def test_text_cnn_matches_explain(act, bias, width):
    g = text_cnn(act, bias, width)
    for seed in range(3):
        grads = assert_same_as_explain(g, text_feeds(seed))
        assert isinstance(grads[g.find("E").id], SparseRows)


def test_text_cnn_with_an_unbatched_sentence_matches_explain():
    g = text_cnn()
    g.set_attr(g.find("ids").id, "batched", False)
    g.set_attr(g.find("y").id, "batched", False)
    assert_same_as_explain(g, {"ids": np.array([3, 4, 3, 4, 0, 0, 0]), "y": 2})


def test_padding_only_sentences_and_a_nonzero_padding_row_are_handled():
    g = text_cnn()
    table = g.find("E")
    table.value[0] = 5.0  # the padding row is ignored by Embedding whatever it holds
    feeds = text_feeds(1)
    feeds["ids"][1] = 0
    grads = assert_same_as_explain(g, feeds)
    assert 0 not in grads[table.id].rows


def embedding_graph(head):
    """Embedding → SeqConv → Sum, or Embedding → Sum: the sparse table gradient without max-pooling."""
    g = Graph()
    ids = g.add_node("Input", "ids", {"shape": [LENGTH], "batched": True, "dtype": "int"})
    table = g.add_node("Parameter", "E", {"shape": [VOCAB, 3], "init": "normal", "scale": 1.0, "seed": 1})
    emb, total = g.add_node("Embedding", "f(w)"), g.add_node("Sum", "L")
    wire(g, [(ids, emb, "ids"), (table, emb, "E")])
    if head == "conv":
        wc = g.add_node("Parameter", "Wc", {"shape": [6, 4], "init": "normal", "seed": 2})
        conv, sq = g.add_node("SeqConv", "conv", {"width": 2}), g.add_node("Tanh", "t")
        wire(g, [(emb, conv, "x"), (wc, conv, "W"), (conv, sq, "x"), (sq, total, "x")])
    else:
        sq = g.add_node("Sigmoid", "s")
        wire(g, [(emb, sq, "x"), (sq, total, "x")])
    return g


@pytest.mark.parametrize("head", ["conv", "plain"])
def test_embedding_without_max_pool_matches_explain(head):
    assert_same_as_explain(embedding_graph(head), {"ids": text_feeds(2)["ids"]})


def test_max_pool_over_float_sequences_matches_explain():
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [6, 3], "batched": True})
    wc = g.add_node("Parameter", "Wc", {"shape": [6, 4], "init": "normal", "seed": 1})
    bc = g.add_node("Parameter", "bc", {"shape": [1, 4], "init": "normal", "seed": 2})
    conv, plus, act = g.add_node("SeqConv", "c", {"width": 2}), g.add_node("Add", "+"), g.add_node("ReLU", "r")
    pool, total = g.add_node("MaxPoolTime", "a"), g.add_node("Sum", "L")
    wire(g, [(x, conv, "x"), (wc, conv, "W"), (bc, plus, "a"), (conv, plus, "b"), (plus, act, "x"),
             (act, pool, "x"), (pool, total, "x")])
    rng = np.random.default_rng(0)
    assert_same_as_explain(g, {"x": rng.normal(size=(4, 6, 3))})


def test_a_shared_table_adds_sparse_and_dense_gradients():
    g = embedding_graph("plain")  # ids → Embedding(E) → σ → Sum 'L'
    ids, table, first = g.find("ids"), g.find("E"), g.find("L")
    again, second, both = g.add_node("Embedding", "again"), g.add_node("Sum", "Σagain"), g.add_node("Add", "both")
    wire(g, [(ids, again, "ids"), (table, again, "E"), (again, second, "x"), (first, both, "a"), (second, both, "b")])
    feeds = {"ids": text_feeds(3)["ids"]}
    grads = assert_same_as_explain(g, feeds, target="both")
    assert isinstance(grads[table.id], SparseRows)  # sparse + sparse stays sparse
    whole, total = g.add_node("Sum", "ΣE"), g.add_node("Add", "all")
    wire(g, [(table, whole, "x"), (whole, total, "a"), (both, total, "b")])
    grads = assert_same_as_explain(g, feeds, target="all")
    assert isinstance(grads[table.id], np.ndarray)  # sparse + dense is dense


def test_a_sparse_gradient_into_a_computed_matrix_is_made_dense():
    g = bow_classifier()
    w1 = g.find("W1")
    edge = next(e for e in g.edges.values() if e.src == w1.id)
    g.disconnect(edge.id)
    half = g.add_node("Multiply", "W1/2")
    wire(g, [(w1, half, "a"), (g.add_node("Constant", "½", {"value": 0.5}), half, "b"), (half, g.find("xW1"), "W")])
    grads = assert_same_as_explain(g, text_feeds(0))
    assert isinstance(grads[w1.id], np.ndarray)


def test_fusion_is_skipped_when_an_inner_value_is_used_twice():
    g = bow_classifier()
    p = g.find("p")
    watch = g.add_node("Sum", "Σp")
    both = g.add_node("Add", "L+Σp")
    wire(g, [(p, watch, "x"), (g.find("L"), both, "a"), (watch, both, "b")])
    assert_same_as_explain(g, text_feeds(0), target="L+Σp")


def scalar_chain():
    """Ten scalar ops of the log(w·x) family with fan-out."""
    g = Graph()
    x = g.add_node("Input", "x")
    w = g.add_node("Parameter", "w", {"init": "constant", "scale": 2.0})
    b = g.add_node("Parameter", "b", {"init": "constant", "scale": 0.5})
    ops = ["Multiply", "Add", "Log", "Sigmoid", "Exp", "Multiply", "Tanh", "Power", "Subtract", "Multiply"]
    n = [g.add_node(op) for op in ops]
    wire(g, [(w, n[0], "a"), (x, n[0], "b"), (n[0], n[1], "a"), (b, n[1], "b"), (n[1], n[2], "x"), (n[2], n[3], "x"),
             (n[3], n[4], "x"), (n[4], n[5], "a"), (b, n[5], "b"), (n[5], n[6], "x"), (n[6], n[7], "x"),
             (n[7], n[8], "a"), (w, n[8], "b"), (n[8], n[9], "a"), (n[8], n[9], "b")])
    return g


@pytest.mark.parametrize("x", [3.0, 0.7, -0.4, 1e-300])
def test_scalar_chain_matches_explain(x):
    # x = −0.4 makes log's argument negative: numpy gives nan, so the float path must hand over to arrays
    assert_same_as_explain(scalar_chain(), {"x": x})


SCALAR_OPS = ["Add", "Subtract", "Multiply", "Divide", "Negate", "Power", "Exp", "Log", "Sigmoid", "Tanh", "ReLU",
              "Sum", "Mean"]


@pytest.mark.parametrize("op", SCALAR_OPS)
@pytest.mark.parametrize("value", [1.3, -0.6, 0.0])
def test_every_scalar_op_matches_explain(op, value):
    g = Graph()
    w = g.add_node("Parameter", "w", {"init": "constant", "scale": 0.0})
    g.set_value(w.id, value)
    c = g.add_node("Constant", "c", {"value": -1.7})
    node = g.add_node(op, "f", {"exponent": 3.0} if op == "Power" else None)
    ports = node.op.port_names()
    wire(g, [(w, node, ports[0])] + ([(c, node, ports[1])] if len(ports) > 1 else []))
    loss = g.add_node("MeanSquaredError", "L")
    t = g.add_node("Input", "t")
    wire(g, [(node, loss, "ŷ"), (t, loss, "t")])
    assert_same_as_explain(g, {"t": 0.25})


def test_scalar_binary_cross_entropy_matches_explain():
    g = Graph()
    w = g.add_node("Parameter", "w", {"init": "constant", "scale": 0.3})
    s, loss, y = g.add_node("Sigmoid", "p"), g.add_node("BinaryCrossEntropy", "L"), g.add_node("Input", "y")
    wire(g, [(w, s, "x"), (s, loss, "p"), (y, loss, "y")])
    for label in (0.0, 1.0):
        assert_same_as_explain(g, {"y": label})


def test_fan_out_and_broadcasting_match_explain():
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3], "batched": True})
    w = g.add_node("Parameter", "w", {"shape": [3], "init": "normal", "seed": 1})
    s = g.add_node("Parameter", "s", {"init": "constant", "scale": 0.5})
    m = g.add_node("Parameter", "M", {"shape": [2, 1], "init": "normal", "seed": 2})
    xw, sq, scaled = g.add_node("Multiply", "xw"), g.add_node("Multiply", "xw²"), g.add_node("Multiply", "s·xw²")
    col, total = g.add_node("Add", "+M"), g.add_node("Mean", "L")
    wire(g, [(x, xw, "a"), (w, xw, "b"), (xw, sq, "a"), (xw, sq, "b"), (s, scaled, "a"), (sq, scaled, "b"),
             (scaled, col, "a"), (m, col, "b"), (col, total, "x")])
    assert_same_as_explain(g, {"x": np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]])})


UNARY = ["Sigmoid", "Tanh", "Negate", "ReLU", "Exp"]
BINARY = ["Add", "Subtract", "Multiply"]


def random_graph(seed):
    """A random DAG of elementwise ops, matrix products and broadcasting, ending in a mean."""
    rng = np.random.default_rng(seed)
    g = Graph()
    pool = [g.add_node("Input", "x", {"shape": [3], "batched": True})]
    for i, shape in enumerate([[3], [], [1, 3], [3]]):
        pool.append(g.add_node("Parameter", f"p{i}", {"shape": shape, "init": "normal", "seed": seed * 10 + i}))
    for i in range(int(rng.integers(4, 9))):
        kind = rng.choice(["unary", "binary", "binary", "matmul"])
        if kind == "unary":
            node = g.add_node(str(rng.choice(UNARY)), f"u{i}")
            wire(g, [(pool[rng.integers(len(pool))], node, "x")])
        elif kind == "binary":  # every shape here broadcasts against B×3
            node = g.add_node(str(rng.choice(BINARY)), f"b{i}")
            a, b = rng.choice(len(pool), size=2)
            wire(g, [(pool[a], node, "a"), (pool[b], node, "b")])
        else:
            shapes = infer_shapes(g).shapes
            rows = [n for n in pool if shapes[n.id]]  # not the scalar ones
            w = g.add_node("Parameter", f"W{i}", {"shape": [3, 3], "init": "normal", "seed": seed + i})
            node = g.add_node("MatMul", f"m{i}")
            wire(g, [(rows[rng.integers(len(rows))], node, "x"), (w, node, "W")])
        pool.append(node)
    total = g.add_node("Mean", "L")
    wire(g, [(pool[-1], total, "x")])
    return g


@pytest.mark.parametrize("seed", range(30))
def test_random_small_graphs_match_explain(seed):
    rng = np.random.default_rng(seed)
    assert_same_as_explain(random_graph(seed), {"x": rng.normal(size=(2, 3))}, target="L")


def test_division_by_zero_on_floats_gives_what_numpy_gives():
    g = Graph()
    w = g.add_node("Parameter", "w", {"init": "zeros"})
    c = g.add_node("Constant", "c", {"value": 2.0})
    q, total = g.add_node("Divide", "c/w"), g.add_node("Sum", "L")
    wire(g, [(c, q, "a"), (w, q, "b"), (q, total, "x")])
    loss, grads = Plan(g).loss_and_grads({})
    assert loss == math.inf
    with np.errstate(all="ignore"):  # explain's backward warns about the 1/0
        assert_same_as_explain(g, {})


# ----- the compiled program really is the fast one

def kernel_names(plan):
    program = plan._grad_program()
    return [type(k).__name__ for k in getattr(program, "arrays", program).kernels]


def test_fusion_rules_fire_on_the_usual_graphs():
    assert kernel_names(Plan(bow_classifier()))[0] == "BagMatMulKernel"
    assert kernel_names(Plan(bow_classifier()))[-1] == "SoftmaxCrossEntropyKernel"
    assert kernel_names(Plan(text_cnn()))[0] == "EmbedConvPoolKernel"
    assert kernel_names(Plan(embedding_graph("conv")))[0] == "EmbedConvKernel"
    assert type(Plan(scalar_chain())._grad_program()).__name__ == "ScalarProgram"
    assert type(Plan(lecture_mlp())._grad_program()).__name__ == "Program"


def test_backward_skips_what_no_parameter_needs():
    g = lecture_mlp()
    program = Plan(g)._grad_program()
    first = program.kernels[0]  # W·x: x is data, so only ∂W is computed
    assert first.grad_to == (1,)


# ----- outputs, updates, cache

def test_outputs_match_forward_values():
    for g, feeds, node in [(bow_classifier(), text_feeds(0), "p"), (text_cnn(), text_feeds(1), "p"),
                           (text_cnn(), text_feeds(1), "a"), (lecture_mlp(), {"x": np.ones((2, 3))}, "c")]:
        expected = forward(g, feeds)[g.find(node).id]
        np.testing.assert_allclose(Plan(g).outputs(feeds, node), expected, rtol=TOL, atol=TOL)


def test_outputs_need_only_the_inputs_of_that_node():
    g = bow_classifier()
    probs = Plan(g).outputs({"ids": text_feeds(0)["ids"]}, "p")  # no labels
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


@pytest.mark.parametrize("build", [bow_classifier, text_cnn])
def test_loss_grads_and_output_share_one_forward_pass(build):
    g = build()
    feeds = text_feeds(6)
    loss, grads, probs = Plan(g).loss_grads_and_output(feeds, "p")
    trace = explain(g, feeds)
    np.testing.assert_allclose(probs, trace.value("p"), rtol=TOL, atol=TOL)
    assert loss == pytest.approx(trace.loss, rel=TOL)
    for node_id, grad in grads.items():
        np.testing.assert_allclose(dense(grad), trace.grads[node_id], rtol=TOL, atol=TOL)


def test_a_removed_target_is_reported():
    g = scalar_chain()
    plan = Plan(g)
    g.remove_node(plan.target)
    with pytest.raises(ExecutionError, match="was removed"):
        plan.loss_and_grads({"x": 1.0})


@pytest.mark.parametrize("build", [bow_classifier, text_cnn, lecture_mlp])
def test_apply_sgd_makes_explains_update(build):
    g = build()
    feeds = text_feeds(4) if build is not lecture_mlp else {"x": np.ones((2, 3)), "y": np.array([1.0, 0.0])}
    trace = explain(g, feeds, lr=0.5)
    plan = Plan(g)
    plan.apply_sgd(plan.loss_and_grads(feeds)[1], 0.5)
    for step in trace.steps_of("update"):
        np.testing.assert_allclose(g.nodes[step.node].value, step.after, rtol=TOL, atol=TOL)


def test_training_steps_keep_matching_explain():
    g = text_cnn("ReLU")
    plan = Plan(g)
    for seed in range(4):
        plan.apply_sgd(plan.loss_and_grads(text_feeds(seed))[1], 0.3)
        assert_same_as_explain(g, text_feeds(seed + 10))


def test_a_changed_graph_is_compiled_again():
    g = bow_classifier()
    plan = Plan(g)
    feeds = text_feeds(0)
    plan.loss_and_grads(feeds)
    tanh = g.add_node("Tanh", "t")
    edge = next(e for e in g.edges.values() if g.nodes[e.src].name == "h")
    g.disconnect(edge.id)
    wire(g, [(g.find("h"), tanh, "x"), (tanh, g.find("hW2"), "x")])
    loss, _ = plan.loss_and_grads(feeds)
    assert loss == pytest.approx(explain(g, feeds).loss, rel=TOL)
    g.set_value(g.find("b2").id, np.array([5.0, -5.0, 0.0]))  # values are read on every call
    loss, _ = plan.loss_and_grads(feeds)
    assert loss == pytest.approx(explain(g, feeds).loss, rel=TOL)


def test_a_renamed_input_is_fed_by_its_new_name():
    g = scalar_chain()
    plan = Plan(g)
    plan.loss_and_grads({"x": 3.0})
    g.rename(g.find("x").id, "input")
    assert plan.loss_and_grads({"input": 3.0})[0] == pytest.approx(explain(g, {"input": 3.0}).loss)
    with pytest.raises(Exception, match="no node named 'x'"):
        plan.loss_and_grads({"x": 3.0})


def test_plans_do_not_keep_a_graph_alive():
    g = bow_classifier()
    Plan(g).loss_and_grads(text_feeds(0))
    ref = weakref.ref(g)
    del g
    gc.collect()
    assert ref() is None


# ----- errors name what and where

def test_missing_feed_is_named():
    with pytest.raises(ExecutionError, match="feed y"):
        Plan(bow_classifier()).loss_and_grads({"ids": text_feeds(0)["ids"]})


def test_token_id_outside_the_vocabulary_names_the_node():
    feeds = text_feeds(0)
    feeds["ids"][0, 0] = VOCAB
    for g in (bow_classifier(), text_cnn()):
        with pytest.raises(ExecutionError, match=f"token id {VOCAB} is outside"):
            Plan(g).loss_and_grads(feeds)


def test_feed_errors_are_explains_errors():
    g = bow_classifier()
    bad = {"ids": np.zeros((2, LENGTH + 1), dtype=int), "y": np.zeros(2, dtype=int)}
    with pytest.raises(ExecutionError) as ours:
        Plan(g).loss_and_grads(bad)
    with pytest.raises(ExecutionError) as theirs:
        explain(g, bad)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ExecutionError, match="whole numbers"):
        Plan(g).loss_and_grads({"ids": np.full((2, LENGTH), 1.5), "y": [0, 1]})


def test_feeds_by_id_and_as_lists_work():
    g = bow_classifier()
    feeds = text_feeds(0)
    by_id = {g.find("ids").id: feeds["ids"].tolist(), g.find("y").id: feeds["y"].tolist()}
    assert Plan(g).loss_and_grads(by_id)[0] == pytest.approx(explain(g, feeds).loss, rel=TOL)


def test_unconnected_input_is_reported():
    g = bow_classifier()
    edge = next(e for e in g.edges.values() if e.port == "W" and g.nodes[e.dst].name == "hW2")
    g.disconnect(edge.id)
    with pytest.raises(ExecutionError, match="input 'W' of MatMul 'hW2' is not connected"):
        Plan(g).loss_and_grads(text_feeds(0))


def test_backward_needs_a_single_number():
    g = lecture_mlp()
    with pytest.raises(ExecutionError, match="single number"):
        Plan(g, target="c").loss_and_grads({"x": np.ones((2, 3)), "y": np.ones(2)})


# ----- SparseRows

def test_sparse_rows_add_repeated_rows():
    grad = SparseRows(np.array([3, 1, 3, 3]), np.arange(8.0).reshape(4, 2), (5, 2))
    expected = np.zeros((5, 2))
    for row, value in zip(grad.rows, grad.values):
        expected[row] += value
    np.testing.assert_array_equal(grad.to_dense(), expected)
    target = np.ones((5, 2))
    grad.add_to(target, -0.5)
    np.testing.assert_array_equal(target, 1.0 - 0.5 * expected)
    merged = grad.coalesce()
    assert merged.rows.tolist() == [1, 3]
    np.testing.assert_array_equal(merged.to_dense(), expected)


def test_sparse_rows_refuse_an_array_of_another_shape():
    with pytest.raises(ValueError, match="cannot update"):
        SparseRows(np.array([0]), np.ones((1, 2)), (3, 2)).add_to(np.zeros((3, 3)))


def test_parity_with_torch_autograd_for_the_text_cnn():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    g = text_cnn("Tanh", width=2)
    feeds = text_feeds(5)
    loss, grads = Plan(g).loss_and_grads(feeds)
    t = {name: torch.tensor(g.find(name).value, requires_grad=True) for name in ("E", "Wc", "bc", "W", "b")}
    ids = torch.tensor(feeds["ids"])
    x = t["E"][ids] * (ids != 0)[..., None]
    windows = torch.cat([x[:, :-1], x[:, 1:]], dim=-1)
    a = torch.tanh(windows @ t["Wc"] + t["bc"]).max(dim=1).values
    expected = torch.nn.functional.cross_entropy(a @ t["W"] + t["b"], torch.tensor(feeds["y"]))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-10)
    for name, tensor in t.items():
        np.testing.assert_allclose(dense(grads[g.find(name).id]), tensor.grad.numpy(), rtol=1e-9, atol=1e-12)
