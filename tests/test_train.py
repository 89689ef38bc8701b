"""The Trainer: seeding, steps and epochs, lr changes, pause/stop, the NaN guard, metrics, prediction, saving."""
import threading

import numpy as np
import pytest

from engine import Graph, forward
from engine.compiled import Plan, SparseRows
from engine.data import DEFAULT_SPECS, PreparedData
from engine.examples import build_example
from engine.optim import dense
from engine.train import Trainer, TrainingDiverged, TrainingError
from engine.training import metrics as metrics_module


def classifier(dataset="blobs3", hidden=0, classes=3, training=None, w_init=None):
    """x (B×2) → [MatMul W1 → Tanh →] MatMul W → Add b → Softmax p → CrossEntropy L with Label y."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [2], "batched": True})
    y = g.add_node("Label", "y", {"classes": classes})
    src, width = x, 2
    if hidden:
        w1 = g.add_node("Parameter", "W1", {"shape": [2, hidden], "init": "normal", "scale": 1.0, "seed": 3})
        h, a = g.add_node("MatMul", "Wx"), g.add_node("Tanh", "h")
        g.connect(x.id, h.id, "x"), g.connect(w1.id, h.id, "W"), g.connect(h.id, a.id, "x")
        src, width = a, hidden
    w = g.add_node("Parameter", "W", w_init or {"shape": [width, classes], "init": "normal", "scale": 0.5, "seed": 1})
    b = g.add_node("Parameter", "b", {"shape": [classes], "init": "zeros"})
    s, z, p = g.add_node("MatMul", "s"), g.add_node("Add", "z"), g.add_node("Softmax", "p")
    loss = g.add_node("CrossEntropy", "L")
    for a_, b_, port in ((src, s, "x"), (w, s, "W"), (s, z, "a"), (b, z, "b"), (z, p, "x"), (p, loss, "p"),
                         (y, loss, "y")):
        g.connect(a_.id, b_.id, port)
    g.meta["dataset"] = dict(DEFAULT_SPECS[dataset])
    g.meta["bindings"] = {"inputs": "x", "labels": "y", "output": "p"}
    g.meta["training"] = training or {"optimizer": "sgd", "lr": 0.5, "batch_size": 16, "epochs": 3, "seed": 0}
    return g


def text_classifier(training=None, vocab_size=2392):
    """The headline classifier: ids → BagOfWords f(x) → MatMul θ → Add b → Softmax p → CrossEntropy L."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [24], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": 3})
    f = g.add_node("BagOfWords", "f(x)", {"vocab_size": vocab_size})
    w = g.add_node("Parameter", "θ", {"shape": [vocab_size, 3], "init": "zeros"})
    b = g.add_node("Parameter", "b", {"shape": [3], "init": "zeros"})
    s, z, p = g.add_node("MatMul", "s"), g.add_node("Add", "z"), g.add_node("Softmax", "p")
    loss = g.add_node("CrossEntropy", "L")
    for a_, b_, port in ((x, f, "ids"), (f, s, "x"), (w, s, "W"), (s, z, "a"), (b, z, "b"), (z, p, "x"),
                         (p, loss, "p"), (y, loss, "y")):
        g.connect(a_.id, b_.id, port)
    g.meta["dataset"] = dict(DEFAULT_SPECS["headlines"])
    g.meta["bindings"] = {"inputs": "x", "labels": "y", "output": "p"}
    g.meta["training"] = training or {"optimizer": "adam", "lr": 0.01, "batch_size": 32, "epochs": 3, "seed": 0}
    return g


def params_of(graph):
    return {n.name: n.value.copy() for n in graph.parameters()}


# ----- seeding

def test_two_runs_with_one_seed_give_identical_numbers():
    runs = []
    for _ in range(2):
        g = classifier(hidden=4)
        trainer = Trainer(g)
        history = trainer.fit(2)
        runs.append((history.to_dict(), params_of(g)))
    (h1, p1), (h2, p2) = runs
    assert h1 == h2
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)


