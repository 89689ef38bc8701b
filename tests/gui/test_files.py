"""File menu: save → open round trip, unsaved-changes questions, recent files, bad files, examples, export."""
import json

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from engine.serialization import FileFormatError, graph_to_dict, load_graph  # noqa: E402
from graphviz_app import settings as prefs  # noqa: E402
from graphviz_app.examples_dialog import ExamplesDialog, list_examples  # noqa: E402

from .conftest import lecture_mlp  # noqa: E402
from .test_window import new_window  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path)
    w.set_graph(lecture_mlp(), None)
    return w


def saved_copy(window, path):
    window.prompts.save_to = str(path)
    assert window.actions["save_as"].trigger() is None
    return path


def test_save_then_open_gives_the_identical_graph(window, tmp_path, qtbot):
    path = saved_copy(window, tmp_path / "mlp.json")
    assert path.is_file() and window.document.path == str(path)
    expected = graph_to_dict(window.graph)
    other = new_window(qtbot, tmp_path / "second")
    assert other.files.open_path(str(path))
    assert graph_to_dict(other.graph) == expected


def test_save_adds_json_suffix_less_path_through_prompts_and_clears_dirty(window, tmp_path):
    window.edit.add_op("Exp")
    assert window.document.dirty
    saved_copy(window, tmp_path / "g.json")
    assert not window.document.dirty and not window.windowTitle().startswith("•")
    assert window.windowTitle().startswith("g.json")


def shown_rect(window):
    """The part of the scene on screen."""
    view = window.view
    return view.mapToScene(view.viewport().rect()).boundingRect()


def test_view_is_saved_in_meta_and_restored_on_open(window, tmp_path, qtbot):
    window.view.set_zoom_state({"zoom": 0.5, "center": [300.0, 40.0]})
    shown = shown_rect(window)
    path = saved_copy(window, tmp_path / "view.json")
    view = json.loads(path.read_text())["meta"]["view"]
    assert view["zoom"] == pytest.approx(0.5)
    assert view["visible"] == pytest.approx([shown.width(), shown.height()], abs=1)
    other = new_window(qtbot, tmp_path / "second")
    other.files.open_path(str(path))
    state = other.view.zoom_state()
    assert state["zoom"] == pytest.approx(0.5, rel=1e-3)  # the same window size: the same zoom
    assert state["center"] == pytest.approx([300.0, 40.0], abs=2.0)


@pytest.mark.parametrize("size", [(900, 600), (1500, 950)])
def test_a_reopened_graph_shows_what_was_on_screen_at_any_window_size(window, tmp_path, qtbot, size):
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: window.view.viewport().width() > 0)
    window.view.fit_all()
    window.view.zoom_by(1.4)  # a part of the graph, the part the lecturer looked at
    shown = shown_rect(window)
    path = saved_copy(window, tmp_path / "view.json")
    other = new_window(qtbot, tmp_path / "second")
    other.resize(1300, 900)
    assert other.files.open_path(str(path))
    other.resize(*size)  # the window settles (maximised, docks restored) after the file was opened
    qtbot.waitUntil(lambda: shown_rect(other).contains(shown.adjusted(4, 4, -4, -4)), timeout=3000)
    again = shown_rect(other)
    assert again.center().x() == pytest.approx(shown.center().x(), abs=3)
    assert again.center().y() == pytest.approx(shown.center().y(), abs=3)
    assert min(again.width() / shown.width(), again.height() / shown.height()) == pytest.approx(1.0, abs=0.01)


def test_the_saved_view_is_let_go_once_the_user_zooms(window, tmp_path, qtbot):
    path = saved_copy(window, tmp_path / "view.json")
    other = new_window(qtbot, tmp_path / "second")
    assert other.files.open_path(str(path))
    other.actions["zoom_in"].trigger()
    zoom = other.view.zoom()
    other.resize(other.width() - 200, other.height() - 100)
    qtbot.wait(50)
    assert other.view.zoom() == pytest.approx(zoom)  # the user's zoom is kept; the saved view is not forced back


@pytest.mark.parametrize("answer, replaced", [("discard", True), ("cancel", False)])
def test_opening_with_unsaved_changes_asks(window, tmp_path, answer, replaced):
    other = tmp_path / "other.json"
    saved_copy(window, other)
    window.edit.add_op("Exp")
    old_graph = window.graph
    window.prompts.save_answer = answer
    window.files.open_path(str(other))
    assert window.prompts.asked_save == ["other.json"]
    assert (window.graph is not old_graph) == replaced


def test_answer_save_writes_the_file_before_new(window, tmp_path):
    path = saved_copy(window, tmp_path / "keep.json")
    node = window.edit.add_op("Exp")
    window.prompts.save_answer = "save"
    window.actions["new"].trigger()
    assert node in {n["id"] for n in json.loads(path.read_text())["nodes"]}
    assert len(window.graph.nodes) == 0


def test_close_with_unsaved_changes_can_be_cancelled(window):
    window.edit.add_op("Exp")
    window.prompts.save_answer = "cancel"
    assert window.close() is False and window.isVisible()
    window.prompts.save_answer = "discard"
    assert window.close() is True


def test_no_question_without_changes(window, tmp_path):
    window.actions["new"].trigger()
    assert window.prompts.asked_save == []


def test_recent_files_newest_first_at_most_ten(window, tmp_path):
    paths = [tmp_path / f"g{i}.json" for i in range(12)]
    for p in paths:
        saved_copy(window, p)
    recent = prefs.recent_files(window.settings)
    assert recent == [str(p.resolve()) for p in reversed(paths)][:10]
    window.files.fill_recent_menu(window.recent_menu)
    texts = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert texts[0].endswith("g11.json") and len([t for t in texts if t.endswith(".json")]) == 10


