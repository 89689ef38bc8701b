"""The main window: contract attributes, palette → canvas, edit menu, run forward, title, shortcuts, themes."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolBar, QWidget  # noqa: E402

from engine import Graph  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .conftest import canonical, lecture_mlp  # noqa: E402


class FakePrompts:
    """Answers the window's questions without dialogs and records what was asked."""

    def __init__(self):
        self.save_answer = "discard"
        self.restore_answer = True
        self.save_to = None
        self.open_from = None
        self.region_answer = ("encoder f(x)", "#4c78a8")
        self.example_entry = None
        self.asked_save, self.asked_restore, self.errors, self.infos = [], [], [], []

    def ask_save_changes(self, name):
        self.asked_save.append(name)
        return self.save_answer

    def ask_restore(self, description):
        self.asked_restore.append(description)
        return self.restore_answer

    def error(self, title, text):
        self.errors.append((title, text))

    def info(self, title, text):
        self.infos.append((title, text))

    def shortcuts(self, groups):
        self.infos.append(("Keyboard shortcuts", groups))

    def open_path(self, folder):
        return self.open_from

    def save_path(self, suggested):
        return self.save_to

    def export_path(self, title, suggested, file_filter):
        return self.save_to

    def region(self):
        return self.region_answer

    def example(self, current=None):
        return self.example_entry


