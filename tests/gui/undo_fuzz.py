"""Random edit commands pushed, undone and redone on a real window: the harness of test_undo_fuzz.py.

Run as a script (`python -m tests.gui.undo_fuzz EXAMPLE SEED STEPS`) so that a crash of the undo stack
fails one test instead of killing pytest. Every step is printed before it runs, so the output of a failed
run names the seed and the whole command list, and ends at the step that failed.
"""
from __future__ import annotations

import faulthandler
import hashlib
import json
import os
import random
import sys
import tempfile
from typing import Any, Callable

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QUndoCommand  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import Graph  # noqa: E402
from engine import blocks as block_model  # noqa: E402
from engine.registry import OPS  # noqa: E402
from graphviz_app import commands as cmd  # noqa: E402

Make = Callable[[], QUndoCommand]
MAX_NODES = 40
NAMES = ("a", "b", "h", "x", "W", "z", "new name", "   ", "θ" * 70)
TITLES = ("encoder f(x)", "decoder", "loss L(x, y; θ)", "", "t" * 90)
ATTR_VALUES: dict[str, tuple] = {
    "int": (1, 2, 5, 0, -1, "seven"), "float": (0.5, 2.0, -1.0, 1e308, float("nan")),
    "bool": (True, False, "yes"), "shape": ([2], [3, 2], "4x3", [], [0], "abc"),
    "floats": (1.0, [1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], "x"), "axis": (None, 0, -1, 7), "str": ("abc",),
}


def snapshot(graph: Graph) -> str:
    """The model as text, in the model's own order of nodes, edges and regions (values by digest)."""
    values = [[n.id, list(np.shape(n.value)), hashlib.sha1(np.ascontiguousarray(n.value).tobytes()).hexdigest()]
              for n in graph.nodes.values() if n.value is not None]
    return json.dumps({
        "nodes": [[n.id, n.op_name, n.name, dict(n.attrs), list(n.pos)] for n in graph.nodes.values()],
        "values": values,
        "edges": [[e.id, e.src, e.dst, e.port] for e in graph.edges.values()],
        "regions": [[r.id, r.title, list(r.node_ids), r.color, None if r.block is None else
                     [r.block.kind, r.block.collapsed]] for r in graph.regions.values()],
        "meta": json.dumps(graph.meta, sort_keys=True, default=repr),  # key order of meta means nothing
    }, default=repr)


