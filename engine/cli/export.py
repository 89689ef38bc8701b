"""Export a graph file to ONNX, a PyTorch module, Graphviz DOT, LaTeX/TikZ, or a lesson page.

`python main.py export FILE --to onnx|pytorch|dot|tikz|html --out OUT [--annotated]`; FILE may be a
graph file (.json) or an .onnx model. --annotated adds values and gradients to the pictures, from the
file's sample input or else the first test example of its dataset. --to html writes the interactive
lesson (engine/cli/export_html.py: one page that replays the explain trace, with --example repeated).
PNG and SVG pictures are drawn by the app's renderer: graphviz_app/export_cli.py adds them to this command.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from ..errors import ExecutionError
from ..executor import default_target, explain, forward
from ..graph import Graph
from ..interop.errors import InteropError
from ..trace import Trace
from .export_html import add_html_arguments, check_html_options, write_html

FORMATS = ("onnx", "pytorch", "dot", "tikz", "html")
PICTURES = ("png", "svg", "dot", "tikz")  # the formats --annotated applies to (png and svg when the app adds them)
Writer = Callable[[Graph, Path, argparse.Namespace, "Trace | None"], list[Path]]


def add_arguments(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    """Arguments of `main.py export` (`formats`: these and any a caller adds)."""
    parser.add_argument("file", help="a graph file (.json) or an ONNX model (.onnx)")
    parser.add_argument("--to", required=True, choices=formats, help="what to write")
    parser.add_argument("--out", required=True, help="the file to write (pytorch also writes OUT.npz, the weights)")
    parser.add_argument("--annotated", action="store_true",
                        help="pictures show values and gradients (from meta.sample or the first test example)")
    parser.add_argument("--opset", type=int, default=18, help="ONNX opset (default 18)")
    parser.add_argument("--float64", action="store_true", help="ONNX in double precision (default float32)")
    add_html_arguments(parser)


def run(args: argparse.Namespace, more_writers: dict[str, Writer] | None = None) -> int:
    """Load, export, and say what was written; errors reach main.py as EngineError/OSError/ValueError."""
    from ..serialization import load_graph

    writers = {**WRITERS, **(more_writers or {})}
    if args.to not in writers:
        raise InteropError(f"--to {args.to}: this command writes {', '.join(writers)}")
    check_html_options(args)
    graph = load_graph(args.file)
    out = Path(args.out)
    if args.annotated and args.to not in PICTURES:
        raise InteropError(f"--annotated is for pictures ({', '.join(PICTURES)}), not {args.to}")
    trace = annotation_trace(graph) if args.annotated else None
    written = writers[args.to](graph, out, args, trace)
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def _onnx(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    from ..interop.onnx_export import export_onnx, float64_problems

    blocked = float64_problems(graph) if args.float64 else []
    if blocked:
        raise InteropError(f"--float64: onnxruntime has no float64 kernels for {', '.join(blocked)}, so the model "
                           "would not run there; export without --float64 (float32)")
    export_onnx(graph, out, opset=args.opset, dtype="float64" if args.float64 else "float32")
    return [out]


def _pytorch(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    from ..interop.pytorch_export import export_pytorch

    return [out, export_pytorch(graph, out)]


def _dot(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    from ..interop.dot import write_dot

    write_dot(graph, out, trace)
    return [out]


def _tikz(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    from ..interop.tikz import write_tikz

    write_tikz(graph, out, trace)
    return [out]


WRITERS: dict[str, Writer] = {"onnx": _onnx, "pytorch": _pytorch, "dot": _dot, "tikz": _tikz, "html": write_html}


def annotation_trace(graph: Graph) -> Trace:
    """Values and gradients to draw: from meta.sample, else the first test example of the dataset.

    A graph without a loss still gets its forward values (and no gradients)."""
    feeds = _annotation_feeds(graph)
    values = forward(graph, feeds)
    try:
        target = default_target(graph)
    except ExecutionError:
        target = None
    if target is not None and target in values and values[target].size == 1:
        return explain(graph, feeds, target)
    return Trace([], values, {}, None, {n: graph.nodes[n].name for n in values})


def _annotation_feeds(graph: Graph) -> dict:
    sample = graph.meta.get("sample")
    if isinstance(sample, dict) and sample:
        return sample
    bindings = graph.meta.get("bindings") or {}
    if "dataset" in graph.meta and "inputs" in bindings and "labels" in bindings:
        from ..data import prepare

        data = prepare(graph.meta["dataset"])
        return {bindings["inputs"]: data.x_test[:1], bindings["labels"]: data.y_test[:1]}
    raise InteropError("--annotated needs values to show: the graph has no meta.sample and no dataset with bindings")

