"""Practice mode in the real window, by keyboard: answers right and wrong, hints, skips, the score, the saved
attempt, the lecturer's questions (undoable), and the large strip of presentation mode."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.examples.small import chain_rule  # noqa: E402
from engine.practice import read_attempt  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .test_explain_window import QuietPrompts  # noqa: E402

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class SavingPrompts(QuietPrompts):
    """Answers the attempt dialog with a path chosen by the test."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.asked = []

    def export_path(self, title, suggested, file_filter):
        self.asked.append(suggested)
        return str(self.path)


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    graph = chain_rule()
    graph.meta["practice"] = {"title": "Backward by hand", "ask": [{"kind": "product"}], "tries": 2}
    w = MainWindow(graph, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                   prompts=SavingPrompts(tmp_path / "ada.json"))
    qtbot.addWidget(w)
    w.explain.controller.player.instant = True
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    return w


def start_by_keyboard(qtbot, w):
    qtbot.keyClick(w.view, Qt.Key.Key_A, CTRL_SHIFT)
    assert w.practice.controller.running
    return w.practice.panel


def type_answer(qtbot, box, text):
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def edge_id(w, src, dst):
    g = w.graph
    return next(e.id for e in g.edges.values() if e.src == g.find(src).id and e.dst == g.find(dst).id)


def test_practice_is_in_the_run_menu_with_a_shortcut_of_its_own(window):
    action = window.actions["practice_start"]
    assert action in window.menus["run"].actions()
    assert action.shortcut().toString() == "Ctrl+Shift+A"
    others = [a.shortcut() for k, a in window.actions.items() if k != "practice_start" and not a.shortcut().isEmpty()]
    assert action.shortcut() not in others


def test_wrong_then_right_by_keyboard_moves_the_score_and_the_canvas(window, qtbot):
    w = window
    panel = start_by_keyboard(qtbot, w)
    assert QApplication.focusWidget() is panel.answer
    player = w.explain.controller.player
    question = w.practice.controller.session.current
    assert panel.prompt.text() == "∂L/∂a = ∂b/∂a · ∂L/∂b = ?"
    assert player.step == question.step and not player.revealed  # the canvas at the step, its result hidden
    assert w.scene.edge_items[edge_id(w, "a", "b")].label_hidden
    type_answer(qtbot, panel.answer, "0.2")
    assert "Not quite (1 try left)" in panel.feedback.text()
    assert panel.score.text() == "0 of 3 right (0 at the first try)"
    assert not player.revealed
    type_answer(qtbot, panel.answer, "1/6")
    assert "Right" in panel.feedback.text()
    assert player.revealed and not w.scene.edge_items[edge_id(w, "a", "b")].label_hidden
    assert panel.score.text() == "1 of 3 right (0 at the first try)"
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)  # Enter on a closed question: the next one
    assert panel.prompt.text() == "∂L/∂w = ∂a/∂w · ∂L/∂a = ?" and panel.answer.text() == ""
    type_answer(qtbot, panel.answer, "0.5")
    assert panel.score.text() == "2 of 3 right (1 at the first try)"
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)
    type_answer(qtbot, panel.answer, "1/3")
    assert "All done: 3 of 3 right (2 at the first try)" in panel.feedback.text()
    assert panel.score.text() == "Finished: 3 of 3 right (2 at the first try)"


def test_out_of_tries_the_answer_is_shown(window, qtbot):
    panel = start_by_keyboard(qtbot, window)
    type_answer(qtbot, panel.answer, "1")
    type_answer(qtbot, panel.answer, "2")
    assert "The answer is 0.1667" in panel.feedback.text()
    assert panel.answer.isReadOnly() and window.explain.controller.player.revealed


def test_h_shows_the_ops_rule_and_s_skips(window, qtbot):
    panel = start_by_keyboard(qtbot, window)
    qtbot.keyClick(panel.answer, Qt.Key.Key_H)
    assert "Local: ∂b/∂a = 1/a, with a = 6. Upstream: ∂L/∂b = 1." in panel.hint.text()
    assert panel.answer.text() == ""  # H is a command, not typed
    qtbot.keyClick(panel.answer, Qt.Key.Key_S)
    session = window.practice.controller.session
    assert session.index == 1 and session.states[0].skipped
    assert panel.questions.item(0).text().startswith("↷") and panel.hint.text() == ""
    qtbot.keyClick(panel.answer, Qt.Key.Key_PageUp)
    assert session.index == 0


def test_an_unreadable_answer_says_why_and_costs_no_try(window, qtbot):
    panel = start_by_keyboard(qtbot, window)
    type_answer(qtbot, panel.answer, "0,5")
    assert "use a point for decimals" in panel.feedback.text()
    assert window.practice.controller.session.state.tries == 0