class RandomEdits:
    """Draws edits (a text saying what, and a factory building the command) from the graph as it is now."""

    def __init__(self, rng: random.Random, graph: Callable[[], Graph]):
        self.rng, self.graph = rng, graph
        self.last_moved: list[str] = []
        self.table = [(8, self.add_node), (3, self.add_block), (7, self.delete_nodes), (3, self.delete_edges),
                      (10, self.connect), (4, self.disconnect), (8, self.move), (8, self.set_attr),
                      (4, self.rename), (4, self.set_value), (4, self.group), (3, self.ungroup),
                      (3, self.expand), (6, self.collapse), (4, self.paste), (1, self.layout)]

    def draw(self) -> tuple[str, Make | None]:
        """One edit, or ("undo"/"redo", None)."""
        roll = self.rng.random()
        if roll < 0.12:
            return "undo", None
        if roll < 0.17:
            return "redo", None
        weights = [w for w, _ in self.table]
        make = self.rng.choices([f for _, f in self.table], weights)[0]
        if len(self.graph().nodes) > MAX_NODES and make in (self.add_node, self.add_block, self.paste):
            make = self.delete_nodes  # a graph of a lecture's size: regions reshape in time
        return make()

    # ----- helpers
    def _nodes(self, most: int = 3) -> list[str]:
        ids = list(self.graph().nodes)
        if not ids:
            return []
        return self.rng.sample(ids, self.rng.randint(1, min(most, len(ids))))

    def _one(self, items) -> Any:
        items = list(items)
        return self.rng.choice(items) if items else None

    def _pos(self) -> tuple[float, float]:
        return (float(self.rng.randint(-40, 160) * 10), float(self.rng.randint(-40, 80) * 10))

    # ----- edits
    def add_node(self):
        g, op, pos = self.graph(), self._one(sorted(OPS)), self._pos()
        attrs = {"shape": [self.rng.randint(1, 4), self.rng.randint(1, 4)]} if op == "Parameter" else None
        return f"add {op} at {pos} attrs={attrs}", lambda: cmd.AddNodeCommand(g, op, pos, attrs)

    def add_block(self):
        g, sizes, pos = self.graph(), (self.rng.randint(1, 4), self.rng.randint(1, 4)), self._pos()
        return f"add block {sizes} at {pos}", lambda: cmd.AddBlockCommand(g, *sizes, pos)

    def delete_nodes(self):
        g, ids = self.graph(), self._nodes()
        return f"delete nodes {ids}", lambda: cmd.RemoveItemsCommand(g, ids)

    def delete_edges(self):
        g = self.graph()
        ids = self.rng.sample(list(g.edges), min(len(g.edges), self.rng.randint(1, 2)))
        return f"delete edges {ids}", lambda: cmd.RemoveItemsCommand(g, edge_ids=ids)

    def connect(self):
        g = self.graph()
        src, dst = self._one(g.nodes), self._one(g.nodes)
        ports = g.nodes[dst].op.port_names() if dst else []
        port = self._one(ports) if ports and self.rng.random() < 0.9 else "nope"
        return f"connect {src} → {dst}.{port}", lambda: cmd.ConnectCommand(g, src, dst, port)

    def disconnect(self):
        g, edge = self.graph(), self._one(self.graph().edges)
        return f"disconnect {edge}", lambda: cmd.DisconnectCommand(g, edge)

    def move(self):
        g = self.graph()
        ids = self.last_moved if self.last_moved and self.rng.random() < 0.4 else self._nodes(4)
        ids = [n for n in ids if n in g.nodes]
        self.last_moved = ids
        dx, dy = self.rng.randint(-20, 20) * 10.0, self.rng.randint(-20, 20) * 10.0
        moves = {n: (g.nodes[n].pos, (g.nodes[n].pos[0] + dx, g.nodes[n].pos[1] + dy)) for n in ids}
        return f"move {ids} by {(dx, dy)}", lambda: cmd.MoveNodesCommand(g, moves)

    def set_attr(self):
        g, node_id = self.graph(), self._one(self.graph().nodes)
        if node_id is None or not g.nodes[node_id].op.attr_specs:
            return self.layout()
        spec = self._one(g.nodes[node_id].op.attr_specs)
        value = self._one(spec.choices + ("bogus",)) if spec.kind == "choice" else self._one(ATTR_VALUES[spec.kind])
        return f"set {node_id}.{spec.name} = {value!r}", lambda: cmd.SetAttrCommand(g, node_id, spec.name, value)

    def rename(self):
        g, node_id, name = self.graph(), self._one(self.graph().nodes), self._one(NAMES)
        return f"rename {node_id} to {name!r}", lambda: cmd.RenameCommand(g, node_id, name)

    def set_value(self):
        g = self.graph()
        node_id = self._one(n.id for n in g.nodes.values() if n.value is not None)
        if node_id is None:
            return self.layout()
        shape = np.shape(g.nodes[node_id].value) if self.rng.random() < 0.8 else (7,)
        value = np.round(np.random.default_rng(self.rng.randint(0, 999)).normal(size=shape), 3)
        return f"set value of {node_id} (shape {shape})", lambda: cmd.SetValueCommand(g, node_id, value)

    def group(self):
        g, ids, title = self.graph(), self._nodes(4), self._one(TITLES)
        return f"group {ids} as {title!r}", lambda: cmd.GroupCommand(g, title, ids)

    def ungroup(self):
        g, region = self.graph(), self._one(self.graph().regions)
        return f"ungroup {region}", lambda: cmd.UngroupCommand(g, region)

    def expand(self):
        g, region = self.graph(), self._one(self.graph().regions)
        return f"expand {region}", lambda: cmd.ExpandBlockCommand(g, region)

    def collapse(self):
        g = self.graph()
        if self.rng.random() < 0.4:
            region = self._one(g.regions)
            return f"collapse {region}", lambda: cmd.CollapseBlockCommand(g, region)
        chains = linear_sigmoid_chains(g)
        ids = self._one(chains) if chains and self.rng.random() < 0.8 else self._nodes(5)
        return f"collapse nodes {ids}", lambda: cmd.CollapseBlockCommand(g, node_ids=ids)

    def paste(self):
        g, ids, offset = self.graph(), self._nodes(4), self._pos()
        make = lambda: cmd.PasteCommand(g, cmd.copy_selection(g, ids), offset)  # noqa: E731
        return f"paste a copy of {ids} shifted {offset}", make

    def layout(self):
        g = self.graph()
        return "auto layout", lambda: cmd.AutoLayoutCommand(g)


