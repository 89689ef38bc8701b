"""A lesson: the graph as the page draws it, and per example its trace told step by step (no Qt)."""
from __future__ import annotations

from typing import Any, Callable

from ..errors import EngineError
from ..executor import explain
from ..graph import Graph
from ..replay.samples import Sample

from .examples import Examples, LessonError
from .frames import Frames, narrator_for, steps_data
from .jacobians import edge_details
from .layout import page_layout
from .table import Table

FORMAT, VERSION = "cge-lesson", 1
Progress = Callable[[int, int], None]  # (examples done, examples in all)


def build_lesson(graph: Graph, examples: Examples, fallback_title: str = "",
                 progress: Progress | None = None) -> dict[str, Any]:
    """Everything the player shows, as plain JSON-ready data: layout, tables and one entry per example."""
    layout = page_layout(graph)
    table = Table()
    node_ids = [n["id"] for n in layout["nodes"]]
    edge_ids = [e["id"] for e in layout["edges"]]
    lesson: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "title": str(graph.meta.get("title") or fallback_title or "Computation graph"),
        "description": str(graph.meta.get("description") or ""), **layout, "examples": []}
    total = len(examples.samples)
    for number, sample in enumerate(examples.samples, start=1):
        lesson["examples"].append(_example(graph, sample, examples, table, node_ids, edge_ids, number))
        if progress is not None:
            progress(number, total)
    lesson.update(table.to_json())
    return lesson


def _example(graph: Graph, sample: Sample, examples: Examples, table: Table, node_ids: list[str],
             edge_ids: list[str], number: int) -> dict[str, Any]:
    try:
        trace = explain(graph, sample.feeds)
    except (EngineError, ValueError) as exc:
        raise LessonError(f"example {number} ({sample.description or 'the file sample'}) cannot be "
                          f"explained: {exc}") from None
    narrator = narrator_for(graph, trace, sample.text, examples.vocab_words, examples.class_names)
    frames = Frames(graph, trace, narrator, table, node_ids, edge_ids)
    data = {"name": sample.description or f"example {number}", **steps_data(frames)}
    data["details"] = edge_details(trace, narrator.labeller, table)
    return data