def test_another_shuffling_seed_gives_other_numbers():
    losses = []
    for seed in (0, 1):
        trainer = Trainer(classifier(hidden=4), settings={"seed": seed})
        losses.append(trainer.fit(1).loss)
    assert losses[0] != losses[1]


def test_reset_reinitialises_parameters_from_their_seeds_and_repeats_the_run():
    g = classifier(hidden=4)
    initial = params_of(g)
    trainer = Trainer(g)
    first = trainer.fit(2).to_dict()
    assert not np.array_equal(g.find("W").value, initial["W"])
    trainer.reset()
    assert all(np.array_equal(g.find(k).value, v) for k, v in initial.items())
    assert trainer.step_count == 0 and trainer.history.loss == []
    assert trainer.fit(2).to_dict() == first


# ----- steps and epochs

def test_step_reports_index_epoch_loss_and_grad_norms_of_its_batch():
    g = classifier()
    trainer = Trainer(g, settings={"batch_size": 200})  # one batch holds the whole training split
    data = trainer.data
    loss, grads = Plan(g).loss_and_grads({"x": data.x_train, "y": data.y_train})
    result = trainer.step()
    assert (result.step, result.epoch, result.batch_size) == (1, 1, len(data.y_train))
    assert result.loss == pytest.approx(loss)
    assert set(result.grad_norms) == {g.find("W").id, g.find("b").id}
    assert result.grad_norms[g.find("W").id] == pytest.approx(np.linalg.norm(grads[g.find("W").id]))
    assert 0.0 <= result.accuracy <= 1.0
    assert result.epoch_end


def test_epochs_end_after_every_example_was_seen_once():
    trainer = Trainer(classifier())
    steps = trainer.steps_per_epoch
    assert steps == -(-len(trainer.data.y_train) // 16)
    results = [trainer.step() for _ in range(steps + 1)]
    assert [r.epoch_end for r in results] == [False] * (steps - 1) + [True, False]
    assert [r.epoch for r in results] == [1] * steps + [2]
    assert trainer.epoch == 1 and len(trainer.history.train_acc) == 1
    assert sum(r.batch_size for r in results[:steps]) == len(trainer.data.y_train)


def test_fit_and_run_epoch_record_per_step_and_per_epoch_history():
    trainer = Trainer(classifier())
    epochs = []
    trainer.fit(2, on_epoch=epochs.append)
    epoch = trainer.run_epoch()
    h = trainer.history
    assert [e.epoch for e in epochs] == [1, 2] and epoch.epoch == 3
    assert h.epoch == [1, 2, 3] and len(h.train_loss) == len(h.test_acc) == 3
    assert h.step == list(range(1, 3 * trainer.steps_per_epoch + 1))
    assert len(h.loss) == len(h.acc) == len(h.lr) == len(h.step)
    assert all(len(v) == len(h.step) for v in h.grad_norms.values())
    assert h.train_loss[-1] < h.train_loss[0]
    assert epoch.test.accuracy > 0.8  # three well-separated blobs


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.5), ("momentum", 0.1), ("adam", 0.05)])
def test_each_optimizer_trains_a_hidden_layer_classifier(optimizer, lr):
    trainer = Trainer(classifier("moons", hidden=8, classes=2,
                                 training={"optimizer": optimizer, "lr": lr, "batch_size": 16, "seed": 0}))
    before = trainer.evaluate("train").loss
    trainer.fit(5)
    assert trainer.evaluate("train").loss < 0.8 * before


def as_dense(grads):
    return {k: dense(g) for k, g in grads.items()}


def as_split_rows(grads):
    """Matrix gradients as SparseRows of their non-zero rows, each row given twice as two exact halves."""
    out = {}
    for k, g in as_dense(grads).items():
        if g.ndim != 2:
            out[k] = g
            continue
        rows = np.flatnonzero(np.any(g != 0, axis=1))
        out[k] = SparseRows(np.concatenate([rows, rows]), np.concatenate([g[rows] * 0.5, g[rows] * 0.5]), g.shape)
    return out


