"""Fixtures for the GUI tests: an offscreen scene over a graph, graph builders and a canonical snapshot."""
import copy
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QUndoStack  # noqa: E402

from engine import Graph  # noqa: E402


def canonical(graph: Graph) -> dict:
    """The graph as plain data, nodes and edges sorted by id (ids, names, attrs, positions, values, regions, meta)."""
    try:
        from engine.serialization import graph_to_dict
    except ImportError:
        graph_to_dict = None
    if graph_to_dict is not None:
        data = json.loads(json.dumps(graph_to_dict(graph), default=str))
    else:
        data = {
            "nodes": [{"id": n.id, "op": n.op_name, "name": n.name, "attrs": copy.deepcopy(dict(n.attrs)),
                       "pos": list(n.pos)} for n in graph.nodes.values()],
            "edges": [{"id": e.id, "src": e.src, "dst": e.dst, "port": e.port} for e in graph.edges.values()],
            "regions": [{"id": r.id, "title": r.title, "nodes": list(r.node_ids), "color": r.color}
                        for r in graph.regions.values()],
            "meta": json.loads(json.dumps(graph.meta, default=str)),
        }
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: e["id"])
    # values are compared exactly, whatever the file format does with them
    data["values"] = {n.id: np.asarray(n.value).tolist() for n in graph.nodes.values() if n.value is not None}
    return data


def lecture_mlp() -> Graph:
    """a = σ(xW), b = σ(aV), c = σ(θᵀb) with an encoder and a decoder region."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3]}, (0, 0))
    w = g.add_node("Parameter", "W", {"shape": [3, 4], "seed": 1}, (0, -120))
    wx = g.add_node("MatMul", "Wx", pos=(220, 0))
    a = g.add_node("Sigmoid", "a", pos=(440, 0))
    v = g.add_node("Parameter", "V", {"shape": [4, 2], "seed": 2}, (440, -120))
    va = g.add_node("MatMul", "Va", pos=(660, 0))
    b = g.add_node("Sigmoid", "b", pos=(880, 0))
    th = g.add_node("Parameter", "θ", {"shape": [2], "seed": 3}, (880, -120))
    tb = g.add_node("Dot", "θᵀb", pos=(1100, 0))
    c = g.add_node("Sigmoid", "c", pos=(1320, 0))
    for src, dst, port in ((x, wx, "x"), (w, wx, "W"), (wx, a, "x"), (a, va, "x"), (v, va, "W"),
                           (va, b, "x"), (th, tb, "θ"), (b, tb, "x"), (tb, c, "x")):
        g.connect(src.id, dst.id, port)
    g.add_region("encoder f(x)", [x.id, w.id, wx.id, a.id, v.id, va.id, b.id], "#4c78a8")
    g.add_region("decoder", [th.id, tb.id, c.id], "#f58518")
    g.meta["sample"] = {"x": [1.0, 2.0, -1.0]}
    return g


@pytest.fixture(autouse=True, scope="session")
def _release_clipboard_at_exit():
    """As the app does when it quits: nodes copied by a test must not outlive Python (a crash at exit)."""
    yield
    from graphviz_app.window.edit_ops import release_clipboard

    release_clipboard()


@pytest.fixture
def make_scene(qtbot):
    """make_scene(graph, theme="light") -> (scene, view, undo stack), shown offscreen."""
    from graphviz_app.canvas import GraphScene, GraphView
    from graphviz_app.theme import get_theme

    def make(graph: Graph, theme: str = "light"):
        stack = QUndoStack()
        scene = GraphScene(graph, stack, get_theme(theme))
        view = GraphView(scene)
        view.resize(1200, 800)
        qtbot.addWidget(view)
        view.show()
        view._keep = (stack, scene)  # the widget keeps its stack and scene alive
        return scene, view, stack
    return make


@pytest.fixture
def mlp_graph() -> Graph:
    """A fresh lecture MLP."""
    return lecture_mlp()


def wait_for(check, timeout: float, what: str, step: float = 0.2):
    """Poll `check()` until it returns something truthy; fail naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = check()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_display(first: int = 120, last: int = 259) -> int:
    """The lowest X display number in [first, last] with neither a lock file nor a socket."""
    for number in range(first, last + 1):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise AssertionError(f"no free X display number between {first} and {last}")


@pytest.fixture
def xvfb_display():
    """A fresh Xvfb server (1600×1000×24) for one test; yields its DISPLAY string, e.g. ":120"."""
    if shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb (apt-get install xvfb)")
    number = free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists() or server.poll() is not None, 10, "Xvfb")
        if server.poll() is not None:
            pytest.fail("Xvfb exited at start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
