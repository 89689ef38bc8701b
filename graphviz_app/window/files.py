"""File menu work: new, open, open example, recent files, save, save as, export; unsaved-change questions."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMenu

from engine.graph import Graph
from engine.layout import lay_out_if_unplaced

from .. import settings as prefs
from ..document import error_words, load_errors, load_graph_file, save_graph_file
from ..recovery import Autosaver
from ..render import render_to_file
from .contract import Workbench
from .view_state import saved_view


class FileController:
    """Opens and saves the window's graph; asks before unsaved changes are lost."""

    def __init__(self, window: Workbench, autosaver: Autosaver):
        self.w = window
        self.autosaver = autosaver  # saving drops the recovery copy

    # ----- asking
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current graph (saved, discarded, or nothing unsaved)."""
        self.w.settle()  # a training run's weights and history reach the graph before it is saved or dropped
        doc = self.w.document
        if not doc.dirty:
            return True
        answer = self.w.prompts.ask_save_changes(doc.display_name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ----- opening
    def new_graph(self) -> None:
        """Replace the graph by an empty one."""
        if self.maybe_save():
            self.w.set_graph(Graph(), None)
            self.w.show_status("New empty graph: drag ops from the palette to begin")

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self.maybe_save():
            return False
        path = self.w.prompts.open_path(self._folder())
        return self.open_path(path, ask=False) if path else False

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open `path`; a bad file shows the loader's message and the current graph stays.

        A file whose nodes have no positions (all on one spot) is laid out first: thousands of nodes piled on
        one point would take Qt minutes to draw, and nobody could read them."""
        if ask and not self.maybe_save():
            return False
        notes: list[str] = []
        try:
            graph = load_graph_file(path, notes)
        except load_errors() as exc:
            self.w.prompts.error("Cannot open the file",
                                 f"Could not open {Path(path).name}:\n\n{error_words(exc, path)}")
            self.w.show_status(f"Could not open {Path(path).name}")
            return False
        laid_out = lay_out_if_unplaced(graph)
        self.w.set_graph(graph, path)
        prefs.add_recent_file(self.w.settings, path)
        self.w.show_status(_opened_status(path, laid_out, notes), 15_000 if laid_out or notes else 4000)
        if notes:  # after start-up has finished, so the box is on top and the window is complete behind it
            text = (f"{Path(path).name} opened with these changes:\n\n" + "\n".join(notes)
                    + "\n\nSave the file to keep it this way.")
            QTimer.singleShot(0, lambda: self.w.prompts.info("Opened with changes", text))
        return True

    def open_example(self) -> bool:
        """Pick an example of the lecture library and open it as a new, unsaved graph."""
        if not self.maybe_save():
            return False
        entry = self.w.prompts.example(self.w.document.example)
        if entry is None:
            return False
        try:
            graph = entry.load()
        except load_errors() as exc:
            self.w.prompts.error("Cannot open the example", f"{entry.title}:\n\n{error_words(exc, entry.name)}")
            return False
        self.w.set_graph(graph, None, example=entry.name)
        self.w.show_status(f"Opened example “{entry.title}”")
        return True

    def open_recent(self, path: str) -> bool:
        """Open a file from Open Recent; a file that vanished is dropped from the list with a message."""
        if not Path(path).is_file():
            prefs.remove_recent_file(self.w.settings, path)
            self.w.prompts.info("File not found", f"{path} no longer exists; it was removed from Open Recent.")
            return False
        return self.open_path(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        """Rebuild Open Recent (missing files are removed, with a status message)."""
        menu.clear()
        kept, removed = prefs.prune_missing(self.w.settings)
        if removed:
            self.w.show_status(f"Removed from Open Recent (missing): {', '.join(Path(p).name for p in removed)}")
        for i, path in enumerate(kept):
            action = menu.addAction(f"&{(i + 1) % 10} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_recent(p))
        if not kept:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu", self._clear_recent)
        menu.setToolTipsVisible(True)

    def _clear_recent(self) -> None:
        self.w.settings.setValue("recent_files", [])

    # ----- saving
    def save(self) -> bool:
        """Save to the current file, or ask for one."""
        path = self.w.document.path
        return self.write(path) if path else self.save_as()

    def save_as(self) -> bool:
        """Ask where to save, then save there."""
        path = self.w.prompts.save_path(self._suggested_path())
        return self.write(path) if path else False

    def write(self, path: str) -> bool:
        """Save the graph and the view to `path`; a failure shows a dialog and keeps the document dirty."""
        self.w.settle()
        try:
            save_graph_file(self.w.graph, path, saved_view(self.w.view))
        except load_errors() as exc:
            self.w.prompts.error("Cannot save the file",
                                 f"Could not save {Path(path).name}:\n\n{error_words(exc, path)}")
            return False
        self.w.document.mark_saved(path)
        prefs.add_recent_file(self.w.settings, path)
        self.autosaver.save_now()  # nothing unsaved any more: drops the recovery file
        self.w.show_status(f"Saved {path}")
        return True

    def _folder(self) -> str:
        path = self.w.document.path or (prefs.recent_files(self.w.settings) or [""])[0]
        return str(Path(path).parent) if path else str(Path.home())

    def _suggested_path(self) -> str:
        doc = self.w.document
        if doc.path:
            return doc.path
        return str(Path(self._folder()) / f"{doc.example or 'graph'}.json")

    # ----- export
    def export_picture(self, file_filter: str, suffix: str) -> bool:
        """Export ▸ PNG/SVG through graphviz_app.render.render_to_file."""
        path = self.w.prompts.export_path("Export picture", self._export_name(suffix), file_filter)
        if not path:
            return False
        try:
            trace, step = self.w.shown_trace()
            render_to_file(self.w.graph, path, theme=self.w.theme_name, trace=trace, step=step)
        except load_errors() as exc:
            self.w.prompts.error("Export failed", f"Could not write {Path(path).name}:\n\n{error_words(exc, path)}")
            return False
        self.w.show_status(f"Exported {path}")
        return True

    def export_interop(self, export: Callable, file_filter: str, with_trace: bool) -> bool:
        """Export ▸ DOT/TikZ/ONNX/PyTorch through engine.interop (pictures carry the explained values)."""
        suffix = file_filter.split("*")[1].split()[0].rstrip(")")
        path = self.w.prompts.export_path("Export", self._export_name(suffix), file_filter)
        if not path:
            return False
        trace, _ = self.w.shown_trace()
        try:
            if trace is not None and with_trace:
                export(self.w.graph, path, trace=trace)
            else:
                export(self.w.graph, path)
        except load_errors() as exc:
            self.w.prompts.error("Export failed", f"Could not write {Path(path).name}:\n\n{error_words(exc, path)}")
            return False
        self.w.show_status(f"Exported {path}")
        return True

    def _export_name(self, suffix: str) -> str:
        return str(Path(self._suggested_path()).with_suffix(suffix))


def _opened_status(path: str, laid_out: bool, notes: list[str]) -> str:
    """The status line after opening: the file, and whether it was laid out or changed to open."""
    said = []
    if laid_out:
        said.append("its nodes had no positions, so it was laid out automatically; save to keep the layout")
    if notes:
        said.append(f"{len(notes)} change{'s' * (len(notes) != 1)} to open it, listed in the message")
    return f"Opened {path}" + (f" ({'; '.join(said)})" if said else "")
