"""HTML lesson export: page size and export time for every example graph, against what they are made of.

Run: .venv/bin/python bench/export_sizes.py [--repeat 3]
For each assets/graphs/*.json (the file's own sample; the headline classifier also with three headlines):
- size: the page against the graph file itself (ratio), and the player's fixed part (template) alone;
- time: building and writing the page against explain() alone on the same example (ratio), median of runs.
Budget (issue 15): the MLP lesson under 2 MB.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # both sides of every comparison on one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.executor import explain  # noqa: E402
from engine.lesson import choose_examples, write_lesson  # noqa: E402
from engine.lesson.page import TEMPLATE_FILES, _template  # noqa: E402
from engine.serialization import load_graph  # noqa: E402

GRAPHS = ROOT / "assets" / "graphs"
BUDGET = 2 * 1024 * 1024
HEADLINES = ["Arsenal beat Chelsea in the cup final=Sports", "Stocks fall after Morgan Stanley earnings miss",
             "Prime minister calls early election=Politics"]


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: Path, texts: list[str] | None, repeat: int, folder: Path) -> tuple[int, float, float]:
    """(page bytes, export seconds, explain seconds) for one graph file and its examples."""
    graph = load_graph(path)
    examples = choose_examples(graph, texts)  # the data set is read (and cached) once, before timing
    out = folder / f"{path.stem}.html"
    size = write_lesson(graph, examples, out)
    export = median_seconds(lambda: write_lesson(graph, examples, out), repeat)
    alone = median_seconds(lambda: [explain(graph, s.feeds) for s in examples.samples], repeat)
    return size, export, alone


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    player = sum(len(_template(name).encode("utf-8")) for name in TEMPLATE_FILES)
    print(f"player template (HTML + CSS + JS, in every page): {player / 1024:.1f} KB")
    print(f"{'graph':34} {'file':>8} {'page':>9} {'page/file':>9} {'explain':>9} {'export':>9} {'export/explain':>14}")
    cases = [(p, None, p.stem) for p in sorted(GRAPHS.glob("*.json"))]
    cases.append((GRAPHS / "headline_classifier.json", HEADLINES, "headline_classifier ×3 headlines"))
    over = []
    with tempfile.TemporaryDirectory() as folder:
        for path, texts, label in cases:
            size, export, alone = measure(path, texts, args.repeat, Path(folder))
            file_size = path.stat().st_size
            print(f"{label:34} {file_size / 1024:7.1f}K {size / 1024:8.1f}K {size / file_size:8.1f}× "
                  f"{alone * 1000:7.2f}ms {export * 1000:7.1f}ms {export / alone:13.0f}×")
            if path.stem == "mlp" and size >= BUDGET:
                over.append(label)
    print("MLP lesson within the 2 MB budget" if not over else f"over the 2 MB budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
