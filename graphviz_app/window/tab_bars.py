"""Tab bars that Qt leaves behind in a window's dock areas, and hiding them.

Qt's main-window layout sometimes keeps an old tab bar shown after the docks' groups change: tabifying a
third dock (the app's start), restoring a saved layout (leaving presentation mode), closing docks. The old
bar then lies over another dock or the status bar with the names of docks that are not there. A tab bar in
use sits right below the dock it shows (tabs at the south, Qt's default) and names it as its current tab.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

SLACK_PX = 2  # between a dock's bottom edge and its group's tab bar


def _shows(bar: QTabBar, dock: QDockWidget) -> bool:
    """True when `bar` is the tab bar of the group whose current dock is `dock`."""
    index = bar.currentIndex()
    if index < 0 or bar.tabText(index).replace("&&", "&") != dock.windowTitle():
        return False
    dock_rect, bar_rect = dock.geometry(), bar.geometry()
    return abs(bar_rect.top() - dock_rect.bottom() - 1) <= SLACK_PX and bar_rect.left() <= dock_rect.right() \
        and dock_rect.left() <= bar_rect.right()


def stray_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """The window's dock-area tab bars shown on screen that belong to no dock shown."""
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()]
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return [bar for bar in bars if bar.isVisible() and window.rect().intersects(bar.geometry())
            and not any(_shows(bar, dock) for dock in docks)]


class TabBarSweeper(QObject):
    """Hides stray tab bars once the window's layout has settled after a dock was shown, hidden or moved."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.sweep)

    def watch(self, dock: QDockWidget) -> None:
        """Sweep after this dock changes visibility, place or floating."""
        dock.visibilityChanged.connect(self.schedule)
        dock.dockLocationChanged.connect(self.schedule)
        dock.topLevelChanged.connect(self.schedule)

    def schedule(self, *_args: object) -> None:
        """Sweep once the event loop has laid the window out."""
        self._timer.start()

    def sweep(self) -> None:
        """Hide every stray tab bar now (the layout is applied first, so that the bars in use are in place)."""
        layout = self.window.layout()
        if layout is not None:
            layout.activate()
        for bar in stray_tab_bars(self.window):
            bar.hide()
