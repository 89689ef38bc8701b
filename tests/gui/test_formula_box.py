"""Edit ▸ Insert Formula… (Ctrl+I): the formula box on the canvas, driven as a user types, in the real window."""
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402

from engine.serialization import load_graph  # noqa: E402
from graphviz_app.formula_box import FormulaBox  # noqa: E402

from .conftest import canonical  # noqa: E402
from .test_formula_dialog import type_char  # noqa: E402
from .test_window import new_window  # noqa: E402
from .undo_fuzz import scene_problems  # noqa: E402

MLP = Path(__file__).resolve().parents[2] / "assets" / "graphs" / "mlp.json"


@pytest.fixture(autouse=True)
def no_uncaught_exceptions(monkeypatch):
    """Any exception that reaches sys.excepthook fails the test (the app would show 'Something went wrong')."""
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: caught.append(info))
    yield
    assert caught == []


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.resize(1600, 1000)  # a lecture screen's canvas, not the offscreen default
    assert w.files.open_path(str(MLP), ask=False)
    w.view.setFocus()
    return w


def open_box(window, qtbot) -> FormulaBox:
    qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    box = window.view.findChild(FormulaBox)
    assert box is not None and box.isVisible()
    qtbot.waitUntil(box.editor.hasFocus)
    return box


def type_text(box, qtbot, text: str) -> None:
    """Type `text` into the box; a newline is Shift+Enter, as the box's placeholder says."""
    for char in text:
        if char == "\n":
            qtbot.keyClick(box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        else:
            type_char(box.editor, qtbot, char)


def press_enter(box, qtbot) -> None:
    qtbot.keyClick(box.editor, Qt.Key.Key_Return)


def names(graph) -> set[str]:
    return {n.name for n in graph.nodes.values()}


def test_typing_a_line_with_the_graphs_names_and_enter_inserts_wired_nodes_and_ctrl_z_takes_them_back(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "h = relu(Vᵀ a)")
    qtbot.waitUntil(lambda: "✓ 2 new nodes, 1 line, using V, a" in box.status.text())
    press_enter(box, qtbot)
    graph = window.graph
    assert not box.isVisible()
    assert names(graph) == names(load_graph(MLP)) | {"Vᵀa", "h"}
    matmul, relu = graph.find("Vᵀa"), graph.find("h")
    wires = {(graph.nodes[e.src].name, e.port) for e in graph.incoming(matmul.id).values()}
    assert wires == {("a", "x"), ("V", "W")}
    assert graph.incoming(relu.id)["x"].src == matmul.id
    assert list(graph.regions.values())[-1].title == "h = relu(Vᵀa)"
    assert scene_problems(window.scene, graph) == []
    assert window.scene.node_items[relu.id].pos() == window.scene.to_scene(relu.pos)
    assert sorted(window.scene.selected_node_ids()) == sorted([matmul.id, relu.id])
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Insert h = relu(Vᵀa)"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canonical(window.graph) == before
    assert scene_problems(window.scene, window.graph) == []
    window.undo_stack.redo()
    assert {"Vᵀa", "h"} <= names(window.graph) and scene_problems(window.scene, window.graph) == []


def test_several_lines_with_a_declared_parameter_are_one_undo_step(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "U: R^{4×4}\nh = tanh(U b)\nz = θᵀh")
    qtbot.waitUntil(lambda: "✓" in box.status.text())
    press_enter(box, qtbot)
    graph = window.graph
    assert {"U", "Uᵀ", "Ub", "h", "z"} <= names(graph) and graph.find("z").op_name == "Dot"
    assert graph.find("U").op_name == "Parameter" and list(graph.find("U").attrs["shape"]) == [4, 4]
    assert [r.title for r in list(graph.regions.values())[-2:]] == ["h = tanh(U b)", "z = θᵀh"]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert canonical(window.graph) == before
    assert scene_problems(window.scene, window.graph) == []


def test_a_new_inputs_value_joins_the_sample_and_undo_takes_it_out_again(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "x2: R^{B×2} = [[1, 2]]\nh = tanh(x2)")
    press_enter(box, qtbot)
    assert window.graph.meta["sample"]["x2"] == [[1.0, 2.0]]
    assert window.graph.meta["sample"]["x"] == before["meta"]["sample"]["x"]
    window.undo_stack.undo()
    assert canonical(window.graph) == before


def test_inserting_while_explain_mode_shows_a_trace_raises_nothing(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.shown_trace()[0] is not None)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "h = relu(Vᵀ a)")
    press_enter(box, qtbot)
    assert "h" in names(window.graph) and scene_problems(window.scene, window.graph) == []
    window.undo_stack.undo()
    assert "h" not in names(window.graph) and scene_problems(window.scene, window.graph) == []


