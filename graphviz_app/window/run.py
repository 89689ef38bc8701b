"""Run ▸ Forward: feed the graph its sample input and compute every value it allows."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.errors import EngineError, ExecutionError
from engine.executor import forward
from engine.graph import Graph
from engine.op_facts import Role

from .contract import Workbench


SAMPLE_SEED = 0


@dataclass
class SampleFeeds:
    """What Run ▸ Forward feeds, with notes for the status bar and the output's class names."""

    feeds: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    class_names: tuple[str, ...] | None = None


@dataclass
class ForwardResult:
    """Every computed value, and the node whose output is a class distribution (if any)."""

    values: dict[str, np.ndarray]
    output_id: str | None
    class_names: tuple[str, ...] | None
    notes: list[str]


def _prepared(graph: Graph):
    from engine.data import prepare

    return prepare(graph.meta["dataset"])


def _fit_batch(graph: Graph, name: str, arr: np.ndarray) -> np.ndarray:
    """Drop the batch axis of one example when the Input node takes a single example."""
    node = graph.find(name)
    return arr[0] if not node.attrs.get("batched", True) and arr.ndim and arr.shape[0] == 1 else arr


def sample_feeds(graph: Graph) -> SampleFeeds:
    """Feeds from meta: "sample", with "sample_text" (encoded) for the input, or one test example."""
    meta, out = graph.meta, SampleFeeds()
    bindings = meta.get("bindings") or {}
    inputs, labels = bindings.get("inputs"), bindings.get("labels")
    for key, value in (meta.get("sample") or {}).items():
        out.feeds[key] = np.asarray(value)
    if meta.get("dataset") and inputs:
        data = _prepared(graph)
        out.class_names = tuple(data.class_names)
        if meta.get("sample_text") and data.kind == "text":
            out.feeds[inputs] = _fit_batch(graph, inputs, data.encode_text(meta["sample_text"]))
            out.notes.append(f"“{meta['sample_text']}”")
        elif inputs not in out.feeds:
            out.feeds[inputs] = _fit_batch(graph, inputs, data.x_test[:1])
            if labels:
                out.feeds[labels] = _fit_batch(graph, labels, data.y_test[:1])
            out.notes.append("the first test example")
    if meta.get("sample") and not out.notes:
        out.notes.append("the sample input")
    _fill_unfed_inputs(graph, out)
    return out


def _fill_unfed_inputs(graph: Graph, out: SampleFeeds) -> None:
    """Inputs with no sample get seeded random numbers, so a new graph can be run at once."""
    fed = {graph.find(k).id for k in out.feeds}
    rng = np.random.default_rng(SAMPLE_SEED)
    for node in graph.nodes.values():
        if node.op.role is not Role.INPUT or node.id in fed:
            continue
        if node.attrs["dtype"] == "int":
            raise ExecutionError(f"Input '{node.name}' takes token ids: put a sample into the graph's "
                                 "meta (\"sample\" or \"sample_text\")", node.id)
        shape = tuple(1 if n is None else n for n in node.op.infer([], []))
        out.feeds[node.name if _unique_name(graph, node.name) else node.id] = rng.normal(size=shape)
        out.notes.append(f"random {node.name}")


def _unique_name(graph: Graph, name: str) -> bool:
    return sum(n.name == name for n in graph.nodes.values()) == 1


def output_node(graph: Graph) -> str | None:
    """The node named by meta["bindings"]["output"], if it exists."""
    name = (graph.meta.get("bindings") or {}).get("output")
    if not name:
        return None
    try:
        return graph.find(name).id
    except EngineError:
        return None


def run_forward(graph: Graph) -> ForwardResult:
    """Forward pass on the sample feeds; EngineError (naming the node) if anything fails."""
    sample = sample_feeds(graph)
    values = forward(graph, sample.feeds)
    return ForwardResult(values, output_node(graph), sample.class_names, sample.notes)


def summary(graph: Graph, result: ForwardResult) -> str:
    """One status-bar line: the prediction or the loss."""
    parts = [f"Forward on {', '.join(result.notes)}" if result.notes else "Forward"]
    out = result.output_id
    if out in result.values and result.class_names:
        probs = np.asarray(result.values[out]).reshape(-1)
        if probs.size == len(result.class_names):
            k = int(np.argmax(probs))
            parts.append(f"prediction {result.class_names[k]} ({probs[k]:.2f})")
    losses = [n for n in graph.nodes.values() if n.op.role is Role.LOSS and n.id in result.values]
    for node in losses:
        parts.append(f"{node.name} = {float(np.mean(result.values[node.id])):.4g}")
    parts.append(f"{len(result.values)} of {len(graph.nodes)} nodes computed")
    return " · ".join(parts)


class ForwardController:
    """Run ▸ Forward in the window: values go onto the nodes and into the inspector."""

    def __init__(self, window: Workbench):
        self.w = window

    def run(self) -> bool:
        """Forward pass on the sample feeds; a failure names the node in the status bar and a dialog."""
        w = self.w
        w.scene.clear_overlays()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = run_forward(w.graph)
        except EngineError as exc:
            QApplication.restoreOverrideCursor()
            self._show_failure(exc)
            return False
        QApplication.restoreOverrideCursor()
        for node_id, item in w.scene.node_items.items():
            value = result.values.get(node_id)
            if node_id == result.output_id and result.class_names:
                item.set_class_names(list(result.class_names))
                item.set_value(value, kind="probs")
            else:
                item.set_value(value)
            if value is not None:
                w.inspector.show_arrays(node_id, value, None)
        w.show_status(summary(w.graph, result), 15000)
        return True

    def _show_failure(self, exc: EngineError) -> None:
        node_id = getattr(exc, "node_id", None)
        item = self.w.scene.node_items.get(node_id) if node_id else None
        if item is not None:
            item.set_state("error")
        self.w.show_status(f"Forward failed: {exc}", 10000)
        self.w.prompts.error("Forward failed", str(exc))
