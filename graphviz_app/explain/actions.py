"""The actions of explain mode with their shortcuts (chosen not to clash with the window's)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from .controller import ExplainController

# key: (menu text, shortcut, tooltip)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "forward": ("&Explain Forward", "Ctrl+Shift+F", "Animate the forward pass: each node computes its value"),
    "backward": ("Explain &Backward", "Ctrl+B",
                 "Animate the backward pass: upstream × local = ∂L/∂(input) on every edge"),
    "step_back": ("Step Bac&k", "Ctrl+Shift+Left", "Go back one event of the trace"),
    "step": ("&Step", "Ctrl+Shift+Right", "One event of the trace (Space on the canvas)"),
    "play": ("&Play / Pause", "Ctrl+Shift+P", "Play the whole trace, or pause it"),
    "sgd": ("S&GD Step", "Ctrl+Return", "Forward → loss → backward → update Θ ← Θ − α∇Θ L (undoable)"),
    "predict": ("Predict, then &Reveal", "Ctrl+Shift+R",
                "Each new value or gradient shows “?” until you reveal it (Space)"),
    "grad_width": ("E&dges Follow |Gradient|", "", "Edge thickness and colour follow the gradient's size "
                   "(log scale: vanishing gradients become thin)"),
    "camera": ("&Camera Follows the Trace", "", "Each step pans and zooms to its edge, nodes and label at a "
               "readable size (always on in presentation mode; O there shows the whole graph)"),
    "wiggle": ("&Wiggle Check", "Ctrl+Shift+W", "Nudge the selected node by ε: does ΔL/ε match ∂L/∂x?"),
    "check_all": ("Wiggle-Check &All Parameters", "", "Wiggle every parameter; each gets ✓ or ✗"),
    "present": ("Presentation &Mode", "F5", "Full screen, large and high-contrast; Space steps, ←/→ scrub, Esc leaves"),
}
CHECKABLE = ("predict", "grad_width", "camera")


def build_actions(controller: "ExplainController", parent: QObject) -> dict[str, QAction]:
    """One QAction per entry of ACTIONS, connected to the controller (presentation is connected later)."""
    actions: dict[str, QAction] = {}
    for key, (text, shortcut, tip) in ACTIONS.items():
        action = QAction(text, parent)
        action.setObjectName(f"explain_{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setCheckable(key in CHECKABLE)
        actions[key] = action
    actions["grad_width"].setChecked(True)
    player = controller.player
    actions["forward"].triggered.connect(controller.forward)
    actions["backward"].triggered.connect(controller.backward)
    actions["step"].triggered.connect(controller.step)
    actions["step_back"].triggered.connect(controller.step_back)
    actions["play"].triggered.connect(controller.play_pause)
    actions["sgd"].triggered.connect(lambda: controller.sgd_step())  # at the graph's α
    actions["predict"].toggled.connect(lambda on: _set_predict(controller, actions["predict"], on))
    player.predict_changed.connect(actions["predict"].setChecked)  # P in presentation mode, a new graph
    actions["grad_width"].toggled.connect(lambda on: _set_grad_width(controller, on))
    actions["wiggle"].triggered.connect(controller.wiggle.run_selected)
    actions["check_all"].triggered.connect(controller.wiggle.run_all)
    player.playing_changed.connect(lambda on: actions["play"].setText("&Pause" if on else "&Play / Pause"))
    return actions


def _set_predict(controller: "ExplainController", action: QAction, on: bool) -> None:
    controller.set_predict(on)
    action.setChecked(controller.player.predict)  # refused while the steps are locked: the mark goes back


def _set_grad_width(controller: "ExplainController", on: bool) -> None:
    controller.grad_width = on
    if controller.overlay is not None:
        controller.overlay.options.grad_width = on
        controller.overlay.forget_shown()
        controller.player.refresh()
