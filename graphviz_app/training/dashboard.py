"""The dashboard: tabs of live plots fed by the session's snapshots (only the visible tab redraws), or, for a graph
that cannot be trained, a page that says why."""
from __future__ import annotations

import html
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QTabWidget, QWidget

from engine.data import PreparedData

from .boundary import BoundaryView
from .heatmaps import ConfusionView, WeightsView
from .model import parameter_names
from .plots import CurvesPanel, GradNormPlot
from .session import State, TrainingSession
from .snapshot import Snapshot

# Between two parts of a redraw: long enough for the part before to be painted first (a plot is painted a turn or
# two of the event loop after its data changed), short enough that the parts still look like one redraw.
PART_GAP_MS = 15
NEEDS = ("Training needs a data set (Training panel ▸ Data), one loss node, and a Label node that feeds the loss "
         "the true classes.")


class TrainingDashboard(QStackedWidget):
    """Progress (curves and confusion), weights, gradient norms, and decision regions for 2-D data."""

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.tabs = QTabWidget()
        self.curves = CurvesPanel()
        self.confusion = ConfusionView()
        progress = QSplitter(Qt.Orientation.Horizontal)
        progress.addWidget(self.curves)
        progress.addWidget(self.confusion)
        progress.setStretchFactor(0, 3)
        progress.setStretchFactor(1, 1)
        self.weights = WeightsView()
        self.grads = GradNormPlot()
        self.boundary = BoundaryView()
        self.tabs.addTab(progress, "Loss && accuracy")
        self.tabs.addTab(self.weights, "Weights")
        self.tabs.addTab(self.grads, "Gradient norms")
        self.boundary_index = self.tabs.addTab(self.boundary, "Decision regions")
        self.tabs.setTabEnabled(self.boundary_index, False)
        self.why = QLabel("")  # instead of empty plots: why there is nothing to show
        self.why.setWordWrap(True)
        self.why.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.why.setMargin(24)
        self.addWidget(self.tabs)
        self.addWidget(self.why)
        self._stale: set[str] = set()
        # A redraw is done in parts, one per turn of the event loop, each painted before the next: the loss plot,
        # the accuracy plot, the confusion matrix, one weight matrix (painted together they held the window 20 ms)
        self._parts: list[Callable[[], None]] = []
        self._part_timer = QTimer(self)
        self._part_timer.setSingleShot(True)
        self._part_timer.setInterval(PART_GAP_MS)
        self._part_timer.timeout.connect(self._next_part)
        self._confusion: np.ndarray | None = None  # the latest snapshot's, shown at the next redraw
        self.tabs.currentChanged.connect(lambda _i: self.refresh_visible())
        session.data_ready.connect(self.on_data)
        session.snapshot.connect(self.on_snapshot)
        session.redraw_due.connect(lambda _shot: self.refresh_visible())
        session.state_changed.connect(self._on_state)
        session.cleared.connect(self.clear)
        self.light = True
        self.set_light(True)
        self._on_state(session.state)

    def set_light(self, light: bool) -> None:
        """White plots for the light themes, dark ones for the dark theme."""
        background, foreground = ("w", "#1a202c") if light else ("#1e1e1e", "#e2e8f0")
        plots = [self.curves.loss_plot, self.curves.acc_plot, self.confusion, self.grads, self.boundary.plane]
        items = [p.getPlotItem() for p in plots] + list(self.weights.plots.values())
        for widget in plots + [self.weights, self.boundary.units]:
            widget.setBackground(background)
        for item in items:
            for axis in ("left", "bottom"):
                item.getAxis(axis).setTextPen(foreground)
                item.getAxis(axis).setPen(foreground)
            item.titleLabel.setText(item.titleLabel.text, color=foreground)
        self.curves.legend.setStyleSheet(f"color: {foreground}")
        self.light = light

    def _on_state(self, state: State) -> None:
        if state is not State.RUNNING:
            self.finish_redraw()
        if state is State.UNTRAINABLE:
            self.why.setText(f"<p style='font-size:13pt'><b>This graph cannot be trained</b></p>"
                             f"<p style='font-size:12pt'>{html.escape(_sentence(self.session.reason))}</p>"
                             f"<p style='color:gray'>{html.escape(NEEDS)}</p>")
            self.setCurrentWidget(self.why)
        elif state is State.NO_GRAPH:
            self.why.setText("<p style='color:gray'>No graph is open.</p>")
            self.setCurrentWidget(self.why)
        else:
            self.setCurrentWidget(self.tabs)

    def clear(self) -> None:
        """Another graph: forget every curve, matrix and region of the previous one."""
        self.curves.clear()
        self.grads.set_parameters({})
        self.weights.set_parameters({})
        self.confusion.show_nothing()
        self.boundary.show_nothing()
        self.tabs.setTabEnabled(self.boundary_index, False)
        self.tabs.setCurrentIndex(0)
        self._stale = set()
        self._parts, self._confusion = [], None
        self._part_timer.stop()

    def on_data(self, data: PreparedData) -> None:
        """A trainer exists for a (new) graph: lay out the parameter plots and the plane."""
        names = parameter_names(self.session.graph)
        self.weights.set_parameters(names)
        self.grads.set_parameters(names)
        self.set_light(self.light)  # new plots take the current colours
        points = data.kind == "points"
        self.tabs.setTabEnabled(self.boundary_index, points)
        if points:  # for points in the plane the decision regions say the most: show them first
            self.boundary.set_data(data)
            self.tabs.setCurrentIndex(self.boundary_index)
        elif self.tabs.currentIndex() == self.boundary_index:
            self.tabs.setCurrentIndex(0)

    def on_snapshot(self, shot: Snapshot) -> None:
        """Append the snapshot's new history (drawn at the session's next redraw_due)."""
        if shot.restart:
            self.curves.clear()
            self.grads.clear_points()
        steps = shot.new_steps
        self.curves.add_steps(steps["x"], steps["loss"], steps["acc"])
        epochs = shot.new_epochs
        self.curves.add_epochs(epochs["epoch"], epochs["train_loss"], epochs["test_loss"],
                               epochs["train_acc"], epochs["test_acc"])
        self.grads.add_steps(steps["step"], steps["grad_norms"])
        if shot.confusion is not None:
            self._confusion = shot.confusion
        self._stale.update(("weights", "boundary"))

    def refresh_visible(self) -> None:
        """Redraw the current tab (hidden tabs catch up when shown) and the confusion matrix: the first part now,
        the others in the next turns of the event loop."""
        current = self.tabs.currentWidget()
        shot = self.session.last_snapshot
        parts: list[Callable[[], None]] = []
        if current is self.weights and "weights" in self._stale and shot is not None:
            parts = [lambda node_id=node_id, value=value: self.weights.update_values({node_id: value})
                     for node_id, value in shot.values.items()]
            self._stale.discard("weights")
        elif current is self.grads:
            parts = [self.grads.refresh]
        elif current is self.boundary and self.session.model is not None and "boundary" in self._stale:
            parts = [lambda model=self.session.model: self.boundary.refresh(model)]
            self._stale.discard("boundary")
        elif current is not self.weights and current is not self.boundary:
            parts = [lambda: self.curves.refresh("loss"), lambda: self.curves.refresh("acc")]
        self._parts = parts + [self._show_confusion]
        self._next_part()
        if self.session.state is not State.RUNNING:  # no training to make room for
            self.finish_redraw()

    def finish_redraw(self) -> None:
        """Do the parts of a redraw still waiting, now (a run ended: the dashboard shows where it stopped)."""
        self._part_timer.stop()
        while self._parts:
            self._parts.pop(0)()

    def _next_part(self) -> None:
        if self._parts:
            self._parts.pop(0)()
        if self._parts:
            self._part_timer.start()
            self.session.runner.make_room()  # this part is painted before training goes on

    def _show_confusion(self) -> None:
        counts, self._confusion = self._confusion, None
        data = self.session.data
        if counts is not None and data is not None and not np.array_equal(counts, self.confusion.counts):
            self.confusion.set_matrix(counts, data.class_names)

    def shown_counts(self) -> dict[str, int]:
        """How many points the curves hold (for tests and the status line)."""
        return {key: self.curves.point_count(key) for key in ("step_loss", "train_loss", "test_loss")}


def _sentence(text: str) -> str:
    """The text with a capital first letter, as a sentence on its own."""
    return text[:1].upper() + text[1:]
