"""File ▸ Export ▸ Interactive page… in the real window: the Explain dock's example, the file's sample,
a progress dialog on long work, and a clear message when the page cannot be written."""
import sys

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QProgressDialog  # noqa: E402

from engine.serialization import load_graph  # noqa: E402
from graphviz_app.window import export_lesson as export_module  # noqa: E402
from gui.test_window import new_window  # noqa: E402
from test_lesson import GRAPHS, lesson_data, lesson_of as lesson_data_of  # noqa: E402


@pytest.fixture(autouse=True)
def no_uncaught_exceptions(monkeypatch):
    """Any exception that reaches sys.excepthook fails the test (the app would show 'Something went wrong')."""
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: caught.append(info))
    yield
    assert caught == []


def window_on(qtbot, tmp_path, name):
    w = new_window(qtbot, tmp_path)
    w.set_graph(load_graph(GRAPHS / f"{name}.json"), None, example=name)
    return w


def page_action(w):
    (action,) = [a for a in w.export_menu.actions() if a.text() == "Interactive page…"]
    return action


def test_interactive_page_uses_the_explain_docks_headline(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "headline_classifier")
    w.explain.controller.picker.set_text("Arsenal beat Chelsea in the cup final", 0)
    w.prompts.save_to = str(tmp_path / "arsenal")  # no suffix: .html is added
    page_action(w).trigger()
    out = tmp_path / "arsenal.html"
    data = lesson_data(out.read_text(encoding="utf-8"))
    assert [ex["name"] for ex in data["examples"]] == ["“Arsenal beat Chelsea in the cup final” → Sports"]
    assert data["title"] == w.graph.meta["title"]
    assert w.prompts.errors == []
    assert w.statusBar().currentMessage().startswith(f"Exported {out} (")


def test_without_an_example_picker_the_page_explains_the_files_sample(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "neuron")
    w.explain.controller.picker.set_values({"x": "[5, 5, 5]"})
    w.explain.controller.picker.setParent(None)  # as in a window without the Explain dock
    w.prompts.save_to = str(tmp_path / "neuron.html")
    page_action(w).trigger()
    data = lesson_data((tmp_path / "neuron.html").read_text(encoding="utf-8"))
    assert [ex["name"] for ex in data["examples"]] == ["x = (1, 2, −1), y = 1"]


def test_a_dock_example_that_cannot_be_used_falls_back_to_the_files_sample(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "neuron")
    w.explain.controller.picker.set_values({"x": "[1, 2"})
    w.prompts.save_to = str(tmp_path / "neuron.html")
    page_action(w).trigger()
    data = lesson_data((tmp_path / "neuron.html").read_text(encoding="utf-8"))
    assert data["examples"][0]["name"] == "x = (1, 2, −1), y = 1"
    status = w.statusBar().currentMessage()
    assert "the Explain dock's example cannot be used: 'x': expected a number or a list" in status
    assert "the page explains the file's sample" in status


def test_a_page_that_cannot_be_written_is_a_clear_message(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "chain_rule")
    target = tmp_path / "no such folder" / "lesson.html"
    w.prompts.save_to = str(target)
    page_action(w).trigger()
    assert w.prompts.errors == [("Export failed", "Could not write the interactive page lesson.html:\n\n"
                                 f"cannot write the lesson to {target}: No such file or directory")]
    assert not target.parent.exists()


def test_long_work_shows_a_progress_dialog(qtbot, tmp_path, monkeypatch):
    w = window_on(qtbot, tmp_path, "mlp")
    seen = []
    real_write = export_module.write_lesson

    def watched(graph, examples, path, title, progress):
        def report(done, total):
            progress(done, total)
            dialog = w.findChild(QProgressDialog)
            seen.append((dialog.isVisible(), dialog.value(), dialog.labelText()))
        return real_write(graph, examples, path, title, report)

    monkeypatch.setattr(export_module, "SHOW_AFTER_MS", 0)  # as if it took long
    monkeypatch.setattr(export_module, "write_lesson", watched)
    w.prompts.save_to = str(tmp_path / "mlp.html")
    assert export_module.export_lesson(w)
    values = [value for _, value, _ in seen]
    assert seen[0][0] and values[:-1] == sorted(values[:-1]) and values[-2] >= 96
    assert values[-1] == -1  # at 100 % the dialog resets itself and closes
    assert {label for _, _, label in seen} == {"Writing the interactive page…"}
    assert not any(d.isVisible() for d in w.findChildren(QProgressDialog))


def test_cancelling_the_save_dialog_writes_nothing(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "chain_rule")
    w.prompts.save_to = None
    assert not export_module.export_lesson(w)
    assert list(tmp_path.glob("*.html")) == [] and w.prompts.errors == []


def test_the_page_draws_nodes_heatmaps_and_edges_by_the_canvas_rules(qtbot):
    """Op labels and styles, heatmap cells and edge curves of the page are the canvas's own."""
    import numpy as np
    from PySide6.QtCore import QPointF

    from engine.lesson.table import sampled_grid
    from graphviz_app.canvas.edge_item import curve_path
    from graphviz_app.canvas.heatmap import grid_index
    from graphviz_app.canvas.looks import node_look

    graph, _examples, lesson = lesson_data_of("mlp")
    for node in lesson["nodes"]:
        look = node_look(graph.nodes[node["id"]])
        assert (node["style"], node["op"]) == (look.style, look.op_label)
    for edge in lesson["edges"]:
        x1, y1, c1x, c1y, c2x, c2y, x2, y2 = edge["curve"]
        path = curve_path(QPointF(x1, y1), QPointF(x2, y2))
        controls = [v for i in (1, 2, 3) for v in (path.elementAt(i).x, path.elementAt(i).y)]
        assert controls == pytest.approx([c1x, c1y, c2x, c2y, x2, y2], abs=0.11)  # the page rounds to 0.1
    values = np.arange(7 * 50, dtype=float).reshape(7, 50)
    grid, rows, cols = grid_index(values, 4)
    assert np.array_equal(sampled_grid(values), grid[np.ix_(rows, cols)])
