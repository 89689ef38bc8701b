"""File ▸ Export ▸ Animation… in the real window: a GIF of the Explain dock's example, a progress dialog whose
Cancel leaves no file, and a clear message when the MP4 extra is missing."""
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")
pytest.importorskip("PIL")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QTimer, Qt  # noqa: E402
from PySide6.QtWidgets import QProgressDialog, QPushButton  # noqa: E402

from engine.serialization import load_graph  # noqa: E402

from .test_window import new_window  # noqa: E402

GRAPHS = Path(__file__).resolve().parents[2] / "assets" / "graphs"


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


def animation_action(w):
    (action,) = [a for a in w.export_menu.actions() if a.text() == "Animation…"]
    return action


def test_animation_films_the_explain_docks_example_into_a_gif(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "chain_rule")
    w.explain.controller.picker.set_values({"x": "5"})
    w.prompts.save_to = str(tmp_path / "chain")  # no suffix: .gif is added
    animation_action(w).trigger()
    out = tmp_path / "chain.gif"
    with Image.open(out) as gif:
        assert gif.size == (1280, 720) and gif.n_frames > 8
    assert w.prompts.errors == []
    assert w.statusBar().currentMessage().startswith(f"Exported {out} (")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".gif", ".part")) == ["chain.gif"]


def click_cancel_when_the_progress_dialog_shows(qtbot, w, clicked):
    """Poll (as a person waits) for the progress dialog, then click its Cancel button."""
    def look():
        dialogs = [d for d in w.findChildren(QProgressDialog) if d.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, look)
            return
        (button,) = dialogs[0].findChildren(QPushButton)
        assert button.text() == "Cancel"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        clicked.append(True)
    QTimer.singleShot(50, look)


def test_cancel_in_the_progress_dialog_leaves_no_file(qtbot, tmp_path):
    w = window_on(qtbot, tmp_path, "mlp")
    w.prompts.save_to = str(tmp_path / "mlp.gif")
    clicked = []
    click_cancel_when_the_progress_dialog_shows(qtbot, w, clicked)
    animation_action(w).trigger()
    assert clicked == [True]
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".gif", ".part")] == []
    assert not any(".part" in p.name for p in tmp_path.iterdir())
    assert w.statusBar().currentMessage() == "Animation export cancelled: nothing was written"
    assert w.prompts.errors == []


def test_an_mp4_without_the_video_extra_says_how_to_install_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # `import imageio_ffmpeg` raises ImportError
    w = window_on(qtbot, tmp_path, "chain_rule")
    w.prompts.save_to = str(tmp_path / "chain.mp4")
    animation_action(w).trigger()
    ((title, text),) = w.prompts.errors
    assert title == "Export failed"
    assert "MP4 export needs the video extra" in text and "pip install '.[video]'" in text
    assert not any(p.suffix in (".mp4", ".part") or ".part" in p.name for p in tmp_path.iterdir())
