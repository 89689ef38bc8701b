"""The main window: canvas in the middle, palette left, inspector right, menus, status bar, autosave.

It builds its features (explain mode, training) itself and hands them a `Workbench`
(graphviz_app/window/contract.py): the typed list of what a feature may use of the window.
"""
from __future__ import annotations

import re
import traceback

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QUndoStack
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMessageBox, QScrollArea, QUndoView, QWidget

from engine.errors import EngineError
from engine.graph import Graph
from engine.trace import Trace

from . import settings as prefs
from .canvas.scene import GraphScene
from .canvas.view import GraphView
from .document import Document, graph_from_dict, graph_to_dict
from .explain import ExplainMode
from .inspector import InspectorWidget
from .palette import ICON_DIR, PaletteWidget
from .practice import PracticeMode
from .recovery import Autosaver, RecoveryStore
from .theme import get_theme
from .training import TrainingExtension
from .window import actions as acts
from .window.edit_ops import EditController
from .window.files import FileController
from .window.menus import build_menus, build_toolbar
from .window.prompts import Prompts
from .window.run import ForwardController
from .window.shortcuts_dialog import shortcut_groups
from .window.tab_bars import TabBarSweeper
from .window.view_controls import ViewControls, apply_widget_palette

APP_NAME = prefs.APPLICATION
BOTTOM_SHARE = 0.25  # Explain's controls fit; the dashboard asks for more when training starts
DOCK_TITLE_HEIGHT = 30


def _wanted_height(dock: QDockWidget) -> int:
    """Height a dock's content asks for (through a scroll area, its inner widget's), plus the title bar."""
    widget = dock.widget()
    while isinstance(widget, QScrollArea) and widget.widget() is not None:
        widget = widget.widget()
    return widget.sizeHint().height() + DOCK_TITLE_HEIGHT


