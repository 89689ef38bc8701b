"""For 2-D data: decision regions over the plane with the data points (as in TensorFlow Playground),
and the response of each hidden unit over the same plane."""
from __future__ import annotations

import html
import math

import networkx as nx
import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

import pyqtgraph as pg

from engine.data import PreparedData
from engine.graph import Graph
from engine.train import to_probs

from .model import ModelView
from .heatmaps import diverging_map
from .plots import SERIES_COLORS, calm_axes

GRID = 64  # the plane is sampled on GRID × GRID points
MARGIN = 0.15
MAX_ASPECT = 2.5
# room the plane's title and axes take around the plotted area, in pixels (for sizing the plane to its data)
AXES_WIDTH, AXES_HEIGHT = 60, 62
MIN_PLANE_WIDTH = 260  # room for the legend in the title
UNIT_LABEL_HEIGHT, UNIT_TITLE_HEIGHT = 24, 20  # of the hidden-unit panel's heading and of each map's title
MAX_UNITS = 16
UNITS_PER_ROW = 8
MAX_LAYERS = 2


def plane_bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the points' bounding box with a margin, at most MAX_ASPECT times wider than tall."""
    points = np.asarray(points, dtype=np.float64)  # float32 data would make pyqtgraph's range checks overflow
    low, high = points.min(axis=0), points.max(axis=0)
    size = (high - low) * (1 + 2 * MARGIN)
    # a nearly flat data set still gets a plane one can read across
    size = np.maximum(size, size[::-1] / MAX_ASPECT)
    if not np.all(size > 0):
        size = np.ones(2)
    centre = (low + high) / 2
    return (float(centre[0] - size[0] / 2), float(centre[0] + size[0] / 2),
            float(centre[1] - size[1] / 2), float(centre[1] + size[1] / 2))


def grid_points(bounds: tuple[float, float, float, float], size: int = GRID) -> np.ndarray:
    """(size², 2) points, row by row from the bottom (row r has y = ys[r])."""
    x0, x1, y0, y1 = bounds
    xs, ys = np.linspace(x0, x1, size), np.linspace(y0, y1, size)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.reshape(-1), gy.reshape(-1)], axis=1)


def region_colors(probs: np.ndarray, size: int = GRID) -> np.ndarray:
    """RGB image (size, size, 3): each class's colour weighted by its probability, lightened for the points."""
    palette = np.array([QColor(c).getRgb()[:3] for c in SERIES_COLORS[: probs.shape[1]]], dtype=float)
    mixed = probs @ palette
    light = 0.5 * mixed + 0.5 * 255.0
    return light.reshape(size, size, 3).astype(np.uint8)


def hidden_layers(graph: Graph, output_id: str) -> list[str]:
    """Activation nodes (σ, tanh, ReLU) that the output is computed from, in topological order: the hidden layers."""
    feeding = nx.ancestors(graph.nx, output_id)
    return [n for n in graph.topo_order()
            if graph.nodes[n].op.activation_range is not None and n in feeding][:MAX_LAYERS]


