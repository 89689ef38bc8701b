"""Writing an animation: the shots of the chosen steps drawn by a TraceFilm and handed to a GIF or MP4 writer,
with progress and cancelling (a cancelled or failed export leaves no file, not even part of one)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from engine.graph import Graph
from engine.replay.schedule import SECONDS_PER_STEP, Shot, check_timing, schedule
from engine.trace import Trace

from ..explain.camera import View
from ..explain.overlay import OverlayOptions, options_for
from .film import TraceFilm
from .writers import AnimationError, FrameWriter, open_writer

Progress = Callable[[int, int], None]  # (shots drawn, shots in all)
PALETTE_STEPS = 4  # steps whose results choose the GIF's colours
MIN_SIZE, MAX_SIZE = (160, 90), (3840, 2160)


class AnimationCancelled(Exception):
    """The user cancelled the export; nothing was written."""


@dataclass(frozen=True)
class AnimationOptions:
    """What to film: steps first..last (None: to the end), the picture's size, frame rate, time per step, theme."""

    first: int = 0
    last: int | None = None
    size: tuple[int, int] = (1280, 720)
    fps: float = 10.0
    seconds_per_step: float = SECONDS_PER_STEP
    theme: str = "projector"

    def steps(self, trace: Trace) -> range:
        """The steps asked for, checked against the trace."""
        last = len(trace) - 1 if self.last is None else self.last
        if not 0 <= self.first <= last < len(trace):
            raise AnimationError(f"steps {self.first} to {last}: the trace has steps 0 to {len(trace) - 1}, "
                                 "and the first must not come after the last")
        return range(self.first, last + 1)


def frame_size(width: int, aspect: float) -> tuple[int, int]:
    """An even width and height (video encoders need them even) for a width and an aspect."""
    w = 2 * round(width / 2)
    h = 2 * round(width / aspect / 2)
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise AnimationError(f"an animation of {w}×{h} pixels: expected between {MIN_SIZE[0]}×{MIN_SIZE[1]} "
                             f"and {MAX_SIZE[0]}×{MAX_SIZE[1]}")
    return w, h


def write_animation(graph: Graph, trace: Trace, out: str | Path, options: AnimationOptions = AnimationOptions(),
                    overlay: OverlayOptions | None = None, progress: Progress | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> int:
    """Film the trace into `out` (.gif or .mp4); returns the file's size in bytes.

    AnimationError says in words what is wrong; AnimationCancelled when `cancelled()` turned True (then no
    file is left, not even a part of one).
    """
    check_timing(options.fps, options.seconds_per_step)
    steps = options.steps(trace)
    film = TraceFilm(graph, trace, overlay if overlay is not None else options_for(graph), options.size,
                     options.theme)
    film.keep_caption_room(steps)
    shots = schedule(steps.start, steps.stop - 1, options.fps, options.seconds_per_step)
    writer = open_writer(Path(out), options.fps, options.size, _palette_frames(film, steps))
    try:
        _film(film, shots, writer, progress, cancelled)
    except BaseException:
        writer.abort()
        raise
    return writer.finish()


def _palette_frames(film: TraceFilm, steps: range) -> list[np.ndarray]:
    """The results of a few steps spread over the range: what the GIF's colours are chosen from."""
    count = min(PALETTE_STEPS, len(steps))
    picks = sorted({steps[round(i * (len(steps) - 1) / max(1, count - 1))] for i in range(count)})
    return [film.draw(film.view_of(k), k) for k in picks]


def _film(film: TraceFilm, shots: list[Shot], writer: FrameWriter, progress: Progress | None,
          cancelled: Callable[[], bool]) -> None:
    """Draw every shot and hand it to the writer: the pulse while the camera moves to the step, the result."""
    views: dict[int, View] = {}
    start: View | None = None  # where the camera was when the current step began
    for done, shot in enumerate(shots):
        if cancelled():
            raise AnimationCancelled()
        k = shot.step
        if k not in views:
            start = views.get(k - 1)
            views[k] = film.view_of(k)
        if shot.pulse is None:
            film.show(k)
            frame = film.draw(views[k], k)
        else:
            film.show(k, arriving=True)
            film.overlay.pulse(k, shot.pulse)
            frame = film.draw(film.moving(start or views[k], views[k], shot.camera), k)
        writer.add(frame, shot.frames)
        if progress is not None:
            progress(done + 1, len(shots))
