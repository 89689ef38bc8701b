"""Layouts that fit a slide, and the label placer: how big each example is drawn on 1920×1080, and how fast.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/layout_fit.py [--files DIR] [--render]

1. Per example, at the end of its explain trace (every value and label shown), the drawing as the
   scene draws it (nodes, value panels, edge labels): one long row (the old reading) against the
   16:9 layout that `main.py render` uses, both with the items' real sizes. Printed: drawing size,
   aspect, and the scale at which it fits 1920×1080 (1.0 = drawn at the canvas's own size); the
   ratio is how much larger the 16:9 layout is drawn. With --files DIR, the positions saved in
   DIR/*.json are measured too (e.g. the files of an older commit, for before/after).
   Also: labels overlapping a node, a port or another label, as the canvas places them and as the
   placer does.
2. The label placer: 200 labels on a laid-out 200-edge graph, against a 60 fps frame (16.7 ms).
3. 5,000 nodes: the layout of a chain and of a random DAG, one row against 16:9 (time, peak memory).
   With --render, `main.py render` of the 5,000-node chain without positions (wall time, peak RSS).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QRectF  # noqa: E402

from engine import Graph, explain  # noqa: E402
from engine.examples import EXAMPLES, build_example  # noqa: E402
from engine.layout import plan_layout  # noqa: E402
from engine.placement import EdgeLabel, Point, Rect, cubic_points, place_labels  # noqa: E402
from engine.serialization import load_graph, save_graph  # noqa: E402
from graphviz_app.explain.overlay import apply_trace_state  # noqa: E402
from graphviz_app.render import build_scene, ensure_app, scene_rect  # noqa: E402
from graphviz_app.render_layout import Frame, arrange, place_scene_labels  # noqa: E402

SLIDE = (1920.0, 1080.0)
FRAME_MS = 1000 / 60


def shown_scene(graph: Graph):
    """A scene of the graph with its whole sample trace shown (nodes and labels at their largest)."""
    scene = build_scene(graph)
    apply_trace_state(scene, explain(graph, graph.meta["sample"]), None)
    return scene


def overlaps(scene) -> int:
    """Labels covering a node body, a port or another label."""
    labels = [e.label_item.sceneBoundingRect().adjusted(2, 2, -2, -2) for e in scene.edge_items.values()
              if e.label_item is not None and e.label_item.isVisible()]
    r = 5.0 * scene.theme.scale
    blocks = [item.mapRectToScene(item.body) for item in scene.node_items.values()]
    blocks += [QRectF(p.scenePos().x() - r, p.scenePos().y() - r, 2 * r, 2 * r)
               for item in scene.node_items.values() for p in item.ports()]

    def hit(a, b):
        shared = a.intersected(b)
        return shared.width() > 0.01 and shared.height() > 0.01

    return (sum(any(hit(label, b) for b in blocks) for label in labels)
            + sum(hit(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]))


def measure(scene, aspect_frame: Frame | None) -> tuple[float, float, int, int]:
    """(width, height, overlaps as the canvas placed the labels, overlaps after the placer)."""
    if aspect_frame is not None:
        arrange(scene, aspect_frame)
    before = overlaps(scene)
    place_scene_labels(scene)
    rect = scene_rect(scene)
    return rect.width(), rect.height(), before, overlaps(scene)


def fit(width: float, height: float) -> float:
    return min(SLIDE[0] / width, SLIDE[1] / height)


def row(name: str, label: str, m: tuple[float, float, int, int]) -> str:
    w, h, before, after = m
    return (f"{name:24s} {label:8s} {w:7.0f} × {h:5.0f}  aspect {w / h:4.2f}  fits 1920×1080 at {fit(w, h):4.2f}"
            f"  label overlaps: canvas {before:2d}, placer {after:2d}")


def examples(files: Path | None) -> None:
    print("1. Examples at the end of their trace (drawing incl. labels, scene units = px at scale 1)")
    gains = []
    for name in EXAMPLES:
        graph = build_example(name)
        one = measure(shown_scene(graph), Frame(aspect=None, relayout=True))
        slide = measure(shown_scene(graph), Frame())
        print(row(name, "one row", one))
        print(row("", "16:9", slide))
        if files is not None and (files / f"{name}.json").exists():
            print(row("", "saved", measure(shown_scene(load_graph(files / f"{name}.json")), None)))
        gains.append(fit(*slide[:2]) / fit(*one[:2]))
        print(f"{'':24s} 16:9 is drawn {gains[-1]:.2f}× as large as one row")
    print(f"   smallest fit scale, 16:9 layout: see above; median gain {statistics.median(gains):.2f}×")


def laid_out_labels(edges: int, seed: int = 0) -> tuple[list[EdgeLabel], dict, dict]:
    """A random DAG with `edges` edges, laid out for 16:9; its edges as curves with 1- or 2-line labels."""
    rng = random.Random(seed)
    g = Graph()
    ids = [g.add_node("Input", "x0").id]
    while len(g.edges) < edges:
        node = g.add_node(rng.choice(["Add", "Multiply"]), f"v{len(ids)}").id
        for port in ("a", "b"):
            g.connect(ids[rng.randrange(max(0, len(ids) - 6), len(ids))], node, port)
        ids.append(node)
    pos = plan_layout(g).positions
    rects = {n: Rect(x - 78, y - 45, 156, 90) for n, (x, y) in pos.items()}
    ports = {}
    labels = []
    for e in g.edges.values():
        (x1, y1), (x2, y2) = pos[e.src], pos[e.dst]
        start, end = Point(x1 + 78, y1), Point(x2 - 78, y2 + (12 if e.port == "b" else -12))
        ports[e.id + ".out"], ports[e.id + ".in"] = start, end
        pull = max(40.0, abs(end.x - start.x) / 2)
        path = cubic_points(start, Point(start.x + pull, start.y), Point(end.x - pull, end.y), end)
        labels.append(EdgeLabel(e.id, path, rng.uniform(140, 260), rng.choice([26.0, 40.0])))
    return labels, rects, ports


def timed(labels, rects, ports, repeat: int = 5) -> tuple[float, list]:
    times, places = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        places = place_labels(labels, rects, ports)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), places


def placer() -> None:
    print("\n2. Label placer (median of 5 calls)")
    for count in (50, 200):
        ms, places = timed(*laid_out_labels(count))
        hows = {h: sum(p.how == h for p in places) for h in ("middle", "along", "beside", "leader", "overlap")}
        print(f"   {count:3d} labels: {ms:6.1f} ms = {ms / FRAME_MS:4.2f} frames at 60 fps   {hows}")


def chain(n: int) -> Graph:
    g = Graph()
    prev = g.add_node("Input", "x", {"shape": [4]}).id
    for k in range(n - 1):
        node = g.add_node("Tanh" if k % 2 else "Sigmoid", f"h{k}").id
        g.connect(prev, node, "x")
        prev = node
    return g


def dag(n: int, seed: int = 0) -> Graph:
    rng = random.Random(seed)
    g = Graph()
    ids = []
    for k in range(n):
        if k < 10 or rng.random() < 0.2:
            ids.append(g.add_node("Parameter", f"p{k}", {"shape": [4]}).id)
            continue
        node = g.add_node("Add", f"a{k}").id
        for port in ("a", "b"):
            g.connect(ids[rng.randrange(max(0, k - 50), k)], node, port)
        ids.append(node)
    return g


def big(render: bool) -> None:
    print("\n3. 5,000 nodes")
    for name, graph in (("chain", chain(5000)), ("random DAG", dag(5000))):
        results = {}
        for label, aspect in (("one row", None), ("16:9", 16 / 9)):
            start = time.perf_counter()
            plan = plan_layout(graph, aspect=aspect)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # a second run for memory: tracing slows Python down several times
            plan_layout(graph, aspect=aspect)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            results[label] = seconds
            print(f"   {name:10s} {label:8s} {seconds:5.2f} s, peak {peak:5.1f} MB, {len(plan.rows):3d} rows, "
                  f"aspect {plan.aspect:6.2f}")
        print(f"   {name:10s} 16:9 / one row time: {results['16:9'] / results['one row']:.2f}")
    if render:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "chain.json"
            save_graph(chain(5000), path, weights=False)
            start = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(ROOT / "main.py"), "render",
                                   str(path), "--out", str(Path(folder) / "chain.png")],
                                  capture_output=True, text=True)
            rss = done.stderr.strip().splitlines()[-1]
            seconds = time.perf_counter() - start
            print(f"   render of the 5,000-node chain: {seconds:.1f} s, peak RSS {int(rss) / 1e3:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=Path, help="also measure the positions saved in DIR/<example>.json")
    parser.add_argument("--render", action="store_true", help="also time `main.py render` of 5,000 nodes")
    args = parser.parse_args()
    ensure_app()
    examples(args.files)
    placer()
    big(args.render)
    return 0


if __name__ == "__main__":
    sys.exit(main())
