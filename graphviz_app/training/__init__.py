"""The live training dashboard: `TrainingExtension(workbench)` adds the Training dock (data, features, optimizer and the
buttons), the Training Dashboard dock (curves, confusion matrix, weights, gradient norms, decision regions, and
the predict box beside them), the Train menu, and Train/Pause (F9) in the toolbar.

One `TrainingSession` (session.py) owns the trainer. graph.meta["training"] holds the settings, which the dock changes
through undo commands. Training runs in short slices on a copy of the graph (see runner.py for why); the window's
graph gets the trained weights (and the metrics history, in graph.meta) as one undoable command whenever a run
pauses, finishes or diverges.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QDockWidget, QFrame, QGroupBox, QMainWindow, QScrollArea, QSplitter, QTabBar,
    QVBoxLayout, QWidget,
)

from engine.examples import build_example
from engine.graph import Graph
from engine.trace import Trace

from ..window.contract import Workbench
from .canvas_tint import CanvasTint
from .dashboard import TrainingDashboard
from .dock import TrainingControls
from .predict_box import PredictBox
from .session import State, TrainingSession
from .switching import Outcome, feature_kind, switch_dataset, switch_features

TINT_INTERVAL_MS = 400  # the canvas follows the weights a few times per second
DASHBOARD_SHARE = 0.33  # of the window's height: the curves, matrix and heatmaps readable side by side


class TrainingExtension(QObject):
    """Everything the dashboard adds to one window (the window keeps it as `training`)."""

    def __init__(self, window: Workbench):
        super().__init__(window.host)
        self.window = window
        self.session = TrainingSession(window.undo_stack, self)
        self.controls = TrainingControls(self.session)
        self.predict = PredictBox(self.session)
        self.dashboard = TrainingDashboard(self.session)
        self.tint = CanvasTint(window.scene)
        self.show_on_canvas = QCheckBox("Weights and the example on the canvas")
        self.show_on_canvas.setChecked(True)
        self.show_on_canvas.setToolTip("Edges tinted by their weights (red > 0, blue < 0, width = size); "
                                       "nodes show their values for the example typed in the predict box")
        self._tint_timer = QTimer(self)
        self._tint_timer.setSingleShot(True)
        self._tint_timer.setInterval(TINT_INTERVAL_MS)
        self._tint_timer.timeout.connect(self.paint_canvas)
        self._values_timer = QTimer(self)  # the example's node values, a few nodes per turn of the event loop
        self._values_timer.setSingleShot(True)
        self._values_timer.setInterval(0)
        self._values_timer.timeout.connect(self._paint_values)
        self._error_node: str | None = None
        self._canvas_taken = False  # explain mode shows a trace: the canvas is its own until the trace is cleared
        self._build_docks()
        self.actions = self._make_actions()
        self._connect()
        self.session.set_graph(window.graph)
        self._show_graph_kind()

    def _build_docks(self) -> None:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.controls)
        layout.addWidget(self.show_on_canvas)
        layout.addStretch(1)
        scroll = QScrollArea()  # on a small screen the form scrolls instead of squeezing the window
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(160)
        # the predict box sits beside the plots, so the bars are in view while the model learns
        box = QGroupBox("Predict")
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(self.predict)
        box_layout.addStretch(1)
        predict_scroll = QScrollArea()
        predict_scroll.setWidget(box)
        predict_scroll.setWidgetResizable(True)
        predict_scroll.setFrameShape(QFrame.Shape.NoFrame)
        predict_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        predict_scroll.setMinimumWidth(300)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.dashboard)
        bottom.addWidget(predict_scroll)
        bottom.setStretchFactor(0, 4)
        bottom.setStretchFactor(1, 1)
        bottom.setMinimumHeight(200)
        w = self.window
        self.controls_dock = w.add_dock("Training", scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dashboard_dock = w.add_dock("Training Dashboard", bottom, Qt.DockWidgetArea.BottomDockWidgetArea)

    def _make_actions(self) -> dict[str, QAction]:
        c, w = self.session, self.window
        specs = {
            "train": ("&Train", self.toggle, "F9", "Start training (F9), or pause it"),
            "step": ("&Step (one minibatch)", c.step, "Shift+F9", "Train on one minibatch"),
            "reset": ("&Reset Weights", c.reset_weights, "", "Start again from the seeded initial weights"),
        }
        actions = {}
        for key, (text, slot, keys, tip) in specs.items():
            action = QAction(text, w.host)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            w.menus["train"].addAction(action)
            actions[key] = action
        w.menus["train"].addSeparator()
        w.menus["train"].addAction(self.controls_dock.toggleViewAction())
        w.menus["train"].addAction(self.dashboard_dock.toggleViewAction())
        w.toolbar.addSeparator()
        w.toolbar.addAction(actions["train"])
        w.add_actions("training", actions)
        return actions

    def _connect(self) -> None:
        c, w = self.session, self.window
        w.graph_replaced.connect(self._graph_replaced)
        c.status.connect(lambda text: w.show_status(text, 8000))
        c.diverged_at.connect(self._mark_error)
        c.state_changed.connect(self._state_changed)
        c.redraw_due.connect(lambda _shot: self._schedule_tint())
        c.data_ready.connect(lambda _data: self._show_graph_kind())
        c.cleared.connect(self.tint.clear)
        self.predict.entry.textChanged.connect(lambda _t: self._schedule_tint())
        self.show_on_canvas.toggled.connect(self._tint_toggled)
        self.predict.explain_requested.connect(self.explain)
        self.controls.dataset_chosen.connect(self.choose_dataset)
        self.controls.features_chosen.connect(self.choose_features)
        w.host.installEventFilter(self)
        w.theme_changed.connect(lambda name: self.dashboard.set_light(name != "dark"))
        self.dashboard.set_light(w.theme_name != "dark")
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.session.close)

    def toggle(self) -> None:
        """Train or pause (F9); for a graph that cannot train, the dashboard comes forward to say why."""
        if self.session.state is State.UNTRAINABLE:
            self.bring_dashboard_forward()
        self.session.toggle()

    def bring_dashboard_forward(self) -> None:
        """Show the dashboard in front, with room for its plots: a docked dashboard grows to DASHBOARD_SHARE of
        the window's height (never shrinks) when the bottom area is lower, as at first start with Explain."""
        dock, host = self.dashboard_dock, self.window.host
        dock.show()
        if behind_a_tab(host, dock):  # raising a dock already in front repaints it all (15–25 ms)
            dock.raise_()
        wanted = int(host.height() * DASHBOARD_SHARE)
        if not dock.isFloating() and host.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea \
                and dock.height() < wanted:
            # the tab bar below a tabbed group takes its height out of the request
            bars = [bar.sizeHint().height() for bar in host.findChildren(QTabBar) if bar.isVisible()]
            host.resizeDocks([dock], [wanted + max(bars, default=0)], Qt.Orientation.Vertical)

    def settle(self) -> bool:
        """A running run pauses, so that its weights and history are in the graph (before a save, New, Undo);
        True if it was running."""
        running = self.session.state is State.RUNNING
        self.session.pause()
        return running

    def _state_changed(self, state: State) -> None:
        running = state is State.RUNNING
        names = {State.RUNNING: "&Pause", State.PAUSED: "Resume &Training"}
        self.actions["train"].setText(names.get(state, "&Train"))
        if running:
            self.bring_dashboard_forward()
            self.window.document.mark_dirty()  # the run's weights reach the graph when it pauses: unsaved work

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Closing the window pauses training first, so the run is in the graph when the window asks to save."""
        if watched is self.window.host and event.type() == QEvent.Type.Close:
            self.session.pause()
        return False

    # ----- graph and canvas
    def _graph_replaced(self, graph: Graph) -> None:
        self._error_node = None  # the previous graph's items are gone
        self.session.set_graph(graph)
        self._show_graph_kind()

    def _show_graph_kind(self) -> None:
        graph = self.session.graph
        if graph is not None:
            self.controls.show_graph_kind(graph.meta.get("dataset"), feature_kind(graph))

    def _mark_error(self, node_id) -> None:
        """Highlight the node where NaN/inf first appeared (None: take the highlight away)."""
        items = self.window.scene.node_items
        if self._error_node in items:
            items[self._error_node].set_state(None)
        self._error_node = node_id
        if node_id in items:
            items[node_id].set_state("error")

    def _schedule_tint(self) -> None:
        if self.show_on_canvas.isChecked() and not self._canvas_taken and not self._tint_timer.isActive():
            self._tint_timer.start()

    def _tint_toggled(self, on: bool) -> None:
        if self._canvas_taken:
            return  # explain mode paints the canvas; the choice applies once its trace is cleared
        if on:
            self.paint_canvas()
        else:
            self.tint.clear()

    def canvas_taken(self, taken: bool) -> None:
        """Explain mode shows a trace (True) or cleared it (False): the tint stays off the canvas meanwhile."""
        self._canvas_taken = taken
        if taken:
            self._tint_timer.stop()
            self.tint.forget()  # explain repaints every item: nothing of the tint is left to take back
        else:
            self._schedule_tint()  # once the window has settled (a new graph's trainer may be on its way)

    def paint_canvas(self) -> None:
        """Weights on the edges and the typed example's values on the nodes (not while a trace is explained)."""
        model, shot = self.session.model, self.session.last_snapshot
        if model is None or not self.show_on_canvas.isChecked() or self._canvas_taken:
            return
        if shot is not None:
            self.tint.show_weights(self.session.graph, shot.values)
        try:
            x = self.predict.current_input()
        except ValueError:
            x = None
        if x is not None:
            self.tint.queue_example(model, x)
            self._values_timer.start()
        self.session.runner.make_room()

    def _paint_values(self) -> None:
        if self._canvas_taken or not self.show_on_canvas.isChecked():
            return
        if not self.tint.paint_some():
            self._values_timer.start()
        self.session.runner.make_room()  # what was painted reaches the screen before the next slice trains

    # ----- explain, data set, features
    def explain(self, trace: Trace) -> None:
        """Show the trace in explain mode (which takes the canvas: see canvas_taken)."""
        self.window.show_trace(trace)

    def choose_dataset(self, spec: dict) -> None:
        """Train on another data set: adapt this graph, or offer the example built for it."""
        self._handle(switch_dataset(self.window.graph, self.window.undo_stack, spec))

    def choose_features(self, kind: str) -> None:
        """Unigrams ↔ bigrams in place; token sequences via the text CNN example."""
        self._handle(switch_features(self.window.graph, self.window.undo_stack, kind))

    def _handle(self, outcome: Outcome) -> None:
        if outcome.done:
            if outcome.message:
                self.window.show_status(outcome.message, 8000)
        elif outcome.example and self._ask(outcome):
            self._open_example(outcome)
        self._show_graph_kind()

    def _ask(self, outcome: Outcome) -> bool:
        title = build_example(outcome.example).meta.get("title", outcome.example)
        return self.confirm(f"{outcome.message}\n\nOpen the example “{title}” instead?")

    def confirm(self, question: str) -> bool:
        """Ask yes or no through the window's prompts (tests inject the answer there)."""
        return bool(self.window.prompts.ask_yes_no("Open the matching example?", question))

    def _open_example(self, outcome: Outcome) -> None:
        if not self.window.maybe_save():
            return
        graph = build_example(outcome.example)
        self.window.set_graph(graph, None, example=outcome.example)
        if outcome.spec:
            result = switch_dataset(graph, self.window.undo_stack, outcome.spec)
            if not result.done:
                self.window.show_status(result.message, 8000)


def behind_a_tab(host: QMainWindow, dock: QDockWidget) -> bool:
    """True if `dock` is tabbed with other docks and another one's tab is the current one."""
    for bar in host.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not bar.isVisible():
            continue
        for index in range(bar.count()):
            if bar.tabText(index) == dock.windowTitle() and bar.currentIndex() != index:
                return True
    return False