def linear_sigmoid_chains(graph: Graph) -> list[list[str]]:
    """Node ids of every MatMul W → Add b → Sigmoid chain, whether or not it is a block already."""
    chains = []
    for node in graph.nodes.values():
        if node.op_name != "Add":
            continue
        into = graph.incoming(node.id)
        after = [e.dst for e in graph.outgoing(node.id) if graph.nodes[e.dst].op_name == "Sigmoid"]
        if "a" not in into or "b" not in into or not after:
            continue
        matmul = graph.incoming(into["a"].src).get("W")
        if matmul is None:
            continue
        chains.append([matmul.src, into["b"].src, into["a"].src, node.id, after[0]])
    return chains


def difference(before: str, now: str) -> str:
    """The first part of two snapshots that differs, both ways round."""
    a, b = json.loads(before), json.loads(now)
    key = next((k for k in a if a[k] != b[k]), None)
    return f"{key}: was {a[key]!r:.400}, is {b[key]!r:.400}" if key else "nothing"


def broken_blocks(graph: Graph) -> list[str]:
    """Regions that say they are a block although their nodes do not form one (the model must never allow it)."""
    return [f"region {r.id} {r.node_ids}: {graph.block_problem(r.node_ids, r.block, r.id)}"
            for r in graph.regions.values() if r.block is not None and graph.block_problem(r.node_ids, r.block, r.id)]


def scene_problems(scene, graph: Graph) -> list[str]:
    """Where the scene is out of step with the model."""
    collapsed = {r for r in block_model.blocks(graph) if block_model.is_collapsed(graph, r)}
    checks = [("node items", set(scene.node_items), set(graph.nodes)),
              ("edge items", set(scene.edge_items), set(graph.edges)),
              ("region items", set(scene.region_items), set(graph.regions)),
              ("block items", set(scene.block_items), collapsed)]
    return [f"{what}: scene has {sorted(have)}, model {sorted(want)}" for what, have, want in checks if have != want]


class Failure(Exception):
    """The run went wrong; the message says how."""


class Canvas:
    """The canvas of the editor on one graph: scene, view and undo stack, and the last status message."""

    def __init__(self, graph: Graph):
        from PySide6.QtGui import QUndoStack

        from graphviz_app.canvas import GraphScene, GraphView

        self.graph, self.stack = graph, QUndoStack()
        self.scene = GraphScene(graph, self.stack)
        self.view = GraphView(self.scene)
        self.view.resize(1200, 800)
        self.view.show()
        self.status = ""
        self.scene.status_message.connect(self._on_status)

    def _on_status(self, text: str) -> None:
        self.status = text

    def clear_status(self) -> None:
        """Forget the last message."""
        self.status = ""

    def close(self) -> None:
        """Close the view."""
        self.view.close()


class DiscardPrompts:
    """The window's questions answered without a dialog: unsaved edits are discarded when the run closes it."""

    def ask_save_changes(self, name: str) -> str:
        return "discard"

    def ask_yes_no(self, title: str, question: str) -> bool:
        return False

    def error(self, title: str, text: str) -> None:
        print(f"    error dialog: {title}: {text}", flush=True)

    def info(self, title: str, text: str) -> None:
        print(f"    info dialog: {title}: {text}", flush=True)