def test_an_error_is_shown_in_words_under_the_box_which_stays_open_and_the_graph_is_unchanged(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "h = relu(Vᵀ q)")
    press_enter(box, qtbot)
    assert box.isVisible() and box.text() == "h = relu(Vᵀ q)"
    assert "line 1, col 13: q is not defined" in box.status.text()
    assert box.editor.extraSelections()  # the q is underlined
    assert canonical(window.graph) == before and window.undo_stack.count() == 0


def test_assigning_a_name_the_graph_has_is_a_clear_error_and_inserts_nothing(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "a = relu(b)")
    press_enter(box, qtbot)
    assert box.isVisible()
    assert "line 1, col 1: a is already a node of the graph (Sigmoid)" in box.status.text()
    assert canonical(window.graph) == before and window.undo_stack.count() == 0


def test_escape_closes_the_box_and_leaves_the_graph_as_it_was(window, qtbot):
    before = canonical(window.graph)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "h = relu(Vᵀ a)")
    qtbot.keyClick(box.editor, Qt.Key.Key_Escape)
    assert not box.isVisible()
    assert canonical(window.graph) == before and window.undo_stack.count() == 0


def test_typing_in_the_box_does_not_fire_the_windows_one_key_shortcuts(window, qtbot):
    """"F" fits the view and Del deletes the selection, but in the box they are text."""
    window.scene.select_nodes([window.graph.find("a").id])
    count = len(window.graph.nodes)
    box = open_box(window, qtbot)
    type_text(box, qtbot, "f = relu(b)")
    qtbot.keyClick(box.editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(box.editor, Qt.Key.Key_Delete)
    assert box.text() == "f = relu(b"
    assert len(window.graph.nodes) == count and window.undo_stack.count() == 0


def test_the_new_nodes_go_near_where_the_box_was_opened(window, qtbot):
    view, scene = window.view, window.scene
    box = open_box(window, qtbot)
    corner = view.viewport().mapTo(view, QPoint(40, view.viewport().height() - 200))
    box.open_at(corner)
    type_text(box, qtbot, "k = tanh(c)")
    press_enter(box, qtbot)
    k = window.graph.find("k")
    asked = scene.to_model(view.mapToScene(view.viewport().mapFrom(view, corner)))
    assert abs(k.pos[0] - asked[0]) < 1200 and abs(k.pos[1] - asked[1]) < 1200


def test_the_box_stays_wholly_on_the_canvas_when_opened_at_its_corner_and_an_error_makes_it_taller(window, qtbot):
    view = window.view
    viewport = view.viewport()
    box = open_box(window, qtbot)
    box.open_at(viewport.mapTo(view, QPoint(viewport.width() - 5, viewport.height() - 5)))
    type_text(box, qtbot, "h = relu(W x)\nk = tanh(h)")
    press_enter(box, qtbot)
    assert "line 1, col 12" in box.status.text()
    canvas = viewport.geometry()  # in the view's coordinates, as the box's
    assert canvas.contains(box.geometry()), (canvas, box.geometry())


def test_the_menu_item_opens_the_box(window, qtbot):
    action = window.actions["insert_formula"]
    assert action in window.menus["edit"].actions()
    assert action.text() == "In&sert Formula…" and action.shortcut().toString() == "Ctrl+I"
    action.trigger()
    assert window.view.findChild(FormulaBox).isVisible()
