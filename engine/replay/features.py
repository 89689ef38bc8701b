"""Bag-of-words and bag-of-bigrams features read back as the words they count (no Qt).

A bag of words over a vocabulary of thousands is a long vector of zeros with a few ones: as a heatmap it
is blank. The lecture writes f(x) as the words of the headline with their counts, and so does the canvas.
"""
from __future__ import annotations

import numpy as np

from ..data import PAD_ID, UNK_ID, bigram_bucket
from ..graph import Graph
from ..op_facts import OutputKind
from ..trace import Trace
from .words import TokenReader


def _ids_row(graph: Graph, trace: Trace, node_id: str) -> np.ndarray | None:
    """The first example's token ids that feed the featurizer `node_id`."""
    edge = graph.incoming(node_id).get("ids")
    if edge is None or edge.src not in trace.values:
        return None
    ids = np.asarray(trace.values[edge.src])
    return ids.reshape(-1, ids.shape[-1])[0] if ids.ndim else None


def active_features(graph: Graph, trace: Trace, node_id: str, reader: TokenReader) -> list[tuple[str, int]] | None:
    """(word or bigram, count) of every feature the first example switches on, in headline order.

    None for nodes that are not bag-of-words or bag-of-bigrams features, or whose ids were not recorded.
    """
    node = graph.nodes.get(node_id)
    if node is None or node.op.output_kind is not OutputKind.COUNTS or not reader.known:
        return None
    row = _ids_row(graph, trace, node_id)
    if row is None:
        return None
    words = reader.words(row)
    if node.op_name == "BagOfWords":
        keys = [(int(i), w) for i, w in zip(row, words) if int(i) != PAD_ID]
    else:
        buckets = int(node.attrs["buckets"])
        keys = [(int(bigram_bucket(np.int64(row[i]), np.int64(row[i + 1]), buckets)), f"{words[i]} {words[i + 1]}")
                for i in range(len(row) - 1) if row[i] != PAD_ID and row[i + 1] != PAD_ID]
    return _counted(keys, unknown=node.op_name == "BagOfWords")


def _counted(keys: list[tuple[int, str]], unknown: bool) -> list[tuple[str, int]]:
    """One entry per feature index, named by the words that switched it on, with how often they did."""
    names: dict[int, list[str]] = {}
    counts: dict[int, int] = {}
    for index, word in keys:
        counts[index] = counts.get(index, 0) + 1
        if word not in names.setdefault(index, []):
            names[index].append(word)
    out = []
    for index, words in names.items():
        label = " / ".join(words)
        if unknown and index == UNK_ID:
            label = "<unk> (" + ", ".join(w.rstrip("*") for w in words) + ")"
        out.append((label, counts[index]))
    return out
