"""The training dashboard in a real MainWindow (offscreen): steps, pause/resume, learning rate, undo, predict box."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from engine.examples import build_example  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402
from graphviz_app.training.model import parameter_values  # noqa: E402

WAIT_MS = 30_000


class QuietPrompts:
    """Answers the window's questions without dialogs."""

    def __init__(self):
        self.asked_save = []
        self.asked_yes_no = []
        self.yes_no_answer = False

    def ask_save_changes(self, name):
        self.asked_save.append(name)
        return "discard"

    def ask_restore(self, description):
        return False

    def error(self, title, text):
        raise AssertionError(f"unexpected error dialog: {title}: {text}")

    def info(self, title, text):
        pass

    def ask_yes_no(self, title, question):
        self.asked_yes_no.append(question)
        return self.yes_no_answer


def open_window(qtbot, tmp_path, graph):
    """A MainWindow on `graph` (it has the training dashboard and explain mode)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery=RecoveryStore(tmp_path / "recovery"), prompts=QuietPrompts())
    qtbot.addWidget(window)
    window.show()
    window.set_graph(graph, None)
    wait_idle(qtbot, window)
    return window


def wait_idle(qtbot, window, states=("ready", "paused", "diverged", "untrainable")):
    """Until the controller accepts commands again (the worker finished what it was doing)."""
    qtbot.waitUntil(lambda: window.training.controller.state in states, timeout=WAIT_MS)


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    yield w
    w.training.controller.close()


def step(qtbot, window, times=1):
    for _ in range(times):
        window.training.controller.step()
        wait_idle(qtbot, window)


def test_steps_update_curves_and_confusion_matrix(qtbot, window):
    dash = window.training.dashboard
    untrained = dash.confusion.counts.copy()
    assert untrained.sum() == len(window.training.controller.data.y_test)
    step(qtbot, window, 3)
    assert dash.curves.point_count("step_loss") == 3
    xs, ys = dash.curves.curves["step_loss"].getData()
    assert len(ys) == 3 and np.all(np.isfinite(ys))
    window.training.controller.train(1)  # one full epoch: the per-epoch points and a trained confusion matrix
    wait_idle(qtbot, window)
    assert dash.curves.point_count("test_loss") == 1
    assert dash.confusion.counts.sum() == untrained.sum()
    assert not np.array_equal(dash.confusion.counts, untrained)
    assert [label.toPlainText() for label in dash.confusion.labels] == [str(c) for c in dash.confusion.counts.ravel()]


def test_single_steps_merge_into_one_undo_command_that_restores_the_weights(qtbot, window):
    before = parameter_values(window.graph)
    step(qtbot, window, 3)
    stack = window.undo_stack
    assert stack.count() == 1 and "3 single steps" in stack.text(0)
    after = parameter_values(window.graph)
    assert any(not np.array_equal(before[k], after[k]) for k in before)
    stack.undo()
    assert all(np.array_equal(before[k], window.graph.nodes[k].value) for k in before)
    assert "metrics" not in window.graph.meta


def test_pause_stops_at_once_and_resume_continues(qtbot, window):
    controller = window.training.controller
    controller.train(200)
    qtbot.waitUntil(lambda: (controller.last_snapshot is not None and controller.last_snapshot.step >= 5),
                    timeout=WAIT_MS)
    controller.pause()
    assert controller.state in ("pausing", "paused")  # the button acts at once; the worker ends its step
    wait_idle(qtbot, window)
    paused_at = window.graph.meta["metrics"]["steps_done"]
    qtbot.wait(300)
    assert window.training.controller.worker.trainer.step_count == paused_at  # nothing runs while paused
    assert window.undo_stack.count() == 1
    controller.train(200)
    qtbot.waitUntil(lambda: controller.last_snapshot.step >= paused_at + 5, timeout=WAIT_MS)
    controller.pause()
    wait_idle(qtbot, window)
    metrics = window.graph.meta["metrics"]
    assert metrics["step"] == list(range(1, metrics["steps_done"] + 1))  # one history, no gap or restart
    assert window.undo_stack.count() == 2


def test_learning_rate_change_mid_run_takes_effect_at_the_next_step(qtbot, window):
    controller = window.training.controller
    window.training.controls.lr.setValue(0.002)
    controller.train(200)
    qtbot.waitUntil(lambda: controller.last_snapshot is not None and controller.last_snapshot.step >= 3,
                    timeout=WAIT_MS)
    window.training.controls.lr.setValue(0.02)
    qtbot.waitUntil(lambda: controller.last_snapshot.lr == 0.02, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: controller.last_snapshot.step >= 10, timeout=WAIT_MS)
    controller.pause()
    wait_idle(qtbot, window)
    rates = window.graph.meta["metrics"]["lr"]
    switch = rates.index(0.02)
    assert switch >= 3 and set(rates[:switch]) == {0.002} and set(rates[switch:]) == {0.02}
    assert window.graph.meta["training"]["lr"] == 0.02


def test_predict_box_shows_one_bar_per_class_summing_to_one(qtbot, window):
    box = window.training.predict
    box.entry.setText("Chelsea win the cup final after extra time")
    box.predict()
    classes = window.training.controller.data.class_names
    assert box.bars.names == list(classes)
    assert len(box.bars.probs) == len(classes)
    assert box.bars.probs.sum() == pytest.approx(1.0)
    words = [t.text for t in box.last_explanation.tokens]
    assert words == ["chelsea", "win", "the", "cup", "final", "after", "extra", "time"]


def test_word_contributions_add_up_to_the_class_score(qtbot, window):
    step(qtbot, window, 5)
    box = window.training.predict
    box.entry.setText("Stocks fall after bank earnings miss")
    box.predict()
    explanation = box.last_explanation
    model = window.training.controller.model
    values = model.values_for(box.current_input())
    score = values[window.graph.find("S").id][0, explanation.predicted]
    bias = window.graph.find("b").value[explanation.predicted]
    assert sum(t.score for t in explanation.tokens) + bias == pytest.approx(score)


def test_reset_weights_is_undoable_and_restores_seeded_values(qtbot, window):
    initial = parameter_values(window.graph)
    step(qtbot, window, 2)
    trained = parameter_values(window.graph)
    window.training.controller.reset_weights()
    wait_idle(qtbot, window)
    assert all(np.array_equal(initial[k], window.graph.nodes[k].value) for k in initial)
    assert window.training.dashboard.curves.point_count("step_loss") == 0
    window.undo_stack.undo()
    assert all(np.array_equal(trained[k], window.graph.nodes[k].value) for k in trained)


def test_closing_the_window_while_training_pauses_and_asks_to_save_the_run(qtbot, window):
    controller = window.training.controller
    controller.train(500)
    qtbot.waitUntil(lambda: controller.last_snapshot is not None and controller.last_snapshot.step >= 3,
                    timeout=WAIT_MS)
    assert window.document.dirty  # a running run counts as unsaved work
    window.close()
    assert window.prompts.asked_save, "closing did not ask to save the trained weights"
    assert controller.state != "running"
    assert window.undo_stack.count() == 1 and window.graph.meta["metrics"]["steps_done"] >= 3
