"""Heatmaps of the dashboard: the confusion matrix with counts and class names, and the weight matrices."""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets  # PySide6 first, so pyqtgraph binds to it

import pyqtgraph as pg


class ConfusionView(pg.PlotWidget):
    """The confusion matrix as a heatmap: rows are true classes, columns predictions, counts in each cell."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Confusion matrix, test set", size="10pt")
        item.setLabel("left", "true class")
        item.setLabel("bottom", "predicted class")
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.getViewBox().invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.ColorMap([0.0, 1.0], [(247, 251, 255), (8, 69, 148)]))
        item.addItem(self.image)
        self.labels: list[pg.TextItem] = []
        self.class_names: tuple[str, ...] = ()
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.setMinimumSize(220, 160)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_matrix(self, counts, class_names) -> None:
        """Show counts[i, j] = examples of class i predicted as j; colour is the share of row i."""
        counts = np.asarray(counts, dtype=np.int64)
        names = tuple(class_names)
        if counts.shape != (len(names), len(names)):
            raise ValueError(f"confusion matrix {counts.shape} does not fit {len(names)} class names")
        if names != self.class_names:
            self._build_labels(names)
        self.counts = counts
        rows = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
        self.image.setImage(share, levels=(0.0, 1.0))
        for (i, j), label in zip(np.ndindex(counts.shape), self.labels):
            label.setText(str(counts[i, j]))
            label.setColor("white" if share[i, j] > 0.55 else "#1a202c")

    def show_nothing(self) -> None:
        """No matrix (another graph is being prepared)."""
        self._build_labels(())
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.image.clear()

    def _build_labels(self, names: tuple[str, ...]) -> None:
        item = self.getPlotItem()
        for label in self.labels:
            item.removeItem(label)
        self.labels = []
        self.class_names = names
        if not names:
            for axis in ("left", "bottom"):
                item.getAxis(axis).setTicks(None)
            return
        for i, j in np.ndindex(len(names), len(names)):
            label = pg.TextItem("", anchor=(0.5, 0.5))
            label.setPos(j + 0.5, i + 0.5)
            font = label.textItem.font()
            font.setPointSize(11)
            font.setBold(True)
            label.setFont(font)
            item.addItem(label)
            self.labels.append(label)
        ticks = [[(k + 0.5, _short(name)) for k, name in enumerate(names)]]
        left = item.getAxis("left")
        left.setTicks(ticks)
        # pyqtgraph drops tick texts wider than the axis, so make room for the longest class name
        widest = max(QtGui.QFontMetrics(left.font()).horizontalAdvance(t) for _, t in ticks[0])
        left.setWidth(widest + 40)
        item.getAxis("bottom").setTicks(ticks)
        item.setRange(xRange=(0, len(names)), yRange=(0, len(names)), padding=0.0)
        self.class_names = names


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def diverging_map() -> pg.ColorMap:
    """Blue for negative, white for zero, red for positive."""
    return pg.ColorMap([0.0, 0.5, 1.0], [(49, 99, 178), (250, 250, 250), (197, 48, 48)])


class WeightsView(pg.GraphicsLayoutWidget):
    """Each parameter matrix as a heatmap (blue < 0 < red), rows = inputs, columns = outputs."""

    COLUMNS = 3

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.images: dict[str, pg.ImageItem] = {}
        self.plots: dict[str, pg.PlotItem] = {}
        self.names: dict[str, str] = {}
        self._shapes: dict[str, tuple] = {}
        self.setMinimumHeight(160)

    def set_parameters(self, names: dict[str, str]) -> None:
        """Lay out one heatmap per parameter id → display name (called when the graph changes)."""
        if names == self.names:
            return
        self.clear()
        self.images, self.plots, self.names, self._shapes = {}, {}, dict(names), {}
        for k, node_id in enumerate(names):
            plot = self.addPlot(row=k // self.COLUMNS, col=k % self.COLUMNS)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getViewBox().invertY(True)
            image = pg.ImageItem(axisOrder="row-major")
            image.setColorMap(diverging_map())
            plot.addItem(image)
            self.images[node_id], self.plots[node_id] = image, plot

    def update_values(self, values: dict[str, np.ndarray]) -> None:
        """Redraw the heatmaps from parameter arrays (ids not laid out are ignored)."""
        for node_id, value in values.items():
            image = self.images.get(node_id)
            if image is None:
                continue
            matrix = as_matrix(value)
            finite = matrix[np.isfinite(matrix)]
            bound = float(np.abs(finite).max()) if finite.size else 0.0
            bound = bound or 1.0
            image.setImage(matrix, levels=(-bound, bound))
            if self._shapes.get(node_id) != matrix.shape:
                self._label_axes(node_id, matrix.shape, np.ndim(value))
            shape = "×".join(str(n) for n in np.shape(value)) or "scalar"
            self.plots[node_id].setTitle(f"{self.names[node_id]}  ({shape}, |w| ≤ {bound:.3g})", size="9pt")

    def _label_axes(self, node_id: str, shape: tuple, ndim: int) -> None:
        """Integer ticks at cell centres; a vector gets no row axis."""
        self._shapes[node_id] = shape
        plot = self.plots[node_id]
        plot.setLabel("bottom", "column j" if ndim > 1 else "entry i")
        plot.setLabel("left", "row i" if ndim > 1 else "")
        plot.getAxis("left").setStyle(showValues=ndim > 1)
        # square cells while the matrix is small enough to read cell by cell
        plot.getViewBox().setAspectLocked(max(shape) <= 40 and ndim > 1)
        for axis, count in (("left", shape[0]), ("bottom", shape[1])):
            step = max(1, int(np.ceil(count / (4 if axis == "left" else 8))))
            plot.getAxis(axis).setTicks([[(k + 0.5, str(k)) for k in range(0, count, step)]])


def as_matrix(value) -> np.ndarray:
    """A parameter as a 2-D array: scalars 1×1, vectors 1×n, higher ranks folded into rows."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(1, -1)
    return arr.reshape(-1, arr.shape[-1])
