"""A camera that follows the trace: each step brings its edge, its two nodes and its label to a readable size.

In presentation mode the camera is always on (and as an option in the normal view): a short animated pan
and zoom per step, so that the active label and the values of its nodes are at least READ_PX tall on
screen. O shows the whole graph and, pressed again, returns to the step.
"""
from __future__ import annotations

from typing import Callable, Protocol

from PySide6.QtCore import QEasingCurve, QObject, QPointF, QRect, QRectF, QVariantAnimation

from engine.graph import Graph
from engine.trace import BackwardStep, ForwardStep, NoGradStep, SeedStep, SumStep, Trace, UpdateStep

from ..canvas.scene import GraphScene
from ..canvas.text import fonts_for
from ..canvas.view import GraphView
from .controller import ExplainController
from .overlay import Overlay

READ_PX = 25.0  # on-screen height (font pixel size) of the active label and its nodes' values, when it fits
MIN_READ_PX = 24.0  # the least the camera settles for to keep a step's edge and both its nodes in view
ZOOM_ROOM = 1.4  # a small step may be shown up to this much larger than just readable
MARGIN = 0.04  # of the viewport, kept free around what the camera frames
DURATION_MS = 380
EASING = QEasingCurve.Type.InOutCubic  # of a camera move between two steps

View = tuple[QPointF, float]  # (scene point in the middle, zoom)


