"""meta.sample against the graph: an entry the graph cannot run on is left out when the file is opened, with
a note saying which and why, so the file still opens (the GUI and `main.py check` share this rule)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import EngineError
from ..executor import resolve_feeds
from ..graph import Graph, Node
from ..names import shown
from ..op_facts import Role


def with_batch_axis(node: Node, value: Any) -> Any:
    """One example fed to a batched Input or Label gets a batch axis of one (as Explain feeds it)."""
    arr = np.asarray(value)
    rank = 0 if node.op.role is Role.LABEL else len(node.attrs.get("shape", ()))
    return arr[None, ...] if node.attrs.get("batched", False) and arr.ndim == rank else value


def sample_problem(graph: Graph, key: str, value: Any) -> str | None:
    """Why the graph cannot run on this meta.sample entry, in words, or None when it can."""
    try:
        node = graph.find(key)
    except EngineError as exc:
        return str(exc)
    if not node.op.role.fed:
        return f"'{node.name}' is a {node.op_name}; a sample feeds only Input and Label nodes"
    try:
        np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        return "the lists have rows of different lengths"
    try:
        resolve_feeds(graph, {node.id: with_batch_axis(node, value)})
    except EngineError as exc:
        return str(exc)
    except OverflowError:
        return "a number is too large"
    return None


def clean_sample(graph: Graph, sample: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sample without the entries the graph cannot run on, and one note per entry left out."""
    kept, notes = {}, []
    for key, value in sample.items():
        problem = sample_problem(graph, key, value)
        if problem is None:
            kept[key] = value
        else:
            notes.append(f"meta.sample.{shown(key)[1:-1]}: {problem}; the file opened without this sample value")
    return kept, notes


def sample_feeds(graph: Graph, sample: dict[str, Any]) -> dict[str, Any]:
    """The sample as feeds for engine.explain: one example of a batched node gets its batch axis."""
    return {key: with_batch_axis(graph.find(key), value) for key, value in sample.items()}
