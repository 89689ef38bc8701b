"""Tab bars of a window's dock areas lying where they should not (over a dock, the canvas, the status bar or another
tab bar), for the offscreen tests and, run as a module under X11, for the real window through its start path."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar


def shown_bars(w: QMainWindow) -> list[QTabBar]:
    """The window's dock-area tab bars that are on screen."""
    return [b for b in w.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if b.isVisible() and w.rect().intersects(b.geometry())]


def names(bar: QTabBar) -> list[str]:
    """The texts of a tab bar's tabs."""
    return [bar.tabText(i) for i in range(bar.count())]


def misplaced(w: QMainWindow) -> list[str]:
    """Tab bars lying over a shown dock, the canvas, the status bar or another tab bar."""
    covered = [(d.windowTitle(), d.geometry()) for d in w.findChildren(QDockWidget) if d.isVisible()]
    covered.append(("canvas", w.centralWidget().geometry()))
    if w.statusBar().isVisible():
        covered.append(("status bar", w.statusBar().geometry()))
    bars = shown_bars(w)
    found = [f"{names(b)} over {what}" for b in bars for what, rect in covered if b.geometry().intersects(rect)]
    return found + [f"{names(a)} over {names(b)}" for i, a in enumerate(bars) for b in bars[i + 1:]
                    if a.geometry().intersects(b.geometry())]


def main() -> None:
    """Start the app as main.py does, close docks, enter and leave presentation mode; print what lies where."""
    import os
    import sys
    import tempfile
    import time

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from graphviz_app.app import start_window
    from graphviz_app.recovery import RecoveryStore

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def settle() -> None:
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        w = start_window("assets/graphs/mlp.json", settings, RecoveryStore(os.path.join(folder, "recovery")))
        presentation = w.explain.presentation
        steps = [("start", lambda: None),
                 ("bottom docks closed", lambda: [d.close() for d in (w.explain.timeline_dock,
                                                                      w.training.dashboard_dock, w.practice.dock)]),
                 ("presenting", presentation.enter), ("after presenting", presentation.leave),
                 ("right docks closed", lambda: [d.close() for d in (w.inspector_dock, w.history_dock,
                                                                     w.explain.wiggle_dock)]),
                 ("presenting again", presentation.enter), ("after presenting again", presentation.leave),
                 ("two docks back", lambda: [d.show() for d in (w.explain.timeline_dock, w.training.dashboard_dock)])]
        for state, act in steps:
            act()
            settle()
            print(f"BARS {state}: {[names(b) for b in shown_bars(w)]}")
            for line in misplaced(w):
                print(f"MISPLACED {state}: {line}")
        w.training.session.close()


if __name__ == "__main__":
    main()
