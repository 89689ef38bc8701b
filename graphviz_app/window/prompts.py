"""Every question the window asks the user, in one replaceable object (tests inject the answers)."""
from __future__ import annotations

import os

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QMessageBox,
                               QWidget)

from ..document import GRAPH_FILTER, OPEN_FILTER
from .shortcuts_dialog import Group, ShortcutsDialog

# (title, colour) offered when grouping nodes; the names follow the lecture's slides
REGION_PRESETS = (("encoder f(x)", "#4c78a8"), ("decoder", "#f58518"), ("loss", "#e45756"))
REGION_COLORS = (("blue", "#4c78a8"), ("orange", "#f58518"), ("red", "#e45756"), ("green", "#54a24b"),
                 ("purple", "#b279a2"), ("teal", "#72b7b2"), ("grey", "#9d9da5"))


def _file_dialog_options() -> QFileDialog.Option:
    # the real-window test types a path into Qt's own dialog, which behaves the same everywhere
    if os.environ.get("CGE_TEST_GEOMETRY"):
        return QFileDialog.Option.DontUseNativeDialog
    return QFileDialog.Option(0)


class Prompts:
    """Dialogs of the main window; each method returns the user's answer."""

    def __init__(self, parent: QWidget):
        self.parent = parent

    def ask_save_changes(self, name: str) -> str:
        """"save", "discard" or "cancel" for unsaved changes in `name`."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.warning(
            self.parent, "Unsaved changes", f"“{name}” has unsaved changes. Save them first?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def ask_restore(self, description: str) -> bool:
        """True to restore work that a crashed session autosaved."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent, "Restore unsaved work?",
            f"The app did not close normally last time. Restore the autosaved work ({description})?",
            buttons.Yes | buttons.No, buttons.Yes)
        return answer == buttons.Yes

    def ask_yes_no(self, title: str, question: str) -> bool:
        """True if the user answers Yes (the default button)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self.parent, title, question, buttons.Yes | buttons.No, buttons.Yes)
        return answer == buttons.Yes

    def error(self, title: str, text: str) -> None:
        """Tell the user something failed (the message says what and where)."""
        QMessageBox.warning(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        """Tell the user something worth knowing."""
        QMessageBox.information(self.parent, title, text)

    def shortcuts(self, groups: list[Group]) -> None:
        """Show the keyboard shortcuts, grouped by menu, in a dialog that fits the screen."""
        ShortcutsDialog(self.parent, groups).exec()

    def open_path(self, folder: str) -> str | None:
        """A graph file to open."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open graph", folder, OPEN_FILTER,
                                              options=_file_dialog_options())
        return path or None

    def save_path(self, suggested: str) -> str | None:
        """Where to save the graph (".json" is added when missing)."""
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save graph as", suggested, GRAPH_FILTER,
                                              options=_file_dialog_options())
        if path and not os.path.splitext(path)[1]:
            path += ".json"
        return path or None

    def export_path(self, title: str, suggested: str, file_filter: str) -> str | None:
        """Where to write an exported file."""
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, file_filter,
                                              options=_file_dialog_options())
        return path or None

    def region(self) -> tuple[str, str] | None:
        """Title and colour for a new region, or None if cancelled."""
        dialog = RegionDialog(self.parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def example(self, current: str | None = None):
        """An example from the lecture library (an ExampleEntry), or None; `current` is the one open now."""
        from ..examples_dialog import ExamplesDialog

        dialog = ExamplesDialog(self.parent, current=current)
        return dialog.selected() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class RegionDialog(QDialog):
    """Asks a region's title (presets from the slides, or typed) and its colour."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Group into region")
        self.setMinimumWidth(340)
        self.title = QComboBox(editable=True)
        self.title.addItems([t for t, _ in REGION_PRESETS])
        self.color = QComboBox()
        for name, value in REGION_COLORS:
            self.color.addItem(_swatch(value), name, value)
        self.title.currentIndexChanged.connect(self._preset_colour)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Colour", self.color)
        form.addRow(buttons)

    def _preset_colour(self, index: int) -> None:
        if 0 <= index < len(REGION_PRESETS):
            self.color.setCurrentIndex(self.color.findData(REGION_PRESETS[index][1]))

    def answer(self) -> tuple[str, str] | None:
        """(title, colour), or None when the title is empty; the title rule (engine.graph) is checked by Group."""
        title = self.title.currentText().strip()
        return (title, self.color.currentData()) if title else None
