"""Interop: ONNX export and import, PyTorch code, and DOT/TikZ pictures of a graph.

ONNX is an optional extra (pip install onnx): it is imported only when an ONNX function runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..graph import Graph
from .dot import to_dot, write_dot
from .errors import InteropError, OnnxMissingError, UnsupportedOnnxError
from .pytorch_export import export_pytorch, pytorch_source
from .tikz import to_tikz, write_tikz


def export_onnx(graph: Graph, path: str | Path, **options: Any) -> None:
    """Write the graph as an .onnx file (see engine.interop.onnx_export.graph_to_onnx for the options)."""
    from .onnx_export import export_onnx as write

    write(graph, path, **options)


def import_onnx(path: str | Path) -> Graph:
    """Read an .onnx model made of the supported ops into a new Graph."""
    from .onnx_import import import_onnx as read

    return read(path)


def import_onnx_model(model: Any) -> Graph:
    """Turn an onnx.ModelProto made of the supported ops into a new Graph."""
    from .onnx_import import import_onnx_model as convert

    return convert(model)


__all__ = [
    "InteropError", "OnnxMissingError", "UnsupportedOnnxError",
    "export_onnx", "import_onnx", "import_onnx_model", "export_pytorch", "pytorch_source",
    "to_dot", "write_dot", "to_tikz", "write_tikz",
]
