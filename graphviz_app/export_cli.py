"""Export a graph file to ONNX, a PyTorch module, a PNG or SVG picture, Graphviz DOT, LaTeX/TikZ, or a lesson page.

`main.py export` is the engine's command (engine/cli/export.py) plus the PNG and SVG pictures drawn by the
app's renderer: they need Qt, so they are added here, in the app, and the engine never imports it.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli import export as engine_export
from engine.graph import Graph
from engine.interop.errors import InteropError
from engine.layout import lay_out_if_unplaced
from engine.trace import Trace

FORMATS = engine_export.FORMATS + ("png", "svg")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `main.py export`, with the picture formats."""
    engine_export.add_arguments(parser, FORMATS)


def run(args: argparse.Namespace) -> int:
    """The engine's export, with PNG and SVG written by graphviz_app.render."""
    return engine_export.run(args, {"png": _picture, "svg": _picture})


def _picture(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    if out.suffix.lower() != f".{args.to}":
        raise InteropError(f"--to {args.to} writes a .{args.to} file; --out is '{out.name}'")
    try:
        from .render import render_to_file  # Qt: loaded only when a picture is asked for
    except ImportError as exc:  # e.g. a server without the X libraries Qt needs
        raise InteropError(f"{args.to.upper()} export needs Qt (PySide6) to draw the picture, and it cannot be "
                           f"loaded here: {exc}") from None

    lay_out_if_unplaced(graph)  # a file without positions: thousands of nodes on one spot take minutes to paint
    render_to_file(graph, out, annotated=trace is not None, trace=trace)
    return [out]
