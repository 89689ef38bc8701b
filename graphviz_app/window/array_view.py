"""Shows one array: the numbers themselves when small, a heatmap (pyqtgraph) when large."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

import pyqtgraph as pg  # after PySide6, so pyqtgraph binds to it

from engine.broadcast import fmt_shape

MAX_TEXT_SIZE = 40  # up to this many numbers (and 8 columns) are printed, larger arrays become a heatmap
MAX_TEXT_COLUMNS = 8


def format_numbers(arr: np.ndarray) -> str:
    """Compact text of a small array (3 significant digits, aligned)."""
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    return np.array2string(arr, precision=3, suppress_small=True, separator="  ",
                           max_line_width=72, floatmode="maxprec")


def as_matrix(arr: np.ndarray) -> np.ndarray:
    """A 2-D view for the heatmap: vectors become one row, higher ranks are flattened to rows."""
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim <= 1:
        return arr.reshape(1, -1)
    return arr.reshape(-1, arr.shape[-1])


class ArrayView(QWidget):
    """Title line (shape, range) above either the numbers or a heatmap of one array."""

    def __init__(self, title: str, diverging: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.diverging = diverging  # gradients: blue < 0 < red, centred on zero
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.numbers = QLabel()
        self.numbers.setFont(QFont("DejaVu Sans Mono", 9))
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.numbers.setWordWrap(False)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(120)
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("left")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getViewBox().invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.plot.addItem(self.image)
        cmap = pg.colormap.get("CET-D1" if diverging else "viridis")
        self.image.setColorMap(cmap)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.numbers)
        self.pages.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.pages)
        self.mode = "empty"
        self.show_array(None)

    def show_array(self, arr: np.ndarray | None) -> None:
        """Display `arr` (None: hide the whole view)."""
        self.setVisible(arr is not None)
        if arr is None:
            self.mode = "empty"
            return
        arr = np.asarray(arr)
        self.caption.setText(self._caption(arr))
        if arr.size <= MAX_TEXT_SIZE and arr.ndim <= 2 and (arr.ndim < 2 or arr.shape[1] <= MAX_TEXT_COLUMNS):
            self.mode = "numbers"
            self.numbers.setText(format_numbers(arr))
            self.pages.setCurrentWidget(self.numbers)
            self.pages.setFixedHeight(self.numbers.sizeHint().height())
            return
        self.mode = "heatmap"
        self._show_heatmap(as_matrix(arr))

    def _caption(self, arr: np.ndarray) -> str:
        shape = fmt_shape(arr.shape) if arr.ndim else "scalar"
        if arr.size == 0 or arr.ndim == 0:
            return f"{self.title}  ({shape})"
        return f"{self.title}  ({shape}, min {arr.min():.3g}, max {arr.max():.3g})"

    def _show_heatmap(self, matrix: np.ndarray) -> None:
        finite = matrix[np.isfinite(matrix)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if self.diverging:
            bound = max(abs(low), abs(high)) or 1.0
            low, high = -bound, bound
        if high <= low:
            high = low + 1.0
        self.image.setImage(np.nan_to_num(matrix), levels=(low, high))
        self.plot.getViewBox().autoRange(padding=0)
        rows = matrix.shape[0]
        self.pages.setFixedHeight(max(60, min(220, 40 + rows * 6)))
        self.pages.setCurrentWidget(self.plot)
