"""Lesson exports: HTML page, GIF and MP4 sizes and export times for every example graph, against what they
are made of.

Run: .venv/bin/python bench/export_sizes.py [--repeat 3] [--no-animations]
For each assets/graphs/*.json (the file's own sample; the headline classifier also with three headlines):
- size: the page against the graph file itself (ratio), and the player's fixed part (template) alone;
- time: building and writing the page against explain() alone on the same example (ratio), median of runs.
Then the whole trace of each file's sample as a 1280×720 animation (render --animate's defaults, one run each):
- GIF and MP4 (when the video extra is installed) size, time, and size per step; GIF against MP4 (ratio).
Budgets (issue 15): the MLP lesson under 2 MB, the MLP's GIF under 8 MB.
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
GIF_BUDGET = 8 * 1024 * 1024
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


def animation(path: Path, out: Path) -> tuple[int, float, int] | None:
    """(file bytes, export seconds, steps) of the whole trace of the file's sample; None for an MP4 without the
    video extra."""
    from engine.lesson.examples import default_example, load_data
    from graphviz_app.animation.export import write_animation
    from graphviz_app.animation.writers import AnimationError
    from graphviz_app.explain.overlay import options_for

    graph = load_graph(path)
    trace = explain(graph, default_example(graph, load_data(graph)[0]).feeds)
    start = time.perf_counter()
    try:
        size = write_animation(graph, trace, out, overlay=options_for(graph))
    except AnimationError as exc:
        if out.suffix == ".mp4":
            print(f"  ({exc})")
            return None
        raise
    return size, time.perf_counter() - start, len(trace)


def animations(folder: Path) -> list[str]:
    """Print the GIF and MP4 table; returns the graphs over the GIF budget."""
    from graphviz_app.render import ensure_app

    ensure_app()
    print(f"\n{'animation (1280×720)':26} {'steps':>5} {'GIF':>9} {'GIF s':>7} {'KB/step':>8} {'MP4':>9} {'MP4 s':>7} "
          f"{'GIF/MP4':>8}")
    over = []
    for path in sorted(GRAPHS.glob("*.json")):
        gif = animation(path, folder / f"{path.stem}.gif")
        mp4 = animation(path, folder / f"{path.stem}.mp4")
        assert gif is not None
        size, seconds, steps = gif
        video = f"{mp4[0] / 2**20:8.2f}M {mp4[1]:6.1f}s {size / mp4[0]:7.1f}×" if mp4 else f"{'-':>9} {'-':>7} {'-':>8}"
        print(f"{path.stem:26} {steps:5d} {size / 2**20:8.2f}M {seconds:6.1f}s {size / steps / 1024:7.0f}K {video}")
        if path.stem == "mlp" and size >= GIF_BUDGET:
            over.append("mlp GIF")
    print("MLP GIF within the 8 MB budget" if not over else "over the 8 MB budget: the MLP's GIF")
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--no-animations", action="store_true", help="the HTML pages only")
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
        if not args.no_animations:
            over += animations(Path(folder))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
