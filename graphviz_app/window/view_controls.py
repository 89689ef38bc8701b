"""View menu work: fit, zoom, snap to grid, and the light/dark look of the whole window."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from .. import settings as prefs
from .contract import Workbench
from .view_state import ViewKeeper

ZOOM_STEP = 1.25


def dark_palette() -> QPalette:
    """A dark widget palette that matches the dark canvas theme."""
    pal = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: "#262a31", role.WindowText: "#e6e9ef", role.Base: "#1e2127", role.AlternateBase: "#2b3038",
        role.ToolTipBase: "#2f343d", role.ToolTipText: "#e6e9ef", role.Text: "#e6e9ef", role.Button: "#2f343d",
        role.ButtonText: "#e6e9ef", role.BrightText: "#ff5c5c", role.Highlight: "#3d6fa8",
        role.HighlightedText: "#ffffff", role.Link: "#6fa0d8", role.PlaceholderText: "#7d8796",
        role.Mid: "#98a1b0", role.Dark: "#15171b", role.Light: "#3a404a", role.Midlight: "#323741",
    }
    for r, c in colors.items():
        pal.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor("#6b7380"))
    return pal


def apply_widget_palette(theme_name: str) -> None:
    """Dark widgets for the dark theme, the platform's light look otherwise."""
    app = QApplication.instance()
    if app is None:
        return
    if theme_name == "dark":
        app.setPalette(dark_palette())
    else:
        app.setPalette(app.style().standardPalette())


class ViewControls:
    """Slots of the View menu."""

    def __init__(self, window: Workbench):
        self.w = window
        self.keeper = ViewKeeper(window.view)

    def show_saved(self, state: object) -> None:
        """Show what a graph's saved view (graph.meta["view"]) had on screen, or the whole graph."""
        self.keeper.show(state)

    def fit(self) -> None:
        """Show the whole graph."""
        self.keeper.release()
        self.w.view.fit_all()

    def zoom_in(self) -> None:
        """Zoom in around the centre of the view."""
        self.keeper.release()
        self.w.view.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        """Zoom out around the centre of the view."""
        self.keeper.release()
        self.w.view.zoom_by(1 / ZOOM_STEP)

    def set_snap(self, on: bool) -> None:
        """Snap moved nodes to the grid (remembered)."""
        self.w.view.set_snap(bool(on))
        self.w.settings.setValue("snap", bool(on))

    def set_dark(self, on: bool) -> None:
        """Dark or light theme for the canvas and the widgets (remembered)."""
        self.w.set_theme("dark" if on else "light")

    def restore(self) -> None:
        """Apply the remembered snap setting."""
        snap = prefs.read_value(self.w.settings, "snap", False, bool)
        self.w.actions["snap"].setChecked(snap)
        self.w.view.set_snap(snap)
