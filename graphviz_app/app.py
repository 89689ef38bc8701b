"""Starting the desktop app: `run_app(path)` opens FILE or the default example and runs the event loop."""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from engine.errors import EngineError
from engine.graph import Graph

from .examples_dialog import DEFAULT_EXAMPLE, default_example_graph
from .main_window import MainWindow
from .palette import ICON_DIR
from .recovery import RecoveryStore
from .settings import set_application_names
from .window.prompts import Prompts
from .window.edit_ops import release_clipboard
from .window.test_geometry import GeometryReporter

GEOMETRY_ENV = "CGE_TEST_GEOMETRY"


def open_initial(window: MainWindow, path: str | None) -> None:
    """Open FILE; without one (or if it cannot be read) the default example; failing that, an empty graph."""
    if path and window.files.open_path(path, ask=False):
        return
    try:
        graph = default_example_graph()
    except (EngineError, OSError, ImportError) as exc:
        window.prompts.error("Cannot open the default example", str(exc))
        window.set_graph(Graph(), None)
        return
    window.set_graph(graph, None, example=DEFAULT_EXAMPLE)


def install_excepthook(window: MainWindow) -> None:
    """Errors escaping a slot are shown, the work is autosaved, and the app keeps running."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        try:
            window.handle_exception(exc_type, exc, tb)
        except RuntimeError:  # the window is already gone
            previous(exc_type, exc, tb)

    sys.excepthook = hook


def start_window(path: str | None = None, settings: QSettings | None = None,
                 recovery: RecoveryStore | None = None, prompts: Prompts | None = None) -> MainWindow:
    """Everything run_app does before the event loop: window, recovery offer, file."""
    window = MainWindow(settings=settings, recovery=recovery, prompts=prompts)
    geometry_path = os.environ.get(GEOMETRY_ENV)
    if geometry_path:  # first, so that the real-window test also sees dialogs shown while starting
        GeometryReporter(window, window.palette, geometry_path)  # the window owns it (Qt parent)
    install_excepthook(window)
    window.restore_geometry()
    window.show()
    if not window.offer_recovery():
        open_initial(window, path)
    window.finish_setup()
    window.autosaver.start()
    window.raise_()
    window.activateWindow()  # keyboard shortcuts work at once, even without a window manager
    return window


def run_app(path: str | None = None) -> int:
    """Open the editor on `path` (or the headline classifier) and run until the window closes."""
    set_application_names()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(QIcon(str(ICON_DIR / "app.svg")))
    window = start_window(path)  # held here: the window lives as long as the event loop
    code = app.exec()
    release_clipboard()
    window.deleteLater()
    return code
