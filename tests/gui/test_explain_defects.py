"""Explain-mode defects a new user hit (issue 12), each driven as a user clicks and types in the real window."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QDockWidget, QMessageBox  # noqa: E402

from engine import Graph  # noqa: E402
from engine.examples.small import chain_rule, mlp  # noqa: E402
from graphviz_app.commands import RenameCommand  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .test_explain_window import QuietPrompts  # noqa: E402


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(graph):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(graph, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                       prompts=QuietPrompts())
        qtbot.addWidget(w)
        w.explain.controller.player.instant = True
        w.show()
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        w.view.setFocus()
        return w
    return make


def no_error_boxes(w):
    return [b.text() for b in w.findChildren(QMessageBox) if b.isVisible()]


def click_node(qtbot, w, name):
    item = w.scene.node_items[w.graph.find(name).id]
    point = w.view.mapFromScene(item.mapToScene(item.box.center()))
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def click_background(qtbot, w):
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def key(qtbot, w, code, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, code, modifiers)


def test_clicking_a_node_or_the_canvas_after_backward_raises_nothing(make_window, qtbot):
    w = make_window(chain_rule())
    key(qtbot, w, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # Explain Backward
    assert w.explain.controller.player.step == len(w.explain.controller.trace) - 1
    click_node(qtbot, w, "w")
    assert w.scene.selected_node_ids() == [w.graph.find("w").id]
    click_background(qtbot, w)
    assert not no_error_boxes(w)
    assert "Select an edge" in w.explain.controller.jacobian.title.text()


def test_select_a_node_then_wiggle_check_after_backward(make_window, qtbot):
    w = make_window(chain_rule())
    key(qtbot, w, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    click_node(qtbot, w, "w")
    key(qtbot, w, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    text = w.explain.controller.wiggle.result.text()
    assert "wiggle w by ε" in text and "✓ they agree" in text
    assert not no_error_boxes(w)


def fields(w):
    picker = w.explain.controller.picker
    form = picker.values_form
    return {form.itemAt(i, form.ItemRole.LabelRole).widget().text(): picker.value_edits[n].text()
            for i, n in enumerate(picker.value_edits)}


def test_typed_value_fields_follow_inputs_added_renamed_and_removed(make_window, qtbot):
    w = make_window(Graph())
    edit = w.edit
    x = edit.add_op("Input")
    assert list(fields(w)) == [w.graph.nodes[x].name]
    w.undo_stack.push(RenameCommand(w.graph, x, "x"))
    assert list(fields(w)) == ["x"]
    w.explain.controller.picker.value_edits[x].setText("3")
    y = edit.add_op("Input")
    w.undo_stack.push(RenameCommand(w.graph, y, "y"))
    assert fields(w) == {"x": "3", "y": "1"}  # what was typed for x stays
    w.undo_stack.undo()
    w.undo_stack.undo()  # y is gone again
    assert fields(w) == {"x": "3"}


def test_a_graph_built_from_scratch_is_explained_without_saving(make_window, qtbot):
    from graphviz_app.commands import ConnectCommand, SetAttrCommand

    w = make_window(Graph())
    g, edit = w.graph, w.edit
    x = edit.add_op("Input")
    wt = edit.add_op("Parameter")
    mul = edit.add_op("Multiply")
    log = edit.add_op("Log")
    w.undo_stack.push(SetAttrCommand(g, wt, "shape", []))
    for src, dst, port in ((wt, mul, "a"), (x, mul, "b"), (mul, log, "x")):
        w.undo_stack.push(ConnectCommand(g, src, dst, port))
    w.undo_stack.push(RenameCommand(g, x, "x"))
    w.explain.controller.picker.value_edits[x].setText("3")
    w.explain.controller.picker.value_edits[x].editingFinished.emit()
    key(qtbot, w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    trace = w.explain.controller.trace
    assert trace is not None, w.statusBar().currentMessage()
    assert float(trace.value("x")) == 3.0


def test_p_in_presentation_and_the_predict_action_stay_in_step(make_window, qtbot):
    w = make_window(chain_rule())
    action, player = w.explain.actions["predict"], w.explain.controller.player
    key(qtbot, w, Qt.Key.Key_F5)
    key(qtbot, w, Qt.Key.Key_P)
    assert player.predict and action.isChecked()
    key(qtbot, w, Qt.Key.Key_Space)
    key(qtbot, w, Qt.Key.Key_Escape)
    assert action.isChecked()
    action.trigger()  # one click turns it off
    assert not player.predict and not action.isChecked()
    assert not w.scene.node_items[w.graph.find("x").id].display.hidden_value


def test_new_graph_forgets_predict_mode_example_and_wiggle_results(make_window, qtbot):
    w = make_window(chain_rule())
    mode = w.explain
    mode.actions["predict"].setChecked(True)
    wiggle = mode.controller.wiggle
    wiggle.entry.setText("0")
    wiggle.run_all()
    w.files.new_graph()
    assert not mode.controller.player.predict and not mode.actions["predict"].isChecked()
    assert wiggle.entry.text() == "" and wiggle.result.text() == ""
    assert mode.controller.check_badges == {}
    w.set_graph(chain_rule(), None)
    assert all(i.display.badge is None for i in w.scene.node_items.values())


def test_new_graph_forgets_the_previous_examples_description(make_window, qtbot):
    w = make_window(chain_rule())
    picker = w.explain.controller.picker
    picker.sample()
    assert "x" in picker.preview.text()  # the chain rule's example, described beside the picker
    w.files.new_graph()
    assert picker.preview.text() == ""


def test_wiggle_badges_go_when_the_weights_change(make_window, qtbot):
    w = make_window(chain_rule())
    mode = w.explain
    mode.controller.wiggle.run_all()
    wid = w.graph.find("w").id
    assert w.scene.node_items[wid].display.badge == "✓ ΔL/ε"
    mode.actions["sgd"].trigger()
    mode.controller.player.seek(0)  # before the update: no "updated" badge either
    assert w.scene.node_items[wid].display.badge is None
    assert mode.controller.wiggle.result.text() == ""


def test_a_new_graph_starts_from_its_own_example(make_window, qtbot):
    from engine.examples.text import headline_classifier

    w = make_window(headline_classifier())
    picker = w.explain.controller.picker
    picker.set_row("train", 7)
    w.set_graph(mlp(), None)
    w.set_graph(headline_classifier(), None)
    assert picker.row.value() == 0


def current_tabs(w):
    """The dock in front of each tab group (and each dock alone)."""
    front = set()
    for dock in w.findChildren(QDockWidget):
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            front.add(dock.objectName())
    return front


def test_esc_from_presentation_keeps_the_dock_tabs(make_window, qtbot):
    w = make_window(chain_rule())
    w.explain.wiggle_dock.raise_()
    qtbot.wait(10)
    before = current_tabs(w)
    assert "dock_wiggle_check" in before and "dock_inspector" not in before
    key(qtbot, w, Qt.Key.Key_F5)
    key(qtbot, w, Qt.Key.Key_Escape)
    qtbot.wait(10)
    assert current_tabs(w) == before


def test_stepping_after_an_sgd_step_walks_through_that_step_instead_of_starting_afresh(make_window, qtbot):
    w = make_window(chain_rule())
    controller = w.explain.controller
    controller.player.instant = False  # as in the app: the SGD step plays, the presenter steps along
    key(qtbot, w, Qt.Key.Key_F5)
    w.explain.actions["sgd"].trigger()
    sgd_trace = controller.trace
    assert sgd_trace.steps_of("update") and controller.player.playing
    for _ in range(len(sgd_trace)):
        if controller.player.step == len(sgd_trace) - 1:
            break
        key(qtbot, w, Qt.Key.Key_Right)
        assert controller.trace is sgd_trace
    assert controller.player.step == len(sgd_trace) - 1  # the update of w, with the loss recomputed
    assert "After the update, loss" in w.explain.presentation.caption.text()
    key(qtbot, w, Qt.Key.Key_Right)  # past the end: a fresh trace with the new weights
    assert controller.trace is not sgd_trace and not controller.trace.steps_of("update")


def test_the_training_tint_keeps_off_the_canvas_while_a_trace_is_explained(make_window, qtbot):
    from engine.examples.text import headline_classifier
    from graphviz_app.training import TINT_INTERVAL_MS
    from graphviz_app.training.session import State

    from .test_training_dashboard import type_setting

    w = make_window(headline_classifier())
    session = w.training.session
    qtbot.waitUntil(lambda: session.state is State.READY, timeout=30_000)
    type_setting(qtbot, w, "epochs", "5000")
    qtbot.mouseClick(w.training.controls.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.state is State.RUNNING and session.trainer.step_count >= 2, timeout=30_000)
    try:
        w.explain.actions["forward"].trigger()
        w.explain.controller.player.seek(3)
        x = w.scene.node_items[w.graph.find("x").id]
        p = w.scene.node_items[w.graph.find("p").id]
        assert x.display.value is None and p.display.value is None  # step 3: p is not computed yet
        redraws = []
        session.redraw_due.connect(redraws.append)
        qtbot.waitUntil(lambda: len(redraws) >= 3, timeout=30_000)  # the run's weights move on
        qtbot.wait(2 * TINT_INTERVAL_MS)  # and the tint's timer has fired after them
        assert session.state is State.RUNNING
        assert x.display.value is None and p.display.value is None  # explain's step 3, as it was
    finally:
        qtbot.mouseClick(w.training.controls.pause_button, Qt.MouseButton.LeftButton)
    # the run's weights reach the graph: the trace is out of date and cleared, and the tint may paint again
    assert w.explain.controller.trace is None
    qtbot.waitUntil(lambda: p.display.value is not None, timeout=10_000)
    session.close()
