"""No two actions share a key (issue 12 item 6): offscreen, under X11's own key bindings, and as a user presses them."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from .conftest import lecture_mlp  # noqa: E402
from .shortcut_check import clashes, shortcut_owners  # noqa: E402
from .test_window import new_window  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.set_graph(lecture_mlp(), None)
    yield w
    w.training.session.close()


def test_no_key_is_answered_by_two_actions_of_the_window_or_its_features(window):
    owners = shortcut_owners(window)
    assert "Ctrl+Shift+F" in owners and "F9" in owners  # explain's and training's actions are counted
    assert "Ctrl+H" in owners and "P" in owners  # so are the panel toggles and presentation's keys
    assert clashes(window) == []


def test_every_shortcut_of_the_window_is_listed_in_its_actions(window):
    listed = {s.toString() for a in window.actions.values() for s in a.shortcuts()}
    assert {"Ctrl+D", "Del", "Ctrl+Z", "Ctrl+Shift+F", "F9", "F5"} <= listed


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")
def test_no_clashes_with_the_key_bindings_of_x11(xvfb_display):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    run = subprocess.run([sys.executable, "-m", "tests.gui.shortcut_check"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "platform xcb" in run.stdout
    assert "CLASH" not in run.stdout, run.stdout  # before the fix: "CLASH Ctrl+D: Delete, Duplicate"


def test_ctrl_d_duplicates_and_delete_deletes_as_the_user_presses_them(window, qtbot):
    window.activateWindow()
    count = len(window.graph.nodes)
    window.scene.select_nodes([window.graph.find("a").id])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(window.graph.nodes) == count + 1
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert len(window.graph.nodes) == count
    assert QKeySequence("Ctrl+D") not in window.actions["delete"].shortcuts()
