"""File ▸ New from Formula… and Edit ▸ Copy as Formula, driven as a user clicks and types."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.formula import formula_to_graph, graph_to_formula  # noqa: E402
from engine.graph import Graph  # noqa: E402
from graphviz_app.formula_dialog import FormulaDialog  # noqa: E402

from .conftest import lecture_mlp  # noqa: E402
from .test_window import new_window  # noqa: E402

GOOD = ["x: R^3  W: R^{4x3}  V: R^{4x4}  theta: R^4  y: {0,1}", "a = σ(W x)", "b = sigma(V a)",
        "c = sigma(theta' b)", "L = bce(c, y)"]
BAD = ["x: R^3  W: R^{3x3}  V: R^{4x4}", "a = sigma(W x)", "b = sigma(V a)"]


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.set_graph(lecture_mlp(), None)
    return w


def open_dialog(window, qtbot) -> FormulaDialog:
    window.actions["new_formula"].trigger()
    dialog = window.findChild(FormulaDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def type_lines(dialog, qtbot, lines) -> None:
    """Select everything in the box and type the lines over it, pressing Return between them."""
    dialog.editor.setFocus()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Delete)
    for k, line in enumerate(lines):
        if k:
            qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
        for char in line:
            type_char(dialog.editor, qtbot, char)


def type_char(widget, qtbot, char: str) -> None:
    """One typed character; QTest types Latin-1 only, so σ comes as the key event a Greek keyboard sends."""
    if ord(char) < 256:
        qtbot.keyClicks(widget, char)
        return
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def test_typing_a_formula_and_pressing_create_opens_its_graph_as_an_unsaved_document(window, qtbot):
    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, GOOD)
    qtbot.waitUntil(lambda: "✓ 14 nodes, 4 lines" in dialog.error_line.text())
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    graph = window.graph
    assert [r.title for r in graph.regions.values()] == ["a = σ(W x)", "b = σ(V a)", "c = σ(θᵀb)", "L = bce(c, y)"]
    assert {"x", "W", "Wx", "a", "θᵀb", "L"} <= {n.name for n in graph.nodes.values()}
    assert set(window.scene.node_items) == set(graph.nodes)
    assert window.document.path is None and window.document.dirty
    assert window.windowTitle().startswith("• Untitled")
    assert "New graph from a formula: 14 nodes, 4 lines" in window.statusBar().currentMessage()
    assert window.prompts.asked_save == [] and window.prompts.errors == []


def test_a_bad_formula_shows_its_line_and_column_and_keeps_create_disabled(window, qtbot):
    before = window.graph
    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, BAD)
    qtbot.waitUntil(lambda: "line 3, col 13" in dialog.error_line.text())  # b = sigma(V a): at the a
    assert "V is R^{4×4}, a is R^3" in dialog.error_line.text()
    assert not dialog.ok_button.isEnabled()
    marks = dialog.editor.extraSelections()
    assert len(marks) == 1 and marks[0].cursor.selectedText() == "a"
    assert marks[0].cursor.block().blockNumber() == 2 and marks[0].cursor.selectionStart() - \
        marks[0].cursor.block().position() == 12
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and window.graph is before
    type_lines(dialog, qtbot, [BAD[0].replace("{3x3}", "{4x3}"), *BAD[1:]])
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled())
    assert dialog.editor.extraSelections() == []


def test_the_preview_lists_each_declaration_and_each_line_with_its_type(window, qtbot):
    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, GOOD)
    qtbot.waitUntil(lambda: dialog.preview.rowCount() == 9)
    rows = [[dialog.preview.item(r, c).text() for c in range(3)] for r in range(dialog.preview.rowCount())]
    assert rows == [["x", "input", "R^3"], ["W", "parameter", "R^{4×3}"], ["V", "parameter", "R^{4×4}"],
                    ["θ", "parameter", "R^4"], ["y", "class labels", "{0,1}"], ["a", "= σ(W x)", "R^4"],
                    ["b", "= σ(V a)", "R^4"], ["c", "= σ(θᵀb)", "R"], ["L", "= bce(c, y)", "R"]]
    assert dialog.preview.item(1, 3).text() == "12 numbers, starts xavier (seed 1)"


def test_an_empty_box_asks_for_a_formula(window, qtbot):
    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, [])
    qtbot.waitUntil(lambda: "Type a formula" in dialog.error_line.text())
    assert not dialog.ok_button.isEnabled()


def test_cancel_keeps_the_graph(window, qtbot):
    before = window.graph
    dialog = open_dialog(window, qtbot)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert window.graph is before and not window.document.dirty


def test_unsaved_changes_are_asked_about_first_and_cancel_opens_no_dialog(window, qtbot):
    window.edit.add_op("Exp")
    window.prompts.save_answer = "cancel"
    window.actions["new_formula"].trigger()
    assert window.prompts.asked_save == ["Untitled"]
    assert window.findChild(FormulaDialog) is None


def test_the_actions_sit_in_the_file_and_edit_menus_with_shortcuts(window):
    file_texts = [a.text() for a in window.menus["file"].actions()]
    edit_texts = [a.text() for a in window.menus["edit"].actions()]
    assert file_texts.index("New from &Formula…") == file_texts.index("&New") + 1
    assert "Copy as F&ormula" in edit_texts
    assert window.actions["new_formula"].shortcut().toString() == "Ctrl+Shift+N"
    assert window.actions["copy_formula"].shortcut().toString() == "Ctrl+Shift+C"


def test_copy_as_formula_puts_the_formula_on_the_clipboard_and_it_builds_the_same_graph(window, qtbot):
    text = "\n".join(GOOD) + "\n"
    window.set_graph(formula_to_graph(text), None)
    window.actions["copy_formula"].trigger()
    copied = QApplication.clipboard().text()
    assert copied == graph_to_formula(formula_to_graph(text))
    assert copied.splitlines()[1:] == ["a = σ(W x)", "b = σ(V a)", "c = σ(θᵀb)", "L = bce(c, y)"]
    dialog = open_dialog(window, qtbot)
    dialog.editor.setPlainText(copied)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert graph_to_formula(window.graph) == copied


def test_copy_as_formula_names_the_node_that_does_not_fit_and_selects_it(window):
    graph = Graph()
    x = graph.add_node("Input", "x", {"shape": [3]})
    add = graph.add_node("Add", "h", pos=(200, 0))
    graph.connect(x.id, add.id, "a")
    window.set_graph(graph, None)
    QApplication.clipboard().setText("before")
    window.actions["copy_formula"].trigger()
    title, message = window.prompts.errors[-1]
    assert title == "Cannot copy as a formula"
    assert message.startswith("'h' (Add) does not fit a formula:") and "'b' is not connected" in message
    assert window.scene.selected_node_ids() == [add.id]
    assert QApplication.clipboard().text() == "before"


def test_copy_as_formula_of_an_empty_graph_says_so(window):
    window.set_graph(Graph(), None)
    assert window.actions["copy_formula"].trigger() is None
    assert "empty" in window.statusBar().currentMessage()


def test_with_an_error_in_a_line_the_declarations_are_still_listed(window, qtbot):
    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, BAD)
    qtbot.waitUntil(lambda: dialog.preview.rowCount() == 3)
    rows = [[dialog.preview.item(r, c).text() for c in range(3)] for r in range(3)]
    assert rows == [["x", "input", "R^3"], ["W", "parameter", "R^{3×3}"], ["V", "parameter", "R^{4×4}"]]


def test_the_formulas_status_message_stays_when_training_finds_it_cannot_train_the_graph(window, qtbot):
    from graphviz_app.training.session import State

    dialog = open_dialog(window, qtbot)
    type_lines(dialog, qtbot, GOOD)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled())
    shown = []
    window.statusBar().messageChanged.connect(shown.append)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    session = window.training.session
    qtbot.waitUntil(lambda: session.state is State.UNTRAINABLE, timeout=10_000)  # built in the background
    qtbot.wait(50)  # the session's signals have been delivered
    said = [text for text in shown if text]  # (a toolbar button's tip under the pointer may come and go)
    assert any("New graph from a formula: 14 nodes, 4 lines" in text for text in said)
    assert not any("cannot be trained" in text for text in said)
    assert "cannot be trained" in window.training.controls.message.text()  # the reason, in its own dock
    window.training.actions["train"].trigger()  # asked, training says why in the status bar too
    assert "cannot be trained" in window.statusBar().currentMessage()
    window.training.session.close()
