"""Presentation mode (F5) and its keys: Space steps, ←/→ scrub, P predicts, Esc leaves as it was."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QDockWidget  # noqa: E402

from engine.examples.small import chain_rule  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .test_explain_window import QuietPrompts  # noqa: E402


@pytest.fixture
def shown(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(chain_rule(), settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                   prompts=QuietPrompts())
    qtbot.addWidget(w)
    w.explain.controller.player.instant = True
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    return w


def press(qtbot, w, key):
    qtbot.keyClick(w.view, key)


def visible_docks(w):
    return {d.objectName() for d in w.findChildren(QDockWidget) if d.isVisible()}


def test_f5_enters_and_esc_restores_everything(shown, qtbot):
    w = shown
    docks_before = visible_docks(w)
    theme_before = w.theme_name
    press(qtbot, w, Qt.Key.Key_F5)
    mode = w.explain.presentation
    assert mode.active
    assert visible_docks(w) == set() and not w.menuBar().isVisible()
    assert w.theme_name == "projector" and w.scene.theme.name == "projector"
    assert mode.caption.isVisible()
    press(qtbot, w, Qt.Key.Key_Escape)
    assert not mode.active
    assert visible_docks(w) == docks_before
    assert w.theme_name == theme_before and w.menuBar().isVisible()


def test_space_steps_and_arrows_scrub(shown, qtbot):
    w = shown
    player = w.explain.controller.player
    press(qtbot, w, Qt.Key.Key_F5)
    assert player.step == -1
    press(qtbot, w, Qt.Key.Key_Space)
    press(qtbot, w, Qt.Key.Key_Space)
    assert player.step == 1
    press(qtbot, w, Qt.Key.Key_Right)
    assert player.step == 2
    assert w.explain.presentation.caption.text().startswith("forward: a = w · x = 6")
    press(qtbot, w, Qt.Key.Key_Left)
    press(qtbot, w, Qt.Key.Key_Left)
    assert player.step == 0


def test_predict_mode_hides_until_space_reveals(shown, qtbot):
    w = shown
    player = w.explain.controller.player
    a = w.scene.node_items[w.graph.find("a").id]
    press(qtbot, w, Qt.Key.Key_F5)
    press(qtbot, w, Qt.Key.Key_P)
    assert player.predict
    for _ in range(2):
        press(qtbot, w, Qt.Key.Key_Right)
    press(qtbot, w, Qt.Key.Key_Space)  # step 2 happens: a = w · x = ?
    assert player.step == 2 and a.display.hidden_value
    assert "forward: a = w · x = ?" in w.explain.presentation.caption.text()
    press(qtbot, w, Qt.Key.Key_Space)  # reveal
    assert player.step == 2 and not a.display.hidden_value and float(a.display.value) == 6.0
    press(qtbot, w, Qt.Key.Key_Space)
    assert player.step == 3


def test_space_on_the_canvas_steps_outside_presentation_too(shown, qtbot):
    w = shown
    press(qtbot, w, Qt.Key.Key_Space)
    assert w.explain.controller.player.step == 0
    assert not w.explain.presentation.active