def test_missing_recent_file_is_removed_with_a_message(window, tmp_path):
    kept, gone = saved_copy(window, tmp_path / "kept.json"), saved_copy(window, tmp_path / "gone.json")
    gone.unlink()
    window.files.fill_recent_menu(window.recent_menu)
    assert str(gone.resolve()) not in prefs.recent_files(window.settings)
    assert "gone.json" in window.statusBar().currentMessage()
    assert str(kept.resolve()) in prefs.recent_files(window.settings)
    kept.unlink()
    assert window.files.open_recent(str(kept.resolve())) is False
    assert "kept.json" in window.prompts.infos[-1][1]


def loader_message(path) -> str:
    with pytest.raises(FileFormatError) as info:
        load_graph(path)
    return str(info.value)


def test_bad_file_shows_the_loader_message_and_keeps_the_graph(window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "cge-graph", "nodes": [')
    graph = window.graph
    assert window.files.open_path(str(bad)) is False
    title, text = window.prompts.errors[-1]
    assert loader_message(bad) in text
    assert window.graph is graph and window.isVisible()


def test_bad_file_message_in_a_real_dialog(qtbot, tmp_path):
    window = new_window(qtbot, tmp_path, real_prompts=True)
    window.set_graph(lecture_mlp(), None)
    bad = tmp_path / "not_a_graph.json"
    bad.write_text('{"hello": 1}')
    seen = {}

    def read_and_close():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen["text"] = box.text()
            box.close()
        else:
            QTimer.singleShot(50, read_and_close)

    QTimer.singleShot(50, read_and_close)
    graph = window.graph
    window.files.open_path(str(bad))
    assert loader_message(bad) in seen["text"]
    assert window.graph is graph


def test_open_example_lists_titles_and_opens_unsaved(window, qtbot):
    entries = list_examples()
    names = [e.name for e in entries]
    assert "headline_classifier" in names and all(e.title for e in entries)
    dialog = ExamplesDialog(window, entries)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(names.index("chain_rule"))
    assert "log" in dialog.details.text().lower()
    window.prompts.example_entry = dialog.selected()
    assert window.files.open_example()
    assert window.graph.meta["title"] == dialog.selected().title
    assert window.document.path is None and "chain_rule" in window.windowTitle()


def test_export_menu_has_picture_and_interop_entries(window):
    labels = [a.text() for a in window.export_menu.actions() if a.text()]
    for label in ("PNG…", "SVG…", "DOT…", "TikZ…", "ONNX…", "PyTorch…"):
        assert label in labels
    for action in window.export_menu.actions():
        if action.data() and not action.isEnabled():
            assert action.toolTip().startswith("Not available")


def test_export_png_writes_a_picture(window, tmp_path):
    target = tmp_path / "graph.png"
    window.prompts.save_to = str(target)
    assert window.files.export_picture("PNG image (*.png)", ".png")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_dot_goes_through_engine_interop(window, tmp_path):
    pytest.importorskip("engine.interop")
    target = tmp_path / "graph.dot"
    window.prompts.save_to = str(target)
    dot = next(a for a in window.export_menu.actions() if a.text() == "DOT…")
    window.export_menu.aboutToShow.emit()
    assert dot.isEnabled()
    dot.trigger()
    assert "digraph" in target.read_text()


def test_starting_on_a_bad_file_reports_it_and_opens_the_default_example(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from graphviz_app.app import start_window
    from graphviz_app.recovery import RecoveryStore

    from .test_window import FakePrompts

    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    prompts = FakePrompts()
    window = start_window(str(bad), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                          recovery=RecoveryStore(tmp_path / "rec"), prompts=prompts)
    qtbot.addWidget(window)
    assert loader_message(bad) in prompts.errors[0][1]
    assert window.document.example == "headline_classifier" and len(window.graph.nodes) > 0


def test_saving_writes_the_view_through_set_meta_so_followers_hear_it(window, tmp_path):
    heard = []
    window.graph.events.meta_changed.subscribe(heard.append)
    saved_copy(window, tmp_path / "view.json")
    assert "view" in heard  # before, graph.meta["view"] was written and nobody was told


@pytest.mark.parametrize("error, words", [
    (PermissionError(1, "Operation not permitted", "/tmp/work/.mlp.json.k2j3h.tmp"),
     "mlp.json: operation not permitted"),
    (FileFormatError("cannot save /tmp/work/mlp.json: the folder /tmp/work does not exist"),
     "cannot save /tmp/work/mlp.json: the folder /tmp/work does not exist"),
])
def test_a_failed_save_is_told_in_words_naming_the_users_file(window, tmp_path, monkeypatch, error, words):
    from graphviz_app import document

    def refuse(graph, path):
        raise error
    monkeypatch.setattr(document.serialization(), "save_graph", refuse)
    window.prompts.save_to = str(tmp_path / "mlp.json")
    window.actions["save_as"].trigger()
    title, text = window.prompts.errors[-1]
    assert title == "Cannot save the file" and words in text  # the engine's words, or the system's reason
    assert "Errno" not in text and ".tmp" not in text  # before: "[Errno 1] … /tmp/work/.mlp.json.k2j3h.tmp"
    assert window.document.dirty or window.document.path is None


def test_an_autosave_that_cannot_write_says_so_in_the_status_bar(window, monkeypatch):
    def full(*_args):
        raise OSError(28, "No space left on device", str(window.recovery.path) + ".tmp")
    monkeypatch.setattr(window.recovery, "write", full)
    window.edit.add_op("Exp")  # unsaved work, so the autosave writes
    window.autosaver.timer.timeout.emit()  # before: an OSError escaped the timer into "Something went wrong"
    message = window.statusBar().currentMessage()
    assert "Autosave failed" in message and "no space left on device" in message and "Errno" not in message
