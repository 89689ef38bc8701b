"""For the real-window test: where things are on the screen, written to $CGE_TEST_GEOMETRY as JSON.

The Xvfb test drives the app with xdotool, which needs global screen coordinates of palette rows,
nodes and ports; this reporter rewrites the file whenever they change (checked twice a second).
"""
from __future__ import annotations

import json
import os

from PySide6.QtCore import QObject, QPoint, QTimer

from ..palette import PaletteWidget
from .contract import Workbench


INTERVAL_MS = 500


def _xy(point: QPoint) -> list[int]:
    return [point.x(), point.y()]


class GeometryReporter(QObject):
    """Writes palette, node and port positions (global screen pixels) to a JSON file."""

    def __init__(self, window: Workbench, palette: PaletteWidget, path: str):
        super().__init__(window.host)
        self.w, self.palette, self.path, self._last = window, palette, path, ""
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.write)
        self.timer.start()

    def snapshot(self) -> dict:
        """Everything the test needs, in global coordinates."""
        w = self.w
        tree = self.palette.tree
        palette = {}
        for name, item in self.palette.op_items.items():
            rect = tree.visualItemRect(item)
            if tree.viewport().rect().contains(rect.center()) and not item.isHidden():
                palette[name] = _xy(tree.viewport().mapToGlobal(rect.center()))
        viewport = w.view.viewport()
        top_left = viewport.mapToGlobal(QPoint(0, 0))
        nodes = {}
        for node_id, item in w.scene.node_items.items():
            node = w.graph.nodes.get(node_id)
            if node is None:
                continue
            ports = {p.name: self._global(p.scenePos()) for p in item.inputs.values()}
            nodes[node_id] = {"name": node.name, "op": node.op_name,
                              "center": self._global(item.sceneBoundingRect().center()),
                              "inputs": ports, "output": self._global(item.output.scenePos())}
        return {"pid": os.getpid(), "title": w.host.windowTitle(), "active_modal": _modal_title(),
                "canvas": [top_left.x(), top_left.y(), viewport.width(), viewport.height()],
                "palette": palette, "nodes": nodes, "edges": len(w.graph.edges)}

    def _global(self, scene_point) -> list[int]:
        view = self.w.view
        return _xy(view.viewport().mapToGlobal(view.mapFromScene(scene_point)))

    def write(self) -> None:
        """Rewrite the file if anything moved (atomically, so the test never reads half a file)."""
        text = json.dumps(self.snapshot(), sort_keys=True)
        if text == self._last:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, self.path)
        self._last = text


def _modal_title() -> str | None:
    from PySide6.QtWidgets import QApplication

    modal = QApplication.activeModalWidget()
    return modal.windowTitle() if modal is not None else None
