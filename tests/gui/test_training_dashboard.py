"""The training dashboard in a real MainWindow (offscreen), driven as a user does: buttons, typed settings, undo."""
import sys

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402

from engine.examples import build_example  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402
from graphviz_app.training.model import parameter_values  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

WAIT_MS = 30_000
IDLE = (State.READY, State.PAUSED, State.UNTRAINABLE)


class QuietPrompts:
    """Answers the window's questions without dialogs; an error dialog fails the test."""

    def __init__(self):
        self.asked_save = []
        self.asked_yes_no = []
        self.yes_no_answer = False
        self.open_answer = None
        self.save_answer = None

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

    def open_path(self, folder):
        return self.open_answer

    def save_path(self, suggested):
        return self.save_answer


@pytest.fixture(autouse=True)
def no_uncaught_exceptions(monkeypatch):
    """Any exception reaching sys.excepthook (a slot that raised) fails the test."""
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: caught.append(info))
    yield
    assert not caught, f"an exception reached the excepthook: {caught[0][1]!r}"


def open_window(qtbot, tmp_path, graph):
    """A MainWindow on `graph` (it has the training dashboard and explain mode)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery=RecoveryStore(tmp_path / "recovery"), prompts=QuietPrompts())
    qtbot.addWidget(window)
    window.show()
    window.set_graph(graph, None)
    wait_idle(qtbot, window)
    return window


def wait_idle(qtbot, window, states=IDLE):
    """Until the session accepts commands again (its trainer is built, no run is going on)."""
    qtbot.waitUntil(lambda: window.training.session.state in states, timeout=WAIT_MS)


def type_setting(qtbot, window, key, text):
    """Type `text` into a training setting's field and press Enter, as a user does."""
    edit = window.training.controls.fields[key].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    yield w
    w.training.session.close()


def step(qtbot, window, times=1):
    for _ in range(times):
        click(qtbot, window.training.controls.step_button)
        wait_idle(qtbot, window)


def test_steps_update_curves_and_confusion_matrix(qtbot, window):
    dash = window.training.dashboard
    untrained = dash.confusion.counts.copy()
    assert untrained.sum() == len(window.training.session.data.y_test)
    step(qtbot, window, 3)
    assert dash.curves.point_count("step_loss") == 3
    xs, ys = dash.curves.curves["step_loss"].getData()
    assert len(ys) == 3 and np.all(np.isfinite(ys))
    type_setting(qtbot, window, "epochs", "1")
    click(qtbot, window.training.controls.train_button)  # one full epoch: per-epoch points, a trained matrix
    wait_idle(qtbot, window, (State.READY,))
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
    window.actions["undo"].trigger()
    assert all(np.array_equal(before[k], window.graph.nodes[k].value) for k in before)
    assert "metrics" not in window.graph.meta


def test_resume_after_pause_continues_the_run_to_its_last_epoch(qtbot, window):
    session, controls = window.training.session, window.training.controls
    type_setting(qtbot, window, "epochs", "6")
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.epoch >= 2, timeout=WAIT_MS)
    click(qtbot, controls.pause_button)
    assert session.state is State.PAUSED and controls.train_button.text() == "Resume"
    paused_at = window.graph.meta["metrics"]["epoch"][-1]
    assert 2 <= paused_at < 6 and session.run_target == 6
    qtbot.wait(300)
    assert session.trainer.epoch == paused_at  # nothing runs while paused
    click(qtbot, controls.train_button)
    wait_idle(qtbot, window, (State.READY,))
    metrics = window.graph.meta["metrics"]
    assert metrics["epoch"] == [1, 2, 3, 4, 5, 6]  # the run ends at its 6th epoch, not 6 epochs after the pause
    assert metrics["step"] == list(range(1, metrics["steps_done"] + 1))  # one history, no gap or restart
    assert window.undo_stack.count() == 3  # the epochs edit, the run to the pause, the rest of the run


def test_a_learning_rate_typed_mid_run_takes_effect_at_the_next_step_and_is_undoable(qtbot, window):
    session = window.training.session
    type_setting(qtbot, window, "lr", "0.002")
    click(qtbot, window.training.controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.step_count >= 3, timeout=WAIT_MS)
    type_setting(qtbot, window, "lr", "0.02")
    assert window.graph.meta["training"]["lr"] == 0.02 and session.state is State.RUNNING  # no pause needed
    typed_at = session.trainer.step_count
    qtbot.waitUntil(lambda: session.trainer.step_count >= typed_at + 5, timeout=WAIT_MS)
    click(qtbot, window.training.controls.pause_button)
    rates = window.graph.meta["metrics"]["lr"]
    switch = rates.index(0.02)
    assert switch >= 3 and set(rates[:switch]) == {0.002} and set(rates[switch:]) == {0.02}
    stack = window.undo_stack
    assert [stack.text(i) for i in range(stack.count())][:2] == ["Training: learning rate α = 0.002",
                                                                   "Training: learning rate α = 0.02"]
    window.actions["undo"].trigger()  # the run
    window.actions["undo"].trigger()  # α = 0.02
    assert window.graph.meta["training"]["lr"] == 0.002
    assert window.training.controls.lr.edit.text() == "0.002"
    qtbot.waitUntil(lambda: session.trainer is not None and session.trainer.lr == 0.002, timeout=WAIT_MS)


