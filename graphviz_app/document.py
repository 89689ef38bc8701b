"""The open document: its file path, its unsaved-changes state, and reading/writing graph files."""
from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.errors import EngineError
from engine.graph import Graph

DIRTY_MARK = "•"
GRAPH_FILTER = "Graph files (*.json)"
OPEN_FILTER = "Graphs (*.json *.onnx);;Graph files (*.json);;ONNX models (*.onnx);;All files (*)"


class Document(QObject):
    """Path plus dirty flag; the undo stack's clean state decides what counts as saved."""

    changed = Signal()  # the path or the dirty state changed: update the title

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.path: str | None = None
        self.example: str | None = None  # opened from the example library: Save asks for a new file
        self._extra_dirty = False  # changes made outside the undo stack (training, restored work)
        undo_stack.cleanChanged.connect(lambda _clean: self.changed.emit())

    @property
    def dirty(self) -> bool:
        """True when there are changes that are not in the file."""
        return self._extra_dirty or not self.undo_stack.isClean()

    def mark_dirty(self) -> None:
        """Record a change that did not go through the undo stack (e.g. trained weights)."""
        if not self._extra_dirty:
            self._extra_dirty = True
            self.changed.emit()

    def mark_saved(self, path: str) -> None:
        """The graph is now in `path`."""
        self.path = str(path)
        self._extra_dirty = False
        self.undo_stack.setClean()
        self.changed.emit()

    def reset(self, path: str | None, dirty: bool = False, example: str | None = None) -> None:
        """A new graph replaced the old one: forget the undo history."""
        self.undo_stack.clear()
        self.path = str(path) if path else None
        self.example = example
        self._extra_dirty = dirty
        self.undo_stack.setClean()
        self.changed.emit()

    @property
    def display_name(self) -> str:
        """The file name, the example's name, or "Untitled"."""
        if self.path:
            return Path(self.path).name
        return f"{self.example} (example)" if self.example else "Untitled"

    def window_title(self, app_name: str) -> str:
        """E.g. "• headline_classifier.json — Computation Graph Explorer"."""
        mark = f"{DIRTY_MARK} " if self.dirty else ""
        return f"{mark}{self.display_name} — {app_name}"


def serialization():
    """The engine's serialization module (imported late so the window starts fast)."""
    return importlib.import_module("engine.serialization")


def load_graph_file(path: str, notes: list[str] | None = None) -> Graph:
    """Read a graph from .json (the app's format) or .onnx (the engine dispatches on the suffix).

    `notes` receives a line for anything left out so the file could open (e.g. a bad sample value)."""
    return serialization().load_graph(path, notes)


def save_graph_file(graph: Graph, path: str, view_state: dict | None = None) -> None:
    """Write the graph as JSON; the view (zoom and centre) goes into meta["view"]."""
    if view_state is not None:
        graph.meta["view"] = {"zoom": float(view_state["zoom"]),
                              "center": [float(c) for c in view_state["center"]]}
    serialization().save_graph(graph, path)


def graph_to_dict(graph: Graph) -> dict:
    """The JSON-ready form of a graph (recovery files, comparisons)."""
    return serialization().graph_to_dict(graph)


def graph_from_dict(data: dict) -> Graph:
    """A graph from its JSON-ready form."""
    return serialization().graph_from_dict(data)


def load_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "this file cannot be opened" (shown in a dialog, never a crash)."""
    return (EngineError, OSError, ValueError)
