"""A lesson: the graph as the page draws it, and per example its trace told step by step (no Qt)."""
from __future__ import annotations

from typing import Any, Callable

from ..errors import EngineError
from ..executor import explain
from ..graph import Graph
from ..replay.samples import Sample
from ..trace import Trace

from .examples import Examples, LessonError
from .frames import Frames, narrator_for, steps_data
from .jacobians import edge_details
from .labels import LabelPlacer
from .layout import page_layout
from .table import Table

FORMAT, VERSION = "cge-lesson", 1
Progress = Callable[[int, int], None]  # (work done, work in all): steps described, twice per trace step


def build_lesson(graph: Graph, examples: Examples, fallback_title: str = "",
                 progress: Progress | None = None) -> dict[str, Any]:
    """Everything the player shows, as plain JSON-ready data: layout, tables and one entry per example."""
    layout = page_layout(graph)
    placer = LabelPlacer(layout)
    table = Table()
    node_ids = [n["id"] for n in layout["nodes"]]
    edge_ids = [e["id"] for e in layout["edges"]]
    traces = [_trace(graph, sample, number) for number, sample in enumerate(examples.samples, start=1)]
    tick = _counter(2 * sum(len(t) for t in traces), progress)
    lesson: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "title": str(graph.meta.get("title") or fallback_title or "Computation graph"),
        "description": str(graph.meta.get("description") or ""), **layout, "bounds": placer.bounds,
        "examples": []}
    for number, (sample, trace) in enumerate(zip(examples.samples, traces), start=1):
        narrator = narrator_for(graph, trace, sample.text, examples.vocab_words, examples.class_names)
        frames = Frames(graph, trace, narrator, table, node_ids, edge_ids, placer)
        data = {"name": sample.description or f"example {number}", **steps_data(frames, tick)}
        data["details"] = edge_details(trace, narrator.labeller, table, tick)
        lesson["examples"].append(data)
    lesson.update(table.to_json())
    return lesson


def _trace(graph: Graph, sample: Sample, number: int) -> Trace:
    try:
        return explain(graph, sample.feeds)
    except (EngineError, ValueError) as exc:
        raise LessonError(f"example {number} ({sample.description or 'the file sample'}) cannot be "
                          f"explained: {exc}") from None


def _counter(total: int, progress: Progress | None) -> Callable[[], None]:
    """A function to call once per unit of work; it tells `progress` how far the lesson is."""
    done = 0

    def tick() -> None:
        """One more unit done."""
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    return tick
