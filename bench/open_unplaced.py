"""Opening a graph file whose nodes have no positions, in the window: laid out first (now) or as a pile (before).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/open_unplaced.py [--nodes 5000] [--limit 900]

Writes a file of `--nodes` nodes without "pos" (chains of ten: an Input and nine elementwise ops, a region per
ten chains), then opens it twice, each time in a fresh process and MainWindow, through File ▸ Open's own code
(`FileController.open_path`), and paints the first frame: once as the app does now (engine.layout's
`lay_out_if_unplaced` first), once with that step switched off, as the app did before (every node on one
spot). Prints the seconds of each and their ratio; an open that crashes or passes `--limit` seconds is
reported as such (the pile of 1,000 nodes crashed Qt with a segmentation fault after about 3 minutes).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.serialization import FORMAT_NAME, CURRENT_VERSION  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402
from graphviz_app.window import files as file_menu  # noqa: E402

CHAIN = ("Tanh", "Sigmoid", "Exp", "Tanh", "Sigmoid", "Tanh", "Exp", "Sigmoid", "Tanh")


def unplaced_file(path: Path, count: int) -> Path:
    """A graph file of `count` nodes (a multiple of ten) with no positions at all."""
    nodes, edges, regions = [], [], []
    for chain in range(count // 10):
        ids = [f"n{chain * 10 + k}" for k in range(10)]
        nodes.append({"id": ids[0], "name": f"x{chain}", "op": "Input", "attrs": {"shape": [4]}})
        for k, op in enumerate(CHAIN, start=1):
            nodes.append({"id": ids[k], "name": f"{op.lower()}{chain}_{k}", "op": op})
            edges.append({"id": f"e{chain * 10 + k}", "src": ids[k - 1], "dst": ids[k], "port": "x"})
        if chain % 10 == 0 and len(regions) < 200:
            regions.append({"id": f"r{chain}", "title": f"chains {chain}–{chain + 9}", "nodes": ids})
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": CURRENT_VERSION, "nodes": nodes, "edges": edges,
                                "regions": regions}), encoding="utf-8")
    return path


def open_in_window(path: Path, folder: Path, lay_out: bool) -> float:
    """Seconds for File ▸ Open of `path` in a fresh window, up to its first painted frame."""
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery=RecoveryStore(folder / "recovery"))
    window.resize(1600, 1000)
    window.show()
    QApplication.processEvents()
    keep = file_menu.lay_out_if_unplaced
    if not lay_out:
        file_menu.lay_out_if_unplaced = lambda graph: False  # as before: the file's pile is shown as it is
    try:
        start = time.perf_counter()
        assert window.files.open_path(str(path), ask=False)
        QApplication.processEvents()
        image = QImage(window.view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        window.view.viewport().render(image)
        seconds = time.perf_counter() - start
    finally:
        file_menu.lay_out_if_unplaced = keep
    window.training.session.close()
    window.close()
    return seconds


def one_open(path: Path, lay_out: bool) -> int:
    """In this process: open `path` once and print the seconds it took."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temp:
        print(f"{open_in_window(path, Path(temp), lay_out):.3f}")
    del app
    return 0


def timed_open(path: Path, lay_out: bool, limit: float) -> tuple[float | None, str]:
    """Seconds of one open in a fresh process, or None and what went wrong (a crash, the time limit)."""
    command = [sys.executable, __file__, "--one", "laid-out" if lay_out else "pile", str(path)]
    start = time.perf_counter()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None, f"not open after {limit:.0f} s (stopped)"
    wall = time.perf_counter() - start
    if run.returncode != 0:
        how = signal.Signals(-run.returncode).name if run.returncode < 0 else f"exit {run.returncode}"
        return None, f"crashed ({how}) after {wall:.0f} s"
    return float(run.stdout.split()[-1]), ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--limit", type=float, default=900.0, help="seconds before an open is given up")
    parser.add_argument("--one", nargs=2, metavar=("WAY", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one_open(Path(args.one[1]), args.one[0] == "laid-out")
    with tempfile.TemporaryDirectory() as temp:
        count = args.nodes - args.nodes % 10
        path = unplaced_file(Path(temp) / "unplaced.json", count)
        results = {}
        for way, lay_out in (("laid out on open (now)", True), ("opened as a pile (before)", False)):
            seconds, trouble = timed_open(path, lay_out, args.limit)
            results[lay_out] = seconds
            print(f"{count} nodes without positions, {way}: " + (f"{seconds:.2f} s" if seconds else trouble))
        if results[True] and results[False]:
            print(f"ratio before / now: {results[False] / results[True]:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
