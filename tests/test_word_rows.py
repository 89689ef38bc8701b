"""Sequence values (embeddings, convolution windows) shown as the rows that hold words (engine.replay.sequences)."""
from pathlib import Path

import numpy as np

from engine.data import tokenize
from engine.executor import explain
from engine.lesson import choose_examples
from engine.replay.panels import node_contents, panel_layout, sequence_caption, sequence_cells
from engine.replay.sequences import sequence_rows
from engine.replay.values import fmt_value
from engine.replay.words import TokenReader
from engine.serialization import load_graph

GRAPH = Path(__file__).resolve().parent.parent / "assets" / "graphs" / "text_cnn.json"
HEADLINE = "Stocks fall after Morgan Stanley earnings miss"


def traced(ids=None):
    graph = load_graph(GRAPH)
    examples = choose_examples(graph, [HEADLINE])
    feeds = dict(examples.samples[0].feeds)
    if ids is not None:
        feeds[graph.find("x").id] = np.asarray([ids])
    trace = explain(graph, feeds)
    reader = TokenReader(examples.vocab_words, tokenize(HEADLINE))
    return graph, trace, reader, examples


def expected_words(examples):
    known = set(examples.vocab_words)
    return [t if t in known else t + "*" for t in tokenize(HEADLINE)]


def test_embedding_keeps_the_seven_word_rows_labelled_by_their_words():
    graph, trace, reader, examples = traced()
    rows = sequence_rows(graph, trace, reader)[graph.find("f(w)").id]
    assert rows.total == 24 and rows.rows == tuple(range(7))
    assert list(rows.labels) == expected_words(examples)


def test_windows_are_kept_while_they_read_a_word_and_named_by_their_last_word():
    graph, trace, reader, examples = traced()
    found = sequence_rows(graph, trace, reader)
    words = expected_words(examples)
    for name in ("w·[f(wᵢ₋₁); f(wᵢ)]", "zᵢ", "aᵢ"):
        rows = found[graph.find(name).id]
        assert rows.total == 23 and rows.rows == tuple(range(7))  # the 7th window reads "miss" and padding
        assert list(rows.labels) == words[1:] + ["<pad>"]
    assert graph.find("a").id not in found  # max over time: no positions left


def test_caption_counts_positions_and_ranges_over_the_shown_rows_only():
    graph, trace, reader, _ = traced()
    node = graph.find("f(w)").id
    value = trace.values[node]
    (content, grad) = node_contents(value, trace.grads[node], "auto", "f(w)",
                                    rows=sequence_rows(graph, trace, reader)[node])
    assert panel_layout(content) == "sequence" and panel_layout(grad) == "sequence"
    shown = value[0, :7]
    assert sequence_caption(content) == ["7 of 24 positions", "(17 padding)", "50 per word",
                                         f"min {fmt_value(shown.min())}  max {fmt_value(shown.max())}"]
    g = trace.grads[node][0, :7]
    assert sequence_caption(grad)[0] == "∂L/∂(f(w))"
    assert sequence_caption(grad)[-1] == f"min {fmt_value(g.min())}  max {fmt_value(g.max())}"
    np.testing.assert_array_equal(sequence_cells(grad), trace.grads[node][0, :7])


def test_leading_padding_is_left_out_and_windows_touching_a_word_stay():
    graph, trace, reader, _ = traced([0, 5, 7] + [0] * 21)
    found = sequence_rows(graph, trace, reader)
    assert found[graph.find("f(w)").id].rows == (1, 2)
    assert found[graph.find("zᵢ").id].rows == (0, 1, 2)


def test_padding_only_says_so():
    graph, trace, reader, _ = traced([0] * 24)
    node = graph.find("f(w)").id
    rows = sequence_rows(graph, trace, reader)[node]
    assert rows.rows == ()
    (content, _) = node_contents(trace.values[node], trace.grads[node], "auto", "f(w)", rows=rows)
    assert sequence_caption(content) == ["all 24 positions are padding"]


def test_without_a_vocabulary_the_heatmap_stays():
    graph, trace, _, _ = traced()
    assert sequence_rows(graph, trace, TokenReader(None)) == {}
    node = graph.find("f(w)").id
    (content, _) = node_contents(trace.values[node], trace.grads[node], "auto", "f(w)")
    assert panel_layout(content) == "heatmap"
