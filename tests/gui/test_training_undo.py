"""Undo and Redo while a training run is going on: the run pauses first, so nothing done is lost or stale."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from engine.examples import build_example  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import WAIT_MS, click, open_window, type_setting, wait_idle  # noqa: E402
from .test_training_polish import start_run  # noqa: E402


@pytest.fixture
def toy(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("toy_2d"))
    yield w
    w.training.session.close()


def settled(qtbot, window):
    """The edit has reached the session (it checks after the edit) and its new trainer is built."""
    qtbot.wait(20)
    wait_idle(qtbot, window)
    assert window.training.session.trainer is not None


def weights(window):
    return {n.name: n.value.copy() for n in window.graph.nodes.values() if n.op_name == "Parameter"}


def same(a, b):
    return a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def press(qtbot, window, key, modifiers=Qt.KeyboardModifier.ControlModifier):
    window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window.view, key, modifiers)


def plotted_steps(window):
    """How many minibatch losses the dashboard's loss curve holds."""
    return window.training.dashboard.curves.point_count("step_loss")


def test_ctrl_z_while_training_pauses_then_takes_back_the_run_and_ctrl_y_brings_it_back(qtbot, toy):
    before = weights(toy)
    toy.edit.add_op("Tanh")  # an edit before the run: Undo must reach it after the run
    added = len(toy.graph.nodes)
    settled(qtbot, toy)
    session = start_run(qtbot, toy, steps=5)
    press(qtbot, toy, Qt.Key.Key_Z)
    assert session.state is not State.RUNNING
    assert "Training paused" in toy.statusBar().currentMessage()
    assert same(weights(toy), before) and len(toy.graph.nodes) == added  # the run is taken back, the edit stays
    assert toy.graph.meta.get("metrics") is None
    qtbot.waitUntil(lambda: plotted_steps(toy) == 0, timeout=WAIT_MS)  # the curves forget the run too
    press(qtbot, toy, Qt.Key.Key_Y)
    trained = weights(toy)
    assert not same(trained, before)
    steps = toy.graph.meta["metrics"]["steps_done"]
    assert steps >= 5
    qtbot.waitUntil(lambda: plotted_steps(toy) == steps, timeout=WAIT_MS)
    for _ in range(3):  # the run, "epochs = 5000", then the node added before the run
        press(qtbot, toy, Qt.Key.Key_Z)
    assert len(toy.graph.nodes) == added - 1 and same(weights(toy), before)
    for _ in range(3):
        press(qtbot, toy, Qt.Key.Key_Y)
    assert len(toy.graph.nodes) == added and same(weights(toy), trained)


def test_ctrl_y_while_training_pauses_and_says_why_nothing_is_left_to_redo(qtbot, toy):
    type_setting(qtbot, toy, "epochs", "5000")
    toy.edit.add_op("Tanh")
    settled(qtbot, toy)
    toy.undo_stack.undo()  # an undone edit waits to be redone
    settled(qtbot, toy)
    assert toy.undo_stack.canRedo()
    session = toy.training.session
    click(qtbot, toy.training.controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.step_count >= 5, timeout=WAIT_MS)
    press(qtbot, toy, Qt.Key.Key_Y)
    assert session.state is not State.RUNNING
    assert toy.undo_stack.undoText().startswith("Training run")  # the run so far is the newest step
    assert "nothing is left to redo" in toy.statusBar().currentMessage()


def test_a_click_in_the_undo_history_while_training_pauses_the_run_first(qtbot, toy):
    session = start_run(qtbot, toy, steps=5)
    view = toy.undo_view
    toy.history_dock.show()
    toy.history_dock.raise_()
    qtbot.waitUntil(view.isVisible)
    rect = view.visualRect(view.model().index(0, 0))  # "(opened)": before every edit
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.state is not State.RUNNING
    assert toy.undo_stack.index() == 0
    assert toy.undo_stack.text(toy.undo_stack.count() - 1).startswith("Training run")  # kept, to be redone


def test_an_edit_of_the_model_while_training_pauses_the_run_and_says_why(qtbot, toy):
    session = start_run(qtbot, toy, steps=5)
    toy.edit.add_op("Tanh")
    qtbot.waitUntil(lambda: session.state is not State.RUNNING, timeout=WAIT_MS)
    assert "Training paused: the model changed" in toy.statusBar().currentMessage()
    assert toy.graph.meta["metrics"]["steps_done"] >= 5  # the run so far is in the graph, one undoable step
    settled(qtbot, toy)
    qtbot.waitUntil(lambda: plotted_steps(toy) == toy.graph.meta["metrics"]["steps_done"], timeout=WAIT_MS)
