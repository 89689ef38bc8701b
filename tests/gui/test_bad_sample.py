"""Issue 12 item 3: a file with one bad meta.sample value opens (GUI from the command line, File ▸ Open, and
`main.py check` alike) without that value, says so in the same words, and Explain still works."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from engine.examples import example_path  # noqa: E402

from .test_window import FakePrompts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def bad_sample_file(folder, name="mlp_bad.json"):
    """The lecture MLP whose sample x has one ragged row ([0.5] instead of two numbers)."""
    d = json.loads(example_path("mlp").read_text(encoding="utf-8"))
    d["meta"]["sample"]["x"][1] = [0.5]
    path = Path(folder) / name
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


def check_note(path):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(path)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (note,) = [line for line in done.stderr.splitlines() if line.startswith("note: ")]
    return note.split(": ", 2)[2]


def start(qtbot, tmp_path, path):
    from graphviz_app.app import start_window
    from graphviz_app.recovery import RecoveryStore

    prompts = FakePrompts()
    window = start_window(str(path) if path else None, prompts=prompts, recovery=RecoveryStore(tmp_path / "rec"),
                          settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window, prompts


def assert_explain_works(window, prompts):
    assert prompts.errors == []
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]  # no "Extension failed"
    mode = window.explain
    mode.controller.player.instant = True
    window.actions["explain_backward"].trigger()
    assert mode.controller.player.display is not None and prompts.errors == []


def test_command_line_open_drops_the_bad_value_says_so_as_check_does_and_explain_appears(qtbot, tmp_path):
    path = bad_sample_file(tmp_path)
    note = check_note(path)
    assert note.startswith("meta.sample.x: the lists have rows of different lengths")
    window, prompts = start(qtbot, tmp_path, path)
    assert window.document.path == str(path)
    assert "x" not in window.graph.meta["sample"] and "y" in window.graph.meta["sample"]
    qtbot.waitUntil(lambda: bool(prompts.infos))
    (title, text), = prompts.infos
    assert note in text
    assert_explain_works(window, prompts)


def test_file_open_drops_the_bad_value_with_the_same_note(qtbot, tmp_path):
    path = bad_sample_file(tmp_path)
    window, prompts = start(qtbot, tmp_path, None)
    prompts.open_from = str(path)
    window.actions["open"].trigger()
    assert window.document.path == str(path)
    qtbot.waitUntil(lambda: bool(prompts.infos))
    (title, text), = prompts.infos
    assert check_note(path) in text
    assert_explain_works(window, prompts)
