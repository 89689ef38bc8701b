"""Alt+letter works: no dock shows one letter twice, no dock takes a menu's letter, no menu repeats a letter."""
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QDockWidget  # noqa: E402

from .mnemonics import dock_menu_clashes, dock_repeats, menu_bar_keys, menu_repeats, shown_mnemonics  # noqa: E402
from .test_window import new_window  # noqa: E402

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "assets" / "graphs").glob("*.json"))


def _window_with_docks(qtbot, tmp_path, example: Path):
    """The real window on `example`, a trace on the canvas (explain mode on) and every dock shown."""
    window = new_window(qtbot, tmp_path)
    assert window.files.open_path(str(example), ask=False)
    window.explain.controller.player.pause()
    window.explain.actions["step"].trigger()  # a trace on the canvas, where the example can be explained
    for dock in window.findChildren(QDockWidget):
        dock.show()
    return window


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def window(request, qtbot, tmp_path):
    w = _window_with_docks(qtbot, tmp_path, request.param)
    yield w
    w.training.session.close()


def test_no_dock_shows_one_mnemonic_twice_in_any_tab_state(window):
    practice = {key for keys in [shown_mnemonics(window.practice.dock)] for key in keys}
    assert practice, "the helper sees the Practice dock's buttons"
    repeats = [line for dock in window.findChildren(QDockWidget) for line in dock_repeats(dock)]
    assert repeats == []


def test_no_dock_mnemonic_is_a_top_level_menus_letter(window):
    assert {"Alt+F", "Alt+E", "Alt+V", "Alt+R", "Alt+T", "Alt+H"} <= set(menu_bar_keys(window))
    clashes = [line for dock in window.findChildren(QDockWidget) for line in dock_menu_clashes(dock, window)]
    assert clashes == []


def test_no_menu_shows_one_mnemonic_twice(qtbot, tmp_path):
    window = _window_with_docks(qtbot, tmp_path, EXAMPLES[0])
    menus = [action.menu() for action in window.menuBar().actions() if action.menu() is not None]
    assert len(menus) >= 6
    repeats = [line for menu in menus for line in menu_repeats(menu)]
    window.training.session.close()
    assert repeats == []


def test_train_menu_keeps_one_letter_per_entry_while_a_run_is_paused(qtbot, tmp_path):
    from engine.examples import build_example
    from graphviz_app.training.session import State

    from .test_training_polish import start_run
    from .test_training_dashboard import open_window

    window = open_window(qtbot, tmp_path, build_example("toy_2d"))
    session = start_run(qtbot, window)
    window.training.actions["train"].trigger()  # pause: the entry now reads "Resume Training"
    qtbot.waitUntil(lambda: session.state is State.PAUSED)
    texts = [a.text().replace("&", "") for a in window.menus["train"].actions()]
    repeats = menu_repeats(window.menus["train"])
    session.close()
    assert "Resume Training" in texts
    assert repeats == []
