"""Live training plots (pyqtgraph): loss and accuracy curves, confusion matrix, weight heatmaps, gradient norms."""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets  # PySide6 first, so pyqtgraph binds to it

import pyqtgraph as pg

TRAIN_COLOR = "#2b6cb0"
TEST_COLOR = "#dd6b20"
STEP_COLOR = "#90b4de"
SERIES_COLORS = ("#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#b7791f", "#319795", "#97266d")
MAX_DRAWN_POINTS = 4000  # long per-step curves are thinned to about this many points before drawing
SMOOTHING = 0.9  # exponential moving average of the noisy minibatch loss


class Series:
    """A growing pair of float arrays (x, y) with amortised appends."""

    def __init__(self) -> None:
        self._x = np.empty(256)
        self._y = np.empty(256)
        self.count = 0

    def clear(self) -> None:
        """Forget every point."""
        self.count = 0

    def extend(self, xs, ys) -> None:
        """Append points."""
        xs, ys = np.asarray(xs, dtype=float).reshape(-1), np.asarray(ys, dtype=float).reshape(-1)
        need = self.count + len(xs)
        if need > len(self._x):
            size = max(need, 2 * len(self._x))
            self._x = np.resize(self._x, size)
            self._y = np.resize(self._y, size)
        self._x[self.count:need] = xs
        self._y[self.count:need] = ys
        self.count = need

    @property
    def x(self) -> np.ndarray:
        return self._x[:self.count]

    @property
    def y(self) -> np.ndarray:
        return self._y[:self.count]

    def thinned(self, limit: int = MAX_DRAWN_POINTS) -> tuple[np.ndarray, np.ndarray]:
        """At most about `limit` points: every k-th point, always keeping the last one."""
        if self.count <= limit:
            return self.x, self.y
        stride = int(np.ceil(self.count / limit))
        keep = np.r_[np.arange(0, self.count - 1, stride), self.count - 1]
        return self._x[keep], self._y[keep]


def smoothed(values: np.ndarray, start: float | None = None, factor: float = SMOOTHING) -> np.ndarray:
    """Exponential moving average of `values`, continuing from `start` when given."""
    out = np.empty(len(values))
    level = values[0] if start is None and len(values) else start
    for i, v in enumerate(values):
        level = factor * level + (1.0 - factor) * v
        out[i] = level
    return out


def calm_axes(item: pg.PlotItem) -> None:
    """Major ticks only, and axes cached as pixmaps: a grid of minor lines costs half of a redraw."""
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(maxTickLevel=0)
        axis.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def _plot(title: str | None, left: str, bottom: str) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    item = widget.getPlotItem()
    if title:
        item.setTitle(title)
    item.setLabel("left", left)
    item.setLabel("bottom", bottom)
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    calm_axes(item)
    widget.setMinimumHeight(120)
    return widget


