"""The text CNN's f(w) panel on the canvas (render's path): the lecture headline's 7 words, one row each."""
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402
from graphviz_app.canvas.view import GraphView  # noqa: E402

from engine.data import tokenize  # noqa: E402
from engine.executor import explain  # noqa: E402
from engine.lesson import choose_examples  # noqa: E402
from engine.serialization import load_graph  # noqa: E402
from graphviz_app.canvas.scene import GraphScene  # noqa: E402
from graphviz_app.explain.legibility import painted_texts  # noqa: E402
from graphviz_app.explain.overlay import apply_trace_state  # noqa: E402
from graphviz_app.theme import LIGHT  # noqa: E402

GRAPH = Path(__file__).resolve().parents[2] / "assets" / "graphs" / "text_cnn.json"


def test_embedding_panel_shows_seven_labelled_rows_for_the_lecture_headline(qtbot):
    graph = load_graph(GRAPH)
    examples = choose_examples(graph)
    headline = graph.meta["sample_text"]
    trace = explain(graph, examples.samples[0].feeds)
    scene = GraphScene(graph, QUndoStack(), LIGHT)
    apply_trace_state(scene, trace, None)
    item = scene.node_items[graph.find("f(w)").id]
    view = GraphView(scene)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    view.fitInView(item.sceneBoundingRect(), Qt.KeepAspectRatio)
    body = view.mapFromScene(item.mapRectToScene(item.body)).boundingRect().toRectF()
    texts = [t for t in painted_texts(view) if body.contains(t.rect.center())]
    known = set(examples.vocab_words)
    words = [w if w in known else w + "*" for w in tokenize(headline)]
    assert len(words) == 7
    rows = [next(t for t in texts if t.text == w) for w in words]
    tops = [t.rect.center().y() for t in rows]
    assert tops == sorted(tops) and len(set(round(y) for y in tops)) == 7  # one row per word, in order
    assert "<pad>" not in [t.text for t in texts]
    caption = " ".join(t.text for t in sorted(texts, key=lambda t: t.rect.top()) if t.rect.top() > tops[-1])
    assert "7 of 24 positions (17 padding)" in caption and "50 per word" in caption
