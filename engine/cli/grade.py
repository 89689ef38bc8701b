"""Grade practice attempts: a CSV table with a row per student and question and a total per attempt.

    python main.py grade attempts/ [more.json …] [--graph practice.json] [--out table.csv]

Each attempt's seal is checked; with --graph (the lecturer's file) every answer is also judged again, so an
attempt edited by hand, or made on another graph, is reported as tampered. One line per tampered or unreadable
file goes to stderr; the exit code is 0 when every attempt is sound, else 1 (the table is written either way).
"""
from __future__ import annotations

import argparse
import sys

from ..errors import EngineError
from ..practice.grading import grade
from ..practice.prepare import Practice, prepare
from ..practice.questions import PracticeError
from ..serialization import load_graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `main.py grade`."""
    parser.add_argument("attempts", nargs="+", metavar="ATTEMPT",
                        help="attempt files saved by Practice ▸ Save Attempt…, or folders holding them")
    parser.add_argument("--graph", action="append", default=[], metavar="GRAPH",
                        help="the graph file the students practised on (judges every answer again); repeatable")
    parser.add_argument("--out", metavar="TABLE.csv", help="write the table here (default: print it)")


def _practice(path: str) -> Practice:
    """The practice of one lecturer's graph file; an error names the file."""
    try:
        return prepare(load_graph(path))
    except EngineError as exc:
        message = str(exc)
        raise PracticeError(message if message.startswith(str(path)) else f"{path}: {message}") from None


def run(args: argparse.Namespace) -> int:
    """Grade the attempts; 0 when all are sound, 1 when any is tampered with or unreadable."""
    from ..fileformat.files import write_text_atomic

    practices = [_practice(path) for path in args.graph]
    report = grade(args.attempts, practices)
    if args.out:
        write_text_atomic(args.out, "\ufeff" + report.csv_text())  # the mark lets spreadsheets read ∂ and θ
        for line in report.summaries:
            print(line)
    else:
        sys.stdout.write(report.csv_text())
    for line in report.problems:
        print(line, file=sys.stderr)
    counts = report.counts
    total = sum(counts.values())
    where = f" → {args.out}" if args.out else ""
    print(f"{total} attempt{'' if total == 1 else 's'}: {counts['ok']} sound, {counts['tampered']} tampered, "
          f"{counts['unreadable']} unreadable{where}", file=sys.stderr if not args.out else sys.stdout)
    return 0 if counts["ok"] == total else 1
