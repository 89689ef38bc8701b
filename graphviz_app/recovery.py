"""Crash recovery: autosave unsaved work to a recovery file, and find one left by a crashed session.

A recovery file is written as graph files are (engine.fileformat.safe_io.write_atomic): to the hidden
temporary `.recovery-….json.saving` beside it, synced, then renamed over it. A temporary file left by a
session that crashed while writing is swept once it is a minute old, when the next session looks for work
to recover."""
from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from engine.errors import EngineError
from engine.fileformat.safe_io import is_stale, sweep_stale_in, write_atomic

RECOVERY_ENV = "CGE_RECOVERY_DIR"
FORMAT = "cge-recovery"
AUTOSAVE_MS = 30_000
NAMES = "recovery-*.json"  # this app's recovery files, one per window
LEGACY_TEMPORARY = "recovery-*.tmp"  # what autosave wrote before it used the engine's safe writer


def recovery_dir() -> Path:
    """Where recovery files live: $CGE_RECOVERY_DIR, else the app-data folder's recovery/."""
    override = os.environ.get(RECOVERY_ENV)
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".cge") / "recovery"


@dataclass
class RecoveryFile:
    """A recovery file left behind: the graph as a dict, where it was saved before or which example it was."""

    path: Path
    graph_dict: dict
    original_path: str | None
    saved_at: float
    example: str | None = None  # the example it was opened from, if it was never saved

    def describe(self) -> str:
        """One line for the restore question: the file, the example, or the graph's title."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        meta = self.graph_dict.get("meta")
        title = meta.get("title") if isinstance(meta, dict) and isinstance(meta.get("title"), str) else None
        if self.original_path:
            name = Path(self.original_path).name
        elif self.example:
            name = f"your changes to the example “{title or self.example}”"
        else:
            name = f"“{title}”, never saved" if title else "a new graph, never saved"
        return f"{name}, autosaved {when}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process has that id
    return True


class RecoveryStore:
    """This session's recovery file, plus the files that earlier sessions left behind."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory) if directory else recovery_dir()
        # pid finds live sessions; the random part keeps two windows of one process apart
        self.path = self.directory / f"recovery-{os.getpid()}-{uuid.uuid4().hex[:8]}.json"

    def write(self, graph_dict: dict, original_path: str | None, example: str | None = None) -> Path:
        """Write the recovery file atomically (a crash mid-write leaves the previous one); OSError or the engine's
        FileFormatError says why it could not."""
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = {"format": FORMAT, "version": 1, "pid": os.getpid(), "saved_at": time.time(),
                   "original_path": original_path, "example": example, "graph": graph_dict}
        write_atomic(self.path, json.dumps(payload).encode("utf-8"))
        return self.path

    def sweep_leftovers(self) -> list[Path]:
        """Remove temporary files that sessions left while writing a recovery file (a minute old or more)."""
        if not self.directory.is_dir():
            return []
        removed = sweep_stale_in(self.directory, NAMES)
        for legacy in self.directory.glob(LEGACY_TEMPORARY):
            if is_stale(legacy):
                legacy.unlink(missing_ok=True)
                removed.append(legacy)
        return removed

    def remove(self) -> None:
        """Delete this session's recovery file (clean exit, or the work was saved)."""
        self.path.unlink(missing_ok=True)

    def orphans(self) -> list[RecoveryFile]:
        """Recovery files of sessions that are gone, newest first; unreadable files are skipped (and the
        temporary files of interrupted autosaves swept)."""
        if not self.directory.is_dir():
            return []
        self.sweep_leftovers()
        found = []
        for path in self.directory.glob(NAMES):
            if path == self.path:
                continue
            item = _read(path)
            if item is None:
                continue
            pid = int(item.get("pid", 0) or 0)
            if pid != os.getpid() and _pid_alive(pid):
                continue  # another running window owns it
            example = item.get("example")
            found.append(RecoveryFile(path, item["graph"], item.get("original_path"),
                                      float(item.get("saved_at", 0)), example if isinstance(example, str) else None))
        return sorted(found, key=lambda f: f.saved_at, reverse=True)

    @staticmethod
    def discard(item: RecoveryFile) -> None:
        """Delete a recovery file once it was restored or declined."""
        item.path.unlink(missing_ok=True)


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("graph"), dict):
        return None
    return data


class Autosaver(QObject):
    """Every `interval_ms`, writes the recovery file if the document has unsaved changes."""

    failed = Signal(str)  # why the recovery file could not be written, in words

    def __init__(self, store: RecoveryStore, snapshot: Callable[[], tuple | None],
                 interval_ms: int = AUTOSAVE_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        # returns (graph dict, original path[, example name]), or None when nothing is unsaved
        self._snapshot = snapshot
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)

    def start(self) -> None:
        """Begin periodic autosaving."""
        self.timer.start()

    def save_now(self) -> Path | None:
        """Write the recovery file now if there is unsaved work; remove it if there is none."""
        snap = self._snapshot()
        try:
            if snap is None:
                self.store.remove()
                return None
            return self.store.write(*snap)
        except OSError as exc:  # a full disk or a read-only folder must not stop the editing
            self.failed.emit(f"Autosave failed: cannot write to {self.store.directory} "
                             f"({(exc.strerror or 'the system refused').lower()})")
            return None
        except EngineError as exc:  # the safe writer's refusal, already in words that name the file
            self.failed.emit(f"Autosave failed: {exc}")
            return None
