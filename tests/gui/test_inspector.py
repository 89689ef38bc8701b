"""The inspector: attribute editors per kind, edits through the undo stack, inline errors, arrays, edges."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QSpinBox  # noqa: E402

from engine import Graph  # noqa: E402
from graphviz_app.inspector import InspectorWidget  # noqa: E402

from .conftest import canonical, lecture_mlp  # noqa: E402


@pytest.fixture
def setup(qtbot):
    graph, stack = lecture_mlp(), QUndoStack()
    inspector = InspectorWidget()
    qtbot.addWidget(inspector)
    inspector._keep_stack = stack
    inspector.set_graph(graph, stack)
    inspector.show()
    return inspector, graph, stack


def finish_edit(edit: QLineEdit, text: str) -> None:
    """Type `text` and press Enter, as a user would."""
    edit.setFocus()
    edit.selectAll()
    edit.insert(text)
    edit.editingFinished.emit()


def test_editor_widget_matches_each_attribute_kind(setup):
    inspector, graph, _ = setup
    graph.add_node("Sum", "s", {"axis": None})
    widgets = {"Input": {"shape": QLineEdit, "batched": QCheckBox, "dtype": QComboBox},
               "Parameter": {"shape": QLineEdit, "init": QComboBox, "scale": QDoubleSpinBox, "seed": QSpinBox},
               "Sum": {"axis": QComboBox}, "Constant": {"value": QLineEdit}}
    for op, expected in widgets.items():
        node = next(n for n in graph.nodes.values() if n.op_name == op) if op != "Constant" else \
            graph.add_node("Constant", "k")
        inspector.show_node(node.id)
        assert {k: type(w) for k, w in inspector.editors.items()} == expected, op


def test_int_editor_respects_the_minimum(setup):
    inspector, graph, _ = setup
    label = graph.add_node("Label", "y", {"classes": 3})
    inspector.show_node(label.id)
    assert inspector.editors["classes"].minimum() == 1


def test_attribute_edit_goes_through_the_undo_stack(setup):
    inspector, graph, stack = setup
    w = graph.find("W").id
    before = canonical(graph)
    inspector.show_node(w)
    finish_edit(inspector.editors["shape"], "3x5")
    assert graph.nodes[w].attrs["shape"] == (3, 5) and stack.count() == 1
    assert not inspector.errors["shape"].isVisibleTo(inspector)
    stack.undo()
    assert canonical(graph) == before
    assert inspector.editors["shape"].text() == "3x4"  # the editor follows the model back


def test_spin_box_edit_is_undoable(setup):
    inspector, graph, stack = setup
    w = graph.find("W").id
    inspector.show_node(w)
    inspector.editors["seed"].setValue(7)
    assert graph.nodes[w].attrs["seed"] == 7
    stack.undo()
    assert graph.nodes[w].attrs["seed"] == 1


def test_bad_input_shows_an_inline_error_and_keeps_the_model(setup):
    inspector, graph, stack = setup
    w = graph.find("W").id
    before = canonical(graph)
    inspector.show_node(w)
    finish_edit(inspector.editors["shape"], "0x3")
    error = inspector.errors["shape"]
    assert error.isVisibleTo(inspector) and "between 1 and" in error.text()
    assert inspector.editors["shape"].text() == "0x3"  # the typed text stays, to be fixed
    assert canonical(graph) == before and stack.count() == 0


def test_bad_floats_text_is_refused_inline(setup):
    inspector, graph, stack = setup
    const = graph.add_node("Constant", "k")
    inspector.show_node(const.id)
    finish_edit(inspector.editors["value"], "[1, two]")
    assert inspector.errors["value"].isVisibleTo(inspector)
    assert graph.nodes[const.id].attrs["value"] == 1.0 and stack.count() == 0
    finish_edit(inspector.editors["value"], "[1, 2.5]")
    assert graph.nodes[const.id].attrs["value"] == [1.0, 2.5] and stack.count() == 1


def test_rename_pushes_a_command_and_refuses_an_empty_name(setup):
    inspector, graph, stack = setup
    a = graph.find("a").id
    inspector.show_node(a)
    finish_edit(inspector.name_edit, "hidden")
    assert graph.nodes[a].name == "hidden" and stack.count() == 1
    finish_edit(inspector.name_edit, "   ")
    assert graph.nodes[a].name == "hidden" and inspector.name_error.isVisibleTo(inspector)
    stack.undo()
    assert graph.nodes[a].name == "a"


def test_shape_and_shape_error_are_shown(setup):
    inspector, graph, _ = setup
    inspector.show_node(graph.find("Wx").id)
    assert "4" in inspector.shape_label.text() and not inspector.shape_error.isVisibleTo(inspector)
    lonely = graph.add_node("Sigmoid", "lonely")
    inspector.show_node(lonely.id)
    assert inspector.shape_error.isVisibleTo(inspector) and "not connected" in inspector.shape_error.text()


def test_small_arrays_as_numbers_large_as_heatmap(setup):
    inspector, graph, _ = setup
    a = graph.find("a").id
    inspector.show_node(a)
    inspector.show_arrays(a, np.array([0.25, 0.5, 0.75, 1.0]), np.array([0.1, -0.2, 0.3, 0.0]))
    assert inspector.value_view.mode == "numbers" and "0.25" in inspector.value_view.numbers.text()
    assert inspector.grad_view.mode == "numbers" and "-0.2" in inspector.grad_view.numbers.text()
    inspector.show_arrays(a, np.arange(400.0).reshape(20, 20), None)
    assert inspector.value_view.mode == "heatmap" and not inspector.grad_view.isVisibleTo(inspector)
    assert inspector.value_view.image.image.shape == (20, 20)


def test_parameter_value_is_shown_without_a_run(setup):
    inspector, graph, _ = setup
    theta = graph.find("θ").id
    inspector.show_node(theta)
    assert inspector.value_view.mode == "numbers"
    first = f"{graph.nodes[theta].value[0]:.3f}"[:4]
    assert first in inspector.value_view.numbers.text()


def test_edge_page_hosts_the_extension_widget(setup, qtbot):
    inspector, graph, _ = setup
    panel = QLabel("jacobian goes here")
    inspector.set_edge_widget(panel)
    edge = next(iter(graph.edges.values()))
    with qtbot.waitSignal(inspector.edge_shown) as blocker:
        inspector.show_edge(edge.id)
    assert blocker.args == [edge.id]
    assert panel.isVisibleTo(inspector)
    assert graph.nodes[edge.src].name in inspector.edge_title.text()


def test_removed_node_leaves_the_summary_page(setup, qtbot):
    inspector, graph, _ = setup
    a = graph.find("a").id
    inspector.show_node(a)
    graph.remove_node(a)
    qtbot.waitUntil(lambda: inspector.pages.currentIndex() == 0)
    assert "nodes" in inspector.summary.text()


def test_empty_graph_summary(qtbot):
    inspector = InspectorWidget()
    qtbot.addWidget(inspector)
    stack = QUndoStack()
    graph = Graph()
    graph.meta["title"] = "A title"
    inspector.set_graph(graph, stack)
    assert "A title" in inspector.summary.text()
