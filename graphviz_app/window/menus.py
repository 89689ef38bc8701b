"""Menus and the main toolbar, built from the window's actions."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar

if TYPE_CHECKING:
    from ..main_window import MainWindow

# Export ▸ entries served by the engine's interop package: (label, module, function, file filter)
INTEROP_EXPORTS = (
    ("DOT…", "engine.interop", "write_dot", "Graphviz DOT (*.dot *.gv)"),
    ("TikZ…", "engine.interop", "write_tikz", "TikZ picture (*.tex)"),
    ("ONNX…", "engine.interop", "export_onnx", "ONNX model (*.onnx)"),
    ("PyTorch…", "engine.interop", "export_pytorch", "PyTorch module (*.py)"),
)
PICTURE_EXPORTS = (("PNG…", "PNG image (*.png)", ".png"), ("SVG…", "SVG drawing (*.svg)", ".svg"))


def interop_function(module: str, function: str) -> Callable | None:
    """An export function of engine.interop, or None if that part is not installed (yet)."""
    try:
        return getattr(importlib.import_module(module), function, None)
    except Exception:  # a missing or half-written optional module must not break the File menu
        return None


def build_menus(w: "MainWindow") -> dict[str, QMenu]:
    """File, Edit, View, Run, Train and Help menus (Train is filled by the training extension)."""
    a, bar = w.actions, w.menuBar()
    menus = {key: bar.addMenu(title) for key, title in
             (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("run", "&Run"), ("train", "&Train"),
              ("help", "&Help"))}
    _file_menu(w, menus["file"])
    edit = menus["edit"]
    _add(edit, a, "undo", "redo", None, "cut", "copy", "copy_formula", "paste", "duplicate", "delete", None,
         "select_all", "find_op", None, "group", "ungroup", "expand", "collapse", None, "layout")
    view = menus["view"]
    _add(view, a, "fit", "zoom_in", "zoom_out", None, "snap", "dark", None)
    w.panels_menu = view.addMenu("&Panels")
    _add(menus["run"], a, "forward")
    help_menu = menus["help"]
    help_menu.addAction("&Keyboard Shortcuts", w.show_shortcuts)
    help_menu.addAction("&About", w.show_about)
    return menus


def _add(menu: QMenu, actions: dict[str, QAction], *keys: str | None) -> None:
    for key in keys:
        if key is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[key])


def _file_menu(w: "MainWindow", menu: QMenu) -> None:
    a = w.actions
    _add(menu, a, "new", "new_formula", "open", "open_example")
    w.recent_menu = menu.addMenu("Open &Recent")
    w.recent_menu.aboutToShow.connect(w.files.fill_recent_menu)
    menu.addSeparator()
    _add(menu, a, "save", "save_as")
    w.export_menu = menu.addMenu("&Export")
    _fill_export_menu(w, w.export_menu)
    menu.addSeparator()
    _add(menu, a, "quit")


def _fill_export_menu(w: "MainWindow", menu: QMenu) -> None:
    for label, file_filter, suffix in PICTURE_EXPORTS:
        action = menu.addAction(label)
        action.triggered.connect(lambda _c=False, f=file_filter, s=suffix: w.files.export_picture(f, s))
        action.setToolTip(f"Save a picture of the graph as {suffix[1:].upper()}")
    menu.addSeparator()
    for label, module, function, file_filter in INTEROP_EXPORTS:
        action = menu.addAction(label)
        action.setData((module, function, file_filter))
        action.triggered.connect(lambda _c=False, act=action: w.files.export_interop(*act.data()))
    menu.setToolTipsVisible(True)
    menu.aboutToShow.connect(lambda: _refresh_interop(menu))
    _refresh_interop(menu)


def _refresh_interop(menu: QMenu) -> None:
    """Enable the interop entries whose export function exists; the others say why not."""
    for action in menu.actions():
        data = action.data()
        if not data:
            continue
        module, function, _filter = data
        available = interop_function(module, function) is not None
        action.setEnabled(available)
        action.setToolTip(f"Export with {module}.{function}" if available
                          else f"Not available yet: needs {module}.{function}")


def build_toolbar(w: "MainWindow") -> QToolBar:
    """The main toolbar: file, undo, view and run actions as text buttons."""
    bar = QToolBar("Main toolbar", w)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    _add_to_bar(bar, w.actions, "new", "open", "save", None, "undo", "redo", None, "fit", "layout", None,
                "forward")
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


def _add_to_bar(bar: QToolBar, actions: dict[str, QAction], *keys: str | None) -> None:
    for key in keys:
        if key is None:
            bar.addSeparator()
        else:
            bar.addAction(actions[key])