class Window:
    """The same on a real MainWindow, with its features (explain, training) following the edits."""

    def __init__(self, graph: Graph, example: str, folder: str):
        from graphviz_app.main_window import MainWindow
        from graphviz_app.recovery import RecoveryStore

        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings=settings, recovery=RecoveryStore(os.path.join(folder, "recovery")),
                                 prompts=DiscardPrompts())
        self.window.set_graph(graph, None, example=example)
        self.window.resize(1400, 900)
        self.window.show()
        self.graph, self.stack, self.scene = graph, self.window.undo_stack, self.window.scene

    @property
    def status(self) -> str:
        """The status bar's message."""
        return self.window.statusBar().currentMessage()

    def clear_status(self) -> None:
        """Empty the status bar."""
        self.window.statusBar().clearMessage()

    def close(self) -> None:
        """Stop training and close the window."""
        self.window.training.session.close()
        self.window.close()


def run(example: str, seed: int, steps: int, in_window: bool = False) -> None:
    """Push `steps` random edits (with undos and redos) and check the model after each; Failure if not."""
    from graphviz_app.examples_dialog import list_examples

    app = QApplication.instance() or QApplication([])
    errors: list[str] = []
    previous_hook = sys.excepthook

    def hook(kind, exc, tb) -> None:  # errors escaping a slot (the window's own hook would show a dialog)
        errors.append(f"{kind.__name__}: {exc}")
        previous_hook(kind, exc, tb)
    sys.excepthook = hook
    graph = next(e for e in list_examples() if e.name == example).load()
    with tempfile.TemporaryDirectory() as folder:
        bench = Window(graph, example, folder) if in_window else Canvas(graph)
        stack, edits = bench.stack, RandomEdits(random.Random(seed), lambda: bench.graph)
        states = [snapshot(bench.graph)]
        for step in range(steps):
            what, make = edits.draw()
            print(f"step {step}: {what}", flush=True)
            if make is None:
                (stack.undo if what == "undo" else stack.redo)()
            elif _push(bench, make):
                states[stack.index():] = [snapshot(bench.graph)]  # a merged move replaces its state
            bench.scene.update_shapes_now()
            app.processEvents()
            _check(bench, states, errors)
        end, end_index = states[stack.index()], stack.index()
        while stack.canUndo():
            stack.undo()
        _expect(snapshot(bench.graph) == states[0], "after undoing everything the model differs from the start")
        while stack.index() < end_index:
            stack.redo()
        _expect(snapshot(bench.graph) == end, "after redoing everything the model differs from the end")
        _check(bench, states, errors)
        bench.close()


def _push(bench, make: Make) -> bool:
    stack, count, index = bench.stack, bench.stack.count(), bench.stack.index()
    before = snapshot(bench.graph)
    bench.clear_status()
    command = bench.scene.try_push(make)  # as the canvas does: a refusal becomes a status message
    if command is None:
        _expect((stack.count(), stack.index()) == (count, index), "a refused edit left an entry on the stack")
        _expect(snapshot(bench.graph) == before, "a refused edit changed the model")
        _expect(bool(bench.status), "a refused edit did not say why")
        print(f"    refused: {bench.status}", flush=True)
    return command is not None


def _check(bench, states: list[str], errors: list[str]) -> None:
    _expect(not errors, f"an exception reached sys.excepthook: {errors}")
    now, before = snapshot(bench.graph), states[bench.stack.index()]
    _expect(now == before, f"at undo index {bench.stack.index()} the model differs from when it was there "
                           f"before: {difference(before, now)}")
    problems = scene_problems(bench.scene, bench.graph)
    _expect(not problems, f"the scene is out of step with the model: {problems}")
    broken = broken_blocks(bench.graph)
    _expect(not broken, f"a block is not a whole chain: {broken}")


def _expect(ok: bool, message: str) -> None:
    if not ok:
        raise Failure(message)


def main(argv: list[str]) -> int:
    """python -m tests.gui.undo_fuzz EXAMPLE SEED STEPS [--window]"""
    faulthandler.enable()
    example, seed, steps = argv[0], int(argv[1]), int(argv[2])
    print(f"example {example}, seed {seed}, {steps} steps", flush=True)
    try:
        run(example, seed, steps, in_window="--window" in argv)
    except Failure as exc:
        print(f"FAILED (example {example}, seed {seed}): {exc}", flush=True)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
