"""The camera that follows the trace, the overview key, zoom keys in presentation mode, and the zoomed-out
faces of nodes and labels, driven with the keys a presenter presses."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402

from engine.examples.small import mlp  # noqa: E402
from graphviz_app.explain.legibility import measure_step, painted_texts  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .test_explain_window import QuietPrompts  # noqa: E402

SIZE = (1920, 1080)


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(mlp(), settings=settings, recovery=RecoveryStore(tmp_path / "recovery"), prompts=QuietPrompts())
    qtbot.addWidget(w)
    w.explain.controller.player.instant = True
    w.explain.camera.duration_ms = 0
    w.setGeometry(0, 0, *SIZE)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.view.setFocus()
    return w


def key(qtbot, w, code, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, code, modifiers)


def present(qtbot, w):
    key(qtbot, w, Qt.Key.Key_F5)
    w.setWindowState(Qt.WindowState.WindowNoState)  # offscreen: keep the 1920×1080 window
    w.setGeometry(0, 0, *SIZE)
    qtbot.waitUntil(lambda: w.view.width() == SIZE[0])


def test_each_step_in_presentation_mode_brings_its_edge_and_label_to_a_readable_size(window, qtbot):
    w = window
    present(qtbot, w)
    controller = w.explain.controller
    fitted = w.view.zoom()
    while controller.player.step < 0 or controller.trace.steps[controller.player.step].kind != "backward":
        key(qtbot, w, Qt.Key.Key_Right)
    k = controller.player.step
    assert w.view.zoom() > 2 * fitted  # the whole graph fitted the screen; the step is shown close up
    m = measure_step(w.view, w.graph, controller.trace, k)
    assert m.edge_inside and m.label_px >= 24 and m.value_px >= 24 and not m.empty_boxes


def test_o_shows_the_overview_and_o_again_returns_to_the_step(window, qtbot):
    w = window
    present(qtbot, w)
    for _ in range(14):
        key(qtbot, w, Qt.Key.Key_Right)
    close_up = w.view.zoom()
    key(qtbot, w, Qt.Key.Key_O)
    whole = w.scene.itemsBoundingRect()
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert shown.contains(whole) and w.view.zoom() < close_up
    texts = painted_texts(w.view)
    assert {"W", "Wx", "a", "V", "Va", "b", "c"} <= {t.text for t in texts}  # names large, no empty box
    key(qtbot, w, Qt.Key.Key_O)
    assert w.view.zoom() == pytest.approx(close_up)


def test_zoom_keys_work_in_presentation_mode(window, qtbot):
    w = window
    present(qtbot, w)
    before = w.view.zoom()
    key(qtbot, w, Qt.Key.Key_Plus)
    assert w.view.zoom() == pytest.approx(before * 1.25)
    key(qtbot, w, Qt.Key.Key_Minus)
    assert w.view.zoom() == pytest.approx(before)
    key(qtbot, w, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)  # the View menu's Ctrl++, menu bar hidden
    w.view.finish_zoom()
    assert w.view.zoom() > before


def test_the_camera_is_an_option_in_the_normal_view(window, qtbot):
    w = window
    w.view.fit_all()
    fitted = w.view.zoom()
    key(qtbot, w, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert w.view.zoom() == pytest.approx(fitted)  # off by default: the view stays where the user put it
    w.explain.actions["camera"].trigger()
    assert w.explain.camera.enabled and w.view.zoom() > fitted
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    k = w.explain.controller.player.step
    assert w.explain.camera.fits(k)
    w.explain.actions["camera"].trigger()
    key(qtbot, w, Qt.Key.Key_F5)
    assert w.explain.camera.enabled  # presentation mode always follows
    key(qtbot, w, Qt.Key.Key_Escape)
    assert not w.explain.camera.enabled


def test_zoomed_out_a_node_writes_its_name_and_value_large(window, qtbot):
    w = window
    w.explain.controller.forward()
    w.view.fit_all()
    w.view.zoom_by(0.3 / w.view.zoom())
    w.view.finish_zoom()
    item = w.scene.node_items[w.graph.find("c").id]
    c = float(w.explain.controller.trace.value("c").reshape(-1)[0])
    texts = [t for t in painted_texts(w.view)
             if w.view.mapFromScene(item.mapRectToScene(item.body)).boundingRect().contains(t.rect.center().toPoint())]
    assert [t.text for t in texts][:2] == ["c", f"{c:.3g}"]
    assert min(t.px for t in texts[:2]) > 0.3 * w.scene.theme.title_px  # larger than the full face's name


def _inside_and_readable(w, rects, k):
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    readable = w.explain.camera.framing.readable_zoom(24)
    return all(shown.contains(r) for r in rects) and w.view.zoom() >= readable * 0.999


def test_an_edge_wrapping_to_the_next_row_is_followed_from_its_sending_node_to_its_receiving_node(qtbot, tmp_path):
    from pathlib import Path

    from engine.trace import BackwardStep

    from graphviz_app.document import load_graph_file

    graph = load_graph_file(str(Path(__file__).resolve().parents[2] / "assets" / "graphs" / "mlp.json"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(graph, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"), prompts=QuietPrompts())
    qtbot.addWidget(w)
    w.explain.camera.duration_ms = 0
    w.setGeometry(0, 0, *SIZE)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.view.setFocus()
    present(qtbot, w)
    controller, framing, scene = w.explain.controller, w.explain.camera.framing, w.scene
    controller.ensure_trace()
    steps = controller.trace.steps
    box = scene.visible_item
    k = next(i for i, s in enumerate(steps) if isinstance(s, BackwardStep)  # b (end of a row) → θᵀb (next row)
             and box(s.src).sceneBoundingRect().left() > box(s.dst).sceneBoundingRect().right())
    sender = scene.visible_item(steps[k].dst).sceneBoundingRect()
    receiver = scene.visible_item(steps[k].src).sceneBoundingRect()
    controller.player.seek(k - 1)
    controller.player.set_speed(0.2)  # the pulse takes 5 s; it arrives below when the test pauses it
    qtbot.keyClick(w.view, Qt.Key.Key_Space)  # the step, animated: its pulse runs from θᵀb back to b
    assert controller.player.step == k
    assert _inside_and_readable(w, [sender], k)  # where the gradient comes from, while the pulse leaves it
    controller.player.pause()  # the pulse arrives: the label appears and b shows ∂L/∂b
    label = framing._label_rect(controller.overlay.label_edge(k))
    assert not label.isEmpty()
    assert _inside_and_readable(w, [label, receiver], k)