def test_sparse_row_gradients_train_exactly_like_dense_ones(monkeypatch):
    original = Plan.loss_and_grads
    results = []
    for convert in (as_dense, as_split_rows):
        monkeypatch.setattr(Plan, "loss_and_grads", lambda self, feeds, c=convert: (
            lambda loss, grads: (loss, c(grads)))(*original(self, feeds)))
        g = text_classifier({"optimizer": "sgd", "lr": 0.5, "batch_size": 32, "seed": 0})
        history = Trainer(g).fit(1)
        results.append((history.to_dict(), params_of(g)))
    (h1, p1), (h2, p2) = results
    norms1, norms2 = h1.pop("grad_norms"), h2.pop("grad_norms")  # a norm over fewer zeros may differ in the last bit
    assert h1 == h2
    assert all(norms1[k] == pytest.approx(norms2[k], rel=1e-12) for k in norms1)
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)


def test_a_new_learning_rate_takes_effect_at_the_next_step():
    g = classifier()
    trainer = Trainer(g, settings={"batch_size": 200})  # whole-split batches: the gradient does not depend on order
    trainer.step()
    trainer.set_lr(0.01)
    before = g.find("W").value.copy()
    _, grads = Plan(g).loss_and_grads({"x": trainer.data.x_train, "y": trainer.data.y_train})
    result = trainer.step()
    assert result.lr == 0.01 and trainer.history.lr == [0.5, 0.01]
    assert g.find("W").value == pytest.approx(before - 0.01 * grads[g.find("W").id], rel=1e-9, abs=1e-12)


def test_a_bad_learning_rate_is_refused():
    trainer = Trainer(classifier())
    with pytest.raises(TrainingError, match="lr"):
        trainer.set_lr(-1)
    assert trainer.lr == 0.5


# ----- pause, resume, stop

def test_pause_from_the_training_thread_holds_fit_until_resume():
    trainer = Trainer(classifier())
    paused, seen = threading.Event(), []

    def on_step(result):
        seen.append(result.step)
        if result.step == 3:
            trainer.pause()
            paused.set()

    worker = threading.Thread(target=trainer.fit, kwargs={"epochs": 1, "on_step": on_step})
    worker.start()
    assert paused.wait(10)
    worker.join(0.3)
    assert worker.is_alive() and trainer.is_paused and seen == [1, 2, 3]
    trainer.resume()
    worker.join(30)
    assert not worker.is_alive() and not trainer.is_paused
    assert seen == list(range(1, trainer.steps_per_epoch + 1))


def test_stop_ends_fit_after_the_current_step():
    trainer = Trainer(classifier())
    trainer.fit(3, on_step=lambda r: trainer.stop() if r.step == 2 else None)
    assert trainer.step_count == 2 and trainer.is_stopped and trainer.epoch == 0


def test_should_stop_is_asked_before_each_step():
    trainer = Trainer(classifier())
    trainer.fit(3, should_stop=lambda: trainer.step_count >= 4)
    assert trainer.step_count == 4


def test_run_for_does_nothing_while_paused_and_steps_after_resume():
    trainer = Trainer(classifier())
    trainer.pause()
    assert trainer.run_for(0.01) == []
    trainer.resume()
    results = trainer.run_for(10.0, max_steps=3)
    assert [r.step for r in results] == [1, 2, 3]


# ----- the NaN guard

