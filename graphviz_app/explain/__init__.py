"""Explain mode: replay a trace on the canvas — values forward, upstream × local gradients backward.

`ExplainMode(workbench)` adds the Explain dock (example picker, run buttons, timeline, caption), the wiggle
check dock, the Jacobian panel in the inspector, Run-menu and toolbar actions, Space on the canvas,
and presentation mode (F5). `overlay.apply_trace_state(scene, trace, step)` paints a trace on any scene
(used by graphviz_app.render for `main.py render --step K`).
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from engine.graph import Graph
from engine.replay.state import state_at
from engine.trace import Trace

from ..setting_field import push_setting
from ..window.contract import Workbench
from .camera import Camera
from .controller import ExplainController
from .presentation import Presentation, space_shortcut
from .timeline import TimelineWidget
from .actions import build_actions  # actions know the controller; the controller does not know them

MENU_ORDER = ("forward", "backward", "step_back", "step", "play", None, "sgd", None, "predict", "grad_width",
              "camera", None, "wiggle", "check_all", None, "present")
TOOLBAR_ORDER = ("forward", "backward", "step", "play", "sgd", "present")


class ExplainMode:
    """Everything explain mode adds to one window (the window keeps it as `explain`)."""

    def __init__(self, window: Workbench):
        self.window = window
        self.controller = ExplainController(window.scene, window.undo_stack, parent=window)
        self.controller.message.connect(window.show_status)
        self.timeline = TimelineWidget(self.controller.player, self.controller.picker, self.controller.caption)
        self.actions = build_actions(self.controller, window)
        self.timeline.add_buttons(self.actions)
        self.camera = Camera(window.view, self.controller, parent=window.host)
        self.actions["camera"].toggled.connect(self._camera_toggled)
        self.presentation = Presentation(window, self.controller, self.controller.caption, self.camera)
        self.actions["present"].triggered.connect(self.presentation.toggle)
        self.space = space_shortcut(window.view, self.controller.step)
        self._place_widgets()
        self._fill_menus()
        window.graph_replaced.connect(self._graph_replaced)
        window.scene.edge_selected.connect(self.controller.select_edge)
        window.scene.node_selected.connect(self.controller.wiggle.select)
        self.controller.trace_changed.connect(self._trace_changed)
        self.controller.player.step_changed.connect(self._push_arrays)
        self.controller.settings_changed.connect(self._show_lr)
        self.timeline.lr.chosen.connect(self._set_lr)
        self.timeline.lr.refused.connect(lambda why: window.show_status(f"Learning rate not changed: {why}", 8000))
        self._show_lr()

    def _show_lr(self) -> None:
        self.timeline.lr.show_value(self.controller.lr())

    def _set_lr(self, key: str, value: float) -> None:
        """α typed in the Explain dock: the graph's training setting, one undoable edit (training follows)."""
        push_setting(self.window.undo_stack, self.window.graph, key, value)

    def _place_widgets(self) -> None:
        w = self.window
        self.timeline_dock = w.add_dock("Explain", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.wiggle_dock = w.add_dock("Wiggle Check", self.controller.wiggle)
        w.inspector.set_edge_widget(self.controller.jacobian)
        w.inspector.edge_shown.connect(self.controller.select_edge)

    def _fill_menus(self) -> None:
        w = self.window
        menu = w.menus["run"]
        menu.addSeparator()
        for key in MENU_ORDER:
            menu.addSeparator() if key is None else menu.addAction(self.actions[key])
        w.toolbar.addSeparator()
        for key in TOOLBAR_ORDER:
            w.toolbar.addAction(self.actions[key])
        w.add_actions("explain", self.actions)

    def _camera_toggled(self, on: bool) -> None:
        """The normal view's option; presentation mode keeps the camera on whatever it says."""
        self.camera.enabled = on or self.presentation.active
        self.camera.follow(self.controller.player.step)

    def _graph_replaced(self, graph: Graph) -> None:
        self.presentation.leave()
        self.controller.set_graph(graph)

    def _trace_changed(self, trace: Trace | None) -> None:
        if trace is None:
            self.window.inspector.clear_arrays()

    def _push_arrays(self, k: int) -> None:
        """The inspector shows the value and gradient of the inspected node as they stand at step k."""
        overlay = self.controller.overlay
        if overlay is None:
            return
        state = state_at(overlay.trace, k)
        for node_id in overlay.trace.names:
            self.window.inspector.show_arrays(node_id, state.values.get(node_id), state.grads.get(node_id))

    def show_trace(self, trace: Trace) -> None:
        """Replay a trace made elsewhere (the predict box's headline) at its last step, with the dock in front."""
        self.controller.load(trace)
        self.controller.player.seek(len(trace) - 1)
        self.timeline_dock.show()
        self.timeline_dock.raise_()

    def shown_trace(self) -> tuple[Trace | None, int | None]:
        """The trace on the canvas and its step, or (None, None) when nothing is being explained."""
        trace, step = self.controller.trace, self.controller.player.step
        return (None, None) if trace is None or step < 0 else (trace, step)
