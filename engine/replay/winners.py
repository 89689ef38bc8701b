"""Max-pooling over time: which position won, and which words of the headline that position read."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..graph import Graph
from ..registry import Op
from ..trace import Trace

from .words import TokenReader


@dataclass
class PoolWinners:
    """Winning positions of one max-pool node for the first example of the batch."""

    node: str
    positions: np.ndarray  # one winning position per feature (filter)
    width: int  # how many words one position reads (the window width upstream)
    ids: np.ndarray | None  # the example's token ids, when an Embedding upstream reads them

    def counts(self) -> list[tuple[int, int]]:
        """(position, how many features it won), most frequent first."""
        return Counter(int(p) for p in self.positions).most_common()

    def words_at(self, position: int, reader: TokenReader) -> str:
        """The words that one position covers, e.g. 'stock market' (ids when no vocabulary is known)."""
        if self.ids is None:
            return f"position {position}"
        return " ".join(reader.words(self.ids)[position: position + self.width])


def _upstream_first(graph: Graph, start: str, wanted: Callable[[Op], bool]) -> str | None:
    """The nearest node upstream of `start` (breadth first) whose op is `wanted`."""
    seen, frontier = {start}, [start]
    while frontier:
        nxt = []
        for node_id in frontier:
            for edge in graph.incoming(node_id).values():
                if edge.src in seen:
                    continue
                if wanted(graph.nodes[edge.src].op):
                    return edge.src
                seen.add(edge.src)
                nxt.append(edge.src)
        frontier = nxt
    return None


def pool_winners(graph: Graph, trace: Trace, node_id: str) -> PoolWinners | None:
    """Winners of the max-pool node `node_id` (MaxPoolTime) in this trace, or None if it has not run."""
    step = next((s for s in trace.forward_steps() if s.node == node_id), None)
    if step is None or "winner" not in step.info:
        return None
    winner = np.asarray(step.info["winner"])
    positions = winner[0] if winner.ndim > 1 else winner
    window = _upstream_first(graph, node_id, lambda op: op.window_width() is not None)
    width = graph.nodes[window].op.window_width() if window else None
    embed = _upstream_first(graph, node_id, lambda op: op.table_port is not None)
    ids = None
    if embed is not None:
        ids_edge = graph.incoming(embed).get("ids")
        if ids_edge is not None and ids_edge.src in trace.values:
            raw = np.asarray(trace.values[ids_edge.src])
            ids = raw[0] if raw.ndim > 1 else raw
    return PoolWinners(node_id, np.reshape(positions, -1), int(width or 1), ids)


def winners_text(winners: PoolWinners, reader: TokenReader, limit: int = 3) -> str:
    """'winning bigram: “stock market” (position 3)' or, one per line, the positions most filters chose."""
    counts = winners.counts()
    total = len(winners.positions)
    what = "bigram" if winners.width == 2 else ("word" if winners.width == 1 else f"{winners.width}-gram")
    if len(counts) == 1:
        pos = counts[0][0]
        where = f"position {pos}" + (f", all {total} filters" if total > 1 else "")
        return f"winning {what}: “{winners.words_at(pos, reader)}” ({where})"
    parts = [f"“{winners.words_at(p, reader)}” ×{n}" for p, n in counts[:limit]]
    more = [f"{len(counts) - limit} more positions"] if len(counts) > limit else []
    return f"winning {what}s (of {total} filters):\n" + "\n".join(parts + more)


def winner_cells(graph: Graph, trace: Trace) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Input node of each max-pool → (the pool's id, [(winning position, filter), ...]) for the first example.

    The cells index the input's heatmap (rows = positions, columns = filters), so the canvas can outline them.
    """
    out = {}
    for node in graph.nodes.values():
        if not node.op.has_winners:
            continue
        edge = graph.incoming(node.id).get("x")
        winners = pool_winners(graph, trace, node.id)
        if edge is not None and winners is not None:
            out[edge.src] = (node.id, [(int(p), f) for f, p in enumerate(winners.positions)])
    return out
