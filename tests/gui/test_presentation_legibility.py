"""Every example in presentation mode at 1920×1080, at every step of an SGD step's trace, measured on what is
painted: no node or label box without its text, the active label and its nodes' values at least 24 px tall,
the active edge inside the view; and the percentages a softmax shows add to 100."""
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402

from engine.serialization import load_graph  # noqa: E402
from graphviz_app.explain.legibility import measure_step, painted_texts  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .test_explain_window import QuietPrompts  # noqa: E402

EXAMPLES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "assets" / "graphs").glob("*.json"))
MIN_PX = 24.0
SIZE = (1920, 1080)
# With the 16:9 slide layout, a few steps cannot show their edge, label and both nodes on a 1920-pixel
# screen with 24 px text: an edge that wraps from the end of one row to the start of the next, or a label
# the placer had to put away from a dense row. There the camera shows the label and the node whose number
# it explains, both readable. Counted per example, so that a change making more of them fails this test.
# text_cnn: 6 since zᵢ shows the headline's 7 words as rows beside its value and gradient (word-rows): b₁ → zᵢ
# then shows the label and b₁ (the node its number explains) rather than b₁ above the whole of zᵢ.
TIGHT_STEPS = {"mlp": 2, "text_cnn": 6, "toy_2d": 2, "bigrams_hidden_layer": 1, "bigrams_bigram_features": 1,
               "bigrams_unigram_fails": 1, "headline_classifier": 1}


@pytest.fixture
def presenting(qtbot, tmp_path):
    def make(example: str) -> MainWindow:
        graph = load_graph(Path(__file__).resolve().parents[2] / "assets" / "graphs" / f"{example}.json")
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(graph, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"),
                       prompts=QuietPrompts())
        qtbot.addWidget(w)
        w.explain.controller.player.instant = True
        w.explain.camera.duration_ms = 0
        w.setGeometry(0, 0, *SIZE)  # the lecturer's maximised window, then F5
        w.show()
        qtbot.waitUntil(lambda: w.view.width() > 1000)
        w.explain.presentation.enter()
        w.setWindowState(Qt.WindowState.WindowNoState)  # offscreen there is no screen to fill: 1920×1080 it is
        w.setGeometry(0, 0, *SIZE)
        qtbot.waitUntil(lambda: w.view.width() == SIZE[0])
        return w
    return make


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_step_of_every_example_is_legible_in_presentation_mode(presenting, example):
    w = presenting(example)
    controller = w.explain.controller
    controller.sgd_step(0.1)  # forward, backward and the update of every parameter
    trace = controller.trace
    problems, tight = [], []
    for k in range(len(trace)):
        controller.player.seek(k)
        m = measure_step(w.view, w.graph, trace, k)
        where = f"{example} step {k} ({trace.steps[k].kind})"
        if m.empty_boxes:
            problems.append(f"{where}: boxes without their text: {m.empty_boxes}")
        if m.label_px is not None and m.label_px < MIN_PX:
            problems.append(f"{where}: active label text {m.label_px:.1f} px")
        if m.value_px is not None and m.value_px < MIN_PX:
            problems.append(f"{where}: node values {m.value_px:.1f} px")
        if not m.edge_inside or m.nodes_outside:  # too wide for the screen: the label and the receiving node
            tight.append(k)
            receiving = trace.names[receiving_node(trace, k)]
            if receiving in m.nodes_outside or (m.label_px is None and trace.steps[k].kind != "forward"):
                problems.append(f"{where}: neither the whole step nor its label and {receiving} are in view")
    assert not problems, "\n".join(problems)
    assert len(tight) <= TIGHT_STEPS.get(example, 0), f"steps {tight} show only their label and receiving node"


def receiving_node(trace, k: int) -> str:
    """The node whose number step k explains: the one an edge's gradient reaches, or the step's node."""
    step = trace.steps[k]
    return step.src if step.kind in ("backward", "nograd") else step.node


def shown_percentages(w, node_name: str) -> list[int]:
    item = w.scene.node_items[w.graph.find(node_name).id]
    body = w.view.mapFromScene(item.mapRectToScene(item.body)).boundingRect()
    return [int(t.text.split()[0]) for t in painted_texts(w.view)
            if body.contains(t.rect.center().toPoint()) and t.text.endswith(" %")]


@pytest.mark.parametrize("example", ["headline_classifier", "text_cnn", "bigrams_hidden_layer"])
def test_displayed_probabilities_add_to_100(presenting, example):
    w = presenting(example)
    controller = w.explain.controller
    controller.forward()
    trace = controller.trace
    k = next(i for i, s in enumerate(trace.steps) if s.kind == "forward" and w.graph.nodes[s.node].op_name == "Softmax")
    controller.player.seek(k)
    probs = trace.steps[k].value.reshape(-1)
    shown = shown_percentages(w, trace.names[trace.steps[k].node])
    assert len(shown) == probs.size and sum(shown) == 100
    assert all(abs(p - 100 * q) < 1 for p, q in zip(sorted(shown), sorted(probs)))


def test_the_headline_example_is_one_where_rounding_each_alone_gives_101():
    from engine.replay.samples import file_feeds
    from engine import explain

    graph = load_graph(Path(__file__).resolve().parents[2] / "assets" / "graphs" / "headline_classifier.json")
    probs = explain(graph, file_feeds(graph)).value("p").reshape(-1)
    assert sum(int(100 * q + 0.5) for q in probs) == 101  # so the test above checks largest-remainder rounding
