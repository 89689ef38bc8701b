"""Check a graph file: validate it, infer shapes, run forward and backward, and gradient-check every parameter.

Prints a short report; exits 0 when all is well, otherwise 1 with one line on stderr.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..broadcast import fmt_shape
from ..errors import EngineError
from ..executor import explain
from ..fileformat.sample import sample_feeds
from ..gradcheck import check_graph
from ..graph import Graph
from ..serialization import load_graph
from ..shapes import infer_shapes


class CheckFailed(Exception):
    """A finding of the check (not a crash): reported as one line on stderr."""


@dataclass
class Feeds:
    """What the graph is run on, and a few words saying where it came from."""

    values: dict[str, Any]
    source: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `main.py check`."""
    parser.add_argument("file", help="a graph file (.json, or .onnx with the onnx package)")
    parser.add_argument("--max-entries", type=int, default=50,
                        help="entries of each parameter to check by finite differences (default 50)")
    parser.add_argument("--tol", type=float, default=1e-5, help="largest relative error accepted (default 1e-5)")


def _check_shapes(graph: Graph) -> list[str]:
    report = infer_shapes(graph)
    messages = report.messages(graph)
    if messages:
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        raise CheckFailed(f"shapes: {messages[0]}{more}")
    return [f"{graph.nodes[n].name}: {fmt_shape(s)}" for n, s in report.shapes.items()
            if graph.nx.out_degree(n) == 0]


def _check_bindings(graph: Graph) -> None:
    for key, name in graph.meta.get("bindings", {}).items():
        try:
            graph.find(name)
        except EngineError as exc:
            raise CheckFailed(f"meta.bindings.{key}: {exc}") from None


def _dataset_feeds(graph: Graph, rows: int) -> Feeds:
    from ..data import prepare

    spec, bindings = graph.meta["dataset"], graph.meta.get("bindings", {})
    if "inputs" not in bindings or "labels" not in bindings:
        raise CheckFailed("meta.bindings: a graph with a dataset needs 'inputs' and 'labels'")
    data = prepare(spec)
    values = {bindings["inputs"]: data.x_test[:rows], bindings["labels"]: data.y_test[:rows]}
    return Feeds(values, f"the first {rows} test rows of the {data.name} dataset")


def _feeds(graph: Graph, rows: int = 4) -> Feeds:
    """The file's sample when it feeds every Input and Label, else rows of its dataset."""
    sample = graph.meta.get("sample") or {}
    fed = {graph.find(key).id for key in sample}
    missing = [n.name for n in graph.nodes.values() if n.op.role.fed and n.id not in fed]
    if sample and not missing:
        return Feeds(sample_feeds(graph, sample), "the file's sample")
    if "dataset" in graph.meta:
        return _dataset_feeds(graph, rows)
    if missing:
        verb = "needs a value" if len(missing) == 1 else "need values"
        raise CheckFailed(f"nothing to run on: {', '.join(missing)} {verb}; add meta.sample or a dataset")
    return Feeds({}, "no inputs")


def _run(graph: Graph, feeds: Feeds, max_entries: int, tol: float) -> tuple[Any, list]:
    """Forward, backward and the gradient check; any failure inside an op is a finding, not a crash."""
    try:
        with np.errstate(all="ignore"):  # inf and NaN are reported as findings, not as numpy warnings
            trace = explain(graph, feeds.values)
            checks = check_graph(graph, feeds.values, tol=tol, max_entries=max_entries)
    except Exception as exc:  # noqa: BLE001  (whatever an op raises must become one line, never a traceback)
        raise CheckFailed(f"running the graph on {feeds.source}: {exc}") from None
    return trace, checks


def _first_non_finite(graph: Graph, trace: Any) -> str | None:
    """Where the first inf or NaN appears, forward values before gradients, in topological order."""
    for kind, table in (("value", trace.values), ("gradient ∂L/∂", trace.grads)):
        for node_id in graph.topo_order():
            if node_id in table and not np.all(np.isfinite(table[node_id])):
                node = graph.nodes[node_id]
                worst = np.asarray(table[node_id], dtype=np.float64).reshape(-1)
                bad = worst[~np.isfinite(worst)][0]
                return f"the {kind}{'' if kind == 'value' else node.name} of {node.op_name} '{node.name}' is {bad}"
    return None


def _param_lines(graph: Graph, checks: list) -> list[str]:
    by_name = {n.name: n for n in graph.parameters()}
    width = max([len(c.name) for c in checks] + [4])
    return [f"    {c.name:<{width}}  {fmt_shape(by_name[c.name].stored_value.shape):<10}  max error {c.max_error:.1e}  "
            f"{'ok' if c.ok else 'FAIL'}" for c in checks]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _report(path: str, graph: Graph, outputs: list[str], feeds: Feeds, trace: Any, checks: list) -> str:
    params = graph.parameters()
    numbers = sum(int(np.size(p.stored_value)) for p in params)
    title = graph.meta.get("title", "")
    lines = [f"{path}{': ' + title if title else ''}",
             f"  {_count(len(graph.nodes), 'node')}, {_count(len(graph.edges), 'edge')}, "
             f"{_count(len(params), 'parameter')} ({_count(numbers, 'number')}), "
             f"{_count(len(graph.regions), 'region')}",
             f"  shapes ok; outputs: {', '.join(outputs)}",
             f"  forward and backward on {feeds.source}: {trace.names[trace.target]} = {float(trace.loss):.6g}",
             "  gradient check (central differences):"]
    return "\n".join(lines + (_param_lines(graph, checks) or ["    (no parameters)"]))


def run(args: argparse.Namespace) -> int:
    """Check one file; 0 when everything passes, 1 with one line on stderr when something does not."""
    notes: list[str] = []
    graph = load_graph(args.file, notes)
    for note in notes:
        print(f"note: {args.file}: {note}", file=sys.stderr)
    try:
        outputs = _check_shapes(graph)
        _check_bindings(graph)
        feeds = _feeds(graph)
        trace, checks = _run(graph, feeds, args.max_entries, args.tol)
        problem = _first_non_finite(graph, trace)
        if problem:
            raise CheckFailed(f"running the graph on {feeds.source}: {problem}; a graph must compute finite "
                              "numbers")
    except (CheckFailed, EngineError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    print(_report(args.file, graph, outputs, feeds, trace, checks))
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"error: {args.file}: gradient check failed for {', '.join(failed)}", file=sys.stderr)
        return 1
    print("ok")
    return 0
