"""The part of the graph that was on screen: saved with the file, and shown again at any window size.

A file stores the zoom and the centre (read by older versions too) and the visible width and height in
model units. Reopened, the same part of the graph is fitted into the canvas, whatever its size. While the
window settles at start (maximising, docks restored and balanced) the canvas changes size a few times, so
the saved part is fitted again after each resize until the window has been still for a moment or the user
zooms, pans or clicks.
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, QTimer

from ..canvas.view import GraphView

SETTLE_MS = 1000  # a resize later than this after the last one is the user's: the view keeps its zoom
USER_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.KeyPress)


def saved_view(view: GraphView) -> dict[str, Any]:
    """What is on screen, for graph.meta["view"]: {"zoom", "center", "visible": [width, height] in model units}."""
    scale = view.graph_scene().theme.scale
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    return {**view.zoom_state(), "visible": [round(shown.width() / scale, 1), round(shown.height() / scale, 1)]}


def visible_rect(state: Any, scale: float) -> QRectF | None:
    """The scene rectangle a saved view showed, or None when the state has no (valid) visible size."""
    if not isinstance(state, dict):
        return None
    try:
        x, y = (float(v) for v in state["center"])
        width, height = (float(v) for v in state["visible"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x, y, width, height)) or width <= 0 or height <= 0:
        return None
    return QRectF((x - width / 2) * scale, (y - height / 2) * scale, width * scale, height * scale)


class ViewKeeper(QObject):
    """Shows a graph's saved view (or, without one, the whole graph) and keeps it shown while the window settles."""

    def __init__(self, view: GraphView):
        super().__init__(view)
        self.view = view
        self.state: Any = None
        self.active = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.release)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def show(self, state: Any) -> None:
        """Show what `state` (graph.meta["view"]) had on screen; None or a bad state: the whole graph."""
        self.state, self.active = state, True
        self.apply()
        self._settle.start()

    def release(self) -> None:
        """From now on the view is the user's: resizes keep its zoom."""
        self.active = False
        self._settle.stop()

    def apply(self) -> None:
        """Fit the saved part of the graph into the canvas as it is now."""
        rect = visible_rect(self.state, self.view.graph_scene().theme.scale)
        size = self.view.viewport().size()
        if rect is not None and not size.isEmpty():
            zoom = min(size.width() / rect.width(), size.height() / rect.height())
            self.view.resetTransform()
            self.view.scale(zoom, zoom)
            self.view.center_on(rect.center())
        elif isinstance(self.state, dict) and "zoom" in self.state and "center" in self.state:
            self.view.set_zoom_state(self.state)  # a file from before "visible" was saved
        else:
            self.view.fit_all()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self.active:
            if event.type() == QEvent.Type.Resize and watched is self.view:
                QTimer.singleShot(0, self._apply_if_active)  # once the view has its new size
                self._settle.start()
            elif event.type() in USER_EVENTS:
                self.release()
        return False

    def _apply_if_active(self) -> None:
        if self.active:
            self.apply()