def test_a_learning_rate_typed_while_the_trainer_is_built_is_the_one_it_trains_with(qtbot, window):
    session = window.training.session
    window.set_graph(build_example("toy_2d"), None)
    assert session.state is State.PREPARING  # the data set is prepared in the background
    type_setting(qtbot, window, "lr", "0.777")
    click(qtbot, window.training.controls.step_button)  # pressed before the trainer is there: it waits for it
    qtbot.waitUntil(lambda: "metrics" in window.graph.meta, timeout=WAIT_MS)
    assert window.graph.meta["training"]["lr"] == 0.777
    assert window.graph.meta["metrics"]["lr"] == [0.777] and session.trainer.lr == 0.777


@pytest.mark.parametrize("typed, word", [("1e6", "too large"), ("1e-7", "too small"), ("fast", "not a number"),
                                         ("0", "too small")])
def test_a_learning_rate_out_of_range_is_refused_with_the_range_and_nothing_changes(qtbot, window, typed, word):
    before = window.graph.meta["training"]["lr"]
    type_setting(qtbot, window, "lr", typed)
    refusal = window.training.controls.refusal.text()
    assert typed in refusal and word in refusal and "between 1e-06 and 100" in refusal
    assert window.graph.meta["training"]["lr"] == before and window.undo_stack.count() == 0
    assert window.training.controls.lr.edit.text() == f"{before:g}"  # the field shows the α in force again
    assert window.training.controls.lr.hint.text() == "1e-06 … 100"  # the range is on screen


def test_a_file_with_learning_rate_100_shows_100_and_trains_at_100(qtbot, tmp_path):
    graph = build_example("toy_2d")
    graph.meta["training"]["lr"] = 100.0
    window = open_window(qtbot, tmp_path, graph)
    try:
        assert window.training.controls.lr.edit.text() == "100"
        step(qtbot, window)
        assert window.graph.meta["metrics"]["lr"] == [100.0]
    finally:
        window.training.session.close()


def test_settings_typed_in_the_dock_are_saved_without_a_training_run(qtbot, window, tmp_path):
    type_setting(qtbot, window, "lr", "0.05")
    type_setting(qtbot, window, "epochs", "7")
    window.training.controls.optimizer.setCurrentIndex(window.training.controls.optimizer.findData("momentum"))
    window.training.controls.optimizer.activated.emit(window.training.controls.optimizer.currentIndex())
    assert window.document.dirty
    path = tmp_path / "settings.json"
    window.prompts.save_answer = str(path)
    window.actions["save"].trigger()
    window.prompts.open_answer = str(path)
    window.set_graph(build_example("headline_classifier"), None)
    assert window.training.controls.lr.edit.text() == "0.01"  # the example's own α
    window.actions["open"].trigger()
    wait_idle(qtbot, window)
    assert window.graph.meta["training"]["lr"] == 0.05 and window.graph.meta["training"]["epochs"] == 7
    controls = window.training.controls
    assert controls.lr.edit.text() == "0.05" and controls.epochs.edit.text() == "7"
    assert controls.optimizer.currentData() == "momentum" and window.training.session.trainer.lr == 0.05


def test_predict_box_shows_one_bar_per_class_summing_to_one(qtbot, window):
    box = window.training.predict
    box.entry.setText("Chelsea win the cup final after extra time")
    box.predict()
    classes = window.training.session.data.class_names
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
    model = window.training.session.model
    values = model.values_for(box.current_input())
    score = values[window.graph.find("S").id][0, explanation.predicted]
    bias = window.graph.find("b").value[explanation.predicted]
    assert sum(t.score for t in explanation.tokens) + bias == pytest.approx(score)


def test_reset_weights_is_undoable_and_restores_seeded_values(qtbot, window):
    initial = parameter_values(window.graph)
    step(qtbot, window, 2)
    trained = parameter_values(window.graph)
    click(qtbot, window.training.controls.reset_button)
    assert all(np.array_equal(initial[k], window.graph.nodes[k].value) for k in initial)
    assert window.training.dashboard.curves.point_count("step_loss") == 0
    window.actions["undo"].trigger()
    assert all(np.array_equal(trained[k], window.graph.nodes[k].value) for k in trained)
    qtbot.waitUntil(lambda: window.training.dashboard.curves.point_count("step_loss") == 2, timeout=WAIT_MS)


def test_closing_the_window_while_training_pauses_and_asks_to_save_the_run(qtbot, window):
    session = window.training.session
    window.actions["training_train"].trigger()  # F9
    qtbot.waitUntil(lambda: session.trainer.step_count >= 3, timeout=WAIT_MS)
    assert window.document.dirty  # a running run counts as unsaved work
    window.close()
    assert window.prompts.asked_save, "closing did not ask to save the trained weights"
    assert session.state is not State.RUNNING
    assert window.undo_stack.count() == 1 and window.graph.meta["metrics"]["steps_done"] >= 3