def exp_classifier(lr):
    """p = softmax(exp(xW)) on moons: gradients stay bounded, but xW grows by about α per step until exp overflows."""
    g = Graph()
    x, y = g.add_node("Input", "x", {"shape": [2], "batched": True}), g.add_node("Label", "y", {"classes": 2})
    w = g.add_node("Parameter", "W", {"shape": [2, 2], "seed": 1})
    z, e, p, loss = g.add_node("MatMul", "z"), g.add_node("Exp", "exp"), g.add_node("Softmax", "p"), \
        g.add_node("CrossEntropy", "L")
    for a_, b_, port in ((x, z, "x"), (w, z, "W"), (z, e, "x"), (e, p, "x"), (p, loss, "p"), (y, loss, "y")):
        g.connect(a_.id, b_.id, port)
    g.meta["dataset"] = dict(DEFAULT_SPECS["moons"])
    g.meta["training"] = {"optimizer": "sgd", "lr": lr, "batch_size": 16, "epochs": 5, "seed": 0}
    return g


def test_a_large_learning_rate_stops_training_names_the_node_and_keeps_the_last_good_weights():
    g = exp_classifier(20.0)
    trainer = Trainer(g)
    good = [params_of(g)]
    with pytest.raises(TrainingDiverged) as info:
        trainer.fit(on_step=lambda r: good.append(params_of(g)))
    err = info.value
    assert err.node_name == "exp" and err.node_id == g.find("exp").id and err.step == len(good)
    assert str(err) == (f"training stopped at step {err.step}: Exp 'exp' produced {err.value} first; "
                        "the last good weights are kept")
    assert all(np.array_equal(g.find(k).value, v) for k, v in good[-1].items())
    assert trainer.is_stopped and trainer.diverged is err and trainer.step_count == err.step - 1
    with np.errstate(all="ignore"):  # the kept weights do overflow at exp (and only after it) on the training set
        values = forward(g, {"x": trainer.data.x_train})
    assert not np.isfinite(values[g.find("exp").id]).all() and np.isfinite(values[g.find("z").id]).all()


def test_log_of_zero_is_reported_at_the_log_node():
    # ReLU gives exact zeros, so log a = −inf; that node, not the loss after it, is named
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [2], "batched": True})
    y = g.add_node("Label", "y", {"classes": 3})
    w = g.add_node("Parameter", "W", {"shape": [2, 3], "init": "normal", "scale": 1.0, "seed": 0})
    s, a, loga = g.add_node("MatMul", "s"), g.add_node("ReLU", "a"), g.add_node("Log", "log a")
    loss = g.add_node("SoftmaxCrossEntropy", "L")
    for a_, b_, port in ((x, s, "x"), (w, s, "W"), (s, a, "x"), (a, loga, "x"), (loga, loss, "z"), (y, loss, "y")):
        g.connect(a_.id, b_.id, port)
    g.meta["dataset"] = dict(DEFAULT_SPECS["blobs3"])
    before = g.find("W").value.copy()
    trainer = Trainer(g)
    with pytest.raises(TrainingDiverged, match=r"^training stopped at step 1: Log 'log a' produced -inf first; "
                                               r"the last good weights are kept$") as info:
        trainer.step()
    assert info.value.node_name == "log a" and info.value.value == "-inf"
    assert np.array_equal(g.find("W").value, before)


def test_an_update_that_overflows_is_undone_and_names_the_parameter():
    # equal scores keep loss and gradients finite; the step α·λΘ = 100·100·1e306 is not
    g = classifier(w_init={"shape": [2, 3], "init": "constant", "scale": 1.0},
                   training={"optimizer": "sgd", "lr": 100.0, "weight_decay": 100.0, "batch_size": 16, "seed": 0})
    g.set_value(g.find("W").id, np.full((2, 3), 1e306))  # weights a file may hold; an initialiser stops at 1e6
    before = params_of(g)
    with pytest.raises(TrainingDiverged, match=r"step 1: the update of Parameter 'W' produced -?inf \(the learning "
                                               r"rate 100 or the weight decay 100 is too large\)") as info:
        Trainer(g).step()
    assert info.value.node_name == "W"
    assert all(np.array_equal(g.find(k).value, v) for k, v in before.items())


