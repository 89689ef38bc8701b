"""Opening a graph file whose nodes have no positions, in the window: laid out first (now) or as a pile (before).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/open_unplaced.py [--nodes 5000] [--skip-pile]

Writes a file of `--nodes` nodes without "pos" (chains of ten: an Input and nine elementwise ops, a region per
ten chains), then opens it twice in a fresh MainWindow through File ▸ Open's own code
(`FileController.open_path`) and paints the first frame: once as the app does now (engine.layout's
`lay_out_if_unplaced` first), once with that step switched off, as the app did before (every node on one
spot). Prints the seconds of each and their ratio. `--skip-pile` measures only the laid-out open.
"""
from __future__ import annotations

import argparse
import json
import os
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--skip-pile", action="store_true", help="do not measure the old way (it is slow)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    del app
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        path = unplaced_file(folder / "unplaced.json", args.nodes - args.nodes % 10)
        laid_out = open_in_window(path, folder, lay_out=True)
        print(f"{args.nodes} nodes without positions, laid out on open (now): {laid_out:.2f} s")
        if args.skip_pile:
            return 0
        pile = open_in_window(path, folder, lay_out=False)
        print(f"{args.nodes} nodes without positions, opened as a pile (before): {pile:.2f} s")
        print(f"ratio before / now: {pile / laid_out:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
