"""Which rows of a sequence value hold words, and which words (no Qt).

A text CNN's embeddings f(w) and its convolution's windows are arrays of B × L × d over a headline padded to L
positions: for a short headline most rows are padding (zeros), and a heatmap of all of them reads as an empty
box. The op facts (`Op.positions`) and shape inference say which nodes have a positions axis (axis −2) and
which token ids it comes from; the trace's example gives the ids, the vocabulary the words. The canvas and the
HTML lesson show only the rows that hold words, each labelled by them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import PAD_ID
from ..graph import Graph
from ..op_facts import Positions
from ..shapes import infer_shapes
from ..trace import Trace
from .words import TokenReader


@dataclass(frozen=True)
class Span:
    """A node's positions axis: position i reads token ids[i : i + width] of the node `ids`."""

    ids: str
    width: int


@dataclass(frozen=True)
class WordRows:
    """The positions of one example that hold words: their indices along axis −2 and their labels."""

    total: int  # positions in all (the padded length, or the number of windows)
    rows: tuple[int, ...]  # positions that read at least one word, in order
    labels: tuple[str, ...]  # the word at each of those positions; for a window its last word, the slides' wᵢ
    width: int = 1  # words per position: 1 for a word, 2 for a window of two words

    @property
    def noun(self) -> str:
        """'positions' for words, 'windows' when each position reads several words."""
        return "positions" if self.width == 1 else "windows"


def _token_port(graph: Graph, node_id: str) -> str | None:
    """The node feeding the integer (token id) input of `node_id`."""
    node = graph.nodes[node_id]
    incoming = graph.incoming(node_id)
    port = next((p.name for p in node.op.inputs if p.integer and p.name in incoming), None)
    return incoming[port].src if port is not None else None


def position_spans(graph: Graph) -> dict[str, Span]:
    """Every node whose output has a positions axis (axis −2) made from token ids, with how it reads them."""
    shapes = infer_shapes(graph).shapes
    spans: dict[str, Span] = {}
    for node_id in graph.topo_order():
        node, out = graph.nodes[node_id], shapes.get(node_id)
        rule = node.op.positions
        if out is None or len(out) < 2 or rule is Positions.NONE:
            continue
        incoming = graph.incoming(node_id)
        if rule is Positions.TOKENS:
            ids = _token_port(graph, node_id)
            if ids is not None:
                spans[node_id] = Span(ids, 1)
            continue
        fed = [(e.src, spans[e.src]) for e in incoming.values() if e.src in spans]
        if rule is Positions.WINDOWS:
            src = incoming.get("x")
            width = node.op.window_width()
            if src is not None and src.src in spans and width is not None:
                spans[node_id] = Span(spans[src.src].ids, spans[src.src].width + width - 1)
            continue
        # KEEP: an input shaped like the output up to its last axis lends its positions
        same = [span for src, span in fed if (shapes.get(src) or ())[:-1] == out[:-1]]
        if same:
            spans[node_id] = same[0]
    return spans


def first_ids(trace: Trace, node_id: str) -> np.ndarray | None:
    """The first example's token ids recorded for `node_id`, as one row."""
    if node_id not in trace.values:
        return None
    ids = np.asarray(trace.values[node_id])
    return ids.reshape(-1, ids.shape[-1])[0] if ids.ndim else None


def word_rows(ids: np.ndarray, span_width: int, total: int, reader: TokenReader) -> WordRows:
    """The positions of `total` (each reading `span_width` ids) that read at least one word, each labelled by the
    last word it reads: short enough to sit beside a heatmap on a projector, and the slides' name of window i
    (wᵢ in aᵢ = σ(w·[f(wᵢ₋₁); f(wᵢ)])); the window after the last word is labelled <pad>."""
    words = reader.words(ids)
    rows, labels = [], []
    for i in range(total):
        window = ids[i:i + span_width]
        if np.any(window != PAD_ID):
            rows.append(i)
            labels.append(words[i + span_width - 1])  # the slides' wᵢ: window i is [f(wᵢ₋₁); f(wᵢ)]
    return WordRows(total, tuple(rows), tuple(labels), span_width)


def sequence_rows(graph: Graph, trace: Trace, reader: TokenReader) -> dict[str, WordRows]:
    """The word rows of every node of the trace with a positions axis (none without a vocabulary)."""
    if not reader.known:
        return {}
    out = {}
    for node_id, span in position_spans(graph).items():
        ids = first_ids(trace, span.ids)
        value = trace.values.get(node_id)
        if ids is None or value is None or np.ndim(value) < 2:
            continue
        total = int(np.shape(value)[-2])
        if total != ids.size - span.width + 1:
            continue  # the ids and the value disagree: nothing safe to say about which row is which word
        out[node_id] = word_rows(ids, span.width, total, reader)
    return out