def test_save_attempt_writes_a_sealed_file_with_the_answers(window, qtbot, tmp_path):
    w = window
    panel = start_by_keyboard(qtbot, w)
    type_answer(qtbot, panel.answer, "0.2")
    type_answer(qtbot, panel.answer, "1/6")
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)
    type_answer(qtbot, panel.answer, "0.5")
    qtbot.keyClick(panel.answer, Qt.Key.Key_Tab)  # keyboard only: on to the name box, then Alt+M saves
    qtbot.keyClicks(QApplication.focusWidget(), "Ada Lovelace")
    assert panel.student.text() == "Ada Lovelace"
    qtbot.keyClick(panel.student, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: (tmp_path / "ada.json").exists())  # a mnemonic clicks the button after a moment
    attempt = read_attempt(tmp_path / "ada.json")
    assert attempt.tampered is None and attempt.student == "Ada Lovelace"
    assert [q["answers"] for q in attempt.questions] == [["0.2", "1/6"], ["0.5"], []]
    assert attempt.record["score"]["right"] == 2 and attempt.record["score"]["first_try"] == 1
    assert attempt.graph_hash == w.practice.controller.practice.graph_hash
    assert w.prompts.asked[0].endswith("practice-Ada_Lovelace.json")


def test_save_attempt_without_a_name_asks_for_it_and_writes_nothing(window, qtbot, tmp_path):
    panel = start_by_keyboard(qtbot, window)
    qtbot.mouseClick(panel.buttons["save"], Qt.MouseButton.LeftButton)
    assert "Type your name first" in panel.feedback.text()
    assert not (tmp_path / "ada.json").exists()


def test_the_lecturer_sets_the_questions_as_one_undoable_edit(window, qtbot):
    w = window
    setup = w.practice.setup
    setup.kinds["product"].setChecked(False)
    setup.kinds["value"].setChecked(True)
    setup.title.setText("Forward by hand")
    setup.preview()
    assert setup.summary.text() == "Asks 2 questions: 2 forward values."
    qtbot.mouseClick(setup.save, Qt.MouseButton.LeftButton)
    assert w.graph.meta["practice"]["ask"] == [{"kind": "value", "at": "all"}]
    assert w.undo_stack.undoText() == "Set practice questions"
    w.practice.start()
    assert w.practice.panel.prompt.text() == "a = w · x = ?"
    w.undo_stack.undo()
    assert w.graph.meta["practice"]["title"] == "Backward by hand"
    assert not w.practice.controller.running  # the questions changed under the session: it ends
    assert setup.kinds["product"].isChecked() and not setup.kinds["value"].isChecked()


def test_the_lecturer_may_ask_only_about_the_selected_edge(window, qtbot):
    w = window
    setup = w.practice.setup
    chosen = edge_id(w, "x", "a")
    w.scene.edge_items[chosen].setSelected(True)
    setup.kinds["local"].setChecked(True)
    setup.selected.setChecked(True)
    assert setup.save_into_graph()
    assert w.graph.meta["practice"]["ask"] == [{"kind": "local", "at": chosen}, {"kind": "product", "at": chosen}]
    w.practice.start()
    assert [q.id for q in w.practice.controller.session.questions] == [f"local:{chosen}", f"product:{chosen}"]


def test_a_choice_that_asks_nothing_is_not_saved(window, qtbot):
    setup = window.practice.setup
    for box in setup.kinds.values():
        box.setChecked(False)
    assert not setup.save_into_graph()
    assert "tick at least one kind" in setup.summary.text()
    assert window.undo_stack.count() == 0


def test_editing_the_graph_ends_the_session_but_keeps_its_answers_to_save(window, qtbot, tmp_path):
    w = window
    panel = start_by_keyboard(qtbot, w)
    type_answer(qtbot, panel.answer, "1/6")
    hash_before = w.practice.controller.practice.graph_hash
    w.graph.set_value(w.graph.find("w").id, np.array(3.0))  # e.g. an SGD step
    assert not w.practice.controller.running
    assert "The graph changed" in w.statusBar().currentMessage()
    assert "can still be saved" in panel.instructions.text() and panel.buttons["save"].isEnabled()
    panel.student.setText("Ada")
    qtbot.mouseClick(panel.buttons["save"], Qt.MouseButton.LeftButton)
    attempt = read_attempt(tmp_path / "ada.json")
    assert attempt.questions[0]["right"] and attempt.graph_hash == hash_before
    assert attempt.record["graph"]["file"] == ""  # the graph was never saved to a file


