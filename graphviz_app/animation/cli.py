"""`main.py render FILE --animate OUT.gif|OUT.mp4 [--from K --to M] [--fps F] [--aspect 16:9] [--width PX]`:
the options of the animation and the run, with a progress line on stderr (Qt is loaded only to run it)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from engine.replay.schedule import SECONDS_PER_STEP, check_timing

DEFAULT_WIDTH = 1280
PROGRESS_EVERY_S = 0.2  # the progress line is redrawn at most this often


def add_animation_arguments(parser: argparse.ArgumentParser) -> None:
    """--from, --to, --fps and --seconds-per-step (with --animate)."""
    parser.add_argument("--from", dest="first", metavar="K", default="0",
                        help="with --animate: the first step filmed (a number, negative from the end; default 0)")
    parser.add_argument("--to", dest="last", metavar="M", default="end",
                        help="with --animate: the last step filmed, a number or forward, backward or end "
                             "(the last step of that phase; default end)")
    parser.add_argument("--fps", type=float, default=10.0, help="with --animate: frames a second (default 10)")
    parser.add_argument("--seconds-per-step", type=float, default=SECONDS_PER_STEP,
                        help=f"with --animate: how long each step is shown (default {SECONDS_PER_STEP:g})")


def check_animation_arguments(args: argparse.Namespace) -> None:
    """The animation's options make sense (before anything is loaded); ValueError says which does not."""
    if not args.animate:
        moved = [name for name, given in (("--from", args.first != "0"), ("--to", args.last != "end"))
                 if given]
        if moved:
            verb = "choose" if len(moved) > 1 else "chooses"
            raise ValueError(f"{' and '.join(moved)} {verb} the steps of an animation: add --animate OUT.gif")
        return
    if Path(args.animate).suffix.lower() not in (".gif", ".mp4"):
        raise ValueError(f"--animate: use a .gif or .mp4 file name, not '{Path(args.animate).name}'")
    if args.crop:
        raise ValueError("--crop draws part of a picture; an animation follows the steps with the camera instead")
    check_timing(args.fps, args.seconds_per_step)


class ProgressLine:
    """'animating mlp.gif: 40 of 163 frames' on stderr, redrawn in place at a bounded rate."""

    def __init__(self, name: str, stream: TextIO = sys.stderr):
        self.name, self.stream = name, stream
        self._shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._shown < PROGRESS_EVERY_S:
            return
        self._shown = now
        end = "\n" if done >= total else ""
        self.stream.write(f"\ranimating {self.name}: {done} of {total} pictures{end}")
        self.stream.flush()


def animate(graph: Any, trace: Any, overlay: Any, args: argparse.Namespace) -> None:
    """Film the trace into args.animate as the options say; prints what was written."""
    from ..render_args import parse_aspect, resolve_step
    from .export import AnimationOptions, frame_size, write_animation

    aspect = parse_aspect(args.aspect)
    if aspect is None:
        raise ValueError("--aspect none: an animation needs a shape, such as 16:9 or 4:3")
    size = frame_size(args.width if args.width is not None else DEFAULT_WIDTH, aspect)
    first = resolve_step(trace, args.first)
    last = resolve_step(trace, args.last)
    options = AnimationOptions(first, last, size, args.fps, args.seconds_per_step, args.theme or "projector")
    start = time.monotonic()
    written = write_animation(graph, trace, args.animate, options, overlay, ProgressLine(Path(args.animate).name))
    print(f"wrote {args.animate}: steps {first} to {last}, {size[0]}×{size[1]}, {written / 2**20:.1f} MB "
          f"in {time.monotonic() - start:.0f} s")
