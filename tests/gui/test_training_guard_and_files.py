"""NaN/inf guard in the window, and trained weights + history surviving save and reopen."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.serialization import load_graph, save_graph  # noqa: E402
from graphviz_app.training.model import parameter_values  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import click, open_window, type_setting, wait_idle  # noqa: E402


def exploding_graph() -> Graph:
    """p = softmax(exp(xW)) with SGD at α = 20: the scores grow by about α a step; step 4 overflows in exp."""
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
                  training={"optimizer": "sgd", "lr": 20.0, "batch_size": 16, "epochs": 5, "seed": 0})
    return g


def test_nan_guard_pauses_names_the_node_highlights_it_and_keeps_last_good_weights(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, exploding_graph())
    try:
        session = window.training.session
        initial = parameter_values(window.graph)
        messages = []
        session.status.connect(messages.append)
        click(qtbot, window.training.controls.train_button)
        qtbot.waitUntil(lambda: session.error_node is not None, timeout=30_000)
        assert session.state is State.READY
        exp_id = window.graph.find("exp").id
        assert "Exp 'exp' produced inf first" in messages[-1]
        assert "Exp 'exp'" in window.training.controls.message.text()
        assert window.scene.node_items[exp_id].display.state == "error"
        weights = window.graph.find("W").value
        assert np.all(np.isfinite(weights)) and not np.array_equal(weights, initial[window.graph.find("W").id])
        assert window.graph.meta["metrics"]["steps_done"] == 3  # the weights after step 3, the last good one
        window.actions["undo"].trigger()
        assert np.array_equal(window.graph.find("W").value, initial[window.graph.find("W").id])
        type_setting(qtbot, window, "lr", "0.1")
        click(qtbot, window.training.controls.step_button)
        assert window.graph.meta["metrics"]["lr"] == [0.1]
        assert window.scene.node_items[exp_id].display.state is None  # the mark goes when training goes on
    finally:
        window.training.session.close()


def test_saved_weights_and_history_come_back_with_identical_predictions(qtbot, tmp_path):
    headline = "Stocks fall after Morgan Stanley earnings miss"
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        type_setting(qtbot, window, "epochs", "1")
        click(qtbot, window.training.controls.train_button)
        wait_idle(qtbot, window, (State.READY,))
        window.training.predict.entry.setText(headline)
        window.training.predict.predict()
        before = window.training.predict.last_probs.copy()
        saved_steps = window.training.dashboard.curves.point_count("step_loss")
        path = tmp_path / "trained.json"
        save_graph(window.graph, path)
    finally:
        window.training.session.close()
    reopened = open_window(qtbot, tmp_path, load_graph(path))
    try:
        reopened.training.predict.entry.setText(headline)
        reopened.training.predict.predict()
        assert np.array_equal(reopened.training.predict.last_probs, before)
        curves = reopened.training.dashboard.curves
        assert saved_steps > 0 and curves.point_count("step_loss") == saved_steps
        assert curves.point_count("test_acc") == 1
        click(qtbot, reopened.training.controls.step_button)  # training continues the saved history
        assert reopened.graph.meta["metrics"]["step"][-1] == saved_steps + 1
    finally:
        reopened.training.session.close()


def test_the_app_and_the_command_line_continue_each_others_saved_history(qtbot, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def cli_train(path):
        done = subprocess.run([sys.executable, "main.py", "train", str(path), "--epochs", "1", "--save", str(path)],
                              cwd=root, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    path = tmp_path / "moons.json"
    save_graph(build_example("toy_2d"), path)
    cli_train(path)
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        window.prompts.open_answer = str(path)
        window.actions["open"].trigger()
        wait_idle(qtbot, window)
        assert window.training.dashboard.curves.point_count("test_acc") == 1  # the command line's epoch
        type_setting(qtbot, window, "epochs", "1")
        click(qtbot, window.training.controls.train_button)
        wait_idle(qtbot, window, (State.READY,))
        metrics = window.graph.meta["metrics"]
        assert metrics["epoch"] == [1, 2] and metrics["step"] == list(range(1, metrics["steps_done"] + 1))
        window.actions["save"].trigger()
    finally:
        window.training.session.close()
    out = cli_train(path)
    assert "continuing the saved history" in out
    assert load_graph(path).meta["metrics"]["epoch"] == [1, 2, 3]
