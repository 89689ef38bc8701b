"""Bounded loading: a hostile file inside the size limit is refused about as fast as it can be read, and the
cycle check of a big graph is linear.

Run: .venv/bin/python bench/file_limits.py [--megabytes 200] [--nodes 1500]
1. A file of tiny lists ("[[],[],…]") of --megabytes: load_graph (refused by counting values before parsing)
   against reading its bytes. Before the count it was parsed: 3.9 GB and a MemoryError at 200 MB.
2. A layered graph of --nodes nodes (Add fed by a parameter, then σ, repeated): the reader's cycle check
   (is_directed_acyclic_graph) against networkx.find_cycle over the whole graph, which the reader used before
   (100 s at 5,000 nodes).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.fileformat import FileFormatError  # noqa: E402
from engine.serialization import load_graph  # noqa: E402


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def refuse(path: Path) -> None:
    try:
        load_graph(path)
    except FileFormatError:
        return
    raise SystemExit("the hostile file was not refused")


def containers(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny_lists.json"
        count = megabytes * 2**20 // 3
        path.write_bytes(b"[" + b"[]," * (count - 1) + b"[]]")
        read = timed(path.read_bytes)
        refused = timed(lambda: refuse(path))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{megabytes} MB of tiny lists: read {read:.2f} s, refused in {refused:.2f} s "
          f"(ratio {refused / read:.1f}); peak memory of this process {peak:.0f} MB")


def layers(nodes: int) -> nx.DiGraph:
    """x → (+b1) → σ → (+b2) → σ …: each Add also fed by its own parameter, nodes in file order."""
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(nodes))
    for i in range(1, nodes - 1, 3):  # n{i} a parameter, n{i+1} the Add, n{i+2} the σ
        graph.add_edges_from([(f"n{i - 1}", f"n{i + 1}"), (f"n{i}", f"n{i + 1}"), (f"n{i + 1}", f"n{i + 2}")])
    return graph


def chain(nodes: int) -> None:
    graph = layers(nodes)
    linear = timed(lambda: nx.is_directed_acyclic_graph(graph))

    def old_check() -> None:
        try:
            nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return

    old = timed(old_check)
    print(f"cycle check of a {nodes}-node layered graph: is_directed_acyclic_graph {linear * 1000:.1f} ms, "
          f"find_cycle {old:.2f} s (ratio {old / max(linear, 1e-9):.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--nodes", type=int, default=1500)
    args = parser.parse_args()
    containers(args.megabytes)
    chain(args.nodes)


if __name__ == "__main__":
    main()
