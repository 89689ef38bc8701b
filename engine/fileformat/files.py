"""Reading and writing graph files: size limits, strict JSON, atomic save with a backup, .onnx dispatch."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ..errors import EngineError
from ..graph import Graph
from .errors import MAX_FILE_BYTES, MAX_JSON_VALUES, FileFormatError
from .reader import graph_from_dict
from .safe_io import megabytes, read_regular_file, write_atomic
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


def _check_json_size(data: bytes | str) -> None:
    """Refuse, before parsing, text that would take too long or too much memory to parse.

    Every JSON value after the first follows a comma or opens a list or object, so counting those three
    characters (in C, a few hundred MB per second) bounds the values; graph files keep big arrays in base64."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise FileFormatError(f"file: {megabytes(size)} is more than the limit of {megabytes(MAX_FILE_BYTES)}")
    if isinstance(data, bytes):
        values = data.count(b",") + data.count(b"[") + data.count(b"{")
    else:
        values = data.count(",") + data.count("[") + data.count("{")
    if values > MAX_JSON_VALUES:
        raise FileFormatError(f"file: holds about {values:,} numbers, lists and objects, more than the limit of "
                              f"{MAX_JSON_VALUES:,} (graph files keep large arrays as base64)")


def parse_graph_json(data: bytes | str) -> Any:
    """Parse the text of a graph file strictly (no NaN/Infinity, no duplicate keys, bounded numbers)."""
    _check_json_size(data)
    if isinstance(data, bytes):
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


def load_graph(path: PathLike, notes: list[str] | None = None) -> Graph:
    """Read a graph file (.json, or .onnx through the importer); FileFormatError says what and where.

    `notes` (when given) receives a line for each thing left out so the file could open (a bad sample entry)."""
    path = Path(path)
    if path.suffix.lower() == ".onnx":
        return _load_onnx(path)
    try:
        return graph_from_dict(parse_graph_json(read_regular_file(path, MAX_FILE_BYTES)), notes)
    except FileFormatError as exc:
        message = str(exc)
        if message.startswith("file: "):  # name the file itself, as the other load errors do
            raise FileFormatError(f"{path}: {message[len('file: '):]}") from None
        raise


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write text to `path` via a synced temporary file and a rename, keeping the old file as .bak."""
    write_atomic(path, text.encode("utf-8"), backup=True)


def save_graph(graph: Graph, path: PathLike, weights: bool = True) -> None:
    """Save atomically; the file is checked by loading it back in memory first, so it always opens."""
    path = Path(path)
    if path.suffix.lower() == ".onnx":
        raise FileFormatError(f"{path}: graphs are saved as .json; use `main.py export --to onnx` for ONNX")
    d = graph_to_dict(graph, weights)
    data = dumps_graph_dict(d).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise FileFormatError(f"cannot save {path}: the graph would be a {megabytes(len(data))} file, more than "
                              f"the {megabytes(MAX_FILE_BYTES)} this app can open again; make the largest "
                              "parameters smaller")
    try:
        graph_from_dict(parse_graph_json(data))
    except FileFormatError as exc:
        raise FileFormatError(f"cannot save {path}: it could not be opened again ({exc})") from None
    write_atomic(path, data, backup=True)