def test_after_divergence_a_reset_with_a_smaller_learning_rate_trains_again():
    trainer = Trainer(exp_classifier(20.0))
    with pytest.raises(TrainingDiverged) as info:
        trainer.fit()
    assert trainer.step_count == info.value.step - 1  # the failed step is not counted
    trainer.set_lr(0.1)
    trainer.reset()
    trainer.fit(1)
    assert not trainer.is_stopped and trainer.epoch == 1


# ----- metrics

def crafted():
    """Scores [x0, x1, −x0−x1]: (2,0)→A, (0,2)→B, (−2,−2)→C, (1,0)→A; true labels A, B, B, C."""
    g = classifier(w_init={"shape": [2, 3], "init": "zeros"})
    g.set_value(g.find("W").id, np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]))
    x = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, -2.0], [1.0, 0.0]], dtype=np.float32)
    y = np.array([0, 1, 1, 2])
    data = PreparedData("points", "crafted", x, y, x, y, ("A", "B", "C"))
    return g, data, x, y


@pytest.mark.parametrize("chunk", [512, 3])
def test_evaluate_gives_loss_accuracy_and_confusion_of_a_crafted_case(monkeypatch, chunk):
    monkeypatch.setattr(metrics_module, "EVAL_CHUNK", chunk)
    g, data, x, y = crafted()
    m = Trainer(g, data=data).evaluate("test")
    scores = np.stack([x[:, 0], x[:, 1], -x[:, 0] - x[:, 1]], axis=1).astype(np.float64)
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    assert m.count == 4
    assert m.accuracy == 0.5
    assert m.confusion.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 0]]
    assert m.loss == pytest.approx(-np.mean(log_p[np.arange(4), y]))


def test_evaluate_refuses_an_unknown_split():
    g, data, _, _ = crafted()
    with pytest.raises(TrainingError, match="split"):
        Trainer(g, data=data).evaluate("validation")


# ----- prediction and explanation

def test_predict_proba_gives_one_distribution_per_example():
    g, data, x, _ = crafted()
    probs = Trainer(g, data=data).predict_proba(x)
    assert probs.shape == (4, 3) and np.allclose(probs.sum(axis=1), 1.0)
    assert list(probs.argmax(axis=1)) == [0, 1, 2, 0]


def test_predict_proba_softmaxes_an_output_that_gives_scores():
    g, data, x, _ = crafted()
    g.meta["bindings"]["output"] = "z"
    probs = Trainer(g, data=data).predict_proba(x[0])
    scores = np.array([2.0, 0.0, -2.0])
    assert probs[0] == pytest.approx(np.exp(scores) / np.exp(scores).sum())


def test_predict_text_ranks_every_class_after_training():
    trainer = Trainer(text_classifier())
    trainer.fit()
    ranked = trainer.predict_text("Chelsea win the league after a late goal")
    assert sorted(name for name, _ in ranked) == ["Business", "Politics", "Sports"]
    assert ranked[0][0] == "Sports" and sum(p for _, p in ranked) == pytest.approx(1.0)
    assert ranked[0][1] >= ranked[1][1] >= ranked[2][1]


def test_predict_text_on_points_data_says_so():
    with pytest.raises(TrainingError, match="points"):
        Trainer(classifier()).predict_text("hello")


def test_explain_step_traces_one_sgd_step_and_applies_it_only_when_asked():
    g = text_classifier()
    trainer = Trainer(g)
    before = g.find("θ").value.copy()
    trace = trainer.explain_step(text="Shares fall as profits slump", label="business", lr=0.5)
    kinds = [s.kind for s in trace.steps]
    assert kinds.index("seed") > kinds.index("forward") and kinds[-1] == "update"
    update = next(s for s in trace.steps_of("update") if s.node == g.find("θ").id)
    assert update.after == pytest.approx(update.before - 0.5 * update.grad)
    assert np.array_equal(g.find("θ").value, before)
    trainer.explain_step(index=0, apply_update=True)
    assert not np.array_equal(g.find("θ").value, before)