class BoundaryView(QWidget):
    """The decision regions with training points (filled) and test points (open); hidden-unit maps beside."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plane = pg.PlotWidget()
        item = self.plane.getPlotItem()
        item.setTitle("Decision regions")
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        item.setMenuEnabled(False)
        item.getViewBox().setAspectLocked(True)
        calm_axes(item)
        self.regions = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.regions)
        self.boundary = pg.IsocurveItem(level=0.5, pen=pg.mkPen("#1a202c", width=2))
        self.boundary.setParentItem(self.regions)
        self.train_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("white", width=1))
        self.test_points = pg.ScatterPlotItem(size=8, brush=None)
        item.addItem(self.train_points)
        item.addItem(self.test_points)
        self.units = pg.GraphicsLayoutWidget()
        self.unit_images: dict[str, list[pg.ImageItem]] = {}
        self.bounds: tuple[float, float, float, float] | None = None
        self.rect = QRectF()
        self.grid: np.ndarray | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plane, 3)
        layout.addWidget(self.units, 2)

    def set_data(self, data: PreparedData) -> None:
        """Draw the points of a 2-D data set and fix the plane around them."""
        self.bounds = plane_bounds(np.concatenate([data.x_train, data.x_test]))
        self.grid = grid_points(self.bounds)
        brushes = [pg.mkBrush(SERIES_COLORS[int(c) % len(SERIES_COLORS)]) for c in data.y_train]
        self.train_points.setData(pos=data.x_train, brush=brushes)
        pens = [pg.mkPen(SERIES_COLORS[int(c) % len(SERIES_COLORS)], width=2) for c in data.y_test]
        self.test_points.setData(pos=data.x_test, pen=pens, brush=pg.mkBrush(255, 255, 255, 160))
        # the legend goes in the title: inside a short plot it would cover the points
        names = "  ".join(f"<span style='color:{SERIES_COLORS[k]}'>●</span> {html.escape(name)}"
                          for k, name in enumerate(data.class_names))
        self.plane.getPlotItem().setTitle(f"{names}  (○ test)", size="9pt")
        self.plane.setToolTip("Decision regions: the colour is the predicted class; filled points are "
                              "training examples, open points test examples")
        x0, x1, y0, y1 = self.bounds
        dx, dy = (x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)
        # pixel centres on the grid points; applied after each setImage (pyqtgraph scales by the image size)
        self.rect = QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy)
        self.plane.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self.unit_images = {}
        self.units.clear()
        self._fit_plane()

    def show_nothing(self) -> None:
        """No data, no regions (another graph is being prepared)."""
        self.bounds, self.grid = None, None
        self.regions.clear()
        self.boundary.setData(None)
        self.train_points.clear()
        self.test_points.clear()
        self.plane.getPlotItem().setTitle("Decision regions")
        self.units.clear()
        self.unit_images = {}

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Keep the plane as wide as its data at equal scales; the hidden-unit maps get the rest."""
        super().resizeEvent(event)
        self._fit_plane()

    def _fit_plane(self) -> None:
        # x and y share one scale (circles stay round), so a plane wider than its data would only show empty
        # margins left and right of the points
        if self.bounds is None:
            return
        x0, x1, y0, y1 = self.bounds
        plotted = max(40, self.height() - AXES_HEIGHT)
        self.plane.setMaximumWidth(max(MIN_PLANE_WIDTH, int(plotted * (x1 - x0) / (y1 - y0)) + AXES_WIDTH))

    def refresh(self, model: ModelView) -> None:
        """Recompute the regions and the unit maps with the model's current weights."""
        if self.grid is None:
            return
        values = model.values_for(self.grid)
        probs = to_probs(model.graph, model.bindings.output, values[model.bindings.output])
        self.regions.setImage(region_colors(np.nan_to_num(probs)), levels=(0, 255))
        self.regions.setRect(self.rect)
        if probs.shape[1] == 2:
            # the isocurve lives in the image's pixel coordinates, indexed [column, row]
            self.boundary.setData(probs[:, 1].reshape(GRID, GRID).T)
        else:
            self.boundary.setData(None)
        self._refresh_units(model, values)

    def _refresh_units(self, model: ModelView, values: dict) -> None:
        layers = hidden_layers(model.graph, model.bindings.output)
        if list(self.unit_images) != layers:
            self._build_unit_plots(model.graph, layers, values)
        for node_id, images in self.unit_images.items():
            act = np.asarray(values[node_id]).reshape(GRID * GRID, -1)
            low, high = model.graph.nodes[node_id].op.activation_range or (0.0, math.inf)
            levels = (low, high) if math.isfinite(high) else (low, max(1e-9, float(act.max())))
            for j, image in enumerate(images):
                image.setImage(act[:, j].reshape(GRID, GRID), levels=levels)
                image.setRect(self.rect)

    def _build_unit_plots(self, graph: Graph, layers: list[str], values: dict) -> None:
        self.units.clear()
        self.unit_images = {}
        row = 0
        for node_id in layers:
            width = min(MAX_UNITS, int(np.asarray(values[node_id]).reshape(GRID * GRID, -1).shape[1]))
            name = graph.nodes[node_id].name
            per_row = self._units_per_row(width, len(layers))
            self.units.addLabel(html.escape(f"hidden units of {name}: blue < 0 < red"), row=row, col=0,
                                colspan=per_row, size="9pt")
            self.unit_images[node_id] = [
                self._unit_plot(row + 1 + j // per_row, j % per_row, f"{name}{_subscript(j + 1)}")
                for j in range(width)]
            row += 2 + (width - 1) // per_row

    def _units_per_row(self, count: int, layers: int = 1) -> int:
        """Maps per row that make each map largest in this layer's share of the unit panel."""
        if self.bounds is None or count <= 1:
            return max(1, count)
        x0, x1, y0, y1 = self.bounds
        aspect = (x1 - x0) / (y1 - y0)
        width = max(1, self.units.width())
        height = max(1, self.units.height() // max(1, layers) - UNIT_LABEL_HEIGHT)

        def map_width(per_row: int) -> float:
            rows = -(-count // per_row)
            return min(width / per_row, (height / rows - UNIT_TITLE_HEIGHT) * aspect)

        return max(range(1, min(count, UNITS_PER_ROW) + 1), key=map_width)

    def _unit_plot(self, row: int, col: int, title: str) -> pg.ImageItem:
        plot = self.units.addPlot(row=row, col=col)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.getViewBox().setAspectLocked(True)
        plot.setRange(self.rect, padding=0.0)
        plot.setTitle(title, size="8pt")
        image = pg.ImageItem(axisOrder="row-major")
        image.setColorMap(diverging_map())
        plot.addItem(image)
        return image


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
