"""A seeded monkey for the main window: random menu actions, keys, clicks, drags and dock buttons.

It fails on what a new user would call a bug: an exception reaching the window's error handler, an error
dialog carrying raw exception text, or a scene whose items are out of step with the graph model.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication

from engine.examples import EXAMPLES, example_path
from engine.registry import OPS

RAW_ERROR = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|\[Errno|numpy|ndarray|\.tmp\b")
NEVER = {"quit"}  # closing the window ends the run, it is not a defect
KEYS = [Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Escape, Qt.Key.Key_P, Qt.Key.Key_O,
        Qt.Key.Key_Delete, Qt.Key.Key_F5, Qt.Key.Key_Plus, Qt.Key.Key_Minus]


class MonkeyPrompts:
    """Answers every question the window asks, at random, and keeps every error shown."""

    def __init__(self, rng: random.Random, folder: Path):
        self.rng, self.folder = rng, folder
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []

    def ask_save_changes(self, name):
        return self.rng.choice(["discard", "discard", "cancel"])

    def ask_restore(self, description):
        return False

    def ask_yes_no(self, title, question):
        return self.rng.random() < 0.5

    def error(self, title, text):
        self.errors.append((title, text))

    def info(self, title, text):
        self.infos.append((title, text))

    def open_path(self, folder):
        """A copy of an example: File ▸ Save after Open writes the opened file, which must not be the shipped one."""
        if self.rng.random() >= 0.8:
            return None
        name = self.rng.choice(EXAMPLES)
        copy = self.folder / f"opened_{name}.json"
        shutil.copyfile(example_path(name), copy)
        return str(copy)

    def save_path(self, suggested):
        return str(self.folder / f"saved{self.rng.randrange(3)}.json")

    def export_path(self, title, suggested, file_filter):
        suffix = file_filter.split("*")[1].split()[0].rstrip(")") if "*" in file_filter else ".out"
        return str(self.folder / f"export{suffix}")

    def region(self):
        return ("encoder f(x)", "#4c78a8") if self.rng.random() < 0.8 else None

    def example(self, current=None):
        from graphviz_app.examples_dialog import list_examples

        return self.rng.choice(list_examples()) if self.rng.random() < 0.8 else None


class Monkey:
    """Plays `steps` random user actions on a window; `log` says what was done, for the failure message."""

    def __init__(self, window, qtbot, rng: random.Random, prompts: MonkeyPrompts):
        self.w, self.qtbot, self.rng, self.prompts = window, qtbot, rng, prompts
        self.log: list[str] = []
        self.crashes: list[str] = []
        window.handle_exception = self._crashed
        self.moves = [(self.trigger_action, 5), (self.press_key, 4), (self.click_node, 3), (self.click_edge, 2),
                      (self.click_empty, 2), (self.drag_node, 1), (self.wire, 2), (self.add_op, 1),
                      (self.press_button, 3)]

    def _crashed(self, exc_type, exc, tb) -> None:
        import traceback

        self.crashes.append("".join(traceback.format_exception(exc_type, exc, tb)))

    # ----- the moves
    def trigger_action(self) -> None:
        actions = [(k, a) for k, a in self.w.actions.items() if a.isEnabled() and k not in NEVER]
        key, action = self.rng.choice(actions)
        self.log.append(f"action {key}")
        action.trigger()

    def press_key(self) -> None:
        key = self.rng.choice(KEYS)
        modifier = Qt.KeyboardModifier.ControlModifier if self.rng.random() < 0.15 else Qt.KeyboardModifier.NoModifier
        self.log.append(f"key {key.name} {modifier.name}")
        QTest.keyClick(self.w.view.viewport(), key, modifier)

    def _click_scene(self, point: QPointF, what: str, double: bool = False) -> None:
        view = self.w.view
        pos = view.mapFromScene(point)
        if not view.viewport().rect().contains(pos):
            view.centerOn(point)
            pos = view.mapFromScene(point)
        self.log.append(f"{'double-' if double else ''}click {what} at {pos.x()},{pos.y()}")
        if double:
            QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        else:
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)

    def click_node(self) -> None:
        items = list(self.w.scene.node_items.items())
        if items:
            node_id, item = self.rng.choice(items)
            self._click_scene(item.sceneBoundingRect().center(), f"node {node_id}", self.rng.random() < 0.1)

    def click_edge(self) -> None:
        items = list(self.w.scene.edge_items.items())
        if items:
            edge_id, item = self.rng.choice(items)
            self._click_scene(item.mapToScene(item.path().pointAtPercent(0.5)), f"edge {edge_id}")

    def click_empty(self) -> None:
        rect = self.w.view.viewport().rect()
        pos = QPoint(self.rng.randrange(rect.width()), self.rng.randrange(rect.height()))
        self.log.append(f"click canvas at {pos.x()},{pos.y()}")
        QTest.mouseClick(self.w.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)

    def _drag(self, start: QPointF, end: QPointF, what: str) -> None:
        view = self.w.view
        view.centerOn(start)
        a, b = view.mapFromScene(start), view.mapFromScene(end)
        self.log.append(f"drag {what} {a.x()},{a.y()} → {b.x()},{b.y()}")
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        QTest.mouseMove(view.viewport(), (a + b) / 2)
        QTest.mouseMove(view.viewport(), b)
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)

    def drag_node(self) -> None:
        items = list(self.w.scene.node_items.items())
        if items:
            node_id, item = self.rng.choice(items)
            start = item.sceneBoundingRect().center()
            self._drag(start, start + QPointF(self.rng.uniform(-150, 150), self.rng.uniform(-100, 100)),
                       f"node {node_id}")

    def wire(self) -> None:
        items = list(self.w.scene.node_items.values())
        sources = [i for i in items if i.output is not None]
        targets = [(i, p) for i in items for p in i.inputs.values()]
        if sources and targets:
            src = self.rng.choice(sources)
            dst, port = self.rng.choice(targets)
            self._drag(src.output.scenePos(), port.scenePos(), f"wire {src.node_id} → {dst.node_id}.{port.name}")

    def add_op(self) -> None:
        name = self.rng.choice(sorted(OPS))
        self.log.append(f"add op {name}")
        self.w.edit.add_op(name)

    def press_button(self) -> None:
        docks = [self.w.explain.timeline, self.w.training.controls]
        buttons = [b for d in docks for b in d.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
        if buttons:
            button = self.rng.choice(buttons)
            self.log.append(f"button {button.text() or button.toolTip()!r}")
            button.click()

    # ----- running and checking
    def play(self, steps: int) -> None:
        moves, weights = zip(*self.moves)
        for _ in range(steps):
            self.rng.choices(moves, weights)[0]()
            QApplication.processEvents()
            self.qtbot.wait(self.rng.choice([0, 0, 5, 30]))
            self.check()

    def problems(self) -> list[str]:
        """What is wrong right now, in words."""
        found = list(self.crashes)
        found += [f"error dialog with raw text: {t}: {x}" for t, x in self.prompts.errors if RAW_ERROR.search(x)]
        scene, graph = self.w.scene, self.w.graph
        if scene.graph is not graph:
            found.append("the scene shows another graph than the window's")
        if set(scene.node_items) != set(graph.nodes):
            found.append(f"node items {sorted(set(scene.node_items) ^ set(graph.nodes))} out of step with the model")
        if set(scene.edge_items) != set(graph.edges):
            found.append(f"edge items {sorted(set(scene.edge_items) ^ set(graph.edges))} out of step with the model")
        return found

    def check(self) -> None:
        found = self.problems()
        if found:
            steps = "\n".join(f"  {i}: {s}" for i, s in enumerate(self.log))
            raise AssertionError("\n".join(found) + f"\nafter these actions:\n{steps}")
