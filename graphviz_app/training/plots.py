"""Live training plots (pyqtgraph): loss and accuracy curves per step and per epoch, gradient norms per parameter."""
from __future__ import annotations

import html
import math

import numpy as np
from PySide6 import QtCore, QtWidgets  # PySide6 first, so pyqtgraph binds to it

import pyqtgraph as pg

TRAIN_COLOR = "#2b6cb0"
TEST_COLOR = "#dd6b20"
STEP_COLOR = "#90b4de"
SERIES_COLORS = ("#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#b7791f", "#319795", "#97266d")
MAX_DRAWN_POINTS = 1500  # long per-step curves are thinned to about this many points (a plot is < 1500 px wide)
SMOOTHING = 0.9  # exponential moving average of the noisy minibatch loss
MAX_MARKED_EPOCHS = 40


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
    """Major ticks only, no "(x0.001)" unit prefixes, and axes cached as pixmaps (a grid of minor lines
    costs half of a redraw)."""
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(maxTickLevel=0)
        axis.enableAutoSIPrefix(False)
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
        self._ranges: dict[str, tuple[float, float, float]] = {}  # by plot: x end, y start, y end
        self._symbols: dict[str, str | None] = {}  # the epoch curves' markers as last set

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

    def refresh(self, kind: str | None = None) -> None:
        """Redraw the curves that changed since the last refresh: of one plot ("loss" or "acc") or of both."""
        kinds = ("loss", "acc") if kind is None else (kind,)
        keys = {key for key in self._dirty if key.endswith(kinds)}
        if not keys:
            return
        many = self.series["test_loss"].count > MAX_MARKED_EPOCHS  # markers would merge into a thick line
        for key in keys:
            symbol = None if many else ("o" if key.startswith("train") else "s")
            if key.startswith(("train_", "test_")) and self._symbols.get(key, "") != symbol:
                self.curves[key].setSymbol(symbol)  # this re-sets the curve's data too: only when it changes
                self._symbols[key] = symbol
            self.curves[key].setData(*self.series[key].thinned())
        self._dirty -= keys
        for plot_kind in kinds:
            self._set_range(plot_kind)

    def _set_range(self, kind: str) -> None:
        """Ranges set here, not by pyqtgraph's auto-range (which would repaint every plot a second time), rounded
        up to round numbers and set only when they change: a new range repaints the axes, the costliest part."""
        right = nice_ceiling(max([self.series[k].x[-1] for k in self.series if self.series[k].count] + [1.0]))
        if kind == "acc":
            ranges = (right, 0.0, 1.0)
        else:
            losses = [self.series[k].y for k in ("step_loss", "train_loss", "test_loss") if self.series[k].count]
            finite = np.concatenate(losses) if losses else np.zeros(0)
            finite = finite[np.isfinite(finite)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            ranges = (right, min(0.0, -nice_ceiling(-low) if low < 0 else 0.0),
                      nice_ceiling(high) if high > low else low + 1.0)
        if ranges == self._ranges.get(kind):
            return
        self._ranges[kind] = ranges
        plot = self.loss_plot if kind == "loss" else self.acc_plot
        plot.setRange(xRange=(0.0, ranges[0]), yRange=ranges[1:], padding=0.03)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a power of ten that is at least `value` (> 0)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power


def legend_html(entries: list[tuple[str, str, str]]) -> str:
    """A one-line legend: (colour, mark, text) per entry."""
    return "&nbsp;&nbsp;&nbsp;".join(f"<span style='color:{color}'><b>{mark}</b></span> {text}"
                                     for color, mark, text in entries)


class DecadeAxis(pg.AxisItem):
    """An axis for log10 values, labelled at whole decades: 10⁻³, 10⁻², 0.1, 1, 10, 10² …"""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph's names)
        low, high = math.floor(minVal), math.ceil(maxVal)
        step = max(1, (high - low) // 6 + 1)
        return [(float(step), [float(k) for k in range(low, high + 1, step)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [decade(int(round(v))) for v in values]


def decade(k: int) -> str:
    """10 to the power k, written the way a lecturer would."""
    if k in (-1, 0, 1):
        return {-1: "0.1", 0: "1", 1: "10"}[k]
    return "10" + str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


class GradNormPlot(pg.PlotWidget):
    """‖∂L/∂θ‖ of each parameter per step on a log axis: vanishing or exploding gradients show as slopes."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent, axisItems={"left": DecadeAxis("left")})
        item = self.getPlotItem()
        item.setTitle("Gradient norm per parameter", size="10pt")
        item.setLabel("left", "norm of ∂L/∂θ (log scale)")
        item.setLabel("bottom", "step")
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        calm_axes(item)
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
        entries = []
        for k, (node_id, name) in enumerate(names.items()):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            curve = item.plot(pen=pg.mkPen(color, width=1.5), name=name, connect="finite")
            self.series[node_id], self.curves[node_id] = Series(), curve
            entries.append((color, "—", html.escape(name)))
        # the legend is in the title, where it cannot cover the curves
        item.setTitle(f"Gradient norm per parameter: {legend_html(entries)}", size="10pt")

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
            with np.errstate(divide="ignore", invalid="ignore"):  # log10 of a zero norm is not drawn
                series.extend(steps, np.where(values > 0, np.log10(values), np.nan))
        self._dirty = True

    def refresh(self) -> None:
        """Redraw the curves if points were added."""
        if not self._dirty:
            return
        for node_id, series in self.series.items():
            self.curves[node_id].setData(*series.thinned())
        self._dirty = False
