"""Explain mode's α is the graph's one learning rate: the Explain dock and the training dock show and edit the
same graph.meta["training"]["lr"] through one undoable command; the SGD step uses it; it is saved."""
import json

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from engine.examples import build_example  # noqa: E402
from engine.serialization import load_graph  # noqa: E402

from .test_training_dashboard import open_window, type_setting  # noqa: E402


def type_explain_alpha(qtbot, window, text):
    """Type into the Explain dock's α field and press Enter."""
    edit = window.explain.timeline.lr.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("chain_rule"))
    w.explain.controller.player.instant = True
    yield w
    w.training.session.close()


def shown_alphas(window):
    return window.explain.timeline.lr.edit.text(), window.training.controls.lr.edit.text()


def test_alpha_typed_in_the_explain_dock_is_the_graphs_and_the_training_docks(qtbot, window):
    assert shown_alphas(window) == ("0.1", "0.1") == (str(window.graph.meta["training"]["lr"]),) * 2
    type_explain_alpha(qtbot, window, "0.5")
    assert window.graph.meta["training"]["lr"] == 0.5
    assert shown_alphas(window) == ("0.5", "0.5")
    assert window.undo_stack.undoText() == "Training: learning rate α = 0.5"
    window.explain.actions["sgd"].trigger()
    updates = window.explain.controller.trace.steps_of("update")
    assert updates and all(step.lr == 0.5 for step in updates)
    assert float(window.graph.find("w").value) == pytest.approx(2.0 - 0.5 * 0.5)  # ∂L/∂w = 1/w = 0.5
    window.undo_stack.undo()  # the SGD step
    window.undo_stack.undo()  # the α
    assert shown_alphas(window) == ("0.1", "0.1") and window.graph.meta["training"]["lr"] == 0.1
    window.undo_stack.redo()
    assert shown_alphas(window) == ("0.5", "0.5")


def test_alpha_typed_in_the_training_dock_drives_the_explain_sgd_step(qtbot, window):
    type_setting(qtbot, window, "lr", "0.25")
    assert shown_alphas(window) == ("0.25", "0.25")
    window.explain.actions["sgd"].trigger()
    assert {step.lr for step in window.explain.controller.trace.steps_of("update")} == {0.25}


def test_a_bad_alpha_in_the_explain_dock_is_refused_in_words_and_changes_nothing(qtbot, window):
    count = window.undo_stack.count()
    type_explain_alpha(qtbot, window, "1e6")
    assert window.undo_stack.count() == count and shown_alphas(window) == ("0.1", "0.1")
    message = window.statusBar().currentMessage()
    assert "1e6 is too large" in message and "between 1e-06 and 100" in message


def test_the_alpha_set_in_the_explain_dock_is_saved_and_shown_again(qtbot, window, tmp_path):
    path = tmp_path / "chain.json"
    type_explain_alpha(qtbot, window, "0.03")
    window.prompts.save_path = lambda suggested: str(path)
    assert window.files.save()
    assert json.loads(path.read_text(encoding="utf-8"))["meta"]["training"]["lr"] == 0.03
    window.set_graph(load_graph(path), str(path))
    assert shown_alphas(window) == ("0.03", "0.03")
