"""Training panels follow edits made while a trainer is being built (undo_fuzz found these)."""
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from engine.train import resolve_bindings  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import no_uncaught_exceptions, open_window, wait_idle  # noqa: E402,F401


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("mlp"))
    yield w
    w.training.session.close()


def test_deleting_the_outputs_wire_while_the_trainer_is_built_says_why_instead_of_crashing(qtbot, window):
    graph = build_example("toy_2d")
    output = resolve_bindings(graph).output
    window.set_graph(graph, None)
    session = window.training.session
    assert session.state is State.PREPARING  # the trainer of the graph as opened is being built
    (wire,) = graph.incoming(output).values()
    window.scene.edge_items[wire.id].setSelected(True)
    window.actions["delete"].trigger()  # the user deletes the wire into the prediction meanwhile
    assert wire.id not in graph.edges
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: session.state is State.UNTRAINABLE, timeout=30_000)
    assert window.training.predict.last_probs is None
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: session.state is State.READY, timeout=30_000)
    qtbot.waitUntil(lambda: window.training.predict.last_probs is not None, timeout=30_000)