def test_presentation_mode_shows_the_question_large_and_takes_answers(window, qtbot):
    w = window
    start_by_keyboard(qtbot, w)
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    strip = w.practice.strip
    assert w.explain.presentation.active and strip.isVisible()
    qtbot.waitUntil(lambda: strip.answer.hasFocus())
    assert strip.prompt.text() == "∂L/∂a = ∂b/∂a · ∂L/∂b = ?" and strip.prompt.font().pixelSize() >= 30
    assert strip.geometry().bottom() < w.explain.presentation.caption.geometry().top()
    qtbot.keyClicks(strip.answer, "-1/6")  # the minus key reaches the answer box (it is a zoom key elsewhere)
    player = w.explain.controller.player
    step = player.step
    qtbot.keyClick(strip.answer, Qt.Key.Key_Left)  # ← moves the cursor: it does not scrub (and reveal) the canvas
    assert player.step == step and not player.revealed and strip.answer.cursorPosition() == 3
    qtbot.keyClick(strip.answer, Qt.Key.Key_Return)
    assert "check the sign" in strip.feedback.text()
    strip.answer.selectAll()
    qtbot.keyClicks(strip.answer, "1/6")
    qtbot.keyClick(strip.answer, Qt.Key.Key_Return)
    assert "Right" in strip.feedback.text() and "1 of 3 right" in strip.progress.text()
    qtbot.keyClick(strip.answer, Qt.Key.Key_Return)  # on to the next question, with an empty answer box
    assert strip.prompt.text() == "∂L/∂w = ∂a/∂w · ∂L/∂a = ?" and strip.answer.text() == ""
    qtbot.keyClick(strip.answer, Qt.Key.Key_Escape)
    assert not w.explain.presentation.active and not strip.isVisible()
    assert w.practice.panel.score.text() == "1 of 3 right (0 at the first try)"


def test_a_new_graph_ends_the_session_and_loads_its_questions(window):
    w = window
    w.practice.start()
    w.set_graph(chain_rule(), None)
    assert not w.practice.controller.running
    w.practice.tabs.setCurrentWidget(w.practice.setup)  # the preview runs when the form is shown
    assert w.practice.setup.kinds["product"].isChecked()
    assert w.practice.setup.summary.text() == "Asks 3 questions: 3 products."


def test_space_and_the_explain_keys_do_not_reveal_an_open_question(window, qtbot):
    w = window
    start_by_keyboard(qtbot, w)
    player = w.explain.controller.player
    step = player.step
    assert player.predict and not player.revealed
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Space)  # explain's Step on the canvas
    assert player.step == step and not player.revealed
    assert "A practice question is open" in w.statusBar().currentMessage()
    w.explain.actions["predict"].trigger()  # predict mode off would show the answer too
    assert player.predict and not player.revealed and w.explain.actions["predict"].isChecked()
    for key in ("step", "play", "forward", "backward", "sgd"):
        w.explain.actions[key].trigger()
        assert player.step == step and not player.revealed, key
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_P):
        qtbot.keyClick(w.view, key)
        assert player.step == step and not player.revealed and player.predict, key
    type_answer(qtbot, w.practice.strip.answer, "1/6")  # the lecturer reveals through practice
    assert player.revealed
    qtbot.keyClick(w.view, Qt.Key.Key_Space)  # the question is closed: Space steps the trace again
    assert player.step == step + 1


def test_the_presentation_strip_keeps_a_band_of_its_own_and_the_camera_frames_below_it(window, qtbot):
    w = window
    start_by_keyboard(qtbot, w)
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    strip, view, camera = w.practice.strip, w.view, w.explain.camera
    camera.duration_ms = 0  # no animation: the camera is where it goes
    qtbot.waitUntil(lambda: strip.isVisible() and strip.answer.hasFocus())
    def framed_in_view(k: int) -> bool:
        framed = view.mapFromScene(camera.framing.framed(k)).boundingRect()
        return view.viewport().rect().contains(framed) and camera.fits(k)

    for _ in range(2):
        canvas = view.viewport().geometry()  # in the view's coordinates, as the strip's
        assert canvas.top() > strip.geometry().bottom() and not canvas.intersects(strip.geometry())
        assert canvas.bottom() < w.explain.presentation.caption.geometry().top()
        k = w.explain.controller.player.step
        qtbot.waitUntil(lambda k=k: framed_in_view(k), timeout=2000)  # once the window has settled at its size
        type_answer(qtbot, strip.answer, "1/6")
        qtbot.keyClick(strip.answer, Qt.Key.Key_Return)  # the next question, framed below the strip again
    qtbot.keyClick(strip.answer, Qt.Key.Key_Escape)
    assert view.viewportMargins().top() == 0 and w.explain.presentation.top_band == 0
