"""Reading and writing graph files: size limits, strict JSON, atomic save with a backup, .onnx dispatch."""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..errors import EngineError
from ..graph import Graph
from .errors import MAX_FILE_BYTES, FileFormatError
from .reader import graph_from_dict
from .writer import dumps_graph_dict, graph_to_dict

PathLike = str | os.PathLike


class _JsonProblem(Exception):
    """Raised inside the JSON parser's hooks; turned into a FileFormatError."""


def _no_constant(text: str) -> Any:
    raise _JsonProblem(f"{text} is not allowed in a graph file (numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonProblem(f"the number {text[:40]} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > 300:
        raise _JsonProblem(f"a whole number with {len(text)} digits is too large")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _JsonProblem(f"the key {key[:40]!r} appears twice in one object")
        out[key] = value
    return out


def parse_graph_json(data: bytes | str) -> Any:
    """Parse the text of a graph file strictly (no NaN/Infinity, no duplicate keys, bounded numbers)."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise FileFormatError(f"file: {len(data)} bytes is more than the limit of {MAX_FILE_BYTES}")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"file: not UTF-8 text (byte {exc.start}); is this a graph file?") from None
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        ended = exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file looks cut short)" if ended else ""
        raise FileFormatError(f"file: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}") \
            from None
    except _JsonProblem as exc:
        raise FileFormatError(f"file: {exc}") from None
    except RecursionError:
        raise FileFormatError("file: lists or objects are nested too deeply") from None


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError(f"file: {size / 2**20:.0f} MB is more than the limit of "
                                  f"{MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a folder, not a graph file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _load_onnx(path: Path) -> Graph:
    try:
        from ..interop.onnx_import import import_onnx
    except ImportError as exc:
        raise FileFormatError(f"{path}: opening .onnx files needs the onnx package and the ONNX importer "
                              f"(pip install onnx); {exc}") from None
    try:
        return import_onnx(str(path))
    except FileFormatError:
        raise
    except (EngineError, OSError, ValueError) as exc:
        raise FileFormatError(f"{path}: {exc}") from None


def load_graph(path: PathLike) -> Graph:
    """Read a graph file (.json, or .onnx through the importer); FileFormatError says what and where."""
    path = Path(path)
    if path.suffix.lower() == ".onnx":
        return _load_onnx(path)
    try:
        return graph_from_dict(parse_graph_json(_read_bytes(path)))
    except FileFormatError as exc:
        message = str(exc)
        if message.startswith("file: "):  # name the file itself, as the other load errors do
            raise FileFormatError(f"{path}: {message[len('file: '):]}") from None
        raise


def _keep_backup(path: Path) -> None:
    """Copy the current file to <name>.bak, atomically, before it is replaced."""
    if not path.is_file():
        return
    backup = path.with_name(path.name + ".bak")
    fd, staging = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak-tmp", dir=path.parent)
    os.close(fd)
    try:
        shutil.copy2(path, staging)
        os.replace(staging, backup)
    finally:
        if os.path.exists(staging):
            os.unlink(staging)


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


def _file_mode(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual mode (0666 minus umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write text to `path` via a synced temporary file and a rename, keeping the old file as .bak."""
    path = Path(path)
    if path.is_dir():
        raise FileFormatError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise FileFormatError(f"{path}: the folder {path.parent} does not exist")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, _file_mode(path))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_backup(path)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    _sync_folder(path.parent)


def save_graph(graph: Graph, path: PathLike, weights: bool = True) -> None:
    """Save atomically; the file is checked by loading it back in memory first, so it always opens."""
    path = Path(path)
    if path.suffix.lower() == ".onnx":
        raise FileFormatError(f"{path}: graphs are saved as .json; use `main.py export --to onnx` for ONNX")
    d = graph_to_dict(graph, weights)
    text = dumps_graph_dict(d)
    graph_from_dict(parse_graph_json(text))
    write_text_atomic(path, text)