def new_window(qtbot, tmp_path, graph=None, prompts=None, recovery_dir=None, real_prompts=False):
    """A window with its own settings file and recovery folder under tmp_path (real dialogs if asked)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    recovery = RecoveryStore(recovery_dir or tmp_path / "recovery")
    prompts = None if real_prompts else (prompts or FakePrompts())
    window = MainWindow(graph=graph, settings=settings, recovery=recovery, prompts=prompts)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.set_graph(lecture_mlp(), None)
    return w


def node_named(graph, name):
    return graph.find(name).id


def test_window_offers_the_contract_attributes(window):
    assert set(window.menus) >= {"file", "edit", "view", "run", "train", "help"}
    assert isinstance(window.toolbar, QToolBar)
    assert window.scene.graph is window.graph and window.view.scene() is window.scene
    assert callable(window.inspector.show_arrays) and window.theme_name in ("light", "dark")
    dock = window.add_dock("Extra panel", QLabel("hello"), Qt.DockWidgetArea.RightDockWidgetArea)
    assert isinstance(dock, QDockWidget) and dock.toggleViewAction() in window.panels_menu.actions()


def test_set_graph_emits_graph_replaced_and_shows_the_new_graph(window, qtbot):
    graph = Graph()
    graph.add_node("Input", "z")
    with qtbot.waitSignal(window.graph_replaced) as blocker:
        window.set_graph(graph, None)
    assert blocker.args == [graph]
    assert window.graph is graph and list(window.scene.node_items) == list(graph.nodes)


def _boxes(window):
    """Scene boxes of every shown node item, by id."""
    scene = window.scene
    return {n: scene._box(item) for n, item in scene._shown_nodes()}


def _covers_another(window, node_ids):
    boxes = _boxes(window)
    return [(n, m) for n in node_ids for m, box in boxes.items() if m not in node_ids and boxes[n].intersects(box)]


def test_palette_double_click_adds_the_op_at_the_view_centre_undoably(window):
    window.view.center_on(window.scene.to_scene((0.0, 1000.0)))  # empty canvas under the centre
    before = canonical(window.graph)
    window.palette.tree.itemDoubleClicked.emit(window.palette.op_items["Tanh"], 0)
    added = [n for n in window.graph.nodes.values() if n.op_name == "Tanh"]
    assert len(added) == 1
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert added[0].pos == pytest.approx(window.scene.to_model(centre), abs=1.0)
    window.undo_stack.undo()
    assert canonical(window.graph) == before


def test_double_click_to_add_over_a_node_puts_the_new_one_beside_it(window):
    a = window.graph.find("a")
    window.view.center_on(window.scene.to_scene(a.pos))  # the centre of the view is on node a
    window.palette.tree.itemDoubleClicked.emit(window.palette.op_items["Tanh"], 0)
    tanh = next(n for n in window.graph.nodes.values() if n.op_name == "Tanh")
    assert not _covers_another(window, [tanh.id])  # before: right on top of a
    assert abs(tanh.pos[0] - a.pos[0]) + abs(tanh.pos[1] - a.pos[1]) < 400  # and still near where it was asked


def test_paste_and_duplicate_put_the_copies_where_they_cover_no_node(window):
    ids = [window.graph.find(n).id for n in ("θ", "θᵀb", "c")]
    window.scene.select_nodes(ids)
    window.actions["copy"].trigger()
    window.actions["paste"].trigger()
    pasted = window.scene.selected_node_ids()
    assert len(pasted) == 3 and not set(pasted) & set(ids)
    assert not _covers_another(window, pasted)  # before: 40 units down and right, over the originals
    window.actions["duplicate"].trigger()
    again = window.scene.selected_node_ids()
    assert len(again) == 3 and not set(again) & set(pasted) and not _covers_another(window, again)
    shift = [window.graph.nodes[p].pos[0] - window.graph.nodes[i].pos[0] for p, i in zip(pasted, ids)]
    assert max(shift) - min(shift) < 1e-6  # the copies keep their arrangement


def test_a_dropped_block_takes_free_space(window):
    from graphviz_app.canvas.interaction import BLOCK_PAYLOAD

    a = window.graph.find("a")
    sigmoid = window.scene.add_op_at(BLOCK_PAYLOAD, a.pos)
    window.edit.expand_block()
    region = next(r for r in window.graph.regions.values() if sigmoid in r.node_ids)
    assert not _covers_another(window, region.node_ids)


def test_selecting_on_the_canvas_fills_the_inspector(window):
    theta = node_named(window.graph, "θ")
    window.scene.select_nodes([theta])
    assert window.inspector.node_id == theta and window.inspector.pages.currentIndex() == 1
    edge = next(iter(window.graph.edges))
    window.scene.clearSelection()
    assert window.inspector.pages.currentIndex() == 0
    window.scene.edge_items[edge].setSelected(True)
    assert window.inspector.edge_id == edge and window.inspector.pages.currentIndex() == 2


def test_title_marks_unsaved_changes_and_clears_on_undo(window):
    assert not window.windowTitle().startswith("•")
    window.edit.add_op("Exp")
    assert window.windowTitle().startswith("•")
    window.undo_stack.undo()
    assert not window.windowTitle().startswith("•")


def test_copy_paste_adds_copies_with_new_ids(window):
    a = node_named(window.graph, "a")
    window.scene.select_nodes([a])
    assert window.actions["copy"].isEnabled()
    window.actions["copy"].trigger()
    count = len(window.graph.nodes)
    window.actions["paste"].trigger()
    assert len(window.graph.nodes) == count + 1
    pasted = [n for n in window.graph.nodes.values() if n.id not in (a,) and n.op_name == "Sigmoid"
              and n.name not in ("a", "b", "c")]
    assert len(pasted) == 1


def test_paste_ignores_text_that_is_not_nodes(window):
    QApplication.clipboard().setText('{"nodes": "not a list"}')
    count = len(window.graph.nodes)
    assert window.edit.paste() is False
    assert len(window.graph.nodes) == count


def test_delete_removes_node_with_its_edges_and_undo_restores(window):
    before = canonical(window.graph)
    a = node_named(window.graph, "a")
    window.scene.select_nodes([a])
    window.actions["delete"].trigger()
    assert a not in window.graph.nodes
    assert all(a not in (e.src, e.dst) for e in window.graph.edges.values())
    window.undo_stack.undo()
    assert canonical(window.graph) == before


def test_duplicate_and_select_all(window):
    window.actions["select_all"].trigger()
    assert set(window.scene.selected_node_ids()) == set(window.graph.nodes)
    count = len(window.graph.nodes)
    window.actions["duplicate"].trigger()
    assert len(window.graph.nodes) == 2 * count


def test_group_uses_the_answered_title_and_colour(window):
    window.prompts.region_answer = ("loss", "#e45756")
    ids = [node_named(window.graph, "θᵀb"), node_named(window.graph, "c")]
    window.scene.select_nodes(ids)
    regions_before = set(window.graph.regions)
    window.actions["group"].trigger()
    new = [r for rid, r in window.graph.regions.items() if rid not in regions_before]
    assert len(new) == 1 and new[0].title == "loss" and new[0].color == "#e45756"
    assert set(new[0].node_ids) == set(ids)
    window.actions["ungroup"].trigger()
    assert new[0].id not in window.graph.regions


def test_auto_layout_moves_nodes_and_undo_puts_them_back(window):
    for node in window.graph.nodes.values():
        window.graph.move(node.id, (0.0, 0.0))
    before = {n: node.pos for n, node in window.graph.nodes.items()}
    window.actions["layout"].trigger()
    after = {n: node.pos for n, node in window.graph.nodes.items()}
    assert len(set(after.values())) == len(after)  # every node got its own place
    window.undo_stack.undo()
    assert {n: node.pos for n, node in window.graph.nodes.items()} == before


def test_run_forward_shows_values_on_nodes_and_in_the_inspector(window):
    c = node_named(window.graph, "c")
    assert window.actions["forward"].shortcut() == QKeySequence("Ctrl+R")
    window.actions["forward"].trigger()
    value = window.scene.node_items[c].display.value
    assert value is not None and np.size(value) == 1 and 0.0 < float(np.ravel(value)[0]) < 1.0
    window.scene.select_nodes([c])
    assert window.inspector.value_view.mode == "numbers"
    assert "c =" in window.statusBar().currentMessage() or "Forward" in window.statusBar().currentMessage()


def test_run_forward_shows_class_probabilities_with_names(qtbot, tmp_path):
    from engine.examples import example_path
    from engine.serialization import load_graph

    w = new_window(qtbot, tmp_path)
    w.set_graph(load_graph(example_path("toy_2d")), None)
    assert w.run_forward()
    out = w.graph.find(w.graph.meta["bindings"]["output"]).id
    item = w.scene.node_items[out]
    assert item.display.value_kind == "probs"
    assert item.display.class_names == ["upper moon", "lower moon"]
    assert np.allclose(np.sum(item.display.value, axis=-1), 1.0)


def test_run_forward_failure_names_the_node(window):
    bad = window.graph.add_node("Log", "broken_log", pos=(0, 300))
    window.graph.connect(node_named(window.graph, "Wx"), bad.id, "x")
    window.graph.meta["sample"] = {"x": [1.0, 2.0]}  # wrong length: the Input refuses it
    assert window.run_forward() is False
    title, text = window.prompts.errors[-1]
    assert "'x'" in text and "Forward failed" in window.statusBar().currentMessage()


def test_standard_shortcuts_and_tooltips(window):
    a = window.actions
    assert QKeySequence("Ctrl+Z") in a["undo"].shortcuts()
    assert {QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")} <= set(a["redo"].shortcuts())
    for key, seq in (("cut", "Ctrl+X"), ("copy", "Ctrl+C"), ("paste", "Ctrl+V"), ("duplicate", "Ctrl+D"),
                     ("group", "Ctrl+G"), ("layout", "Ctrl+L"), ("new", "Ctrl+N"), ("open", "Ctrl+O"),
                     ("save", "Ctrl+S"), ("save_as", "Ctrl+Shift+S"), ("quit", "Ctrl+Q")):
        assert QKeySequence(seq) in a[key].shortcuts(), key
        assert seq.replace("Ctrl", "Ctrl") in a[key].toolTip(), key
    assert {QKeySequence("Del"), QKeySequence("Backspace")} <= set(a["delete"].shortcuts())
    assert {QKeySequence("F"), QKeySequence("Ctrl+0")} <= set(a["fit"].shortcuts())


def test_dark_theme_switches_canvas_and_is_remembered(window):
    window.actions["dark"].trigger()
    assert window.theme_name == "dark" and window.scene.theme.name == "dark"
    assert window.settings.value("theme") == "dark"
    window.set_theme("projector")
    assert window.scene.theme.name == "projector"
    window.set_theme("light")
    assert not window.actions["dark"].isChecked()


def test_snap_toggle_reaches_the_scene(window):
    window.actions["snap"].trigger()
    assert window.scene.snap_enabled
    window.actions["snap"].trigger()
    assert not window.scene.snap_enabled


def test_excepthook_handler_autosaves_and_keeps_running(window, tmp_path):
    window.edit.add_op("Exp")  # something unsaved
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        window.handle_exception(type(exc), exc, exc.__traceback__)
    assert window.recovery.path.is_file()
    assert "boom in a slot" in window.statusBar().currentMessage()


def test_zoom_actions_change_the_zoom_and_fit_shows_everything(window):
    start = window.view.zoom()
    window.actions["zoom_in"].trigger()
    assert window.view.zoom() == pytest.approx(start * 1.25)
    window.actions["zoom_out"].trigger()
    window.actions["zoom_out"].trigger()
    assert window.view.zoom() < start
    window.actions["fit"].trigger()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.itemsBoundingRect())


def test_excepthook_routes_errors_to_the_window(window, monkeypatch):
    import sys

    from graphviz_app.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back whatever was there after the test
    install_excepthook(window)
    try:
        raise ValueError("a slot failed")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "a slot failed" in window.statusBar().currentMessage()


def test_a_feature_that_fails_to_build_fails_the_window(qtbot, tmp_path, monkeypatch):
    from graphviz_app import main_window

    def explode(self, window):
        raise RuntimeError("feature bug")

    monkeypatch.setattr(main_window.TrainingExtension, "__init__", explode)
    with pytest.raises(RuntimeError, match="feature bug"):  # never swallowed into a half-working window
        new_window(qtbot, tmp_path)


def test_features_reach_the_window_only_through_the_workbench():
    import ast
    import pathlib

    import graphviz_app

    root = pathlib.Path(graphviz_app.__file__).parent
    for folder in ("explain", "training", "window"):
        for path in (root / folder).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert not node.module.endswith("main_window"), f"{path.name} imports the MainWindow class"


def test_first_start_fills_the_available_screen(qtbot, tmp_path):
    window = new_window(qtbot, tmp_path)
    window.restore_geometry()  # nothing saved yet
    screen = window.screen().availableGeometry()
    assert window.isMaximized() or window.geometry().size() == screen.size()
    assert window.width() >= screen.width() * 0.99 and window.height() >= screen.height() * 0.9


def test_saved_geometry_wins_over_filling_the_screen(qtbot, tmp_path):
    first = new_window(qtbot, tmp_path)
    first.resize(700, 500)
    first.settings.setValue("window/geometry", first.saveGeometry())
    first.settings.sync()
    second = new_window(qtbot, tmp_path)
    second.restore_geometry()
    assert not second.isMaximized()
    assert (second.width(), second.height()) == (700, 500)


def test_bottom_docks_get_a_quarter_of_the_height_at_first_start(qtbot, tmp_path):
    window = new_window(qtbot, tmp_path)
    window.resize(1400, 900)
    try:
        window.finish_setup()
        dock = window.explain.timeline_dock  # in front; the dashboard asks for a third when training starts
        qtbot.waitUntil(lambda: dock.height() > 0.2 * window.height(), timeout=5000)
        assert dock.height() < 0.3 * window.height()
    finally:
        window.training.session.close()


def test_set_theme_announces_the_new_theme(window, qtbot):
    with qtbot.waitSignal(window.theme_changed) as signal:
        window.set_theme("projector")
    assert signal.args == ["projector"]


def test_shortcut_table_goes_through_the_prompts_grouped_by_menu(window):
    window.show_shortcuts()
    title, groups = window.prompts.infos[-1]
    by_menu = dict(groups)
    assert title == "Keyboard shortcuts" and ("Save", "Ctrl+S") in by_menu["File"]
    assert any(text == "Explain Forward" for text, _ in sum(by_menu.values(), []))  # features' actions too


def test_the_shortcuts_dialog_fits_a_768_pixel_screen(window, qtbot):
    from graphviz_app.window.shortcuts_dialog import ShortcutsDialog, shortcut_groups

    dialog = ShortcutsDialog(window, shortcut_groups(window.menus, window.actions))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.label.sizeHint().height() <= 0.85 * 768  # in columns, not one long list (was 874 px)
    assert dialog.height() <= 0.85 * dialog.screen().availableGeometry().height() + 1
    assert "Ctrl+D" in dialog.label.text() and "F9" in dialog.label.text()


def test_a_form_dock_below_the_inspector_gets_the_height_it_asks_for(qtbot, tmp_path):
    from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

    window = new_window(qtbot, tmp_path)
    window.resize(1400, 1000)
    window.training.controls_dock.hide()  # the inspector and this form alone share the right side
    form = QWidget()
    layout = QFormLayout(form)
    for k in range(12):  # more than half of the right side, less than two thirds of it
        layout.addRow(f"field {k}", QLineEdit())
    dock = window.add_dock("Form", form)
    window.finish_setup()
    wanted = form.sizeHint().height()
    qtbot.wait(50)
    total = dock.height() + window.inspector_dock.height()
    assert wanted > total // 2  # more than an equal share would give it
    qtbot.waitUntil(lambda: dock.height() >= wanted, timeout=5000)
    assert window.inspector_dock.height() >= dock.height() // 3


# ----- refused edits (issue 13 item 2)
def _window_with_collapsed_block(qtbot, tmp_path):
    from engine import blocks as block_model

    graph = lecture_mlp()
    region_id, parts = block_model.add_linear_sigmoid(graph, 3, 2, pos=(200, 300), collapsed=True)
    graph.connect(graph.find("x").id, parts.matmul, "x")
    w = new_window(qtbot, tmp_path)
    w.set_graph(graph, None)
    return w, region_id, parts


def test_collapsing_a_block_again_is_refused_with_a_reason_and_no_undo_entry(qtbot, tmp_path):
    w, region_id, parts = _window_with_collapsed_block(qtbot, tmp_path)
    w.scene.select_nodes([parts.sigmoid])  # selects the collapsed block's box: all five members
    before = canonical(w.graph)
    w.actions["collapse"].trigger()  # before the fix: "already part of a block" raised inside redo()
    assert w.undo_stack.count() == 0 and canonical(w.graph) == before
    assert "already part of a block" in w.statusBar().currentMessage()


def test_a_collapsed_block_whose_wire_is_cut_opens_and_its_members_still_move(qtbot, tmp_path):
    from graphviz_app import commands as cmd

    w, region_id, parts = _window_with_collapsed_block(qtbot, tmp_path)
    inner = w.graph.incoming(parts.add)["a"].id
    assert region_id in w.scene.block_items
    w.undo_stack.push(cmd.RemoveItemsCommand(w.graph, edge_ids=[inner]))
    assert region_id not in w.scene.block_items and w.scene.node_items[parts.add].isVisible()
    old = w.graph.nodes[parts.add].pos
    w.scene.try_push(lambda: cmd.MoveNodesCommand(w.graph, {parts.add: (old, (old[0] + 40, old[1]))}))
    assert w.graph.nodes[parts.add].pos == (old[0] + 40, old[1])  # before: _place_block raised on a broken block
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert region_id in w.scene.block_items and not w.scene.node_items[parts.add].isVisible()


def test_new_leaves_no_wires_or_region_boxes_of_the_old_graph_on_screen(window, qtbot):
    window.resize(1200, 800)
    window.view.fit_all()
    qtbot.waitUntil(lambda: window.view.viewport().width() > 0)
    window.view.viewport().grab()  # paints, and caches the backdrop: grid, regions and wires
    window.actions["new"].trigger()
    qtbot.wait(20)
    after_new = window.view.viewport().grab().toImage()
    window.view.resetCachedContent()  # what a pan or zoom did: paint the backdrop afresh
    fresh = window.view.viewport().grab().toImage()
    assert not window.graph.nodes
    assert after_new == fresh  # before the fix the old graph's wires and regions stayed painted


def test_toolbar_buttons_stay_put_when_the_undo_text_changes(window, qtbot):
    bar = window.toolbar
    window.resize(1400, 900)
    qtbot.wait(20)
    later = [bar.widgetForAction(window.actions[key]) for key in ("fit", "layout", "forward")]
    before = [button.geometry().x() for button in later]
    undo = bar.findChild(QWidget, "button_undo") or bar.widgetForAction(window.actions["undo"])
    assert not undo.isEnabled()
    window.scene.select_nodes([node_named(window.graph, "a")])
    window.scene.group_selected("a much longer region title than any button should ever show")
    qtbot.wait(20)
    assert window.actions["undo"].text().startswith("&Undo Group as a much longer")  # the menu names the edit
    assert undo.isEnabled() and undo.text() == "Undo" and "Group as" in undo.toolTip()
    assert [button.geometry().x() for button in later] == before  # before: pushed right by the long text
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert window.undo_stack.index() == 0
