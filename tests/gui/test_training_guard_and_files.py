"""NaN/inf guard in the window, and trained weights + history surviving save and reopen."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.serialization import load_graph, save_graph  # noqa: E402
from graphviz_app.training.model import parameter_values  # noqa: E402

from .test_training_dashboard import open_window, wait_idle  # noqa: E402


def exploding_graph() -> Graph:
    """p = softmax(exp(xW)) with SGD at α = 5000: step 1 is finite, step 2 overflows in exp."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [2], "batched": True}, (0, 0))
    w = g.add_node("Parameter", "W", {"shape": [2, 2], "seed": 1}, (0, -100))
    z = g.add_node("MatMul", "z", pos=(150, 0))
    e = g.add_node("Exp", "exp", pos=(300, 0))
    p = g.add_node("Softmax", "p", pos=(450, 0))
    y = g.add_node("Label", "y", {"classes": 2}, (450, 100))
    loss = g.add_node("CrossEntropy", "L", pos=(600, 0))
    for src, dst, port in ((x, z, "x"), (w, z, "W"), (z, e, "x"), (e, p, "x"), (p, loss, "p"), (y, loss, "y")):
        g.connect(src.id, dst.id, port)
    g.meta.update(dataset={"name": "moons"}, bindings={"inputs": "x", "labels": "y", "output": "p"},
                  training={"optimizer": "sgd", "lr": 5000.0, "batch_size": 16, "epochs": 5, "seed": 0})
    return g


def test_nan_guard_pauses_names_the_node_highlights_it_and_keeps_last_good_weights(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, exploding_graph())
    try:
        controller = window.training.controller
        initial = parameter_values(window.graph)
        messages = []
        controller.status.connect(messages.append)
        controller.train(5)
        wait_idle(qtbot, window, ("diverged",))
        exp_id = window.graph.find("exp").id
        assert "Exp 'exp' produced inf first" in messages[-1]
        assert "Exp 'exp'" in window.training.controls.message.text()
        assert window.scene.node_items[exp_id].display.state == "error"
        weights = window.graph.find("W").value
        assert np.all(np.isfinite(weights)) and not np.array_equal(weights, initial[window.graph.find("W").id])
        assert window.graph.meta["metrics"]["steps_done"] == 1  # the weights after step 1, the last good one
        window.undo_stack.undo()
        assert np.array_equal(window.graph.find("W").value, initial[window.graph.find("W").id])
        controller.set_lr(0.1)
        controller.step()
        wait_idle(qtbot, window)
        assert window.scene.node_items[exp_id].display.state is None  # the mark goes when training goes on
    finally:
        window.training.controller.close()


def test_saved_weights_and_history_come_back_with_identical_predictions(qtbot, tmp_path):
    headline = "Stocks fall after Morgan Stanley earnings miss"
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        window.training.controller.train(1)
        wait_idle(qtbot, window)
        window.training.predict.entry.setText(headline)
        window.training.predict.predict()
        before = window.training.predict.last_probs.copy()
        saved_steps = window.training.dashboard.curves.point_count("step_loss")
        path = tmp_path / "trained.json"
        save_graph(window.graph, path)
    finally:
        window.training.controller.close()
    reopened = open_window(qtbot, tmp_path, load_graph(path))
    try:
        reopened.training.predict.entry.setText(headline)
        reopened.training.predict.predict()
        assert np.array_equal(reopened.training.predict.last_probs, before)
        curves = reopened.training.dashboard.curves
        assert saved_steps > 0 and curves.point_count("step_loss") == saved_steps
        assert curves.point_count("test_acc") == 1
        reopened.training.controller.step()  # training continues the saved history
        wait_idle(qtbot, reopened)
        assert reopened.graph.meta["metrics"]["step"][-1] == saved_steps + 1
    finally:
        reopened.training.controller.close()
