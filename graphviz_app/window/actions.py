"""The window's actions: text, shortcuts and tooltips.

Shortcuts are written out, the same on every platform: Qt's standard bindings differ by platform, and on
X11 "Delete" also means Ctrl+D, so Duplicate never fired ("Ambiguous shortcut overload"). Written out,
the test that looks for clashes sees the keys every platform gets.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from .. import formula_box, formula_dialog

if TYPE_CHECKING:
    from .edit_ops import EditController
    from .files import FileController
    from .view_controls import ViewControls


def _sequences(shortcuts: Iterable[str]) -> list[QKeySequence]:
    return [QKeySequence(key) for key in shortcuts]


def with_shortcut(tip: str, action: QAction) -> str:
    """A tooltip that ends with the action's shortcut, e.g. "Save the graph (Ctrl+S)"."""
    seq = action.shortcut()
    return f"{tip} ({seq.toString(QKeySequence.SequenceFormat.NativeText)})" if not seq.isEmpty() else tip


def make_action(parent, text: str, slot: Callable | None = None, shortcuts: Iterable[str] = (), tip: str = "",
                checkable: bool = False) -> QAction:
    """A QAction with its shortcuts and a tooltip that names the first shortcut."""
    action = QAction(text, parent)
    seqs = _sequences(shortcuts)
    if seqs:
        action.setShortcuts(seqs)
    action.setCheckable(checkable)
    action.setToolTip(with_shortcut(tip or text.replace("&", "").rstrip("…"), action))
    action.setStatusTip(tip or text.replace("&", ""))
    if slot is not None:
        action.triggered.connect(lambda checked=False: slot(checked) if checkable else slot())
    return action


def file_actions(w: QWidget, f: "FileController") -> dict[str, QAction]:
    """New, Open, Open Example, Save, Save As, Quit."""
    return {
        "new": make_action(w, "&New", f.new_graph, ["Ctrl+N"], "Start an empty graph"),
        "new_formula": make_action(w, "New from &Formula…", lambda: formula_dialog.new_from_formula(f.w),
                                   ["Ctrl+Shift+N"], "Type a formula such as a = σ(W x) and get its graph"),
        "open": make_action(w, "&Open…", f.open_dialog, ["Ctrl+O"], "Open a graph file (.json or .onnx)"),
        "open_example": make_action(w, "Open &Example…", f.open_example, ["Ctrl+Shift+O"],
                                    "Open a graph from the lecture's example library"),
        "save": make_action(w, "&Save", f.save, ["Ctrl+S"], "Save the graph"),
        "save_as": make_action(w, "Save &As…", f.save_as, ["Ctrl+Shift+S"], "Save the graph under a new name"),
        "quit": make_action(w, "&Quit", w.close, ["Ctrl+Q"], "Close the window"),
    }


def edit_actions(w: QWidget, undo_stack: QUndoStack, e: "EditController",
                 find_op: Callable[[], None]) -> dict[str, QAction]:
    """Undo, Redo, clipboard, selection, regions, blocks, layout."""
    undo = undo_stack.createUndoAction(w, "&Undo")
    undo.triggered.disconnect()  # through the controller: a training run going on pauses first
    undo.triggered.connect(e.undo)
    undo.setShortcuts(_sequences(["Ctrl+Z"]))
    undo.setToolTip(with_shortcut("Undo the last edit", undo))
    redo = undo_stack.createRedoAction(w, "&Redo")
    redo.triggered.disconnect()
    redo.triggered.connect(e.redo)
    redo.setShortcuts(_sequences(["Ctrl+Shift+Z", "Ctrl+Y"]))
    redo.setToolTip(with_shortcut("Redo the edit just undone", redo))
    return {
        "undo": undo, "redo": redo,
        "cut": make_action(w, "Cu&t", e.cut, ["Ctrl+X", "Shift+Del"], "Cut the selected nodes"),
        "copy": make_action(w, "&Copy", e.copy, ["Ctrl+C", "Ctrl+Ins"], "Copy the selected nodes"),
        "paste": make_action(w, "&Paste", e.paste, ["Ctrl+V", "Shift+Ins"], "Paste nodes from the clipboard"),
        "copy_formula": make_action(w, "Copy as F&ormula", lambda: formula_dialog.copy_as_formula(e.w),
                                    ["Ctrl+Shift+C"], "Copy the graph as a formula (x: R^3 … a = σ(W x))"),
        "duplicate": make_action(w, "Dupl&icate", e.duplicate, ["Ctrl+D"], "Duplicate the selected nodes"),
        "select_all": make_action(w, "Select &All", e.select_all, ["Ctrl+A"], "Select every node"),
        "find_op": make_action(w, "&Find Op…", find_op, ["Ctrl+F"],
                               "Search the palette; Enter adds the first match"),
        "insert_formula": make_action(w, "In&sert Formula…", lambda: formula_box.open_formula_box(e.w), ["Ctrl+I"],
                                      "Type a line such as h = relu(Vᵀa) on the canvas, using the graph's names"),
        "delete": make_action(w, "&Delete", e.delete, ["Del", "Backspace"],
                              "Delete the selection (edges of deleted nodes go too)"),
        "group": make_action(w, "&Group into Region…", e.group, ["Ctrl+G"],
                             "Group the selected nodes into a named region (encoder f(x), decoder, loss)"),
        "ungroup": make_action(w, "U&ngroup", e.ungroup, ["Ctrl+Shift+G"], "Remove the selected nodes' region"),
        "expand": make_action(w, "&Expand Block", e.expand_block, ["Ctrl+E"],
                              "Show a “Linear + σ” block as its primitive nodes"),
        "collapse": make_action(w, "Collapse &Block", e.collapse_block, ["Ctrl+Shift+E"],
                                "Fold a “Linear + σ” block back into one box"),
        "layout": make_action(w, "Auto &Layout", e.auto_layout, ["Ctrl+L"],
                              "Arrange the graph left to right by layers"),
    }


def view_actions(w: QWidget, v: "ViewControls") -> dict[str, QAction]:
    """Fit, zoom, snap, theme."""
    return {
        "fit": make_action(w, "&Fit to Window", v.fit, ["F", "Ctrl+0"], "Show the whole graph"),
        "zoom_in": make_action(w, "Zoom &In", v.zoom_in, ["Ctrl++", "Ctrl+="], "Zoom in"),
        "zoom_out": make_action(w, "Zoom &Out", v.zoom_out, ["Ctrl+-"], "Zoom out"),
        "snap": make_action(w, "&Snap to Grid", v.set_snap, ["Ctrl+Shift+;"], "Snap moved nodes to the grid",
                            checkable=True),
        "dark": make_action(w, "&Dark Theme", v.set_dark, ["Ctrl+Shift+T"], "Switch between light and dark",
                            checkable=True),
    }


def run_actions(w: QWidget, run_forward: Callable[[], bool]) -> dict[str, QAction]:
    """Run ▸ Forward."""
    return {"forward": make_action(w, "&Forward", run_forward, ["Ctrl+R"],
                                   "Run the graph forward on its sample input and show the values")}
