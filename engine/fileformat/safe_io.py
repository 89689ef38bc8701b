"""Bytes in and out of files safely: only regular files are read, and never more than a limit; a save
goes to a fixed temporary name beside the real target (through any symlink), is synced, then renamed
over it, and every failure names the user's path in plain words, never the temporary file."""
from __future__ import annotations

import errno
import glob
import os
import shutil
import stat
import time
from pathlib import Path

from .errors import FileFormatError

PathLike = str | os.PathLike
STALE_SECONDS = 60  # a temporary file untouched this long belongs to a save that was interrupted
_WORDS = {
    errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.ENOSPC: "the disk is full",
    errno.EROFS: "the disk or folder is read-only", errno.EDQUOT: "the disk quota is used up",
    errno.ENAMETOOLONG: "the file name is too long", errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder", errno.EISDIR: "it is a folder",
}


def megabytes(size: int) -> str:
    """A size in MB for messages."""
    return f"{size / 2**20:.0f} MB"


def read_regular_file(path: PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; pipes, devices and folders are refused unread."""
    path = Path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            _refuse(path, info, limit)  # without opening it: opening a device can already do something
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # should a FIFO take its place, do not wait for a writer
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read it ({_words(exc)})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        _refuse(path, info, limit)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileFormatError(f"{path}: cannot read it ({_words(exc)})") from None
    if len(data) > limit:  # the file grew while it was read
        raise FileFormatError(f"{path}: more than the limit of {megabytes(limit)}")
    return data


def _refuse(path: Path, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise FileFormatError(f"{path}: is a folder, not a graph file")
    if not stat.S_ISREG(info.st_mode):
        raise FileFormatError(f"{path}: is not a regular file (a pipe, socket or device); "
                              "only files saved on disk can be opened")
    raise FileFormatError(f"{path}: {megabytes(info.st_size)} is more than the limit of {megabytes(limit)}")


def _words(exc: OSError) -> str:
    if exc.errno in _WORDS:
        return _WORDS[exc.errno]
    text = exc.strerror or (str(exc) if exc.filename is None else "") or type(exc).__name__
    return text[:1].lower() + text[1:]


def save_error(path: PathLike, exc: OSError) -> FileFormatError:
    """A save failure in the user's words, naming the user's own path."""
    return FileFormatError(f"cannot save {path}: {_words(exc)}")


def real_target(path: PathLike) -> Path:
    """Where bytes for `path` must go: a symlink is followed, so the link stays and its target is updated."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def temp_name(target: Path, kind: str = "saving") -> Path:
    """The one temporary name used while `target` is written (hidden, beside it, predictable)."""
    return target.with_name(f".{target.name}.{kind}")


def sweep_stale(target: Path) -> list[Path]:
    """Remove temporary files of interrupted saves of `target` (this app's names, old and new); returns them."""
    pattern = glob.escape(str(target.parent / f".{target.name}.")) + "*"
    legacy = (".tmp", ".bak-tmp")
    removed = []
    for name in glob.glob(pattern):
        candidate = Path(name)
        ours = candidate in (temp_name(target), temp_name(target, "bak")) or candidate.name.endswith(legacy)
        if ours and is_stale(candidate):
            try:
                candidate.unlink()
                removed.append(candidate)
            except FileNotFoundError:
                continue  # another process swept it first
    return removed


def sweep_stale_in(folder: Path, names: str) -> list[Path]:
    """Remove the temporary files of interrupted saves of any file in `folder` whose name matches the glob
    `names` (files that may no longer exist, such as the recovery file of a session that crashed); returns them."""
    removed = []
    for temp in folder.glob(f".{names}.*"):
        target = temp.with_name(temp.name[1:].rsplit(".", 1)[0])
        removed += [path for path in sweep_stale(target) if path not in removed]
    return removed


def is_stale(candidate: Path) -> bool:
    """True for a regular file untouched for STALE_SECONDS: a save that wrote it was interrupted."""
    try:
        info = candidate.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISREG(info.st_mode) and time.time() - info.st_mtime > STALE_SECONDS


def _open_new(temp: Path, mode: int) -> int:
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)


def _create(temp: Path, mode: int, shown: PathLike) -> int:
    """Open `temp` for writing, new and exclusive; a stale leftover is removed, a fresh one is another save's."""
    try:
        return _open_new(temp, mode)
    except FileExistsError:
        if not is_stale(temp):
            raise FileFormatError(f"cannot save {shown}: another save of this file is still under way; "
                                  "try again in a moment") from None
    temp.unlink(missing_ok=True)
    return _open_new(temp, mode)


def _file_mode(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual mode (0666 minus umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_synced(fd: int, data: bytes, mode: int) -> None:
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, mode)  # exact mode, whatever the umask
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _keep_backup(target: Path, shown: PathLike) -> None:
    """Copy the current file to <name>.bak, atomically, before it is replaced."""
    if not target.is_file():
        return
    staging = temp_name(target, "bak")
    fd = _create(staging, _file_mode(target), shown)
    done = False
    try:
        with open(target, "rb") as source, os.fdopen(fd, "wb") as copy:
            shutil.copyfileobj(source, copy)
        shutil.copystat(target, staging)
        os.replace(staging, target.with_name(target.name + ".bak"))
        done = True
    finally:
        if not done:  # ours: it was created exclusively above
            staging.unlink(missing_ok=True)


def write_atomic(path: PathLike, data: bytes, backup: bool = False) -> None:
    """Write `data` to `path` all or nothing (synced temporary file, then a rename); keeps <name>.bak if asked."""
    target = real_target(path)
    if target.is_dir():
        raise FileFormatError(f"cannot save {path}: that is a folder; give a file name")
    if not target.parent.is_dir():
        raise FileFormatError(f"cannot save {path}: the folder {target.parent} does not exist")
    temp, mode = temp_name(target), _file_mode(target)
    try:
        sweep_stale(target)
        fd = _create(temp, mode, path)
    except OSError as exc:
        raise save_error(path, exc) from None
    done = False
    try:
        _write_synced(fd, data, mode)
        if backup:
            _keep_backup(target, path)
        os.replace(temp, target)
        done = True
    except OSError as exc:
        raise save_error(path, exc) from None
    finally:
        if not done:  # ours: it was created exclusively above
            temp.unlink(missing_ok=True)
    _sync_folder(target.parent)


def check_can_write(path: PathLike) -> None:
    """Refuse, before any long work, a target that cannot be saved: a folder, a missing folder, no permission."""
    target = real_target(path)
    if target.is_dir():
        raise FileFormatError(f"cannot save {path}: that is a folder; give a file name such as {target / 'graph.json'}")
    if not target.parent.is_dir():
        raise FileFormatError(f"cannot save {path}: the folder {target.parent} does not exist")
    probe = temp_name(target, "probe")
    try:
        os.close(_create(probe, 0o600, path))
        probe.unlink()
        if target.exists() and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        raise save_error(path, exc) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; not every system can open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the data itself is already synced
    finally:
        os.close(fd)
