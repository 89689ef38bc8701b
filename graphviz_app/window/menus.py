"""Menus and the main toolbar, built from the window's actions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton

from engine.interop import export_onnx, export_pytorch, write_dot, write_tikz

from .export_animation import add_animation_export
from .export_lesson import add_lesson_export

if TYPE_CHECKING:
    from .files import FileController

# Export ▸ entries served by the engine's interop package: (label, function, file filter, takes the trace)
INTEROP_EXPORTS: tuple[tuple[str, Callable, str, bool], ...] = (
    ("DOT…", write_dot, "Graphviz DOT (*.dot *.gv)", True),
    ("TikZ…", write_tikz, "TikZ picture (*.tex)", True),
    ("ONNX…", export_onnx, "ONNX model (*.onnx)", False),
    ("PyTorch…", export_pytorch, "PyTorch module (*.py)", False),
)
PICTURE_EXPORTS = (("PNG…", "PNG image (*.png)", ".png"), ("SVG…", "SVG drawing (*.svg)", ".svg"))


@dataclass
class Menus:
    """The menu bar's menus by key, and the submenus the window fills later."""

    by_key: dict[str, QMenu]
    panels: QMenu  # View ▸ Panels: one entry per dock
    recent: QMenu  # File ▸ Open Recent
    export: QMenu  # File ▸ Export


def build_menus(w: QMainWindow, a: dict[str, QAction], files: "FileController",
                help_items: dict[str, Callable[[], None]]) -> Menus:
    """File, Edit, View, Run, Train and Help menus (Train is filled by the training feature)."""
    bar = w.menuBar()
    menus = {key: bar.addMenu(title) for key, title in
             (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("run", "&Run"), ("train", "&Train"),
              ("help", "&Help"))}
    recent, export = _file_menu(menus["file"], a, files)
    edit = menus["edit"]
    _add(edit, a, "undo", "redo", None, "cut", "copy", "copy_formula", "paste", "duplicate", "delete", None,
         "select_all", "find_op", "insert_formula", None, "group", "ungroup", "expand", "collapse", None, "layout")
    view = menus["view"]
    _add(view, a, "fit", "zoom_in", "zoom_out", None, "snap", "dark", None)
    panels = view.addMenu("&Panels")
    _add(menus["run"], a, "forward")
    for text, slot in help_items.items():
        menus["help"].addAction(text, slot)
    return Menus(menus, panels, recent, export)


def _add(menu: QMenu, actions: dict[str, QAction], *keys: str | None) -> None:
    for key in keys:
        if key is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[key])


def _file_menu(menu: QMenu, a: dict[str, QAction], files: "FileController") -> tuple[QMenu, QMenu]:
    _add(menu, a, "new", "new_formula", "open", "open_example")
    recent = menu.addMenu("Open &Recent")
    recent.aboutToShow.connect(lambda: files.fill_recent_menu(recent))
    menu.addSeparator()
    _add(menu, a, "save", "save_as")
    export = menu.addMenu("E&xport")
    _fill_export_menu(export, files)
    menu.addSeparator()
    _add(menu, a, "quit")
    return recent, export


def _fill_export_menu(menu: QMenu, files: "FileController") -> None:
    for label, file_filter, suffix in PICTURE_EXPORTS:
        action = menu.addAction(label)
        action.triggered.connect(lambda _c=False, f=file_filter, s=suffix: files.export_picture(f, s))
        action.setToolTip(f"Save a picture of the graph as {suffix[1:].upper()}")
    menu.addSeparator()
    for label, function, file_filter, with_trace in INTEROP_EXPORTS:
        action = menu.addAction(label)
        action.triggered.connect(lambda _c=False, f=function, ff=file_filter, t=with_trace:
                                 files.export_interop(f, ff, t))
    menu.addSeparator()
    add_lesson_export(menu, files.w)
    add_animation_export(menu, files.w)
    menu.setToolTipsVisible(True)


def build_toolbar(w: QMainWindow, actions: dict[str, QAction]) -> QToolBar:
    """The main toolbar: file, undo, view and run actions as text buttons."""
    bar = QToolBar("Main toolbar", w)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    _add_to_bar(bar, actions, "new", "open", "save", None, "undo", "redo", None, "fit", "layout", None,
                "forward")
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


# The undo stack names the edit ("Undo Add Tanh"); on the toolbar that moved every later button each time,
# so a click meant for Train could undo a training run. Their buttons keep one short label.
FIXED_LABELS = {"undo": "Undo", "redo": "Redo"}


def _add_to_bar(bar: QToolBar, actions: dict[str, QAction], *keys: str | None) -> None:
    for key in keys:
        if key is None:
            bar.addSeparator()
        elif key in FIXED_LABELS:
            bar.addWidget(fixed_button(bar, actions[key], FIXED_LABELS[key]))
        else:
            bar.addAction(actions[key])


def fixed_button(bar: QToolBar, action: QAction, label: str) -> QToolButton:
    """A toolbar button for `action` that always reads `label`; its tooltip names what it will do."""
    button = QToolButton(bar)
    button.setObjectName(f"button_{label.lower()}")
    button.setText(label)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.clicked.connect(action.trigger)

    def follow() -> None:
        if not (shiboken6.isValid(action) and shiboken6.isValid(button)):  # the window is being destroyed
            return
        button.setEnabled(action.isEnabled())
        keys = action.shortcut().toString()
        button.setToolTip(action.text().replace("&", "") + (f" ({keys})" if keys else ""))
    action.changed.connect(follow)
    follow()
    return button
