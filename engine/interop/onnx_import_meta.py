"""The meta of an imported ONNX model, cleaned so the graph can always be saved as a graph file and opened again.

What cannot be kept (an over-long title, metadata that is not valid, a sample too big to write) is cut or
left out with a note in meta.onnx.notes; what cannot be cleaned (weights too big for a file) is refused."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from ..fileformat.arrays import float32_exact
from ..fileformat.errors import MAX_FILE_BYTES, MAX_TOTAL_ENTRIES, FileFormatError
from ..fileformat.meta import check_meta
from ..graph import Graph
from ..names import printable
from ..shapes import infer_shapes
from .errors import UnsupportedOnnxError

TITLE_CHARS = 200
DESCRIPTION_CHARS = 5000
NAME_KEY_CHARS = 200  # keys of meta objects (ONNX tensor names in meta.onnx)
SAMPLE_ENTRIES = 100_000  # numbers a generated sample may hold (the file format's limit)
CARRIED = ("bindings", "dataset", "training")


def one_line(text: str, limit: int) -> str:
    """`text` on one printable line, at most `limit` characters."""
    return printable(" ".join(str(text).split()))[:limit]


def carried_meta(graph: Graph, props: dict[str, str], notes: list[str]) -> dict[str, Any]:
    """Title, bindings, dataset and training settings written as metadata_props by our export, each checked
    as a graph file would check it; one that does not pass is left out with a note."""
    out: dict[str, Any] = {}
    if props.get("title", "").strip():
        out["title"] = one_line(props["title"], TITLE_CHARS)
    for key in CARRIED:
        if key not in props:
            continue
        try:
            value = json.loads(props[key])
            check_meta({key: value})
        except (ValueError, RecursionError) as exc:  # FileFormatError is a ValueError
            reason = str(exc) if isinstance(exc, FileFormatError) else "it is not valid JSON, or nested too deeply"
            notes.append(f"the model's metadata '{key}' was left out: {one_line(reason, 300)}")
            continue
        out[key] = value
    names = {n.name for n in graph.nodes.values()}
    if "bindings" in out and not all(isinstance(v, str) and v in names for v in out["bindings"].values()):
        del out["bindings"]  # written for another graph; better none than wrong ones
    return out


def name_map(names: dict[str, str]) -> dict[str, str]:
    """ONNX tensor name → node name, with the ONNX names made fit for a file (one line, not too long)."""
    return {one_line(key, NAME_KEY_CHARS): value for key, value in names.items()}


def sample_size(graph: Graph, rows: int) -> int:
    """How many numbers a generated sample of `rows` examples would hold."""
    report = infer_shapes(graph)
    return sum(math.prod(rows if d is None else d for d in report.shape(n.id))
               for n in graph.nodes.values() if n.op.role.fed)


def check_savable(graph: Graph) -> None:
    """Refuse a graph whose file could not be written or opened again (weights too big; meta that does not check)."""
    values = [n.value for n in graph.nodes.values() if n.value is not None]
    total = sum(int(np.size(v)) for v in values)
    if total > MAX_TOTAL_ENTRIES:
        raise UnsupportedOnnxError(f"the model has {total:,} weights, more than a graph file holds "
                                   f"({MAX_TOTAL_ENTRIES:,})")
    estimate = sum(int(np.size(v)) * (4 if float32_exact(np.asarray(v)) else 8) for v in values) * 4 // 3  # base64
    if estimate > MAX_FILE_BYTES:
        raise UnsupportedOnnxError(f"the model's weights would make a graph file of about {estimate / 2**20:.0f} MB, "
                                   f"more than the {MAX_FILE_BYTES // 2**20} MB the app can open")
    try:
        check_meta(json.loads(json.dumps(graph.meta)))
    except (FileFormatError, TypeError, ValueError) as exc:
        raise UnsupportedOnnxError(f"the imported graph could not be saved as a graph file: {exc}") from None
