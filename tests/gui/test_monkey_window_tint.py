"""A monkey test's find: a Window wired straight to the token ids while the dashboard tints the canvas.

The ids are B × L, so the Window would slide over the batch axis; numpy's "window shape cannot be larger than
input array shape" used to reach sys.excepthook from the canvas tint. Now shape inference refuses the Window,
naming it; the graph still trains (the Window feeds nothing the loss needs) and the tint paints without it."""
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from graphviz_app.commands.edges import ConnectCommand  # noqa: E402
from graphviz_app.commands.nodes import AddNodeCommand  # noqa: E402

from .test_training_dashboard import open_window, step  # noqa: E402


def test_a_window_on_the_token_ids_is_refused_with_its_name_not_a_crash(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        step(qtbot, window)
        graph = window.graph
        ids = next(n for n in graph.nodes.values() if n.op_name == "Input")
        add = AddNodeCommand(graph, "Window", (0.0, 300.0), {"width": 2}, name="w")
        window.undo_stack.push(add)
        window.undo_stack.push(ConnectCommand(graph, ids.id, add.node_id, "x"))
        window.training.predict.entry.setText("stocks fall")  # the tint paints this example's values
        from graphviz_app.training.session import State

        controller = window.training.session
        qtbot.waitUntil(lambda: controller.state in (State.READY, State.UNTRAINABLE), timeout=10_000)
        window.training.paint_canvas()  # raised the numpy error before the fix
        qtbot.wait(300)  # the tint timer fires too
        assert controller.state is State.READY  # only what the loss and the prediction need must run
        from engine.shapes import infer_shapes

        assert infer_shapes(graph).errors[add.node_id].startswith(f"Window 'w': {ids.name} is B×")
    finally:
        window.training.session.close()