class MainWindow(QMainWindow):
    """One window editing one graph; every edit goes through `undo_stack`. It is a `Workbench`."""

    graph_replaced = Signal(object)
    theme_changed = Signal(str)  # the new theme's name, after set_theme

    def __init__(self, graph: Graph | None = None, settings: QSettings | None = None,
                 recovery: RecoveryStore | None = None, prompts: Prompts | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowIcon(QIcon(str(ICON_DIR / "app.svg")))
        self.settings = settings if settings is not None else prefs.open_settings()
        self.prompts = prompts or Prompts(self)
        self.graph = graph if graph is not None else Graph()
        self.theme_name = str(self.settings.value("theme", "light"))
        if self.theme_name not in ("light", "dark"):
            self.theme_name = "light"
        self.undo_stack = QUndoStack(self)
        self.document = Document(self.undo_stack, self)
        self.scene = GraphScene(self.graph, self.undo_stack, get_theme(self.theme_name), parent=self)
        self.view = GraphView(self.scene)
        self.setCentralWidget(self.view)
        self.recovery = recovery if recovery is not None else RecoveryStore()
        self.autosaver = Autosaver(self.recovery, self._recovery_snapshot, parent=self)
        self.files = FileController(self, self.autosaver)
        self.edit = EditController(self)
        self.view_controls, self.forward = ViewControls(self), ForwardController(self)
        self.actions: dict[str, QAction] = {
            **acts.file_actions(self, self.files),
            **acts.edit_actions(self, self.undo_stack, self.edit, self.find_op),
            **acts.view_actions(self, self.view_controls), **acts.run_actions(self, self.run_forward)}
        menus = build_menus(self, self.actions, self.files,
                            {"&Keyboard Shortcuts": self.show_shortcuts, "&About": self.show_about})
        self.menus, self.panels_menu = menus.by_key, menus.panels
        self.recent_menu, self.export_menu = menus.recent, menus.export
        self.toolbar = build_toolbar(self, self.actions)
        self.tab_bars = TabBarSweeper(self)  # hides the tab bars Qt leaves behind when dock groups change
        self._build_docks()
        self.explain = ExplainMode(self)
        self.training = TrainingExtension(self)
        self.practice = PracticeMode(self, self.explain)
        # while explain mode shows a trace, the canvas is its own: the training tint waits until it is cleared
        self.explain.controller.trace_changed.connect(lambda trace: self.training.canvas_taken(trace is not None))
        self._arrange_feature_docks()
        self._connect()
        self.inspector.set_graph(self.graph, self.undo_stack)
        self.view_controls.restore()
        self.actions["dark"].setChecked(self.theme_name == "dark")
        apply_widget_palette(self.theme_name)
        self.document.reset(None)
        self._update_title()
        self.statusBar().showMessage("Ready")
        self._initial_size()

    # ----- construction
    def _build_docks(self) -> None:
        self.palette = PaletteWidget()
        self.palette_dock = self.add_dock("Palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea, False)
        self.inspector = InspectorWidget()
        self.inspector_dock = self.add_dock("Inspector", self.inspector, scroll=False)
        self.undo_view = QUndoView(self.undo_stack)
        self.undo_view.setEmptyLabel("(opened)")
        self.undo_view.viewport().installEventFilter(self)  # a click in the history pauses training first
        self.undo_view.installEventFilter(self)
        self.history_dock = self.add_dock("Undo History", self.undo_view, scroll=False)
        self.tabifyDockWidget(self.inspector_dock, self.history_dock)
        self.inspector_dock.raise_()
        history = self.history_dock.toggleViewAction()
        history.setText("Undo &History")
        history.setShortcut("Ctrl+H")
        history.setToolTip(acts.with_shortcut("Show the list of edits; click one to go back to it", history))
        self.menus["edit"].addSeparator()
        self.menus["edit"].addAction(history)
        self.resizeDocks([self.palette_dock, self.inspector_dock], [270, 360], Qt.Orientation.Horizontal)

    def _arrange_feature_docks(self) -> None:
        """One wide bottom area: explain in front at first; the dashboard comes forward when training starts."""
        self.tabifyDockWidget(self.inspector_dock, self.explain.wiggle_dock)
        self.tabifyDockWidget(self.explain.timeline_dock, self.training.dashboard_dock)
        self.tabifyDockWidget(self.explain.timeline_dock, self.practice.dock)
        self.inspector_dock.raise_()
        self.explain.timeline_dock.raise_()

    @property
    def host(self) -> QMainWindow:
        """This window (the `Workbench` way to reach what only a top-level window can do)."""
        return self

    def add_actions(self, prefix: str, actions: dict[str, QAction]) -> None:
        """A feature's actions: shortcuts work with the menu bar hidden (F5), and Help lists them."""
        self.addActions(list(actions.values()))
        self.actions.update({f"{prefix}_{key}": action for key, action in actions.items()})

    def maybe_save(self) -> bool:
        """True when the current graph may be replaced (asks about unsaved changes)."""
        return self.files.maybe_save()

    def settle(self) -> bool:
        """A running training run pauses, so its weights and history are in the graph; True if one was running."""
        return self.training.settle()

    def show_trace(self, trace: Trace) -> None:
        """Replay a trace in explain mode, at its last step."""
        self.explain.show_trace(trace)

    def shown_trace(self) -> tuple[Trace | None, int | None]:
        """The explain trace and the step on screen, or (None, None)."""
        return self.explain.shown_trace()

    def add_dock(self, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 scroll: bool = True) -> QDockWidget:
        """Put `widget` in a dock (listed under View ▸ Panels; its layout is remembered).

        With `scroll` the widget sits in a scroll area, so a tall or wide panel scrolls instead of
        pushing the window past the screen's edge.
        """
        dock = QDockWidget(title, self)
        dock.setObjectName("dock_" + re.sub(r"\W+", "_", title.lower()).strip("_"))
        if scroll:
            holder = QScrollArea()
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(widget)
            widget = holder
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.tab_bars.watch(dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _connect(self) -> None:
        self.document.changed.connect(self._update_title)
        self.autosaver.failed.connect(lambda text: self.show_status(text, 10000))
        self.scene.status_message.connect(self.show_status)
        self.scene.node_selected.connect(self.inspector.show_node)
        self.scene.edge_selected.connect(self.inspector.show_edge)
        self.scene.selectionChanged.connect(self._update_actions)
        self.palette.op_activated.connect(self.edit.add_op)
        self.undo_stack.indexChanged.connect(lambda _i: self._update_actions())
        self._update_actions()

    # ----- public API
    def set_graph(self, graph: Graph, path: str | None, dirty: bool = False, example: str | None = None) -> None:
        """Show a new graph (New, Open, Open Example, recovery); the undo history starts afresh."""
        self.document.reset(path, dirty=dirty, example=example)
        self.graph = graph
        self.scene.set_graph(graph)
        self.inspector.set_graph(graph, self.undo_stack)
        self._restore_view()
        self._update_actions()
        self.graph_replaced.emit(graph)

    def set_theme(self, name: str) -> None:
        """Switch the canvas theme ("light", "dark", or "projector"); light/dark also recolour widgets."""
        theme = get_theme(name)
        self.theme_name = name
        self.scene.set_theme(theme)
        if name in ("light", "dark"):
            apply_widget_palette(name)
            self.settings.setValue("theme", name)
            self.actions["dark"].blockSignals(True)
            self.actions["dark"].setChecked(name == "dark")
            self.actions["dark"].blockSignals(False)
        self.theme_changed.emit(name)

    def finish_setup(self) -> None:
        """Once shown: hide menus nobody filled, restore or balance the docks."""
        for menu in self.menus.values():
            menu.menuAction().setVisible(not menu.isEmpty())
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state):
            QTimer.singleShot(0, self._balance_docks)  # once the new docks are laid out
        self.tab_bars.schedule()

    def _docks_in(self, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        """Visible docks of an area, one per tab group."""
        found: list[QDockWidget] = []
        for dock in self.findChildren(QDockWidget):
            if dock.isVisible() and not dock.isFloating() and self.dockWidgetArea(dock) == area \
                    and not any(d in self.tabifiedDockWidgets(dock) for d in found):
                found.append(dock)
        return found

    def _balance_docks(self) -> None:
        """First start: the canvas keeps most of the height; right-hand docks share theirs equally."""
        bottom = self._docks_in(Qt.DockWidgetArea.BottomDockWidgetArea)
        if bottom:
            height = int(self.height() * BOTTOM_SHARE)
            self.resizeDocks(bottom, [height] * len(bottom), Qt.Orientation.Vertical)
        right = self._docks_in(Qt.DockWidgetArea.RightDockWidgetArea)
        if len(right) > 1:
            self.resizeDocks(right, self._right_heights(right), Qt.Orientation.Vertical)

    def _right_heights(self, docks: list[QDockWidget]) -> list[int]:
        """The docks below the inspector get the height their forms ask for; the inspector the rest."""
        total = sum(d.height() for d in docks) or self.height()
        below = [min(_wanted_height(d), total * 2 // 3) for d in docks[1:]]
        first = total - sum(below)
        if first < total // 3:  # forms too tall for the screen: share equally, each scrolls
            return [total // len(docks)] * len(docks)
        return [first] + below

    def show_status(self, text: str, ms: int = 4000) -> None:
        """A message in the status bar for `ms` milliseconds."""
        self.statusBar().showMessage(text, ms)

    def find_op(self) -> None:
        """Show the palette and put the cursor in its search box."""
        self.palette_dock.show()
        self.palette_dock.raise_()
        self.palette.focus_search()

    def run_forward(self) -> bool:
        """Run ▸ Forward (see window/run.py)."""
        return self.forward.run()

    # ----- state
    def _update_title(self) -> None:
        self.setWindowTitle(self.document.window_title(APP_NAME))

    def _update_actions(self) -> None:
        if not shiboken6.isValid(self.scene):  # the scene emits while it is being destroyed
            return
        has_nodes = bool(self.scene.selected_node_ids())
        has_any = has_nodes or bool(self.scene.selected_edge_ids())
        for key in ("cut", "copy", "duplicate", "group"):
            self.actions[key].setEnabled(has_nodes)
        self.actions["delete"].setEnabled(has_any)

    def _initial_size(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None:
            self.resize(1400, 880)
            return
        self.resize(min(1600, int(screen.width() * 0.94)), min(1000, int(screen.height() * 0.92)))

    def _restore_view(self) -> None:
        self.view_controls.show_saved(self.graph.meta.get("view"))

    def _recovery_snapshot(self) -> tuple[dict, str | None, str | None] | None:
        if not self.document.dirty:
            return None
        return graph_to_dict(self.graph), self.document.path, self.document.example

    def restore_geometry(self) -> None:
        """Window size and position from the last session; on first start, the whole available screen."""
        geometry = self.settings.value("window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        screen = self.screen()
        if screen is not None:
            # without a window manager nobody honours "maximized", so the geometry is set as well
            self.setGeometry(screen.availableGeometry())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def offer_recovery(self) -> bool:
        """If a crashed session left autosaved work, ask to restore it; True if restored."""
        orphans = self.recovery.orphans()
        if not orphans:
            return False
        newest = orphans[0]
        restore = self.prompts.ask_restore(newest.describe())
        for item in orphans:
            self.recovery.discard(item)
        if not restore:
            return False
        try:
            graph = graph_from_dict(newest.graph_dict)
        except EngineError as exc:
            self.prompts.error("Cannot restore", f"The autosaved work could not be read:\n\n{exc}")
            return False
        self.set_graph(graph, newest.original_path, dirty=True, example=newest.example)
        self.autosaver.save_now()
        self.show_status("Restored the autosaved work: save it to keep it")
        return True

    def handle_exception(self, exc_type, exc, tb) -> None:
        """An error escaped a slot: keep the work safe, tell the user, keep running."""
        traceback.print_exception(exc_type, exc, tb)
        try:
            self.autosaver.save_now()  # a full disk says so in the status bar
        except (EngineError, ValueError) as save_exc:
            self.show_status(f"Autosave failed too: {save_exc}", 10000)
        message = f"{exc_type.__name__}: {exc}"
        self.show_status(f"Error: {message}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong",
                          f"{message}\n\nYour work was autosaved; the app keeps running.", parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Before a click or a key moves the undo history, a training run pauses: its run joins the history."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress) \
                and watched in (self.undo_view, self.undo_view.viewport()):
            self.settle()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.autosaver.timer.stop()
        self.recovery.remove()
        self.inspector.detach()
        event.accept()

    # ----- help
    def show_shortcuts(self) -> None:
        """Every action's shortcuts, grouped by menu."""
        self.prompts.shortcuts(shortcut_groups(self.menus, self.actions))

    def show_about(self) -> None:
        """What this app is."""
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<h3>{APP_NAME}</h3><p>Build, run, explain and train neural networks as "
                          "computation graphs: forward values and backward gradients on every edge.</p>")
