"""Explain-mode speed: frame times while a trace is animated, and the time to compute a trace.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/explain_frames.py [--theme light] [--pulses 8]
Targets: every animation frame < 16 ms (60 fps); a trace of the lecture MLP < 5 ms.
A frame = the overlay's work for that frame (a pulse moved, or at a step's start/end the whole state
repainted) + the view painting itself into a 1600×1000 image, with the whole graph in view.
Graphs: the lecture MLP (assets/graphs/mlp.json), the text CNN (text_cnn.json) and a 300-node graph.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QImage, QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import Graph, explain  # noqa: E402
from engine.serialization import load_graph  # noqa: E402
from graphviz_app.canvas import GraphScene, GraphView  # noqa: E402
from graphviz_app.explain.overlay import Overlay, options_for  # noqa: E402
from engine.replay.samples import file_feeds  # noqa: E402
from graphviz_app.theme import get_theme  # noqa: E402

WIDTH, HEIGHT = 1600, 1000
FRAME_TARGET_MS, TRACE_TARGET_MS = 16.0, 5.0


def big_graph(seed: int = 0) -> tuple[Graph, dict, str]:
    """300 scalar nodes: 15 sources, 18 columns of 15 random ops, and an Add tree into one loss L."""
    rng = random.Random(seed)
    g = Graph()
    feeds = {}
    column = []
    for r in range(15):
        node = g.add_node("Input" if r % 3 == 0 else "Parameter", f"s{r}",
                          {} if r % 3 == 0 else {"init": "constant", "scale": 0.1 * (r + 1)}, (0, r * 130.0))
        if r % 3 == 0:
            feeds[node.name] = 0.5 + 0.1 * r
        column.append(node.id)
    for c in range(1, 19):
        previous, column = column, []
        for r in range(15):
            op = rng.choice(["Add", "Multiply", "Tanh", "Sigmoid"])
            node = g.add_node(op, None, pos=(c * 230.0, r * 130.0))
            for port in node.op.port_names():
                g.connect(rng.choice(previous), node.id, port)
            column.append(node.id)
    while len(column) > 1:  # 14 Adds reduce the last column to one value
        a, b = column.pop(0), column.pop(0)
        node = g.add_node("Add", None, pos=(19 * 230.0 + 60 * len(column), 900.0))
        g.connect(a, node.id, "a")
        g.connect(b, node.id, "b")
        column.append(node.id)
    loss = g.add_node("Sum", "L", pos=(21 * 230.0, 900.0))
    g.connect(column[0], loss.id, "x")
    assert len(g.nodes) == 300, len(g.nodes)
    return g, feeds, "L"  # backward starts at L (some random ops feed nothing)


def timed_render(view: GraphView, image: QImage, work) -> float:
    """Milliseconds for the overlay's work plus one full paint of the view."""
    start = time.perf_counter()
    work()
    view.viewport().render(image)
    return (time.perf_counter() - start) * 1000


def animate(graph: Graph, feeds: dict, target: str | None, theme: str,
            pulses: int) -> tuple[list[float], list[float], int]:
    """Play the whole trace as the player does; returns (pulse frame times, step frame times, steps)."""
    trace = explain(graph, feeds, target)
    stack = QUndoStack()
    scene = GraphScene(graph, stack, get_theme(theme))
    view = GraphView(scene)
    view.resize(WIDTH, HEIGHT)
    view.show()
    view.fit_all()
    image = QImage(WIDTH, HEIGHT, QImage.Format_ARGB32_Premultiplied)
    overlay = Overlay(scene, trace, graph, options_for(graph))
    view.viewport().render(image)
    pulse_times, step_times = [], []
    for k in range(len(trace)):
        step_times.append(timed_render(view, image, lambda k=k: overlay.show(k, arriving=True)))
        for i in range(1, pulses + 1):
            pulse_times.append(timed_render(view, image, lambda k=k, i=i: overlay.pulse(k, i / (pulses + 1))))
        step_times.append(timed_render(view, image, lambda k=k: overlay.show(k)))
    return pulse_times, step_times, len(trace)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def verdict(value: float, target: float) -> str:
    if value <= target:
        return f"{target / value:5.2f}× under the target"
    return f"{value / target:5.2f}× OVER the target"


def report(label: str, times: list[float]) -> None:
    worst = p95(times)
    print(f"  {label:<22} median {statistics.median(times):6.2f} ms   p95 {worst:6.2f} ms   "
          f"max {max(times):6.2f} ms   target {FRAME_TARGET_MS:.0f} ms: p95 {verdict(worst, FRAME_TARGET_MS)}")


def trace_time(graph: Graph, feeds: dict, repeats: int) -> float:
    """Median milliseconds of engine.explain (forward + backward with every step recorded)."""
    explain(graph, feeds)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        explain(graph, feeds)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", default="light", choices=["light", "dark", "projector"])
    parser.add_argument("--pulses", type=int, default=8, help="pulse frames per step (as at ~5 steps/s)")
    parser.add_argument("--repeats", type=int, default=200, help="trace computations to time")
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    graphs = []
    for name in ("mlp", "text_cnn"):
        path = ROOT / "assets" / "graphs" / f"{name}.json"
        graph = load_graph(path)
        graphs.append((f"{name}.json", graph, file_feeds(graph), None))
    graphs.append(("300-node graph", *big_graph()))
    print(f"frames {WIDTH}×{HEIGHT}, theme {args.theme}, {args.pulses} pulse frames per step, whole graph in view")
    for label, graph, feeds, target in graphs:
        animate(graph, feeds, target, args.theme, 1)  # warm-up: fonts, caches, lazy imports
        pulse_times, step_times, steps = animate(graph, feeds, target, args.theme, args.pulses)
        print(f"{label}: {len(graph.nodes)} nodes, {len(graph.edges)} edges, {steps} trace steps")
        report("pulse frames", pulse_times)
        report("step start/end frames", step_times)
    mlp_graph, mlp_feeds = graphs[0][1], graphs[0][2]
    ms = trace_time(mlp_graph, mlp_feeds, args.repeats)
    print(f"trace of the lecture MLP (engine.explain, one example): median {ms:.3f} ms   "
          f"target {TRACE_TARGET_MS:.0f} ms: {verdict(ms, TRACE_TARGET_MS)}")
    cnn_ms = trace_time(graphs[1][1], graphs[1][2], max(10, args.repeats // 10))
    print(f"trace of the text CNN (for comparison): median {cnn_ms:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
