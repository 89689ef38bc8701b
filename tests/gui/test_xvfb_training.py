"""The real app under Xvfb: open the default example (set to many epochs), press F9 to train, screenshot while
it trains, F9 to pause, F9 to resume, F9 to pause again.

After the screenshot, F9 pauses (the run's weights and history go into the graph), F9 resumes the same run and F9
pauses it again; Ctrl+S saves the file: reading it back is how the test sees, from outside the process, that
training ran as one history. Set CGE_SCREENSHOT_DIR to keep the screenshot.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.serialization import load_graph

from .conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "import")
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)"),
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS[1:]),
                       reason="needs xdotool and imagemagick's import (apt-get install xdotool imagemagick)"),
]
TITLE = "Computation Graph Explorer"


def xdotool(env: dict, *args: str) -> str:
    done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=20)
    return done.stdout.strip() if done.returncode == 0 else ""


def distinct_colours(path: Path) -> int:
    """How many different colours a 40×25 grid of samples of the screenshot has."""
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"cannot read the screenshot {path}"
    return len({image.pixel(x * image.width() // 40, y * image.height() // 25) for x in range(40) for y in range(25)})


def long_run_file(folder: Path) -> Path:
    """The default example set to train for many epochs, so that it is still training at the screenshot."""
    from engine.examples import build_example
    from engine.serialization import save_graph

    graph = build_example("headline_classifier")
    graph.meta["training"]["epochs"] = 5000
    path = folder / "long_run.json"
    save_graph(graph, path)
    return path


def test_train_from_the_keyboard_in_a_real_window(xvfb_display, tmp_path):
    path = long_run_file(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path),
               CGE_SETTINGS_FILE=str(tmp_path / "settings.ini"), CGE_RECOVERY_DIR=str(tmp_path / "recovery"))
    log = open(tmp_path / "app.log", "w")
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(path)], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        window = wait_for(lambda: xdotool(env, "search", "--onlyvisible", "--name", TITLE).split("\n")[0],
                          60, "the main window")
        wait_for(lambda: "long_run" in xdotool(env, "getwindowname", window), 60, "the graph file")
        time.sleep(2.0)  # the data set is prepared in the background; F9 would wait for it anyway
        assert not xdotool(env, "getwindowname", window).startswith("•"), "the example opened with changes"
        xdotool(env, "windowfocus", "--sync", window)
        xdotool(env, "key", "F9")
        time.sleep(3.0)
        shot = Path(os.environ.get("CGE_SCREENSHOT_DIR", tmp_path)) / "xvfb_training.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=env, timeout=30, check=False)
        assert app.poll() is None, f"the app exited while training:\n{(tmp_path / 'app.log').read_text()}"
        assert shot.exists() and distinct_colours(shot) >= 12, "the screenshot is (nearly) blank"
        xdotool(env, "key", "F9")  # pause: the run's weights and history go into the graph
        time.sleep(0.5)
        xdotool(env, "key", "F9")  # resume the same run
        time.sleep(1.5)
        xdotool(env, "key", "F9")  # and pause it again
        time.sleep(0.5)
        before = path.stat().st_mtime_ns
        xdotool(env, "key", "ctrl+s")
        wait_for(lambda: path.stat().st_mtime_ns != before, 20, "the graph to be saved")
        assert app.poll() is None
        metrics = load_graph(path).meta["metrics"]
        assert 0 < metrics["steps_done"] < 5000 * 36, "the run did not train, or was not paused"
        assert len(metrics["step"]) == metrics["steps_done"] and metrics["test_accuracy"] > 0.5
        assert metrics["step"] == list(range(1, metrics["steps_done"] + 1))  # paused, resumed: one history
        assert metrics["epoch"] == list(range(1, len(metrics["epoch"]) + 1)) and len(metrics["epoch"]) >= 2
    finally:
        app.kill()
        app.wait(timeout=10)
        log.close()
