"""Starting the desktop app: `run_app(path)` opens FILE or the default example and runs the event loop."""
from __future__ import annotations

import importlib
import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from engine.errors import EngineError
from engine.graph import Graph

from .settings import set_application_names

EXTENSIONS = ("graphviz_app.explain", "graphviz_app.training")
GEOMETRY_ENV = "CGE_TEST_GEOMETRY"


def open_initial(window, path: str | None) -> None:
    """Open FILE; without one (or if it cannot be read) the default example; failing that, an empty graph."""
    if path and window.files.open_path(path, ask=False):
        return
    from .examples_dialog import DEFAULT_EXAMPLE, default_example_graph

    try:
        graph = default_example_graph()
    except (EngineError, OSError, ImportError) as exc:
        window.prompts.error("Cannot open the default example", str(exc))
        window.set_graph(Graph(), None)
        return
    window.set_graph(graph, None, example=DEFAULT_EXAMPLE)


def install_extensions(window, names: tuple[str, ...] = EXTENSIONS) -> list[str]:
    """Call install(window) of each extension package that exists; return the installed names."""
    installed = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if getattr(exc, "name", None) != name:  # the package exists but something inside is missing
                print(f"note: {name} not loaded: {exc}", file=sys.stderr)
            continue
        install = getattr(module, "install", None)
        if install is None:
            continue
        try:
            install(window)
        except Exception as exc:  # an extension's bug must not stop the editor from opening
            _warn_later(window, "Extension failed", f"{name} could not start:\n\n{exc}")
            continue
        installed.append(name)
    return installed


def _warn_later(window, title: str, text: str) -> None:
    """A warning that does not block start-up (the window keeps working behind it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=window)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    window.show_status(text.replace("\n\n", " "), 15000)


def install_excepthook(window) -> None:
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


def start_window(path: str | None = None, settings=None, recovery=None, prompts=None,
                 extensions: tuple[str, ...] = EXTENSIONS):
    """Everything run_app does before the event loop: window, recovery offer, file, extensions."""
    from .main_window import MainWindow

    window = MainWindow(settings=settings, recovery=recovery, prompts=prompts)
    geometry_path = os.environ.get(GEOMETRY_ENV)
    if geometry_path:  # first, so that the real-window test also sees dialogs shown while starting
        from .window.test_geometry import GeometryReporter

        window.geometry_reporter = GeometryReporter(window, geometry_path)
    install_excepthook(window)
    window.restore_geometry()
    window.show()
    if not window.offer_recovery():
        open_initial(window, path)
    install_extensions(window, extensions)
    window.finish_setup()
    window.autosaver.start()
    window.raise_()
    window.activateWindow()  # keyboard shortcuts work at once, even without a window manager
    return window


def run_app(path: str | None = None) -> int:
    """Open the editor on `path` (or the headline classifier) and run until the window closes."""
    set_application_names()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from .palette import ICON_DIR

    app.setWindowIcon(QIcon(str(ICON_DIR / "app.svg")))
    window = start_window(path)  # held here: the window lives as long as the event loop
    code = app.exec()
    window.deleteLater()
    return code
