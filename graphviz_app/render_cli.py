"""Render a graph to PNG or SVG, optionally as explain mode shows it at trace step K (for slides).

The picture has the shape of a slide (--aspect, 16:9 unless told): the graph is laid out again to fit
it, with nodes sized to what they show (the file on disk keeps its positions; --keep-positions draws
them as saved). Edge labels are placed so that none covers a node, a port or another label.

Examples:
  python main.py render assets/graphs/chain_rule.json --out chain.png
  python main.py render assets/graphs/mlp.json --out mlp.png --step backward --width 1920
  python main.py render assets/graphs/mlp.json --out mlp.png --aspect 4:3 --keep-positions
  python main.py render assets/graphs/chain_rule.json --out chain.png --step backward --theme projector
  python main.py render assets/graphs/mlp.json --list-steps
  python main.py render assets/graphs/text_cnn.json --out cnn.png --step 14 --svg cnn.svg
  python main.py render assets/graphs/chain_rule.json --out sgd.png --lr      (an SGD step at the file's α)
  python main.py render assets/graphs/mlp.json --animate mlp.gif
  python main.py render assets/graphs/mlp.json --animate backward.mp4 --from forward --to backward --fps 25
  python main.py render assets/graphs/headline_classifier.json --animate h.gif --example "stocks fall=Business"
"""
from __future__ import annotations

import argparse
import sys

from .animation.cli import add_animation_arguments, animate, check_animation_arguments
from .render_args import parse_aspect, resolve_step

FILE_LR = "file"  # --lr without a number: the graph's own α


