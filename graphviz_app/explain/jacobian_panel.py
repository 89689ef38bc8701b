"""The selected edge's local Jacobian as a heatmap, with ∂L/∂in = J · upstream laid out as on the slides."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

import pyqtgraph as pg  # after PySide6, so pyqtgraph binds to it

from engine.trace import BackwardStep, NoGradStep, Trace

from engine.replay.labels import Labeller
from engine.replay.view import JACOBIAN_NOTE, jacobian_title, jacobian_too_large

MAX_CELLS = 250_000


def _column(arr: np.ndarray) -> np.ndarray:
    """A gradient flattened to a column, the way it multiplies the Jacobian."""
    return np.reshape(np.asarray(arr, dtype=np.float64), (-1, 1))


def _last_edge_step(trace: Trace, edge_id: str, upto: int | None) -> BackwardStep | NoGradStep | None:
    """The last backward or no-gradient step on `edge_id` among steps 0..upto (all when None)."""
    shown = trace.steps[: None if upto is None else upto + 1]
    found = [s for s in shown if isinstance(s, (BackwardStep, NoGradStep)) and s.edge == edge_id]
    return found[-1] if found else None


def _symmetric_levels(*arrays: np.ndarray) -> tuple[float, float]:
    top = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=1.0) or 1.0
    return -top, top


class JacobianPanel(QWidget):
    """∂L/∂in (n) = J (n×m) · ∂L/∂out (m): three heatmaps with a caption naming the shapes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(220)
        palette = self.palette()
        self.plots.setBackground(palette.color(QPalette.ColorRole.Base))
        self.ink = palette.color(QPalette.ColorRole.Text).name()
        self.product_box = self._box("∂L/∂in")
        self.plots.addLabel("=", row=0, col=1, color=self.ink, size="16pt")
        self.jacobian_box = self._box("local J", col=2)
        self.plots.addLabel("·", row=0, col=3, color=self.ink, size="16pt")
        self.upstream_box = self._box("upstream", col=4)
        for col, stretch in ((0, 1), (2, 4), (4, 1)):  # the vectors are columns, the Jacobian a matrix
            self.plots.ci.layout.setColumnStretchFactor(col, stretch)
        self.images = {name: pg.ImageItem(axisOrder="row-major") for name in ("product", "jacobian", "upstream")}
        cmap = pg.colormap.get("CET-D1")
        for name, box in (("product", self.product_box), ("jacobian", self.jacobian_box),
                          ("upstream", self.upstream_box)):
            self.images[name].setColorMap(cmap)
            box.addItem(self.images[name])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plots)
        layout.addWidget(self.note)
        self.jacobian: np.ndarray | None = None
        self.show_edge(None, None)

    def _box(self, title: str, col: int = 0) -> pg.ViewBox:
        box = self.plots.addViewBox(row=0, col=col, lockAspect=False, enableMouse=False)
        box.invertY(True)
        self.plots.addLabel(title, row=1, col=col, color=self.ink)
        return box

    def show_edge(self, trace: Trace | None, edge_id: str | None, upto: int | None = None) -> None:
        """Show what the trace recorded on `edge_id` (only steps up to `upto` when given)."""
        self.jacobian = None
        step = None if trace is None or edge_id is None else _last_edge_step(trace, edge_id, upto)
        if step is None:
            self._message("Select an edge after running backward (Ctrl+B) to see its Jacobian.")
        elif isinstance(step, NoGradStep):
            self._message(f"No gradient flows along this edge: {step.reason}.")
        else:
            self._show_step(Labeller(trace), step)

    def _message(self, text: str) -> None:
        self.title.setText(text)
        self.note.setText("")
        self.plots.setVisible(False)

    def _show_step(self, labeller: Labeller, step: BackwardStep) -> None:
        n, m = step.jacobian_shape
        self.title.setText(jacobian_title(labeller, step))
        product, upstream = _column(step.product), _column(step.upstream)
        try:
            jac = step.local_jacobian() if n * m <= MAX_CELLS else None
        except ValueError:
            jac = None
        self.jacobian = jac
        self.note.setText(JACOBIAN_NOTE if jac is not None else jacobian_too_large(step))
        levels = _symmetric_levels(product, upstream, *(() if jac is None else (jac,)))
        self.images["product"].setImage(product, levels=levels)
        self.images["upstream"].setImage(upstream, levels=levels)
        self.images["jacobian"].setImage(jac if jac is not None else np.zeros((1, 1)), levels=levels)
        self.jacobian_box.setVisible(jac is not None)
        for box in (self.product_box, self.jacobian_box, self.upstream_box):
            box.autoRange(padding=0.02)
        self.plots.setVisible(True)
