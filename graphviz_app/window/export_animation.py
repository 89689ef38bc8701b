"""File ▸ Export ▸ Animation…: the explain trace as an animated GIF (or an MP4) for slides.

It films the example chosen in the Explain dock (or the file's sample, as the interactive page does), every
step from the first to the last, 1280×720 in the projector theme; `main.py render FILE --animate` has the
options. A progress dialog with Cancel shows on long work; cancelling leaves no file behind.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QProgressDialog

from engine.data import tokenize
from engine.errors import EngineError
from engine.executor import explain

from ..animation.export import AnimationCancelled, AnimationOptions, write_animation
from ..explain.overlay import options_for
from .contract import Workbench
from .export_lesson import ask_export_path, lesson_examples, progress_dialog

ANIMATION_FILTER = "GIF animation (*.gif);;MP4 video (*.mp4)"


def add_animation_export(menu: QMenu, window: Workbench) -> QAction:
    """Add Animation… to the Export menu."""
    action = menu.addAction("Animation…")
    action.setObjectName("export_animation")
    action.setToolTip("The explain trace as an animated GIF or MP4 for slides: every step with its pulse, labels, "
                      "values and caption, the camera on the step")
    action.triggered.connect(lambda _checked=False: export_animation(window))
    return action


def export_animation(window: Workbench) -> bool:
    """Ask where, film the trace (with a progress dialog that can cancel) and say what was written."""
    path = ask_export_path(window, "Export animation", "-explained.gif", ANIMATION_FILTER)
    if path is None:
        return False
    progress = progress_dialog(window, "Filming the explain trace…", "Export animation", can_cancel=True)
    try:
        size, note = _write(window, Path(path), progress)
    except AnimationCancelled:
        window.show_status("Animation export cancelled: nothing was written", 6000)
        return False
    except (EngineError, ValueError) as exc:  # AnimationError is a ValueError
        window.prompts.error("Export failed", f"Could not write the animation {Path(path).name}:\n\n{exc}")
        return False
    finally:
        progress.close()
    window.show_status(f"Exported {path} ({size / 2**20:.1f} MB): put it in your slides{note}", 8000)
    return True


def _write(window: Workbench, path: Path, progress: QProgressDialog) -> tuple[int, str]:
    """Film the dock's example into `path`; returns the size and a note for the status bar."""
    examples, note = lesson_examples(window)
    sample = examples.samples[0]
    trace = explain(window.graph, sample.feeds)
    overlay = options_for(window.graph)
    if sample.text:
        overlay.tokens = tokenize(sample.text)
    size = write_animation(window.graph, trace, path, AnimationOptions(), overlay,
                           lambda done, total: progress.setValue(int(100 * done / max(total, 1))),
                           progress.wasCanceled)
    return size, note
