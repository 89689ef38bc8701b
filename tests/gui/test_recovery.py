"""Crash recovery: autosave writes a recovery file, a clean exit removes it, the next start offers it."""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from engine.serialization import graph_to_dict  # noqa: E402
from graphviz_app.app import start_window  # noqa: E402
from graphviz_app.recovery import Autosaver, RecoveryStore  # noqa: E402

from .conftest import lecture_mlp  # noqa: E402
from .test_window import FakePrompts, new_window  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# A first session that edits a graph, autosaves, and dies without closing its window.
CRASHING_SESSION = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from graphviz_app.main_window import MainWindow
    from graphviz_app.recovery import RecoveryStore
    from engine.serialization import load_graph
    window = MainWindow(settings=QSettings({settings!r}, QSettings.Format.IniFormat),
                        recovery=RecoveryStore({recovery!r}))
    window.set_graph(load_graph({source!r}), {source!r})
    node = window.edit.add_op("Tanh")
    window.graph.set_attr(window.graph.find("W").id, "seed", 5)
    window.autosaver.save_now()
    os._exit(3)
""")


def crash_a_session(tmp_path) -> Path:
    """Run the crashing session in a subprocess; return the graph file it had open."""
    source = tmp_path / "work.json"
    from engine.serialization import save_graph

    save_graph(lecture_mlp(), source)
    code = CRASHING_SESSION.format(root=str(ROOT), settings=str(tmp_path / "crash.ini"),
                                   recovery=str(tmp_path / "recovery"), source=str(source))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    return source


def the_recovered_graph(tmp_path) -> dict:
    files = list((tmp_path / "recovery").glob("recovery-*.json"))
    assert len(files) == 1
    return json.loads(files[0].read_text())


def test_autosave_writes_only_when_dirty_and_clean_exit_removes_it(qtbot, tmp_path):
    window = new_window(qtbot, tmp_path)
    window.set_graph(lecture_mlp(), None)
    assert window.autosaver.save_now() is None and not window.recovery.path.exists()
    window.edit.add_op("Exp")
    path = window.autosaver.save_now()
    data = json.loads(path.read_text())
    assert data["graph"] == json.loads(json.dumps(graph_to_dict(window.graph)))
    window.prompts.save_answer = "discard"
    window.close()
    assert not path.exists()


def test_autosave_interval_is_about_thirty_seconds(qtbot, tmp_path):
    window = new_window(qtbot, tmp_path)
    assert 20_000 <= window.autosaver.timer.interval() <= 60_000


def test_recovery_after_a_simulated_crash_restores_the_same_graph(qtbot, tmp_path):
    source = crash_a_session(tmp_path)
    crashed = the_recovered_graph(tmp_path)
    assert crashed["original_path"] == str(source)
    prompts = FakePrompts()
    prompts.restore_answer = True
    settings = QSettings(str(tmp_path / "next.ini"), QSettings.Format.IniFormat)
    window = start_window(None, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                          prompts=prompts)
    qtbot.addWidget(window)
    assert len(prompts.asked_restore) == 1 and "work.json" in prompts.asked_restore[0]
    assert json.loads(json.dumps(graph_to_dict(window.graph))) == crashed["graph"]
    assert window.document.path == str(source) and window.document.dirty
    assert window.windowTitle().startswith("•")
    assert not any(p != window.recovery.path for p in (tmp_path / "recovery").glob("recovery-*.json"))


def test_declining_the_restore_discards_the_file_and_opens_the_default(qtbot, tmp_path):
    crash_a_session(tmp_path)
    prompts = FakePrompts()
    prompts.restore_answer = False
    settings = QSettings(str(tmp_path / "next.ini"), QSettings.Format.IniFormat)
    window = start_window(None, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                          prompts=prompts)
    qtbot.addWidget(window)
    assert prompts.asked_restore and window.document.example == "headline_classifier"
    assert not list((tmp_path / "recovery").glob("recovery-*.json"))


def test_a_running_session_file_is_not_offered(tmp_path):
    live = RecoveryStore(tmp_path)
    live.write({"nodes": []}, None)
    data = json.loads(live.path.read_text())
    data["pid"] = os.getppid()  # a process that is certainly alive and is not us
    live.path.write_text(json.dumps(data))
    assert RecoveryStore(tmp_path).orphans() == []


def test_unreadable_recovery_files_are_skipped(tmp_path):
    (tmp_path / "recovery-1-abc.json").write_text("{ not json")
    (tmp_path / "recovery-2-abc.json").write_text(json.dumps({"format": "other"}))
    assert RecoveryStore(tmp_path).orphans() == []


def test_autosaver_removes_the_file_once_nothing_is_unsaved(tmp_path):
    store = RecoveryStore(tmp_path)
    state = {"dirty": True}
    saver = Autosaver(store, lambda: ({"nodes": []}, None) if state["dirty"] else None)
    assert saver.save_now() == store.path and store.path.exists()
    state["dirty"] = False
    assert saver.save_now() is None and not store.path.exists()


def test_the_restore_question_names_the_example_that_was_changed(qtbot, tmp_path):
    from graphviz_app.examples_dialog import DEFAULT_EXAMPLE, default_example_graph

    first = new_window(qtbot, tmp_path)
    first.set_graph(default_example_graph(), None, example=DEFAULT_EXAMPLE)
    first.edit.add_op("Exp")
    first.autosaver.save_now()
    left = RecoveryStore(tmp_path / "recovery").orphans()  # as the next session sees it
    assert len(left) == 1
    words = left[0].describe()
    assert "Headline classifier" in words and "example" in words  # before: "an unsaved graph"
    assert "unsaved graph" not in words
    second = new_window(qtbot, tmp_path / "second", recovery_dir=tmp_path / "recovery")
    assert second.offer_recovery()
    assert second.document.example == DEFAULT_EXAMPLE and second.prompts.asked_restore == [words]
    first.recovery.path.unlink(missing_ok=True)


# ----- autosave writes as graph files are written (engine.fileformat.safe_io)

def test_autosave_writes_through_the_engines_safe_writer_with_a_predictable_temporary_name(tmp_path, monkeypatch):
    store = RecoveryStore(tmp_path)
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (renamed.append((Path(src), Path(dst))),
                                                         real_replace(src, dst))[-1])
    store.write({"nodes": []}, None)
    assert renamed == [(tmp_path / f".{store.path.name}.saving", store.path)]  # before: recovery-….tmp
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.path.name]


def test_an_autosave_that_fails_midway_keeps_the_last_one_leaves_no_temporary_file_and_says_why(tmp_path,
                                                                                                monkeypatch):
    store = RecoveryStore(tmp_path)
    saver = Autosaver(store, lambda: ({"nodes": [], "meta": {"title": "second"}}, None))
    store.write({"nodes": [], "meta": {"title": "first"}}, None)
    said = []
    saver.failed.connect(said.append)

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", disk_full)
    assert saver.save_now() is None
    assert json.loads(store.path.read_text())["graph"]["meta"]["title"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.path.name]  # before: recovery-….tmp stayed
    assert said == [f"Autosave failed: cannot save {store.path}: the disk is full"]


def test_leftovers_of_interrupted_autosaves_are_swept_once_stale_when_the_next_session_looks(tmp_path):
    old = time.time() - 3600
    stale = [tmp_path / ".recovery-11-aaaa.json.saving", tmp_path / "recovery-12-bbbb.tmp"]
    fresh = [tmp_path / ".recovery-13-cccc.json.saving", tmp_path / "recovery-14-dddd.tmp"]
    other = tmp_path / ".notes.json.saving"  # not a recovery file's: left alone
    for path in stale + fresh + [other]:
        path.write_text("{ half a file")
    for path in stale + [other]:
        os.utime(path, (old, old))
    assert RecoveryStore(tmp_path).orphans() == []
    assert [p.exists() for p in stale] == [False, False]  # before: they stayed for ever
    assert all(p.exists() for p in fresh + [other])  # a session may be writing them right now
