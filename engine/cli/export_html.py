"""`main.py export FILE --to html --out lesson.html [--example TEXT ...]`: the interactive lesson page.

--example may be given more than once; the page then has a switcher. For a graph on a text data set the
text is a headline, optionally with its class ("stocks fall after earnings miss=Business"); "test:K" or
"train:K" picks a data-set row; for other graphs "x=[1, 2, -1]; y=1" types the inputs. Without --example
the page explains the file's own sample.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..graph import Graph
from ..lesson import LessonError, choose_examples, write_lesson
from ..trace import Trace


def add_html_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the html format."""
    parser.add_argument("--example", action="append", metavar="TEXT",
                        help="html only, may repeat: a headline ('text=Class' picks its class), test:K or "
                             "train:K, or values such as 'x=[1, 2]; y=1' (default: the file's sample)")


def check_html_options(args: argparse.Namespace) -> None:
    """--example belongs to the html format; say so instead of ignoring it."""
    if args.example and args.to != "html":
        raise LessonError(f"--example is for --to html (the interactive lesson), not {args.to}")


def write_html(graph: Graph, out: Path, args: argparse.Namespace, trace: Trace | None) -> list[Path]:
    """Write the lesson page; prints notes about the examples (a class chosen for a headline)."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise LessonError(f"--to html writes a web page: give --out a name ending in .html, not '{out.name}'")
    examples = choose_examples(graph, args.example)
    for note in examples.notes:
        print(f"note: {note}")
    size = write_lesson(graph, examples, out, fallback_title=Path(args.file).stem)
    count = len(examples.samples)
    print(f"lesson: {size / 1024:.0f} KB, {count} example{'s' if count > 1 else ''}: "
          + "; ".join(s.description for s in examples.samples))
    return [out]
