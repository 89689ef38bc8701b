"""Render a graph to PNG or SVG, optionally as explain mode shows it at trace step K (for slides).

Examples:
  python main.py render assets/graphs/chain_rule.json --out chain.png
  python main.py render assets/graphs/chain_rule.json --out chain.png --step backward --theme projector
  python main.py render assets/graphs/mlp.json --list-steps
  python main.py render assets/graphs/text_cnn.json --out cnn.png --step 14 --svg cnn.svg
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

PHASES = ("forward", "backward", "end")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The render subcommand's options."""
    parser.description = __doc__.split("\n\n")[0]
    parser.add_argument("file", help="graph file (.json or .onnx), e.g. assets/graphs/chain_rule.json")
    parser.add_argument("--out", help="picture to write (.png or .svg)")
    parser.add_argument("--step", help="show the explain trace after step K (0-based; negative counts from "
                                       "the end), or after a whole phase: forward, backward or end")
    parser.add_argument("--theme", choices=("light", "dark", "projector"), default="light",
                        help="colours and size (projector: large and high-contrast for a lecture hall)")
    parser.add_argument("--svg", metavar="FILE", help="also write an annotated SVG (values and gradients)")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixels per canvas unit (default 2)")
    parser.add_argument("--lr", type=float, help="add an SGD update with learning rate α to the trace")
    parser.add_argument("--text", help="a headline to explain instead of the file's sample (text examples)")
    parser.add_argument("--label", help="its true class (name or number; default: the sample's)")
    parser.add_argument("--row", type=int, help="explain row K of the data set's test split instead")
    parser.add_argument("--batch", action="store_true", help="feed the file's whole sample batch "
                                                              "(default: its first example)")
    parser.add_argument("--labels", choices=("auto", "full", "compact"), default="auto",
                        help="edges already passed show the whole chain rule (full) or only ∂L/∂in (compact); "
                             "auto: full on graphs of up to 8 edges")
    parser.add_argument("--spread", type=float, default=1.0,
                        help="move the nodes this many times further apart (room for labels), e.g. 1.5")
    parser.add_argument("--list-steps", action="store_true", help="print every trace step with its number")


def _class_index(data, label: str | None, default: int) -> int:
    if label is None:
        return default
    if label.isdigit():
        return int(label)
    names = [c.lower() for c in data.class_names]
    if label.lower() not in names:
        raise ValueError(f"--label: expected one of {', '.join(data.class_names)} or a number, got {label!r}")
    return names.index(label.lower())


def sample_feeds(graph, args: argparse.Namespace) -> dict:
    """Feeds for the trace: --text, --row, or the file's sample (see explain.samples)."""
    from .explain import samples

    if args.text is not None or args.row is not None:
        data = samples.dataset_of(graph)
        if data is None:
            raise ValueError("--text and --row need a graph whose meta names a data set")
        if args.row is not None:
            return samples.row_sample(graph, data, "test", args.row).feeds
        labels = graph.meta.get("sample", {}).get(graph.meta.get("bindings", {}).get("labels", ""), [0])
        first = int(np.asarray(labels).reshape(-1)[0]) if np.size(labels) else 0
        return samples.text_sample(graph, data, args.text, _class_index(data, args.label, first)).feeds
    return samples.file_feeds(graph, whole_batch=args.batch)


def spread(graph, factor: float) -> None:
    """Scale every node position (in memory only: the file is not changed)."""
    if not 0.2 <= factor <= 5.0:
        raise ValueError(f"--spread: expected a factor between 0.2 and 5, got {factor:g}")
    for node in list(graph.nodes.values()):
        graph.move(node.id, (node.pos[0] * factor, node.pos[1] * factor))


def resolve_step(trace, step: str | None) -> int | None:
    """Step index from --step: a number (negative from the end) or a phase name."""
    if step is None:
        return None
    kinds = [s.kind for s in trace.steps]
    if step in PHASES:
        wanted = {"forward": ("forward",), "backward": ("forward", "seed", "backward", "sum", "nograd")}
        allowed = wanted.get(step)
        return max(i for i, k in enumerate(kinds) if allowed is None or k in allowed)
    try:
        k = int(step)
    except ValueError:
        raise ValueError(f"--step: expected a number or one of {', '.join(PHASES)}, got {step!r}") from None
    if not -len(kinds) <= k < len(kinds):
        raise ValueError(f"--step {k}: the trace has steps 0 to {len(kinds) - 1}")
    return k % len(kinds)


def render_with_labels(graph, path: str, trace, step: int, theme: str, scale: float, full: bool) -> None:
    """Like render_to_file with a trace, choosing full or compact labels on the edges already passed."""
    from pathlib import Path

    from . import render
    from .explain.overlay import Overlay, options_for

    if Path(path).suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"cannot render to '{Path(path).name}': use a .png or .svg file name")
    scene = render.build_scene(graph, theme)
    options = options_for(graph)
    options.full_labels = full
    Overlay(scene, trace, graph, options).show(step)
    if Path(path).suffix.lower() == ".svg":
        render._write_svg(scene, Path(path))  # noqa: SLF001 - see the report: a public write_svg is asked for
    elif not render.render_scene_to_image(scene, scale).save(str(path), "PNG"):
        raise OSError(f"could not write '{path}'")


def run(args: argparse.Namespace) -> int:
    """Load, explain if asked, render; prints what was written and the step's caption."""
    from engine.executor import explain
    from engine.serialization import load_graph

    from .render import ensure_app, render_to_file

    if not args.out and not args.list_steps:
        raise ValueError("--out: say where to write the picture, e.g. --out graph.png")
    graph = load_graph(args.file)
    if args.spread != 1.0:
        spread(graph, args.spread)
    needs_trace = args.step is not None or args.list_steps or args.svg or args.lr is not None
    trace = explain(graph, sample_feeds(graph, args), lr=args.lr) if needs_trace else None
    if trace is not None:
        from .explain.narration import Narrator
        from .explain.overlay import options_for

        options = options_for(graph)
        narrator = Narrator(graph, trace, options.vocab_words, options.class_names)
    if args.list_steps:
        for k in range(len(trace)):
            print(f"{k:3d}  {narrator.caption(k)}")
        if not args.out:
            return 0
    ensure_app()
    step = resolve_step(trace, args.step) if trace is not None else None
    if trace is not None and step is None:
        step = len(trace) - 1
    full = {"auto": None, "full": True, "compact": False}[args.labels]
    for path, scale in ((args.out, args.scale), (args.svg, 1.0)):
        if not path:
            continue
        if full is None or trace is None:
            render_to_file(graph, path, trace=trace, step=step, theme=args.theme, scale=scale)
        else:
            render_with_labels(graph, path, trace, step, args.theme, scale, full)
        print(f"wrote {path}" + (f" at step {step}: {narrator.caption(step)}" if trace is not None else ""))
    sys.stdout.flush()
    return 0
