"""Live training keeps each piece of GUI-thread work short (issue 12 item 10): the canvas values, a redraw and the
end of a run are split or skipped where they were one long wait, and the last state is still what is shown."""
import math

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import WAIT_MS, click, open_window, type_setting, wait_idle  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    yield w
    w.training.session.close()


def shown_value(window, node_id):
    return window.scene.node_items[node_id].display.value


def test_example_values_are_painted_a_few_nodes_per_turn_and_the_latest_example_wins(qtbot, window):
    tint, model = window.training.tint, window.training.session.model
    first, latest = model.encode("stocks fall after earnings miss"), model.encode("team wins the cup final")
    tint.clear()
    tint.queue_example(model, first)
    assert tint.paint_some(0.0) is False  # with no time left, one node is painted and the others wait
    assert len(tint.valued_nodes) == 1
    tint.queue_example(model, latest)  # a newer example replaces what was still waiting
    while not tint.paint_some(0.0):
        pass
    expected = model.values_for(latest)
    assert len(tint.valued_nodes) > 3
    for node_id in tint.valued_nodes:
        assert np.allclose(shown_value(window, node_id), np.asarray(expected[node_id])[0])


def test_the_canvas_shows_every_node_value_after_paint_canvas(qtbot, window):
    training = window.training
    training.tint.clear()
    training.paint_canvas()
    qtbot.waitUntil(lambda: not training.tint.painting, timeout=WAIT_MS)
    x = training.predict.current_input()
    expected = training.session.model.values_for(x)
    output = training.session.model.bindings.output
    assert output in training.tint.valued_nodes
    assert np.allclose(shown_value(window, output), np.asarray(expected[output])[0])


def drawn(curves, key):
    xs = curves.curves[key].getData()[0]
    return 0 if xs is None else len(xs)


def test_a_redraw_during_a_run_comes_in_parts_and_the_run_ends_with_everything_drawn(qtbot, window):
    session, dash = window.training.session, window.training.dashboard
    type_setting(qtbot, window, "epochs", "2")
    click(qtbot, window.training.controls.train_button)
    qtbot.waitUntil(lambda: session.state is State.RUNNING, timeout=WAIT_MS)
    curves = dash.curves
    curves.add_steps([0.5], [1.0], [0.5])  # both plots have something new
    dash.refresh_visible()
    assert drawn(curves, "step_loss") == curves.point_count("step_loss")  # the first part now
    assert drawn(curves, "step_acc") < curves.series["step_acc"].count  # the accuracy plot in a later turn
    qtbot.waitUntil(lambda: drawn(curves, "step_acc") == curves.series["step_acc"].count, timeout=WAIT_MS)
    wait_idle(qtbot, window, (State.READY,))
    steps = window.graph.meta["metrics"]["steps_done"]
    assert curves.point_count("step_loss") == steps + 1  # every step, and the point this test added
    for key in ("step_loss", "step_acc", "test_loss", "test_acc"):
        assert drawn(curves, key) == len(curves.series[key].thinned()[0])
    assert np.array_equal(dash.confusion.counts, window.graph.meta["metrics"]["confusion"])


def test_the_end_of_a_run_takes_the_test_metrics_of_its_last_epoch_end(qtbot, window, monkeypatch):
    session = window.training.session
    trainer = session.trainer
    calls = []
    evaluate = trainer.evaluate
    monkeypatch.setattr(trainer, "evaluate", lambda split="test": calls.append(split) or evaluate(split))
    type_setting(qtbot, window, "epochs", "1")
    click(qtbot, window.training.controls.train_button)
    wait_idle(qtbot, window, (State.READY,))
    assert calls == []  # the epoch end had just measured these weights
    metrics = window.graph.meta["metrics"]
    assert metrics["test_accuracy"] == trainer.last_epoch.test.accuracy
    click(qtbot, window.training.controls.step_button)  # weights after the epoch end: measured again
    wait_idle(qtbot, window)
    assert calls == ["test"]
    assert window.graph.meta["metrics"]["test_accuracy"] == evaluate("test").accuracy


def test_copy_metrics_is_a_deep_copy_of_lists_dicts_and_numbers():
    from graphviz_app.training.undo import copy_metrics

    metrics = {"loss": [1.0, float("nan"), 0.5], "grad_norms": {"W": [0.1, 0.2]}, "confusion": [[1, 2], [3, 4]],
               "class_names": ["a", "b"], "steps_done": 3, "trained_with": {"lr": 0.1, "optimizer": "sgd"}}
    copied = copy_metrics(metrics)
    assert copied.keys() == metrics.keys() and math.isnan(copied["loss"][1])
    assert copied["confusion"] == metrics["confusion"] and copied["grad_norms"] == metrics["grad_norms"]
    copied["loss"].append(9.0)
    copied["grad_norms"]["W"][0] = 7.0
    copied["confusion"][0][0] = 99
    assert metrics["loss"][-1] == 0.5 and metrics["grad_norms"]["W"][0] == 0.1 and metrics["confusion"][0][0] == 1


def test_train_raises_the_dashboard_only_when_it_is_behind_another_tab(qtbot, window, monkeypatch):
    from graphviz_app.training import behind_a_tab

    training, dock = window.training, window.training.dashboard_dock
    others = [d for d in window.tabifiedDockWidgets(dock)]
    assert others, "the dashboard shares its place with other docks"
    others[0].show()
    others[0].raise_()
    qtbot.waitUntil(lambda: behind_a_tab(window, dock), timeout=WAIT_MS)
    raised = []
    original = dock.raise_
    monkeypatch.setattr(dock, "raise_", lambda: raised.append(1) or original())
    type_setting(qtbot, window, "epochs", "1")
    click(qtbot, training.controls.train_button)
    wait_idle(qtbot, window, (State.READY,))
    assert raised == [1]
    qtbot.waitUntil(lambda: not behind_a_tab(window, dock), timeout=WAIT_MS)  # the dashboard came forward
    click(qtbot, training.controls.train_button)  # it is in front now: raising it would only repaint it all
    wait_idle(qtbot, window, (State.READY,))
    assert raised == [1]


def test_epoch_markers_are_set_only_when_they_change_and_go_when_epochs_are_many(qtbot, monkeypatch):
    from graphviz_app.training.plots import MAX_MARKED_EPOCHS, CurvesPanel

    panel = CurvesPanel()
    qtbot.addWidget(panel)
    calls = []
    curve = panel.curves["test_loss"]
    original = curve.setSymbol
    monkeypatch.setattr(curve, "setSymbol", lambda symbol: calls.append(symbol) or original(symbol))
    for epoch in range(1, 4):
        panel.add_epochs([epoch], [1.0], [1.0], [0.5], [0.5])
        panel.refresh()
    assert calls == ["s"]  # set once; setting it again re-sets the whole curve for nothing
    assert curve.opts["symbol"] == "s"
    epochs = list(range(4, MAX_MARKED_EPOCHS + 2))
    ones = [1.0] * len(epochs)
    panel.add_epochs(epochs, ones, ones, ones, ones)
    panel.refresh()
    assert calls == ["s", None] and curve.opts["symbol"] is None  # so many markers would merge into a line
    xs, _ = curve.getData()
    assert len(xs) == MAX_MARKED_EPOCHS + 1
