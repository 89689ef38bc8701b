"""The timing of an exported animation: per step, a pulse moving along its edges, then the step's result held
long enough to read (no Qt: the GUI draws the shots, the writers hold each one for its frames).
"""
from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_STEP = 2.0
PULSE_SHARE = 0.3  # of a step's time, the pulse moving along its edges; the rest holds the result
MIN_PULSE_FRAMES = 2  # at any frame rate the pulse is seen moving
END_SECONDS = 2.0  # the last step stays this much longer before the animation starts again
FPS_RANGE = (1.0, 30.0)  # GIF frames last whole hundredths of a second; browsers slow down faster ones
SECONDS_RANGE = (0.5, 20.0)


@dataclass(frozen=True)
class Shot:
    """One picture of the animation, held for `frames` frames: step `step` with its pulse at fraction `pulse`
    of its edges (None: the step's result), the camera at fraction `camera` of its move from the previous
    step's view to this step's (1: arrived)."""

    step: int
    pulse: float | None
    frames: int
    camera: float = 1.0


def check_timing(fps: float, seconds_per_step: float) -> None:
    """ValueError in words when the frame rate or the time per step is out of range."""
    low, high = FPS_RANGE
    if not low <= fps <= high:
        raise ValueError(f"--fps: expected between {low:g} and {high:g} frames a second, got {fps:g}")
    low, high = SECONDS_RANGE
    if not low <= seconds_per_step <= high:
        raise ValueError(f"--seconds-per-step: expected between {low:g} and {high:g}, got {seconds_per_step:g}")


def step_shots(k: int, fps: float, seconds_per_step: float = SECONDS_PER_STEP, first: bool = False,
               extra_seconds: float = 0.0) -> list[Shot]:
    """The shots of step k: the pulse frames (the camera moving to the step meanwhile, unless it is the
    `first` step shown), then the result held for the rest of the step and `extra_seconds`."""
    check_timing(fps, seconds_per_step)
    total = max(MIN_PULSE_FRAMES + 1, round(fps * seconds_per_step))
    pulse = max(MIN_PULSE_FRAMES, round(total * PULSE_SHARE))
    held = total - pulse + round(fps * extra_seconds)
    shots = [Shot(k, i / pulse, 1, 1.0 if first else (i + 1) / pulse) for i in range(pulse)]
    return shots + [Shot(k, None, held)]


def schedule(first: int, last: int, fps: float, seconds_per_step: float = SECONDS_PER_STEP) -> list[Shot]:
    """Every shot of steps first..last (inclusive), in order; the last step is held END_SECONDS longer."""
    if last < first:
        raise ValueError(f"the animation needs at least one step: step {first} comes after step {last}")
    return [shot for k in range(first, last + 1)
            for shot in step_shots(k, fps, seconds_per_step, k == first, END_SECONDS if k == last else 0.0)]


def frame_count(shots: list[Shot]) -> int:
    """Frames in all (what an MP4 of these shots holds)."""
    return sum(shot.frames for shot in shots)


def centiseconds(start: int, frames: int, fps: float) -> int:
    """How long frames start..start+frames last in a GIF, in whole hundredths of a second; rounding the ends
    (not each frame) keeps the whole animation in time with the frame rate."""
    return round((start + frames) * 100 / fps) - round(start * 100 / fps)
