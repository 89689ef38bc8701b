"""Editing on the canvas of the real window as a user does it: drag a wire with the mouse, and what is repainted."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtGui import QRegion  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from engine import Graph  # noqa: E402

from .test_window import new_window  # noqa: E402


class PaintSpy(QObject):
    """Collects the regions of a widget that were painted."""

    def __init__(self, widget):
        super().__init__(widget)
        self.region = QRegion()
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False


@pytest.fixture
def window(qtbot, tmp_path):
    graph = Graph()
    x = graph.add_node("Input", "x", {"shape": [3]}, (0, 0))
    for k, y in enumerate((-220, 0, 220)):
        graph.add_node("Tanh", f"t{k}", pos=(320, y))
    w = new_window(qtbot, tmp_path)
    w.set_graph(graph, None)
    w.resize(1200, 800)
    w.view.fit_all()
    qtbot.wait(50)
    w.x = x.id
    yield w
    w.training.session.close()


def test_valid_target_rings_are_cleared_from_the_screen_once_a_wire_is_made(window, qtbot):
    scene, viewport = window.scene, window.view.viewport()

    def at(port):
        return window.view.mapFromScene(port.scenePos())

    start, end = at(scene.node_items[window.x].output), at(scene.node_items[window.graph.find("t1").id].inputs["x"])
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    others = [scene.node_items[window.graph.find(n).id].inputs["x"] for n in ("t0", "t2")]
    assert all(port.highlight == "valid" for port in others)  # lit up green while the wire is dragged
    qtbot.wait(50)
    spy = PaintSpy(viewport)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.wait(50)
    assert len(window.graph.edges) == 1
    for port in others:
        assert port.highlight is None
        ring = window.view.mapFromScene(port.sceneBoundingRect()).boundingRect()
        assert spy.region.contains(ring.center())  # before the fix nothing repainted it: the ring stayed green
