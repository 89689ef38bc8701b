"""How often max over time picks a window made only of padding, in the trained text CNN example.

Usage: .venv/bin/python bench/cnn_padding_winners.py [--headlines N]

Trains assets/graphs/text_cnn.json the way `main.py train assets/graphs/text_cnn.json` does (the file's own
training settings, from its seeded weights), then runs the first N test headlines (default 100) through explain
mode and counts, over every (headline, filter) pair, the winners of the max-pool that are padding-only windows.
It also prints, for "Chelsea win the cup final", how many of the filters win at a padding-only window.

If the file's max-pool reads the token ids (the padding mask), the same graph is trained a second time with that
edge removed, so one run prints the masked figures next to the unmasked ones (the behaviour before the mask).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.executor import explain  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.serialization import load_graph  # noqa: E402
from engine.train import Trainer  # noqa: E402

EXAMPLE = ROOT / "assets" / "graphs" / "text_cnn.json"
HEADLINE = "Chelsea win the cup final"
PAD_ID = 0


def pool_and_width(graph: Graph) -> tuple[str, int]:
    """The max-pool node's id and the window width of the convolution feeding it."""
    pool = next(n.id for n in graph.nodes.values() if n.op_name == "MaxPoolTime")
    conv = next(n for n in graph.nodes.values() if n.op_name in ("SeqConv", "Window"))
    return pool, conv.attrs["width"]


def padding_only(ids: np.ndarray, winners: np.ndarray, width: int) -> np.ndarray:
    """True for each (row, filter) whose winning window holds nothing but padding."""
    rows = np.arange(ids.shape[0])[:, None]
    return np.all([ids[rows, winners + j] == PAD_ID for j in range(width)], axis=0)


def winners(graph: Graph, ids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(rows, filters) winning positions of the max-pool, as explain mode records them."""
    pool, _ = pool_and_width(graph)
    trace = explain(graph, {"x": ids, "y": labels})
    step = next(s for s in trace.steps_of("forward") if s.node == pool)
    return np.asarray(step.info["winner"]).reshape(len(ids), -1)


def measure(graph: Graph, label: str, count: int) -> None:
    """Train like `main.py train`, then print the share of padding-only winners."""
    trainer = Trainer(graph)
    trainer.fit()
    data = trainer.data
    ids, labels = np.asarray(data.x_test[:count]), np.asarray(data.y_test[:count])
    _, width = pool_and_width(graph)
    pad = padding_only(ids, winners(graph, ids, labels), width)
    one = np.atleast_2d(data.encode_text(HEADLINE))
    pad_one = padding_only(one, winners(graph, one, np.zeros(1, dtype=np.int64)), width)
    accuracy = trainer.evaluate("test").accuracy
    print(f"{label}: {pad.mean():6.1%} of {pad.size} winners ({count} test headlines × {pad.shape[1]} filters) "
          f"are padding-only windows; \"{HEADLINE}\": {int(pad_one.sum())} of {pad_one.size} filters; "
          f"test accuracy {accuracy:.3f}")


def without_mask(graph: Graph) -> Graph | None:
    """A copy of the graph whose max-pool no longer reads the token ids, or None if it never did."""
    pool, _ = pool_and_width(graph)
    edge = graph.incoming(pool).get("ids")
    if edge is None:
        return None
    unmasked = load_graph(EXAMPLE)
    unmasked.disconnect(unmasked.incoming(pool)["ids"].id)
    return unmasked


def main() -> int:
    """Print the figures for the example as it is (and unmasked, when it has the mask)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--headlines", type=int, default=100, help="test headlines to count over")
    args = parser.parse_args()
    graph = load_graph(EXAMPLE)
    unmasked = without_mask(graph)
    if unmasked is not None:
        measure(unmasked, "padding competes (ids edge removed)", args.headlines)
    measure(graph, f"{EXAMPLE.relative_to(ROOT)} as it is", args.headlines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