def _mix(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def between(start: View, end: View, t: float) -> View:
    """The camera at fraction t of a move: the centre slides, the zoom changes by a constant factor per frame."""
    (c0, z0), (c1, z1) = start, end
    t = float(t)
    zoom = z0 * (z1 / z0) ** t if z0 > 0 and z1 > 0 else z1
    return QPointF(_mix(c0.x(), c1.x(), t), _mix(c0.y(), c1.y(), t)), zoom


class Explained(Protocol):
    """What the camera frames: a graph and its trace as an overlay shows it (the ExplainController, or an
    export's own offscreen scene)."""

    graph: Graph | None
    trace: Trace | None
    overlay: Overlay | None


class Framing:
    """The camera's rule: what step k must show, and the centre and zoom that show it readably on a viewport
    of a given size (the window's canvas, or an offscreen frame of a video)."""

    def __init__(self, scene: GraphScene, explained: Explained, viewport: Callable[[], QRect]):
        self.scene = scene
        self.explained = explained
        self.viewport = viewport  # its rectangle in pixels, asked anew each time (a window resizes)

    def readable_zoom(self, px: float = READ_PX) -> float:
        """The zoom at which the label font and the value font are `px` tall."""
        fonts = fonts_for(self.scene.theme)
        smallest = min(fonts.label.pixelSize(), fonts.mono.pixelSize())
        return px / max(1.0, float(smallest))

    def _node_rect(self, node_id: str) -> QRectF:
        if node_id not in self.scene.node_items:
            return QRectF()
        item = self.scene.visible_item(node_id)
        return item.sceneBoundingRect()  # the body with its badge and a margin

    def _label_rect(self, edge_id: str | None) -> QRectF:
        edge = self.scene.edge_items.get(edge_id) if edge_id is not None else None
        label = edge.label_item if edge is not None else None
        if label is None or not label.isVisible():
            return QRectF()
        return label.mapRectToScene(label.label_rect())

    def _edge_rect(self, edge_id: str | None) -> QRectF:
        edge = self.scene.edge_items.get(edge_id) if edge_id is not None else None
        return QRectF() if edge is None or not edge.isVisible() else edge.path().boundingRect()

    def frames(self, k: int) -> tuple[QRectF, QRectF]:
        """(what must be seen, what is good to see as well) for step k, in scene coordinates."""
        trace, overlay = self.explained.trace, self.explained.overlay
        if trace is None or overlay is None or not 0 <= k < len(trace):
            return QRectF(), QRectF()
        step = trace.steps[k]
        graph = self.explained.graph
        edge_id = overlay.label_edge(k)
        core = self._edge_rect(edge_id).united(self._label_rect(edge_id))
        context = QRectF()
        if isinstance(step, (BackwardStep, NoGradStep)):
            core = core.united(self._node_rect(step.src)).united(self._node_rect(step.dst))
        elif isinstance(step, UpdateStep):
            core = core.united(self._node_rect(step.node))
            last = overlay.narrator.last_update
            if k == last and trace.target is not None:
                context = self._node_rect(trace.target)
        elif isinstance(step, (ForwardStep, SeedStep, SumStep)):
            core = core.united(self._node_rect(step.node))
            incoming = graph.incoming(step.node).values() if isinstance(step, ForwardStep) else \
                graph.outgoing(step.node) if isinstance(step, SumStep) else []
            for edge in incoming:
                context = context.united(self._edge_rect(edge.id)).united(self._label_rect(edge.id))
                other = edge.src if isinstance(step, ForwardStep) else edge.dst
                context = context.united(self._node_rect(other))
        return core, context

    def receiving(self, k: int) -> QRectF:
        """The label of step k and the node whose number it explains (the one receiving the gradient)."""
        return self._label_and_node(k, sending=False)

    def sending(self, k: int) -> QRectF:
        """The label of step k and the node its upstream gradient comes from (a backward step's target end);
        for other steps, the same as `receiving`."""
        return self._label_and_node(k, sending=True)

    def _label_and_node(self, k: int, sending: bool) -> QRectF:
        trace, overlay = self.explained.trace, self.explained.overlay
        if trace is None or overlay is None or not 0 <= k < len(trace):
            return QRectF()
        step = trace.steps[k]
        if isinstance(step, (BackwardStep, NoGradStep)):
            node = step.dst if sending else step.src
        else:
            node = step.node
        return self._label_rect(overlay.label_edge(k)).united(self._node_rect(node))

    def framed(self, k: int, arrived: bool = True) -> QRectF:
        """What the camera shows of step k: its edge, nodes and label, with their neighbours when they fit at a
        readable size. An edge longer than the screen at that size (one wrapping from the end of a row to the
        start of the next) is shown in two parts, as its pulse runs: the label with the node the gradient comes
        from, then (`arrived`) the label with the node receiving the result, each readable."""
        core, context = self.frames(k)
        if core.isEmpty():
            return core
        wanted = core.united(context) if not context.isEmpty() else core
        if self.fit_zoom(wanted) >= self.readable_zoom():
            return wanted
        if self.fit_zoom(core) >= self.readable_zoom(MIN_READ_PX):
            return core
        return self.receiving(k) if arrived else self.sending(k)

    def target(self, k: int, arrived: bool = True) -> tuple[QPointF, float] | None:
        """(centre, zoom) that frames step k readably, or None when there is nothing to frame."""
        wanted = self.framed(k, arrived)
        if wanted.isEmpty():
            return None
        readable = self.readable_zoom()
        zoom = min(max(self.fit_zoom(wanted), self.readable_zoom(MIN_READ_PX)), readable * ZOOM_ROOM)
        return wanted.center(), zoom

    def fit_zoom(self, rect: QRectF) -> float:
        """The largest zoom at which `rect` fits the viewport, less its margin."""
        area = self.viewport()
        room_w, room_h = area.width() * (1 - 2 * MARGIN), area.height() * (1 - 2 * MARGIN)
        return min(room_w / max(1.0, rect.width()), room_h / max(1.0, rect.height()))


class Camera(QObject):
    """Moves one view so that the step being explained fills it at a readable size."""

    def __init__(self, view: GraphView, controller: ExplainController, parent: QObject | None = None):
        super().__init__(parent)
        self.view = view
        self.scene = view.graph_scene()
        self.controller = controller
        self.framing = Framing(self.scene, controller, lambda: view.viewport().rect())
        self.enabled = False
        self.duration_ms = DURATION_MS
        self.in_overview = False
        self._from = (QPointF(), 1.0)
        self._to = (QPointF(), 1.0)
        self._animation = QVariantAnimation(self)
        self._animation.setStartValue(0.0)
        self._animation.setEndValue(1.0)
        self._animation.setEasingCurve(EASING)
        self._animation.valueChanged.connect(self._frame)
        self._animation.finished.connect(self._arrived)
        self._check_after: int | None = None  # a step whose result appeared while the camera was moving
        self._arrived_step: int | None = None  # the step whose result is on the canvas (its pulse has arrived)
        player = controller.player
        player.step_changed.connect(self._step_changed)
        player.shown.connect(self._step_shown)

    def frames(self, k: int) -> tuple[QRectF, QRectF]:
        """(what must be seen, what is good to see as well) for step k (Framing.frames)."""
        return self.framing.frames(k)

    def target(self, k: int) -> tuple[QPointF, float] | None:
        """(centre, zoom) that frames step k readably on this view, as far as its pulse has come (Framing.target)."""
        return self.framing.target(k, self._arrived_step == k)

    def framed(self, k: int) -> QRectF:
        """What the camera shows of step k now, in scene coordinates (Framing.framed)."""
        return self.framing.framed(k, self._arrived_step == k)

    def fits(self, k: int) -> bool:
        """True when what step k must show is inside the view and readable at the current zoom."""
        wanted = self.framed(k)
        if wanted.isEmpty():
            return True
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return visible.contains(wanted) and self.view.zoom() >= self.framing.readable_zoom(MIN_READ_PX) * 0.999

    # ----- moving
    @property
    def moving(self) -> bool:
        """True while an animated pan and zoom is under way."""
        return self._animation.state() == QVariantAnimation.State.Running

    def follow(self, k: int, animate: bool = True) -> None:
        """Frame step k (when the camera is on)."""
        if not self.enabled:
            return
        self.in_overview = False
        target = self.target(k)
        if target is not None:
            self.move_to(*target, animate=animate)

    def move_to(self, center: QPointF, zoom: float, animate: bool = True) -> None:
        """Pan and zoom to `center` at `zoom`, in a short animation unless `animate` is False."""
        self._animation.stop()
        self._from = (self.view.view_center(), self.view.zoom())
        self._to = (QPointF(center), float(zoom))
        if not animate or self.duration_ms <= 0:
            self._frame(1.0)
            self.view.finish_zoom()
            return
        self._animation.setDuration(self.duration_ms)
        self._animation.start()

    def _frame(self, t: float) -> None:
        self.view.look_at(*between(self._from, self._to, t))

    def overview(self) -> None:
        """Show the whole graph (O); pressed again, back to the step."""
        if self.in_overview:
            self.in_overview = False
            self.follow(self.controller.player.step)
            return
        rect = self.scene.itemsBoundingRect()
        if rect.isEmpty():
            return
        self.in_overview = True
        self.move_to(rect.center(), self.framing.fit_zoom(rect))

    def _step_changed(self, k: int) -> None:
        self.follow(k)  # a step beginning frames where its pulse starts; a seek has shown its result already

    def _step_shown(self, k: int) -> None:
        """The step's result is on the canvas (its label, the node's value): reframe only if it does not fit."""
        self._arrived_step = k
        if not self.enabled or self.in_overview:
            return
        if self._animation.state() == QVariantAnimation.State.Running:
            self._check_after = k
        elif not self.fits(k):
            self.follow(k)

    def _arrived(self) -> None:
        self.view.finish_zoom()
        k, self._check_after = self._check_after, None
        if k is not None and k == self.controller.player.step and not self.fits(k):
            self.follow(k)
