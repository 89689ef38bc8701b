"""Make a graph file from a formula, e.g. `main.py new "x: R^3; W: R^{4×3}; a = σ(W x)" --out a.json` (; ends a line).

The formula comes from the argument, from `--file F`, or from standard input (`-` or `--file -`).
Each line is `name: type` declarations or one `name = expression`; see docs/formulas.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..formula import FormulaError, formula_to_graph
from ..serialization import save_graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `main.py new`."""
    parser.add_argument("formula", nargs="?", help='the formula in quotes (lines separated by newlines or '
                        'by "\\n"), or - to read it from standard input')
    parser.add_argument("--file", help="read the formula from this text file (- for standard input)")
    parser.add_argument("--out", required=True, help="the graph file to write (.json)")


def read_formula(args: argparse.Namespace) -> str:
    """The formula text from the argument, the file, or standard input; ValueError if none or both."""
    if (args.formula is None) == (args.file is None):
        raise ValueError("give the formula either as an argument or with --file F (- reads standard input)")
    source = args.file if args.file is not None else args.formula
    if args.file is None and source != "-":
        return source.replace("\\n", "\n")
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"cannot read {source}: it is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"cannot read {source}: {exc.strerror or 'it cannot be opened'}") from None


def run(args: argparse.Namespace) -> int:
    """Build the graph, save it, and say what was written; a formula error shows the line with a caret."""
    text = read_formula(args)
    try:
        graph = formula_to_graph(text)
    except FormulaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        lines = text.splitlines()
        if 1 <= exc.line <= len(lines):
            print(f"  {lines[exc.line - 1]}\n  {' ' * (exc.col - 1)}^", file=sys.stderr)
        return 2
    save_graph(graph, args.out, weights=False)
    regions = len(graph.regions)
    print(f"wrote {args.out}: {len(graph.nodes)} nodes, {regions} line{'s' * (regions != 1)}")
    return 0