def learning_rate(text: str) -> float | str:
    """--lr ALPHA as a number in the training range (the same range and words as the dock and the file), or
    FILE_LR ("file", what a bare --lr means)."""
    from engine.train import setting_problem

    if text == FILE_LR:
        return FILE_LR
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.1, got {text!r}") from None
    problem = setting_problem("lr", value, typed=text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def sgd_lr(graph, given: float | str | None) -> float | None:
    """The α of the trace's SGD update: --lr's number, the file's α for a bare --lr, None without --lr."""
    if given != FILE_LR:
        return given
    from engine.train import TrainingSettings

    return TrainingSettings.from_dict(graph.meta.get("training")).lr


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The render subcommand's options."""
    parser.description = __doc__.split("\n\n")[0]
    parser.add_argument("file", help="graph file (.json or .onnx), e.g. assets/graphs/chain_rule.json")
    parser.add_argument("--out", help="picture to write (.png or .svg)")
    parser.add_argument("--animate", metavar="OUT", help="write the explain trace as an animation (.gif or .mp4; "
                                                         "MP4 needs pip install '.[video]'), the camera on each step")
    parser.add_argument("--step", help="show the explain trace after step K (0-based; negative counts from "
                                       "the end), or after a whole phase: forward, backward or end")
    parser.add_argument("--theme", choices=("light", "dark", "projector"),
                        help="colours and size (projector: large and high-contrast for a lecture hall); default "
                             "light, projector for --animate")
    parser.add_argument("--svg", metavar="FILE", help="also write an annotated SVG (values and gradients)")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixels per canvas unit (default 2)")
    parser.add_argument("--aspect", default="16:9",
                        help="shape of the picture, width:height or a number (default 16:9); 'none' for the "
                             "drawing's own shape with the saved positions")
    parser.add_argument("--width", type=int, help="picture width in pixels (instead of --scale), e.g. 1920; "
                                                  "an animation's default is 1280")
    parser.add_argument("--keep-positions", action="store_true",
                        help="draw the nodes where the file puts them (the picture is still padded to --aspect)")
    parser.add_argument("--lr", nargs="?", const=FILE_LR, type=learning_rate, metavar="ALPHA",
                        help="add an SGD update to the trace, with learning rate α (default: the file's, "
                             "graph.meta['training']['lr'], as training and explain mode use it)")
    parser.add_argument("--example", metavar="TEXT",
                        help="the example to explain, as for export --to html: a headline ('text=Class' picks its "
                             "class), test:K or train:K, or values such as 'x=[1, 2]; y=1'")
    parser.add_argument("--text", help="a headline to explain instead of the file's sample (text examples)")
    parser.add_argument("--label", help="its true class (name or number; default: the sample's)")
    parser.add_argument("--row", type=int, help="explain row K of the data set's test split instead")
    parser.add_argument("--batch", action="store_true", help="feed the file's whole sample batch "
                                                              "(default: its first example)")
    parser.add_argument("--labels", choices=("auto", "full", "compact", "none"), default="auto",
                        help="edges already passed show the whole chain rule (full), only ∂L/∂in (compact) or "
                             "nothing; auto: full up to 8 edges, compact up to 60")
    parser.add_argument("--crop", metavar="NAMES", help="draw only these nodes (comma-separated names) and "
                                                         "the edges between them, e.g. a,Va,b")
    parser.add_argument("--spread", default="1",
                        help="move the nodes this many times further apart (room for labels and values), "
                             "e.g. 1.5, or 1.6,1.8 for x and y")
    parser.add_argument("--list-steps", action="store_true", help="print every trace step with its number")
    add_animation_arguments(parser)


def sample_for(graph, args: argparse.Namespace):
    """The example to explain: --example, --text, --row, or the file's sample as explain mode starts with it (the
    lecture's headline on a text graph; --batch: the whole sample batch), as an engine.replay.samples.Sample.

    The forms and their errors are the lesson's (engine.lesson.examples), so render, the animation and the
    HTML lesson read an example the same way."""
    from engine.lesson.examples import class_index, default_example, load_data, parse_example, sample_class
    from engine.replay import samples

    if args.example is not None and (args.text is not None or args.row is not None):
        raise ValueError("--example: give it alone, without --text or --row (it takes their forms)")
    if args.batch and args.example is None and args.text is None and args.row is None:
        return samples.Sample(samples.file_feeds(graph, whole_batch=True), "the file's sample batch")
    data, why_not = load_data(graph)
    if args.example is None and args.text is None and args.row is None:
        return default_example(graph, data)  # as explain mode and the lesson start: the lecture's headline
    if args.example is not None:
        return parse_example(graph, data, args.example, why_not)
    if data is None:
        raise ValueError("--text and --row need a graph whose meta names a data set that can be read"
                         + (f" ({why_not})" if why_not else ""))
    if args.row is not None:
        return samples.row_sample(graph, data, "test", args.row)
    klass = class_index(data, args.label) if args.label is not None else sample_class(graph, data)
    return samples.text_sample(graph, data, args.text, klass)


def spread_factors(text: str) -> tuple[float, float]:
    """--spread as (x, y) factors from 'F' or 'FX,FY'."""
    try:
        factors = [float(p) for p in str(text).split(",")]
    except ValueError:
        factors = []
    if len(factors) not in (1, 2) or not all(0.2 <= f <= 5.0 for f in factors):
        raise ValueError(f"--spread: expected a factor between 0.2 and 5, or two as 1.6,1.8; got {text!r}")
    return factors[0], factors[-1]


def spread(graph, text: str) -> None:
    """Scale node positions by 'F' or 'FX,FY' (in memory only: the file is not changed)."""
    fx, fy = spread_factors(text)
    if (fx, fy) == (1.0, 1.0):
        return
    for node in list(graph.nodes.values()):
        graph.move(node.id, (node.pos[0] * fx, node.pos[1] * fy))


def frame_for(args: argparse.Namespace):
    """The picture's shape from --aspect, --width, --keep-positions and --spread."""
    from .render_layout import Frame

    aspect = parse_aspect(args.aspect)
    if args.width is not None and not 100 <= args.width <= 16000:
        raise ValueError(f"--width: expected between 100 and 16000 pixels, got {args.width}")
    relayout = aspect is not None and not args.keep_positions
    return Frame(aspect, args.width, relayout, spread_factors(args.spread))


def _narrated_trace(graph, args: argparse.Namespace):
    """(trace, narrator, tokens) for the chosen example, or (None, None, None) when no trace is needed."""
    if args.step is None and not args.list_steps and not args.svg and args.lr is None and not args.animate:
        return None, None, None
    from engine.data import tokenize
    from engine.executor import explain

    from engine.replay.narration import Narrator
    from .explain.overlay import options_for

    sample = sample_for(graph, args)
    trace = explain(graph, sample.feeds, lr=sgd_lr(graph, args.lr))
    options = options_for(graph)
    tokens = tokenize(sample.text) if sample.text else options.tokens
    return trace, Narrator(graph, trace, options.vocab_words, options.class_names, tokens), tokens


def _overlay_options(graph, args: argparse.Namespace, tokens):
    """What the picture's overlay shows: the graph's defaults, the --labels policy, the typed headline."""
    from .explain.overlay import options_for

    options = options_for(graph)
    options.labels = args.labels
    if tokens is not None:
        options.tokens = tokens
    return options


def run(args: argparse.Namespace) -> int:
    """Load, explain if asked, render; prints what was written and the step's caption."""
    from engine.serialization import load_graph

    from .render import ensure_app, render_to_file

    if not args.out and not args.list_steps and not args.animate:
        raise ValueError("--out: say where to write the picture, e.g. --out graph.png (or --animate film.gif)")
    check_animation_arguments(args)
    frame = frame_for(args) if args.out else None
    graph = load_graph(args.file)
    trace, narrator, tokens = _narrated_trace(graph, args)
    if args.list_steps:
        print("\n".join(f"{k:3d}  {narrator.caption(k)}" for k in range(len(trace))))
        if not args.out and not args.animate:
            return 0
    ensure_app()
    if args.animate:
        animate(graph, trace, _overlay_options(graph, args, tokens), args)
        if not args.out:
            return 0
    step = None if trace is None else resolve_step(trace, args.step if args.step is not None else "end")
    options = _overlay_options(graph, args, tokens) if trace is not None else None
    crop = [n.strip() for n in args.crop.split(",") if n.strip()] if args.crop else None
    for path, scale in ((args.out, args.scale), (args.svg, 1.0)):
        if not path:
            continue
        render_to_file(graph, path, trace=trace, step=step, theme=args.theme or "light", scale=scale, crop=crop,
                       options=options, frame=frame)
        print(f"wrote {path}" + (f" at step {step}: {narrator.caption(step)}" if trace is not None else ""))
    sys.stdout.flush()
    return 0
