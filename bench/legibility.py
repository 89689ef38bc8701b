"""Legibility of explain mode in presentation mode (F5) at 1920×1080, measured on what is painted.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/legibility.py [--code DIR] [examples...]
Per example, over every step of an SGD step's trace (forward, backward, update): the smallest on-screen
text height of the active label and of the values on the step's nodes (0: a value held but not drawn),
the most label overlaps (label on a node, label on a label) at any step, how many steps painted a node or
label box without its text, and the mean share of the screen the active step (edge, label, nodes) covers.
Target: both heights ≥ 24 px, no empty box, no overlap.

`--code DIR` measures another checkout of the app (e.g. the commit before a change, made with
`git worktree add /tmp/before <commit>`), with the same measuring code: before and after from one command.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent.parent
SIZE = (1920, 1080)
LECTURE = ("mlp", "headline_classifier", "text_cnn")


def _measurer():
    """This checkout's measuring module, whichever app code is being measured."""
    spec = importlib.util.spec_from_file_location("legibility_probe", HERE / "graphviz_app/explain/legibility.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _window(example: str, code: Path, folder: Path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from engine.serialization import load_graph
    from graphviz_app.canvas.edge_item import EdgeLabelItem
    from graphviz_app.main_window import MainWindow
    from graphviz_app.recovery import RecoveryStore

    if "label_rect" not in EdgeLabelItem.__dict__:  # older code: a label's box is its bounding rectangle
        EdgeLabelItem.label_rect = EdgeLabelItem.boundingRect

    class Prompts:
        def __getattr__(self, name):
            return lambda *args, **kwargs: "discard" if name == "ask_save_changes" else None

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(load_graph(code / "assets" / "graphs" / f"{example}.json"), settings=settings,
                   recovery=RecoveryStore(folder / "recovery"), prompts=Prompts())
    w.explain.controller.player.instant = True
    camera = vars(w.explain).get("camera")  # older code has no camera
    if camera is not None:
        camera.duration_ms = 0
    w.setGeometry(0, 0, *SIZE)  # the lecturer's maximised window, then F5
    w.show()
    for _ in range(5):
        QApplication.processEvents()
    w.explain.presentation.enter()
    w.setWindowState(Qt.WindowState.WindowNoState)  # offscreen there is no screen to fill: keep 1920×1080
    w.setGeometry(0, 0, *SIZE)
    return w


def measure(example: str, code: Path, probe) -> dict:
    """The figures of one example (see the module docstring)."""
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as folder:
        w = _window(example, code, Path(folder))
        for _ in range(5):
            QApplication.processEvents()
        controller = w.explain.controller
        controller.sgd_step(0.1)
        trace = controller.trace
        rows = []
        for k in range(len(trace)):
            controller.player.seek(k)
            QApplication.processEvents()
            rows.append(probe.measure_step(w.view, w.graph, trace, k))
        w.close()
    labels = [r.label_px for r in rows if r.label_px is not None]
    values = [r.value_px for r in rows if r.value_px is not None]
    return {"steps": len(rows), "label_px": min(labels, default=float("nan")),
            "value_px": min(values, default=float("nan")), "overlaps": max(r.overlaps for r in rows),
            "empty_steps": sum(1 for r in rows if r.empty_boxes), "outside": sum(1 for r in rows if not r.edge_inside),
            "share": sum(r.share for r in rows) / len(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", help="example names (default: every example)")
    parser.add_argument("--code", default=str(HERE), help="the checkout whose app is measured")
    args = parser.parse_args(argv)
    code = Path(args.code).resolve()
    sys.path.insert(0, str(code))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    probe = _measurer()
    examples = args.examples or sorted(p.stem for p in (code / "assets" / "graphs").glob("*.json"))
    print(f"measuring {code} at {SIZE[0]}×{SIZE[1]}, presentation mode, every step of an SGD step")
    print(f"{'example':26} {'steps':>5} {'label px':>9} {'values px':>9} {'overlaps':>8} {'empty':>6} "
          f"{'outside':>7} {'screen':>7}")
    for example in examples:
        r = measure(example, code, probe)
        print(f"{example:26} {r['steps']:5d} {r['label_px']:9.1f} {r['value_px']:9.1f} {r['overlaps']:8d} "
              f"{r['empty_steps']:6d} {r['outside']:7d} {r['share']:7.0%}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