class CurvesPanel(QtWidgets.QWidget):
    """Loss and accuracy against epochs: minibatch values per step (thin), train and test per epoch (markers)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.loss_plot = _plot(None, "loss L", "epoch")
        self.acc_plot = _plot(None, "accuracy", "epoch")
        for plot in (self.loss_plot, self.acc_plot):
            plot.getPlotItem().enableAutoRange(enable=False)
        self.series = {key: Series() for key in ("step_loss", "step_acc", "smooth_loss", "smooth_acc",
                                                 "train_loss", "test_loss", "train_acc", "test_acc")}
        self.curves = {}
        styles = {
            "step": dict(pen=pg.mkPen(STEP_COLOR, width=1)),
            "smooth": dict(pen=pg.mkPen(TRAIN_COLOR, width=2)),
            "train": dict(pen=pg.mkPen(TRAIN_COLOR, width=2, style=QtCore.Qt.PenStyle.DashLine), symbol="o",
                          symbolSize=7, symbolBrush=TRAIN_COLOR, symbolPen=None),
            "test": dict(pen=pg.mkPen(TEST_COLOR, width=2), symbol="s", symbolSize=7, symbolBrush=TEST_COLOR,
                         symbolPen=None),
        }
        for plot, kind in ((self.loss_plot, "loss"), (self.acc_plot, "acc")):
            for key, style in styles.items():
                self.curves[f"{key}_{kind}"] = plot.plot(**style)
        for curve in self.curves.values():
            curve.setSkipFiniteCheck(True)  # saved histories store NaN as null → NaN; a gap is fine
        # one legend line above both plots: a legend inside a short plot would hide the curves
        self.legend = QtWidgets.QLabel(legend_html([
            (STEP_COLOR, "—", "minibatch"), (TRAIN_COLOR, "—", "train (smoothed)"),
            (TRAIN_COLOR, "●", "train (epoch)"), (TEST_COLOR, "■", "test (epoch)")]))
        self.legend.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.plots = QtWidgets.QBoxLayout(QtWidgets.QBoxLayout.Direction.TopToBottom)
        self.plots.addWidget(self.loss_plot)
        self.plots.addWidget(self.acc_plot)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addLayout(self.plots, 1)
        self._dirty: set[str] = set()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Side by side when the panel is wide (a bottom dock), stacked when it is tall (a side dock)."""
        wide = event.size().width() > 1.6 * event.size().height()
        self.plots.setDirection(QtWidgets.QBoxLayout.Direction.LeftToRight if wide
                                else QtWidgets.QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)

    def clear(self) -> None:
        """Remove every point (a new run, or weights reset)."""
        for series in self.series.values():
            series.clear()
        self._dirty = set(self.series)
        self.refresh()

    def add_steps(self, x_epochs, losses, accs) -> None:
        """Append per-step minibatch loss and accuracy at fractional epoch positions."""
        if len(losses) == 0:
            return
        losses, accs = np.asarray(losses, dtype=float), np.asarray(accs, dtype=float)
        for kind, values in (("loss", losses), ("acc", accs)):
            last = self.series[f"smooth_{kind}"]
            start = last.y[-1] if last.count else None
            self.series[f"step_{kind}"].extend(x_epochs, values)
            last.extend(x_epochs, smoothed(np.nan_to_num(values, nan=0.0, posinf=0.0), start))
            self._dirty.update((f"step_{kind}", f"smooth_{kind}"))

    def add_epochs(self, epochs, train_loss, test_loss, train_acc, test_acc) -> None:
        """Append per-epoch train and test metrics (epoch k is drawn at x = k)."""
        if len(epochs) == 0:
            return
        for key, values in (("train_loss", train_loss), ("test_loss", test_loss),
                            ("train_acc", train_acc), ("test_acc", test_acc)):
            self.series[key].extend(epochs, values)
            self._dirty.add(key)

    def point_count(self, key: str) -> int:
        """How many points the series `key` holds (e.g. "step_loss", "test_acc")."""
        return self.series[key].count

    def refresh(self) -> None:
        """Redraw the curves that changed since the last refresh."""
        if not self._dirty:
            return
        for key in self._dirty:
            self.curves[key].setData(*self.series[key].thinned())
        self._dirty = set()
        self._set_ranges()

    def _set_ranges(self) -> None:
        """Ranges set here, not by pyqtgraph's auto-range, which would repaint every plot a second time."""
        right = max([self.series[k].x[-1] for k in self.series if self.series[k].count] + [1.0])
        losses = [self.series[k].y for k in ("step_loss", "train_loss", "test_loss") if self.series[k].count]
        finite = np.concatenate(losses) if losses else np.zeros(0)
        finite = finite[np.isfinite(finite)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.loss_plot.setRange(xRange=(0.0, right), yRange=(min(0.0, low), high if high > low else low + 1.0),
                                padding=0.03)
        self.acc_plot.setRange(xRange=(0.0, right), yRange=(0.0, 1.0), padding=0.03)


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

    def _build_labels(self, names: tuple[str, ...]) -> None:
        item = self.getPlotItem()
        for label in self.labels:
            item.removeItem(label)
        self.labels = []
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


def legend_html(entries: list[tuple[str, str, str]]) -> str:
    """A one-line legend: (colour, mark, text) per entry."""
    return "&nbsp;&nbsp;&nbsp;".join(f"<span style='color:{color}'><b>{mark}</b></span> {text}"
                                     for color, mark, text in entries)


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
        for k, (node_id, name) in enumerate(names.items()):
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
            step = max(1, int(np.ceil(count / 8)))
            plot.getAxis(axis).setTicks([[(k + 0.5, str(k)) for k in range(0, count, step)]])


def as_matrix(value) -> np.ndarray:
    """A parameter as a 2-D array: scalars 1×1, vectors 1×n, higher ranks folded into rows."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(1, -1)
    return arr.reshape(-1, arr.shape[-1])


class GradNormPlot(pg.PlotWidget):
    """‖∂L/∂θ‖ of each parameter per step on a log axis: vanishing or exploding gradients show as slopes."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Gradient norm per parameter")
        item.setLabel("left", "norm of ∂L/∂θ (log scale)")
        item.setLabel("bottom", "step")
        item.setLogMode(x=False, y=True)
        item.getAxis("left").setWidth(72)  # room for "0.0001" next to the rotated axis label
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        calm_axes(item)
        self.legend = item.addLegend(offset=(-10, 10))
        self.legend.setLabelTextSize("8pt")
        self.series: dict[str, Series] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._dirty = False
        self.setMinimumHeight(140)

    def set_parameters(self, names: dict[str, str]) -> None:
        """One curve per parameter id → display name (clears the curves when the set changes)."""
        if list(names) == list(self.curves) and all(self.curves[k].name() == v for k, v in names.items()):
            return
        item = self.getPlotItem()
        for curve in self.curves.values():
            item.removeItem(curve)
        self.series, self.curves = {}, {}
        for k, (node_id, name) in enumerate(names.items()):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            curve = item.plot(pen=pg.mkPen(color, width=1.5), name=name, connect="finite")
            self.series[node_id], self.curves[node_id] = Series(), curve

    def clear_points(self) -> None:
        """Forget every point, keep the curves."""
        for series in self.series.values():
            series.clear()
        self._dirty = True
        self.refresh()

    def add_steps(self, steps, norms: dict[str, list[float]]) -> None:
        """Append gradient norms per parameter id at these step numbers (zeros are not drawn on a log axis)."""
        for node_id, values in norms.items():
            series = self.series.get(node_id)
            if series is None or len(values) != len(steps):
                continue
            values = np.asarray(values, dtype=float)
            series.extend(steps, np.where(values > 0, values, np.nan))
        self._dirty = True

    def refresh(self) -> None:
        """Redraw the curves if points were added."""
        if not self._dirty:
            return
        for node_id, series in self.series.items():
            self.curves[node_id].setData(*series.thinned())
        self._dirty = False
