"""The dashboard: tabs of live plots fed by the controller's snapshots; only the visible tab redraws."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from engine.data import PreparedData

from .boundary import BoundaryView
from .controller import TrainingController
from .model import parameter_names
from .heatmaps import ConfusionView, WeightsView
from .plots import CurvesPanel, GradNormPlot
from .worker import Snapshot



class TrainingDashboard(QTabWidget):
    """Progress (curves and confusion), weights, gradient norms, and decision regions for 2-D data."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
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
        self.addTab(progress, "Loss && accuracy")
        self.addTab(self.weights, "Weights")
        self.addTab(self.grads, "Gradient norms")
        self.boundary_index = self.addTab(self.boundary, "Decision regions")
        self.setTabEnabled(self.boundary_index, False)
        self._stale: set[str] = set()
        self.currentChanged.connect(lambda _i: self.refresh_visible())
        controller.data_ready.connect(self.on_data)
        controller.snapshot_applied.connect(self.on_snapshot)
        controller.redraw_due.connect(lambda _shot: self.refresh_visible())
        self.light = True
        self.set_light(True)

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

    def on_data(self, data: PreparedData) -> None:
        """A trainer exists for a (new) graph: lay out the parameter plots and the plane."""
        names = parameter_names(self.controller.graph)
        self.weights.set_parameters(names)
        self.grads.set_parameters(names)
        self.set_light(self.light)  # new plots take the current colours
        points = data.kind == "points"
        self.setTabEnabled(self.boundary_index, points)
        if points:  # for points in the plane the decision regions say the most: show them first
            self.boundary.set_data(data)
            self.setCurrentIndex(self.boundary_index)
        elif self.currentIndex() == self.boundary_index:
            self.setCurrentIndex(0)

    def on_snapshot(self, shot: Snapshot) -> None:
        """Append the snapshot's new history (drawn at the controller's next redraw_due)."""
        if shot.restart:
            self.curves.clear()
            self.grads.clear_points()
        steps = shot.new_steps
        self.curves.add_steps(steps["x"], steps["loss"], steps["acc"])
        epochs = shot.new_epochs
        self.curves.add_epochs(epochs["epoch"], epochs["train_loss"], epochs["test_loss"],
                               epochs["train_acc"], epochs["test_acc"])
        self.grads.add_steps(steps["step"], steps["grad_norms"])
        changed = shot.confusion is not None and not np.array_equal(shot.confusion, self.confusion.counts)
        if changed and self.controller.data is not None:
            self.confusion.set_matrix(shot.confusion, self.controller.data.class_names)
        self._stale.update(("weights", "boundary"))

    def refresh_visible(self) -> None:
        """Redraw only the current tab (hidden tabs catch up when shown)."""
        current = self.currentWidget()
        shot = self.controller.last_snapshot
        if current is self.weights and "weights" in self._stale and shot is not None:
            self.weights.update_values(shot.values)
            self._stale.discard("weights")
        elif current is self.grads:
            self.grads.refresh()
        elif current is self.boundary and self.controller.model is not None and "boundary" in self._stale:
            self.boundary.refresh(self.controller.model)
            self._stale.discard("boundary")
        else:
            self.curves.refresh()

    def shown_counts(self) -> dict[str, int]:
        """How many points the curves hold (for tests and the status line)."""
        return {key: self.curves.point_count(key) for key in ("step_loss", "train_loss", "test_loss")}

