"""Training dashboard and window working together: save pauses the run, theme, re-check after edits, plane range."""
import json

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.data import prepare  # noqa: E402
from engine.examples import build_example  # noqa: E402
from graphviz_app.training.boundary import BoundaryView  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import WAIT_MS, click, open_window, type_setting, wait_idle  # noqa: E402


def start_run(qtbot, window, steps=3):
    session = window.training.session
    type_setting(qtbot, window, "epochs", "5000")
    click(qtbot, window.training.controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.step_count >= steps, timeout=WAIT_MS)
    assert session.state is State.RUNNING
    return session


@pytest.fixture
def toy(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("toy_2d"))
    yield w
    w.training.session.close()


def test_save_while_training_pauses_and_writes_the_run(qtbot, toy, tmp_path):
    path = tmp_path / "run.json"
    toy.prompts.save_path = lambda suggested: str(path)
    session = start_run(qtbot, toy)
    assert toy.files.save()
    assert session.state is not State.RUNNING
    saved = json.loads(path.read_text(encoding="utf-8"))
    steps = saved["meta"]["metrics"]["steps_done"]
    assert steps >= 3 and steps == toy.graph.meta["metrics"]["steps_done"]
    assert not toy.document.dirty


def test_new_with_a_running_run_pauses_before_asking(qtbot, toy):
    session = start_run(qtbot, toy)
    toy.prompts.ask_save_changes = lambda name: "cancel"
    assert not toy.files.maybe_save()
    assert session.state is State.PAUSED
    assert toy.undo_stack.count() == 2  # the epochs edit, and the run so far as one undoable step
    assert toy.graph.meta["metrics"]["steps_done"] >= 3


def test_dashboard_follows_the_window_theme(toy):
    dash = toy.training.dashboard
    toy.set_theme("dark")
    assert dash.light is False
    toy.set_theme("light")
    assert dash.light is True


def test_untrainable_graph_is_checked_again_after_the_missing_edge_is_wired(qtbot, tmp_path):
    graph = build_example("toy_2d")
    x, matmul = graph.find("x").id, graph.find("Wx").id
    edge = next(e for e in graph.edges.values() if e.src == x and e.dst == matmul)
    graph.disconnect(edge.id)
    window = open_window(qtbot, tmp_path, graph)
    session, controls = window.training.session, window.training.controls
    try:
        assert session.state is State.UNTRAINABLE
        assert "cannot be trained" in controls.message.text()
        window.graph.connect(x, matmul, edge.port)
        qtbot.waitUntil(lambda: session.state is State.READY, timeout=WAIT_MS)
        assert "cannot be trained" not in controls.message.text()
        assert controls.train_button.isEnabled()
    finally:
        session.close()


def test_decision_plane_shows_the_data_not_empty_margins(qtbot):
    data = prepare({"name": "moons"})
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(1300, 300)  # a short, wide dock, as at the bottom of the window
    view.show()
    view.set_data(data)
    qtbot.wait(50)
    points = np.concatenate([data.x_train, data.x_test])
    (vx0, vx1), (vy0, vy1) = view.plane.getPlotItem().getViewBox().viewRange()
    data_w = float(np.ptp(points[:, 0]))
    data_h = float(np.ptp(points[:, 1]))
    assert vx0 <= points[:, 0].min() and vx1 >= points[:, 0].max()
    assert vy0 <= points[:, 1].min() and vy1 >= points[:, 1].max()
    assert vx1 - vx0 < 1.6 * data_w and vy1 - vy0 < 1.6 * data_h
    assert view.units.width() > view.plane.width() / 3  # the freed width goes to the hidden-unit maps


def test_epochs_field_shows_the_graph_setting_and_train_uses_it(qtbot, toy):
    controls = toy.training.controls
    assert controls.epochs.edit.text() == str(toy.graph.meta["training"]["epochs"])
    headline = build_example("headline_classifier")
    toy.set_graph(headline, None)
    assert controls.epochs.edit.text() == str(headline.meta["training"]["epochs"])
    toy.set_graph(build_example("toy_2d"), None)
    wait_idle(qtbot, toy)
    type_setting(qtbot, toy, "epochs", "2")
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: toy.training.session.state is State.READY, timeout=WAIT_MS)
    assert len(toy.graph.meta["metrics"]["epoch"]) == 2


def test_hidden_unit_maps_wrap_into_rows_when_that_makes_them_larger(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_data(prepare({"name": "moons"}))
    view.units.resize(760, 230)  # wide enough for eight maps in a row, but then each is a thin strip
    assert view._units_per_row(8) == 4
    view.units.resize(1600, 120)  # very wide and short: one row
    assert view._units_per_row(8) == 8
