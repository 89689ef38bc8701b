"""No tab bar of the dock areas is left lying over a dock, the canvas or the status bar: at start, after docks are
closed, in presentation mode and after it (under X11 Qt leaves old tab bars shown when dock groups change)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from .conftest import lecture_mlp  # noqa: E402
from .tab_bar_check import misplaced, names, shown_bars  # noqa: E402
from .test_window import new_window  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def settle(qtbot, w):
    qtbot.wait(30)  # the layout is applied and the sweep after it has run


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.set_graph(lecture_mlp(), None)
    w.setGeometry(0, 0, 1920, 1080)
    w.finish_setup()
    settle(qtbot, w)
    yield w
    w.training.session.close()


def test_dock_groups_keep_their_tab_bars_as_docks_close_and_come_back(window, qtbot):
    w, presentation = window, window.explain.presentation
    assert sorted(names(b)[0] for b in shown_bars(w)) == ["Explain", "Inspector"]
    for dock in (w.explain.timeline_dock, w.training.dashboard_dock, w.practice.dock):
        dock.close()
    presentation.enter()
    settle(qtbot, w)
    assert shown_bars(w) == []  # every dock is hidden: no tab bar on the canvas
    presentation.leave()
    settle(qtbot, w)
    assert [names(b) for b in shown_bars(w)] == [["Inspector", "Undo History", "Wiggle Check"]]
    w.explain.timeline_dock.show()
    w.training.dashboard_dock.show()
    settle(qtbot, w)
    assert misplaced(w) == []
    assert sorted(names(b)[0] for b in shown_bars(w)) == ["Explain", "Inspector"]  # the sweep hides no bar in use


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")
def test_under_x11_no_old_tab_bar_lies_over_docks_canvas_or_status_bar(xvfb_display):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    run = subprocess.run([sys.executable, "-m", "tests.gui.tab_bar_check"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "BARS two docks back: [['Explain', 'Training Dashboard']]" in run.stdout, run.stdout
    assert "MISPLACED" not in run.stdout, run.stdout  # before the fix: "['Explain', 'Training Dashboard'] over Palette"
