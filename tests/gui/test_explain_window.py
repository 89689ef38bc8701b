"""Explain mode inside the main window: actions, timeline, Jacobian panel, SGD step, wiggle check, resets."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from engine.examples.small import chain_rule, mlp  # noqa: E402
from graphviz_app.commands import RenameCommand  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402


class QuietPrompts:
    """No dialogs in tests: unsaved work is discarded, errors are collected."""

    def __init__(self):
        self.errors = []

    def ask_save_changes(self, name):
        return "discard"

    def ask_restore(self, description):
        return False

    def error(self, title, text):
        self.errors.append((title, text))

    def info(self, title, text):
        pass


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(chain_rule(), settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                   prompts=QuietPrompts())
    qtbot.addWidget(w)
    mode = w.explain
    mode.controller.player.instant = True
    return w


def edge_between(w, src, dst):
    g = w.graph
    (e,) = [e for e in g.edges.values() if e.src == g.find(src).id and e.dst == g.find(dst).id]
    return e.id


def test_install_adds_docks_and_actions_with_shortcuts_that_do_not_clash(window):
    mode = window.explain
    assert mode.timeline_dock.isAncestorOf(mode.timeline)
    assert mode.wiggle_dock.isAncestorOf(mode.controller.wiggle)
    keys = {k: a.shortcut().toString() for k, a in mode.actions.items()}
    assert keys["present"] == "F5" and keys["backward"] == "Ctrl+B" and keys["forward"] == "Ctrl+Shift+F"
    assert QKeySequence(keys["sgd"]) == QKeySequence("Ctrl+Return")
    theirs = {a.shortcut().toString() for k, a in window.actions.items() if not k.startswith("explain_")}
    ours = {s for s in keys.values() if s}
    assert not ours & theirs
    assert mode.actions["backward"] in window.menus["run"].actions()


def test_forward_and_backward_actions_replay_the_trace(window):
    mode = window.explain
    mode.actions["forward"].trigger()
    g = window.graph
    assert float(window.scene.node_items[g.find("b").id].display.value) == pytest.approx(np.log(6))
    assert window.scene.edge_items[edge_between(window, "a", "b")].label_text is None
    assert mode.timeline.caption.text() == "forward: b = log(a) = 1.792"
    mode.actions["backward"].trigger()
    assert mode.controller.player.step == len(mode.controller.trace) - 1
    label = window.scene.edge_items[edge_between(window, "x", "a")].label_text
    assert label == "∂L/∂x = ∂a/∂x · ∂L/∂a\n= 2 · 0.1667 = 0.3333"


def test_timeline_slider_scrubs_the_whole_trace(window):
    mode = window.explain
    mode.actions["backward"].trigger()
    slider = mode.timeline.slider
    assert (slider.minimum(), slider.maximum()) == (-1, len(mode.controller.trace) - 1)
    slider.setValue(2)
    assert mode.controller.player.step == 2
    assert mode.timeline.caption.text() == "forward: a = w · x = 6"
    assert mode.timeline.position.text() == f"step 3 / {len(mode.controller.trace)}"


def test_editing_the_graph_clears_the_explanation(window):
    mode = window.explain
    mode.actions["backward"].trigger()
    g = window.graph
    window.undo_stack.push(RenameCommand(g, g.find("a").id, "wx"))
    assert mode.controller.trace is None
    assert all(i.label_text is None for i in window.scene.edge_items.values())
    assert all(i.display.value is None for i in window.scene.node_items.values())


def test_a_new_graph_resets_explain_mode(window):
    mode = window.explain
    mode.actions["backward"].trigger()
    window.set_graph(mlp(), None)
    assert mode.controller.trace is None and mode.controller.player.step == -1
    assert mode.controller.graph is window.graph
    mode.actions["forward"].trigger()
    assert window.graph.find("c").id in mode.controller.trace.values


def test_sgd_step_updates_parameters_in_one_undoable_step(window):
    mode = window.explain
    assert mode.timeline.lr.edit.text() == "0.1"  # the graph's α (its training settings' default)
    mode.actions["sgd"].trigger()
    w = window.graph.find("w")
    assert float(w.value) == pytest.approx(1.95)
    assert window.scene.node_items[w.id].display.badge == "updated: w 2 → 1.95"
    assert mode.controller.trace is not None  # the update does not wipe its own explanation
    window.undo_stack.undo()
    assert float(w.value) == pytest.approx(2.0)


def test_selecting_an_edge_shows_its_jacobian_with_its_shape(window, qtbot):
    window.set_graph(mlp(), None)
    mode = window.explain
    mode.actions["backward"].trigger()
    edge_id = edge_between(window, "x", "Wx")
    window.scene.edge_items[edge_id].setSelected(True)
    panel = mode.controller.jacobian
    assert panel.jacobian is not None
    np.testing.assert_allclose(panel.jacobian, window.graph.find("W").value)
    assert "∈ ℝ²ˣ⁴" in panel.title.text()


def test_wiggle_check_agrees_for_the_selected_parameter(window):
    mode = window.explain
    wiggle = mode.controller.wiggle
    wiggle.select(window.graph.find("w").id)
    result = wiggle.run_selected()
    assert result.ok and result.numeric == pytest.approx(0.5, rel=1e-3)
    assert "✓ they agree" in wiggle.result.text()
    assert window.scene.node_items[window.graph.find("w").id].display.badge == "✓ ΔL/ε"


def test_check_all_marks_a_wrong_gradient_with_a_fail_badge(window, monkeypatch):
    from engine.ops.elementwise import Log

    monkeypatch.setattr(Log, "vjp", lambda self, i, g, xs, out, ctx: g / xs[0] * 1.5)  # wrong on purpose
    mode = window.explain
    results = mode.controller.wiggle.run_all()
    w = window.graph.find("w").id
    assert not all(r.ok for r in results[w])
    item = window.scene.node_items[w]
    assert (item.display.badge, item.display.badge_tone) == ("✗ ΔL/ε", "fail")
    assert "✗ differs at w" in mode.controller.wiggle.result.text()


def test_typed_values_flow_through_the_graph(window):
    mode = window.explain
    mode.controller.picker.set_values({"x": "5"})
    mode.actions["forward"].trigger()
    assert float(mode.controller.trace.value("a")) == 10.0
    assert mode.controller.caption(0) == "forward: x = 5"


class SavePrompts(QuietPrompts):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def export_path(self, title, suggested, file_filter):
        return str(self.path)


def test_exports_carry_the_values_and_gradients_explain_mode_shows(window, tmp_path):
    window.explain.controller.backward()
    window.prompts = SavePrompts(tmp_path / "shown.dot")
    from engine.interop import write_dot

    assert window.files.export_interop(write_dot, "Graphviz DOT (*.dot)", True)
    assert "0.1667" in (tmp_path / "shown.dot").read_text()  # ∂L/∂a of log(w·x) at x = 3, w = 2
    window.prompts = SavePrompts(tmp_path / "shown.png")
    assert window.files.export_picture("PNG image (*.png)", ".png")
    window.explain.controller.player.clear()
    window.prompts = SavePrompts(tmp_path / "plain.png")
    assert window.files.export_picture("PNG image (*.png)", ".png")
    assert (tmp_path / "shown.png").read_bytes() != (tmp_path / "plain.png").read_bytes()
