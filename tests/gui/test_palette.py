"""The op palette: generated from the registry, searchable, drags ops out, double-click adds at the centre."""
import pytest

pytest.importorskip("pytestqt")

from engine.registry import OPS  # noqa: E402
from graphviz_app.palette import OP_MIME, PaletteWidget, op_tooltip  # noqa: E402


@pytest.fixture
def palette(qtbot):
    widget = PaletteWidget()
    qtbot.addWidget(widget)
    return widget


def test_palette_lists_every_registered_op(palette):
    assert set(palette.op_items) == set(OPS)
    for name, item in palette.op_items.items():
        assert item.parent().text(0) == OPS[name].category


def test_search_filters_by_name(palette):
    palette.search.setText("softmax")
    shown = set(palette.visible_ops())
    assert {"Softmax", "LogSoftmax", "SoftmaxCrossEntropy"} <= shown
    assert "Add" not in shown and "Input" not in shown


def test_search_filters_by_description(palette):
    word = "logistic"  # in Sigmoid's description, not in any op's name
    expected = {n for n, op in OPS.items() if word in op.description().lower()}
    assert expected and not any(word in n.lower() for n in expected)
    palette.search.setText(word)
    assert set(palette.visible_ops()) == expected


def test_search_hides_empty_categories_and_clearing_shows_all(palette):
    palette.search.setText("embedding")
    assert palette.category_items["Sources"].isHidden()
    assert not palette.category_items["Text"].isHidden()
    palette.search.clear()
    assert set(palette.visible_ops()) == set(OPS)
    assert not any(h.isHidden() for h in palette.category_items.values())


def test_dragged_item_carries_the_op_name(palette):
    data = palette.tree.mimeData([palette.op_items["Sigmoid"]])
    assert bytes(data.data(OP_MIME)).decode("utf-8") == "Sigmoid"


def test_tooltip_has_description_leibniz_and_ports():
    tip = op_tooltip(OPS["MatMul"])
    assert OPS["MatMul"].description().split()[0] in tip
    assert OPS["MatMul"].leibniz in tip
    for port in OPS["MatMul"].inputs:
        assert f"<b>{port.name}</b>" in tip


def test_double_click_emits_the_op(palette, qtbot):
    item = palette.op_items["Tanh"]
    with qtbot.waitSignal(palette.op_activated) as blocker:
        palette.tree.itemDoubleClicked.emit(item, 0)
    assert blocker.args == ["Tanh"]


def test_category_header_is_not_draggable(palette):
    data = palette.tree.mimeData([palette.category_items["Losses"]])
    assert not data.hasFormat(OP_MIME)


def test_enter_in_the_search_box_adds_the_first_match(palette, qtbot):
    palette.search.setText("tanh")
    with qtbot.waitSignal(palette.op_activated) as blocker:
        palette.search.returnPressed.emit()
    assert blocker.args == ["Tanh"]


def test_dropping_a_palette_item_on_the_canvas_adds_it_there(qtbot, tmp_path):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from .test_window import new_window

    window = new_window(qtbot, tmp_path)
    data = window.palette.tree.mimeData([window.palette.op_items["Softmax"]])
    viewport = window.view.viewport()
    where = QPoint(viewport.width() // 3, viewport.height() // 3)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, data, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(where), Qt.DropAction.CopyAction, data, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    added = [n for n in window.graph.nodes.values() if n.op_name == "Softmax"]
    assert len(added) == 1
    expected = window.scene.to_model(window.view.mapToScene(where))
    assert added[0].pos == pytest.approx(expected, abs=1.0)
    window.undo_stack.undo()
    assert not window.graph.nodes
