"""Pictures of the app in explain mode for the README and the teaching guide (offscreen window grabs).

Run: QT_QPA_PLATFORM=offscreen python -m graphviz_app.screenshots docs/img [--spread 1.6,1.9]
Writes explain.png (the README picture), wiggle.png and the presentation-mode pictures (presentation*.png:
the chain rule, the MLP, the headline classifier with p − y, the text CNN's max over time, an SGD step).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
GRAPHS = ROOT / "assets" / "graphs"
SIZE = (1600, 1000)
PRESENT_SIZE = (1920, 1080)  # presentation pictures: a lecture hall's projector


def _window(example: str, spread: str, folder: Path):
    """A main window with explain mode on an example (nodes spread apart), its settings in `folder`."""
    from PySide6.QtCore import QSettings

    from engine.serialization import load_graph

    from .main_window import MainWindow
    from .recovery import RecoveryStore
    from .render_cli import spread as spread_nodes

    class Prompts:  # no dialogs while grabbing pictures
        def __getattr__(self, name: str) -> Callable:
            return lambda *args, **kwargs: "discard" if name == "ask_save_changes" else None

    graph = load_graph(GRAPHS / f"{example}.json")
    spread_nodes(graph, spread)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(graph, settings=settings, recovery=RecoveryStore(folder / "recovery"), prompts=Prompts())
    mode = window.explain
    mode.controller.player.instant = True
    window.resize(*SIZE)
    window.show()
    window.finish_setup()  # as the app does once shown: the docks get their first-start sizes
    _settle(window, 600)  # and the training tint paints its example once, as it does when a file opens
    return window, mode


def _settle(window, ms: int = 150) -> None:
    """Let the window lay itself out and paint (docks move in several rounds of events)."""
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtWidgets import QApplication

    clock = QElapsedTimer()
    clock.start()
    while clock.elapsed() < ms:
        QApplication.processEvents()


def _focus_on(window, names: list[str]) -> None:
    """Zoom the canvas onto some nodes (what a lecturer would do before explaining them)."""
    from PySide6.QtCore import Qt

    rect = None
    for name in names:
        item = window.scene.node_items[window.graph.find(name).id]
        rect = item.sceneBoundingRect() if rect is None else rect.united(item.sceneBoundingRect())
    margin = 60 * window.scene.theme.scale
    window.view.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)


def explain_picture(path: Path, spread: str, folder: Path) -> None:
    """The lecture MLP in the middle of backward, with the Jacobian of edge a → Va in the inspector."""
    from PySide6.QtCore import Qt

    window, mode = _window("mlp", spread, folder)
    trace = mode.controller.compute()
    graph = window.graph
    k = next(i for i, s in enumerate(trace.steps)
             if s.kind == "backward" and s.src == graph.find("a").id and s.dst == graph.find("Va").id)
    mode.controller.player.seek(k)
    edge = next(e for e in graph.edges.values() if e.src == graph.find("a").id and e.dst == graph.find("Va").id)
    window.scene.edge_items[edge.id].setSelected(True)
    window.inspector_dock.raise_()
    window.resizeDocks([window.inspector_dock], [620], Qt.Orientation.Vertical)  # room for the Jacobian
    _settle(window)
    _focus_on(window, ["a", "Va", "b", "V"])
    _settle(window)
    window.grab().save(str(path))


def wiggle_picture(path: Path, spread: str, folder: Path) -> None:
    """The chain rule after backward, with the wiggle check of w in its dock and ✓ badges."""
    from PySide6.QtCore import Qt

    window, mode = _window("chain_rule", spread, folder)
    mode.controller.backward()
    mode.wiggle_dock.raise_()
    window.resizeDocks([mode.wiggle_dock], [560], Qt.Orientation.Vertical)  # room for the whole answer
    wiggle = mode.controller.wiggle
    wiggle.select(window.graph.find("w").id)
    wiggle.run_all()
    wiggle.run_selected()
    window.view.fit_all()
    _settle(window)
    window.grab().save(str(path))


def _presenting(example: str, spread: str, folder: Path, sgd: bool = False):
    """Presentation mode (F5) in a 1920×1080 window, the camera jumping without animation."""
    from PySide6.QtCore import Qt

    window, mode = _window(example, spread, folder)
    window.setGeometry(0, 0, *PRESENT_SIZE)
    _settle(window)
    mode.camera.duration_ms = 0
    if sgd:
        mode.controller.sgd_step(0.1)
    mode.presentation.enter()
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setGeometry(0, 0, *PRESENT_SIZE)
    _settle(window)
    return window, mode


def _backward_step(trace, graph, src: str, dst: str) -> int:
    """Index of the backward step along the edge src → dst (by node names)."""
    from engine.trace import BackwardStep

    a, b = graph.find(src).id, graph.find(dst).id
    return next(i for i, s in enumerate(trace.steps) if isinstance(s, BackwardStep) and (s.src, s.dst) == (a, b))


def _forward_step(trace, graph, name: str) -> int:
    """Index of the forward step that computes the node called `name`."""
    from engine.trace import ForwardStep

    node = graph.find(name).id
    return next(i for i, s in enumerate(trace.steps) if isinstance(s, ForwardStep) and s.node == node)


def presentation_picture(path: Path, spread: str, folder: Path, example: str = "chain_rule",
                         pick: Callable | None = None, sgd: bool = False) -> None:
    """Presentation mode at one step: the camera frames its edge, nodes and label (default: the chain
    rule halfway through backward)."""
    window, mode = _presenting(example, spread, folder, sgd)
    trace = mode.controller.trace
    mode.controller.player.seek(pick(trace, window.graph) if pick is not None else 6)
    _settle(window)
    window.grab().save(str(path))


PICTURES = {
    "explain.png": explain_picture, "wiggle.png": wiggle_picture, "presentation.png": presentation_picture,
    "presentation_mlp.png": lambda p, s, f: presentation_picture(
        p, s, f, "mlp", lambda t, g: _backward_step(t, g, "a", "Va")),
    "presentation_headline.png": lambda p, s, f: presentation_picture(
        p, s, f, "headline_classifier", lambda t, g: _backward_step(t, g, "S", "p")),
    "presentation_cnn.png": lambda p, s, f: presentation_picture(
        p, s, f, "text_cnn", lambda t, g: _forward_step(t, g, "a")),
    "presentation_sgd.png": lambda p, s, f: presentation_picture(
        p, s, f, "headline_classifier", lambda t, g: len(t) - 1, sgd=True),
}


def main(argv: list[str] | None = None) -> int:
    """Write every picture into a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="where to write the PNGs, e.g. docs/img")
    parser.add_argument("--spread", default="1", help="spread the examples' nodes apart (as render --spread)")
    args = parser.parse_args(argv)
    from .render import ensure_app

    ensure_app()
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name, make in PICTURES.items():
            make(out / name, args.spread, Path(scratch))
            print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