def test_explain_step_with_text_needs_a_known_label():
    trainer = Trainer(text_classifier())
    with pytest.raises(TrainingError, match="label"):
        trainer.explain_step(text="good")
    with pytest.raises(TrainingError, match="Sports, Politics, Business"):
        trainer.explain_step(text="good", label="weather")


# ----- saving and checks

def test_save_into_graph_writes_history_accuracy_and_confusion():
    g = classifier()
    trainer = Trainer(g)
    changed = []
    g.events.meta_changed.subscribe(changed.append)
    trainer.fit(2)
    metrics = trainer.save_into_graph()
    final = trainer.evaluate("test")
    assert g.meta["metrics"] is metrics and changed
    assert metrics["test_accuracy"] == final.accuracy
    assert metrics["confusion"] == final.confusion.tolist()
    assert sum(map(sum, metrics["confusion"])) == len(trainer.data.y_test)
    assert metrics["train_loss"] == trainer.history.train_loss and len(metrics["test_acc"]) == 2
    assert metrics["trained_with"]["lr"] == 0.5


@pytest.mark.parametrize("change,message", [
    (lambda g: g.meta.pop("dataset"), "dataset"),
    (lambda g: g.meta["training"].update(lr=-1), "training.lr"),
    (lambda g: g.meta["training"].update(speed=3), "training.speed"),
    (lambda g: g.meta["bindings"].update(output="nope"), "bindings.output"),
    (lambda g: g.set_attr(g.find("y").id, "classes", 2), "2 classes"),
])
def test_a_graph_that_cannot_train_gives_a_training_error_naming_the_problem(change, message):
    g = text_classifier()
    change(g)
    with pytest.raises(TrainingError, match=message):
        Trainer(g)


def test_bindings_are_inferred_for_a_binary_neuron_without_meta_bindings():
    # a = σ(θᵀx) with BinaryCrossEntropy against an Input t of 0/1 targets
    g = Graph()
    x, t = g.add_node("Input", "x", {"shape": [2], "batched": True}), g.add_node("Input", "t", {"batched": True})
    theta = g.add_node("Parameter", "θ", {"shape": [2], "init": "normal", "seed": 1})
    dot, a, loss = g.add_node("Dot", "θᵀx"), g.add_node("Sigmoid", "a"), g.add_node("BinaryCrossEntropy", "L")
    for a_, b_, port in ((theta, dot, "θ"), (x, dot, "x"), (dot, a, "x"), (a, loss, "p"), (t, loss, "y")):
        g.connect(a_.id, b_.id, port)
    g.meta["dataset"] = dict(DEFAULT_SPECS["moons"])
    trainer = Trainer(g)
    assert (trainer.bindings.inputs, trainer.bindings.labels, trainer.bindings.output) == (x.id, t.id, a.id)
    trainer.fit(3)
    probs = trainer.predict_proba(trainer.data.x_test)
    assert probs.shape == (len(trainer.data.y_test), 2) and np.allclose(probs.sum(axis=1), 1.0)
    assert trainer.evaluate("test").accuracy == np.mean(probs.argmax(axis=1) == trainer.data.y_test)


def test_a_vocabulary_larger_than_the_bag_of_words_is_refused():
    with pytest.raises(TrainingError, match="BagOfWords 'f\\(x\\)' has room for 100 words at its input 'ids', "
                                            "but the vocabulary has 2392 words"):
        Trainer(text_classifier(vocab_size=100))


def test_a_vocabulary_larger_than_the_embedding_table_is_refused():
    g = build_example("text_cnn")
    g.set_attr(g.find("E").id, "shape", [100, 50])
    with pytest.raises(TrainingError, match="Embedding 'f\\(w\\)' has room for 100 words at its input 'ids', "
                                            "but the vocabulary has 2392 words"):
        Trainer(g)


def test_a_structure_change_is_checked_before_the_next_step():
    g = text_classifier()
    trainer = Trainer(g)
    trainer.step()
    g.set_attr(g.find("y").id, "classes", 2)
    with pytest.raises(TrainingError, match="Label 'y' has 2 classes"):
        trainer.step()
