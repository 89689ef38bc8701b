"""The bottom docks take what Explain needs at first start, and the dashboard gets room when training starts."""
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from graphviz_app.main_window import BOTTOM_SHARE  # noqa: E402
from graphviz_app.training import DASHBOARD_SHARE  # noqa: E402

from .test_training_dashboard import open_window, wait_idle  # noqa: E402


def test_training_gives_the_dashboard_its_room_and_explain_keeps_the_canvas_large_before(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("toy_2d"))
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: w.height() == 768)
    w.finish_setup()  # a first start: no saved layout, the docks are balanced
    explain, dashboard = w.explain.timeline_dock, w.training.dashboard_dock
    qtbot.waitUntil(lambda: explain.height() <= int(768 * BOTTOM_SHARE) and explain.visibleRegion().isEmpty() is False)
    assert explain.height() < int(768 * DASHBOARD_SHARE)  # the canvas gets the rest
    w.training.toggle()  # F9
    qtbot.waitUntil(lambda: dashboard.height() >= int(w.height() * DASHBOARD_SHARE) - 2, timeout=10_000)
    assert not dashboard.visibleRegion().isEmpty()  # in front
    w.training.toggle()
    wait_idle(qtbot, w)
