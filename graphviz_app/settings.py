"""Persistent preferences: window layout, theme, snap, and the recent-files list (QSettings)."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings

ORGANIZATION = "CGE"
APPLICATION = "Computation Graph Explorer"
MAX_RECENT = 10
# tests and the Xvfb run point this at a temporary .ini file so they never touch the user's settings
SETTINGS_ENV = "CGE_SETTINGS_FILE"


def set_application_names() -> None:
    """Names QSettings and QStandardPaths use to find this app's folders."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)


def open_settings(path: str | os.PathLike | None = None) -> QSettings:
    """The settings store: an explicit .ini file, the file named by CGE_SETTINGS_FILE, or the user's."""
    path = path or os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def recent_files(settings: QSettings) -> list[str]:
    """The stored recent files, newest first."""
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a bare string for a one-item list
        value = [value]
    return [str(v) for v in (value or []) if v][:MAX_RECENT]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    """Put `path` first in the recent list (no duplicates, at most MAX_RECENT); return the new list."""
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files(settings) if f != path]
    return _store_recent(settings, files[:MAX_RECENT])


def remove_recent_file(settings: QSettings, path: str) -> list[str]:
    """Drop `path` from the recent list; return the new list."""
    return _store_recent(settings, [f for f in recent_files(settings) if f != path])


def prune_missing(settings: QSettings) -> tuple[list[str], list[str]]:
    """Remove recent files that no longer exist; return (kept, removed)."""
    files = recent_files(settings)
    kept = [f for f in files if Path(f).is_file()]
    _store_recent(settings, kept)
    return kept, [f for f in files if f not in kept]


def _store_recent(settings: QSettings, files: list[str]) -> list[str]:
    settings.setValue("recent_files", files)
    settings.sync()
    return files


def read_value(settings: QSettings, key: str, default, kind: type):
    """A stored value converted to `kind` (ini files give strings back), or `default`."""
    value = settings.value(key, default)
    if kind is bool and isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    try:
        return kind(value)
    except (TypeError, ValueError):
        return default
