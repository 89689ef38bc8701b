"""Start embedding tables from pretrained GloVe vectors instead of random ones."""
from __future__ import annotations

from ..data.glove import GLOVE_DIM, glove_matrix
from ..data.text import Vocabulary
from ..errors import EngineError
from ..graph import Graph


def use_glove(graph: Graph, vocab: Vocabulary) -> list[tuple[str, int]]:
    """Fill every Embedding's table (a vocab × 50 Parameter) with GloVe rows; returns (name, words found)."""
    tables = []
    for node in graph.nodes.values():
        port = node.op.table_port
        if port is None:
            continue
        edge = graph.incoming(node.id).get(port)
        table = graph.nodes[edge.src] if edge else None
        if table is not None and table.trainable and table.stored_value.shape == (len(vocab), GLOVE_DIM):
            tables.append(table)
    if not tables:
        raise EngineError(f"no Embedding here has a {len(vocab)} × {GLOVE_DIM} table to fill with GloVe vectors")
    matrix, found = glove_matrix(vocab)
    for table in tables:
        graph.set_value(table.id, matrix.astype(table.stored_value.dtype))
    return [(t.name, found) for t in tables]
