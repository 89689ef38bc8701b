"""Frames (RGB arrays) into a GIF (Pillow) or an MP4 (imageio-ffmpeg, the optional `video` extra).

Both write to a temporary file beside the target and rename it at the end, so a cancelled or failed export
leaves no partial file. The GIF keeps one palette for every frame (so still parts never flicker), stores a
frame only where it differs from the one before, and holds a repeated frame longer instead of storing it
again: a step's result held for two seconds costs one frame.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from engine.replay.schedule import centiseconds

PALETTE_COLOURS = 255  # index 255 stays free: the GIF's "unchanged" pixels
TRANSPARENT = 255
VIDEO_EXTRA = "pip install '.[video]'"
VIDEO_MISSING = (f"MP4 export needs the video extra (imageio-ffmpeg, which brings its own ffmpeg): {VIDEO_EXTRA}"
                 " in the app's folder, or export a .gif instead")


class AnimationError(ValueError):
    """The animation cannot be written; the message says why in words."""


class FrameWriter(Protocol):
    """Takes the frames of one animation; `finish` puts the file in place, `abort` leaves nothing."""

    def add(self, frame: np.ndarray, count: int) -> None: ...

    def finish(self) -> int: ...

    def abort(self) -> None: ...


def temporary_beside(path: Path) -> Path:
    """A temporary name in the target's folder (so the rename is atomic) that keeps the file's extension."""
    return path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")


def _os_words(path: Path, exc: OSError) -> AnimationError:
    reason = exc.strerror or "the file system refused it"
    return AnimationError(f"cannot write the animation to {path}: {reason[:1].lower() + reason[1:]}")


class GifWriter:
    """An animated GIF written frame by frame (two frames in memory at a time)."""

    def __init__(self, path: Path, fps: float, palette_from: list[np.ndarray]):
        from PIL import Image

        self.path, self.fps = Path(path), fps
        self.temp = temporary_beside(self.path)
        sample = np.concatenate([np.asarray(f, dtype=np.uint8) for f in palette_from], axis=0)
        # one adaptive palette from pictures of the whole animation, used for every frame without dithering
        self.palette = Image.fromarray(sample).quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT,
                                                        dither=Image.Dither.NONE)
        self._stream: Any = None
        self._previous: np.ndarray | None = None  # palette indices of the last frame added
        self._pending: tuple[Any, tuple[int, int], int, bool] | None = None  # image, offset, frames, delta
        self._written = 0  # frames already given their time

    def _indices(self, frame: np.ndarray) -> Any:
        from PIL import Image

        return Image.fromarray(np.asarray(frame, dtype=np.uint8)).quantize(palette=self.palette,
                                                                          dither=Image.Dither.NONE)

    def add(self, frame: np.ndarray, count: int) -> None:
        """Show `frame` for `count` frames."""
        image = self._indices(frame)
        indices = np.asarray(image)
        if self._stream is None:
            self._open(image)
        elif self._previous is not None and np.array_equal(indices, self._previous):
            image_, offset, frames, delta = self._pending
            self._pending = (image_, offset, frames + count, delta)
            return
        self._flush()
        if self._previous is None:
            self._pending = (image, (0, 0), count, False)
        else:
            changed = indices != self._previous
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            patch = indices[top:bottom, left:right].copy()
            patch[~changed[top:bottom, left:right]] = TRANSPARENT  # unchanged pixels compress to runs
            cropped = image.crop((left, top, right, bottom))
            cropped.frombytes(patch.tobytes())
            self._pending = (cropped, (int(left), int(top)), count, True)
        self._previous = indices

    def _open(self, first: Any) -> None:
        from PIL import GifImagePlugin

        try:
            self._stream = open(self.temp, "wb")
        except OSError as exc:
            raise _os_words(self.path, exc) from None
        header, _ = GifImagePlugin.getheader(first, None, {"loop": 0, "duration": 100})
        self._write(b"".join(header))

    def _flush(self) -> None:
        """Write the pending frame now that its time is known."""
        from PIL import GifImagePlugin

        if self._pending is None:
            return
        image, offset, frames, delta = self._pending
        params = {"duration": 10 * centiseconds(self._written, frames, self.fps), "disposal": 1}
        if delta:
            params["transparency"] = TRANSPARENT
        self._write(b"".join(GifImagePlugin.getdata(image, offset, **params)))
        self._written += frames
        self._pending = None

    def _write(self, data: bytes) -> None:
        try:
            self._stream.write(data)
        except OSError as exc:
            self.abort()
            raise _os_words(self.path, exc) from None

    def finish(self) -> int:
        """Write the last frame and the trailer, and put the file in place; returns its size in bytes."""
        if self._stream is None:
            raise AnimationError("the animation has no frames")
        self._flush()
        self._write(b";")
        try:
            self._stream.close()
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.abort()
            raise _os_words(self.path, exc) from None
        return self.path.stat().st_size

    def abort(self) -> None:
        """Stop and remove the temporary file: nothing is left behind."""
        if self._stream is not None and not self._stream.closed:
            self._stream.close()
        self.temp.unlink(missing_ok=True)


def ffmpeg_writer_module() -> Any:
    """imageio_ffmpeg, or AnimationError saying how to install it."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AnimationError(VIDEO_MISSING) from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        raise AnimationError(VIDEO_MISSING) from None
    return imageio_ffmpeg


class Mp4Writer:
    """An H.264 MP4 at a constant frame rate, through imageio-ffmpeg's own ffmpeg."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]):
        module = ffmpeg_writer_module()
        self.path = Path(path)
        self.temp = temporary_beside(self.path)
        width, height = size
        if width % 2 or height % 2:
            raise AnimationError(f"an MP4 needs an even width and height, not {width}×{height}")
        self._frames = module.write_frames(
            str(self.temp), (width, height), fps=fps, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
            quality=7, macro_block_size=2, ffmpeg_log_level="error", output_params=["-movflags", "+faststart"])
        try:
            self._frames.send(None)  # starts ffmpeg
        except (OSError, RuntimeError):
            self.temp.unlink(missing_ok=True)
            raise AnimationError(f"cannot write {self.path}: ffmpeg did not start") from None

    def add(self, frame: np.ndarray, count: int) -> None:
        """Show `frame` for `count` frames."""
        data = np.ascontiguousarray(frame, dtype=np.uint8).tobytes()
        try:
            for _ in range(count):
                self._frames.send(data)
        except (OSError, RuntimeError):
            self.abort()
            raise AnimationError(f"cannot write {self.path}: ffmpeg stopped (is the disk full?)") from None

    def finish(self) -> int:
        """Let ffmpeg finish and put the file in place; returns its size in bytes."""
        try:
            self._frames.close()
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.abort()
            raise _os_words(self.path, exc) from None
        except RuntimeError:
            self.abort()
            raise AnimationError(f"cannot write {self.path}: ffmpeg could not finish the video") from None
        return self.path.stat().st_size

    def abort(self) -> None:
        """Stop ffmpeg and remove the temporary file."""
        try:
            self._frames.close()
        except (OSError, RuntimeError):
            pass  # ffmpeg already gone: only its file is left to remove
        self.temp.unlink(missing_ok=True)


def open_writer(path: Path, fps: float, size: tuple[int, int], palette_from: list[np.ndarray]) -> FrameWriter:
    """A writer for `path` by its extension (.gif or .mp4)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return GifWriter(path, fps, palette_from)
    if suffix == ".mp4":
        return Mp4Writer(path, fps, size)
    raise AnimationError(f"cannot animate to '{Path(path).name}': use a .gif or .mp4 file name")
