"""Crash recovery: autosave unsaved work to a recovery file, and find one left by a crashed session."""
from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

RECOVERY_ENV = "CGE_RECOVERY_DIR"
FORMAT = "cge-recovery"
AUTOSAVE_MS = 30_000


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
        """Write the recovery file atomically (a crash mid-write leaves the previous one)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = {"format": FORMAT, "version": 1, "pid": os.getpid(), "saved_at": time.time(),
                   "original_path": original_path, "example": example, "graph": graph_dict}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, self.path)
        return self.path

    def remove(self) -> None:
        """Delete this session's recovery file (clean exit, or the work was saved)."""
        self.path.unlink(missing_ok=True)

    def orphans(self) -> list[RecoveryFile]:
        """Recovery files of sessions that are gone, newest first; unreadable files are skipped."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob("recovery-*.json"):
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
