"""What the window offers its parts and its features (explain mode, training): one typed seam.

The window's own controllers (files, edit, run, view) and the features receive a `Workbench`, never the
`MainWindow` class, so none of them imports the window and the window imports all of them statically.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings, Qt, SignalInstance
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from engine.graph import Graph
from engine.trace import Trace

if TYPE_CHECKING:  # the classes below import Qt widgets that import nothing of the window
    from ..canvas.scene import GraphScene
    from ..canvas.view import GraphView
    from ..document import Document
    from ..inspector import InspectorWidget
    from .prompts import Prompts


class Workbench(Protocol):
    """The graph being edited, the window's furniture, and the few things a feature may ask of the window."""

    graph: Graph  # replaced on New/Open: listen to graph_replaced
    scene: GraphScene
    view: GraphView
    undo_stack: QUndoStack
    document: Document
    settings: QSettings
    prompts: Prompts
    inspector: InspectorWidget
    inspector_dock: QDockWidget
    menus: dict[str, QMenu]  # "file", "edit", "view", "run", "train", "help"
    toolbar: QToolBar
    actions: dict[str, QAction]  # every action with a shortcut, by key (the shortcuts dialog lists them)
    theme_name: str  # "light", "dark" or "projector"
    graph_replaced: SignalInstance  # (graph) after New, Open, Open Example, recovery
    theme_changed: SignalInstance  # (name) after set_theme

    @property
    def host(self) -> QMainWindow:
        """The top-level window itself, for what only it can do (full screen, menu bar, dock layout)."""

    def add_dock(self, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 scroll: bool = True) -> QDockWidget:
        """A dock listed under View ▸ Panels; its place is remembered."""

    def add_actions(self, prefix: str, actions: dict[str, QAction]) -> None:
        """Register a feature's actions: their shortcuts work with the menu bar hidden, and Help lists them."""

    def show_status(self, text: str, ms: int = 4000) -> None:
        """A message in the status bar."""

    def set_graph(self, graph: Graph, path: str | None, dirty: bool = False, example: str | None = None) -> None:
        """Show another graph (the undo history starts afresh)."""

    def set_theme(self, name: str) -> None:
        """Switch the canvas theme."""

    def maybe_save(self) -> bool:
        """True when the current graph may be replaced (saved, discarded, or nothing unsaved)."""

    def settle(self) -> bool:
        """Bring work running in the background into the graph (a training run pauses) before it is saved;
        True if a run was going on."""

    def show_trace(self, trace: Trace) -> None:
        """Replay a trace in explain mode, at its last step."""

    def shown_trace(self) -> tuple[Trace | None, int | None]:
        """The explain trace and the step on screen, (None, None) when nothing is being explained."""
