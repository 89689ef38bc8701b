"""File ▸ Export ▸ Interactive page…: the explain trace as one HTML page that students open in a browser.

The page explains the example chosen in the Explain dock (a typed headline, a data-set row, typed values);
when there is none, or it cannot be used, it explains the file's own sample.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QProgressDialog

from engine.errors import EngineError
from engine.lesson import Examples, choose_examples, examples_of, write_lesson

from ..explain.sample_picker import SamplePicker
from .contract import Workbench

PAGE_FILTER = "Web page (*.html *.htm)"
SHOW_AFTER_MS = 400  # the progress dialog appears only when the export takes longer than this


def add_lesson_export(menu: QMenu, window: Workbench) -> QAction:
    """Add Interactive page… to the Export menu."""
    action = menu.addAction("Interactive page…")
    action.setObjectName("export_lesson")
    action.setToolTip("One web page that replays the explain trace step by step: send it to students, "
                      "it opens from disk without the app")
    action.triggered.connect(lambda _checked=False: export_lesson(window))
    return action


def lesson_examples(window: Workbench) -> tuple[Examples, str]:
    """The Explain dock's example when there is one that works, else the file's sample; and a note why."""
    picker = window.host.findChild(SamplePicker)
    if picker is None or picker.graph is not window.graph:
        return choose_examples(window.graph), ""
    try:
        return examples_of(window.graph, [picker.sample()]), ""
    except (EngineError, ValueError) as exc:
        note = f" (the Explain dock's example cannot be used: {exc}; the page explains the file's sample)"
        return choose_examples(window.graph), note


def suggested_path(window: Workbench, ending: str) -> str:
    """Where an export goes unless the user says otherwise: beside the graph's file, named after it."""
    doc = window.document
    base = Path(doc.path) if doc.path else Path.home() / f"{doc.example or 'graph'}.json"
    return str(base.with_name(base.stem + ending))


def ask_export_path(window: Workbench, title: str, ending: str, file_filter: str) -> str | None:
    """Where to write an export, asked beside the graph's file; the ending's suffix is added when none is typed."""
    path = window.prompts.export_path(title, suggested_path(window, ending), file_filter)
    if not path:
        return None
    return path if Path(path).suffix else path + Path(ending).suffix


def progress_dialog(window: Workbench, text: str, title: str, can_cancel: bool) -> QProgressDialog:
    """A window-modal progress dialog that shows itself only when the work takes longer than SHOW_AFTER_MS."""
    progress = QProgressDialog(text, "Cancel" if can_cancel else "", 0, 100, window.host)
    progress.setWindowTitle(title)
    if not can_cancel:
        progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(SHOW_AFTER_MS)
    return progress


def export_lesson(window: Workbench) -> bool:
    """Ask where, build the page (with a progress dialog on long work) and say what was written."""
    path = ask_export_path(window, "Export interactive page", "-lesson.html", PAGE_FILTER)
    if path is None:
        return False
    progress = progress_dialog(window, "Writing the interactive page…", "Export interactive page", can_cancel=False)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        examples, note = lesson_examples(window)
        size = write_lesson(window.graph, examples, path, _title(window),
                            lambda done, total: progress.setValue(int(100 * done / max(total, 1))))
    except (EngineError, ValueError) as exc:
        window.prompts.error("Export failed", f"Could not write the interactive page {Path(path).name}:\n\n{exc}")
        return False
    finally:
        QApplication.restoreOverrideCursor()
        progress.close()
    window.show_status(f"Exported {path} ({size / 1024:.0f} KB): open it in a browser{note}", 8000)
    return True


def _title(window: Workbench) -> str:
    """A title for a graph whose meta has none: its file's name."""
    doc = window.document
    return Path(doc.path).stem if doc.path else (doc.example or "")
