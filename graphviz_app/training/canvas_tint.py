"""On the canvas while training: edges out of each parameter tinted by its weights, node values for one example.

A matrix has no single sign, so the tint is honest about it: the colour says how one-sided the weights are
(mean / RMS: red for mostly positive, blue for mostly negative, grey for mixed) and the width how large they
are (RMS, relative to the largest parameter)."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QColor

from engine.op_facts import Role

from .model import ModelView

if TYPE_CHECKING:  # the scene's module imports nothing of training
    from ..canvas.scene import GraphScene

# Re-laying out a node with a new value costs 1-3 ms (and its regions are refitted around it): a text CNN's nine
# nodes at once held the window for 20 ms, so the values are painted a few nodes per turn of the event loop.
PAINT_SECONDS = 0.004
POSITIVE, NEGATIVE, MIXED = QColor("#c53030"), QColor("#3163b2"), QColor("#a0aec0")
MIN_WIDTH, MAX_WIDTH = 1.5, 7.0


def weight_tint(value: np.ndarray, largest_rms: float) -> tuple[str, float]:
    """(colour, width) for the edges out of a parameter with this value."""
    arr = np.asarray(value, dtype=float)
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        return MIXED.name(), MIN_WIDTH
    rms = float(np.sqrt(np.mean(finite ** 2)))
    sidedness = float(np.mean(finite) / rms) if rms > 0 else 0.0  # in [-1, 1]
    target = POSITIVE if sidedness >= 0 else NEGATIVE
    share = min(1.0, abs(sidedness))
    color = QColor.fromRgbF(*(MIXED.getRgbF()[k] + (target.getRgbF()[k] - MIXED.getRgbF()[k]) * share
                              for k in range(3)))
    width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (rms / largest_rms if largest_rms > 0 else 0.0)
    return color.name(), width


class CanvasTint:
    """Paints weights and example values on a GraphScene through its display API, and takes them back."""

    def __init__(self, scene: GraphScene):
        self.scene = scene
        self.tinted_edges: set[str] = set()
        self.valued_nodes: set[str] = set()
        self._queue: list[tuple[str, np.ndarray, list[str] | None]] = []  # (node id, value, class names) to paint

    def show_weights(self, graph, values: dict[str, np.ndarray]) -> None:
        """Tint the edges leaving each parameter (values by node id)."""
        sizes = [float(np.sqrt(np.mean(np.square(v[np.isfinite(v)])))) for v in values.values() if np.size(v)]
        largest = max(sizes, default=0.0)
        for node_id, value in values.items():
            if node_id not in graph.nodes:
                continue
            color, width = weight_tint(value, largest)
            for edge in graph.outgoing(node_id):
                item = self.scene.edge_items.get(edge.id)
                if item is not None:
                    item.set_style(color, width)
                    self.tinted_edges.add(edge.id)

    def show_example(self, model: ModelView, x: np.ndarray) -> None:
        """Each computed node shows its value for one example (the output as class probabilities), all at once."""
        self.queue_example(model, x)
        while not self.paint_some(float("inf")):
            pass

    def queue_example(self, model: ModelView, x: np.ndarray) -> None:
        """Compute every node's value for one example now; paint_some() puts them on the nodes (the latest
        example replaces one still being painted)."""
        values = model.values_for(x)
        output = model.bindings.output
        self._queue = []
        for node_id, value in values.items():
            node = model.graph.nodes[node_id]
            if node.op.role.stored or node.op.role is Role.LABEL:
                continue
            one = np.asarray(value)[0] if np.ndim(value) > 0 and np.shape(value)[0] == 1 else np.asarray(value)
            names = list(model.data.class_names) if node_id == output and one.ndim == 1 else None
            self._queue.append((node_id, one, names))

    @property
    def painting(self) -> bool:
        """True while queued node values wait to be painted."""
        return bool(self._queue)

    def paint_some(self, seconds: float = PAINT_SECONDS) -> bool:
        """Paint queued node values for about `seconds` (at least one node); True when none are left."""
        started = time.perf_counter()
        while self._queue:
            node_id, one, names = self._queue.pop(0)
            item = self.scene.node_items.get(node_id)
            if item is None:
                continue
            if names is not None:
                if item.display.class_names != names:
                    item.set_class_names(names)
                item.set_value(one, kind="probs")
            else:
                item.set_value(one)
            self.valued_nodes.add(node_id)
            if time.perf_counter() - started >= seconds:
                break
        return not self._queue

    def forget(self) -> None:
        """Someone else repaints every item (explain mode): forget what was tinted without touching it."""
        self.tinted_edges.clear()
        self.valued_nodes.clear()
        self._queue = []

    def clear(self) -> None:
        """Back to the theme's look."""
        for edge_id in self.tinted_edges:
            item = self.scene.edge_items.get(edge_id)
            if item is not None:
                item.set_style(None, None)
        for node_id in self.valued_nodes:
            item = self.scene.node_items.get(node_id)
            if item is not None:
                item.set_value(None)
        self.tinted_edges.clear()
        self.valued_nodes.clear()
        self._queue = []
