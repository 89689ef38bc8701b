"""The graph's hash: what its questions and answers depend on, so an attempt names exactly what it answered."""
from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from ..fileformat.meta import clean_for_file
from ..graph import Graph
from .section import PracticeSpec, learning_rate

HASH_PREFIX = "sha256:"


def _array_digest(value: Any) -> dict[str, Any]:
    """Shape and the sha256 of the float64 bytes: the same whether the file stored float32 or float64."""
    arr = np.ascontiguousarray(np.asarray(value, dtype="<f8"))
    return {"shape": list(arr.shape), "sha256": hashlib.sha256(arr.tobytes()).hexdigest()}


def graph_content(graph: Graph, spec: PracticeSpec) -> dict[str, Any]:
    """Everything an answer depends on: ops, names, attributes, wiring, values, the sample, α and the section.

    Positions, regions, the view, the title and training history are left out: moving a node or saving
    after a training run that was undone does not change what is asked."""
    sample = graph.meta.get("sample") or {}
    return {
        "nodes": sorted(([n.id, n.op_name, n.name, clean_for_file(n.attrs)] for n in graph.nodes.values())),
        "edges": sorted([e.id, e.src, e.dst, e.port] for e in graph.edges.values()),
        "values": {n.id: _array_digest(n.value) for n in graph.nodes.values()
                   if n.value is not None and n.op.role.stored},
        "sample": {str(k): _array_digest(v) for k, v in sample.items()} if isinstance(sample, dict) else {},
        "lr": learning_rate(graph, spec),
        "practice": spec.to_dict(),
    }


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same text for the same content, on every machine."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def sha256_of(value: Any) -> str:
    """'sha256:…' of the canonical JSON of a value."""
    return HASH_PREFIX + hashlib.sha256(canonical_json(value).encode("ascii")).hexdigest()


def graph_hash(graph: Graph, spec: PracticeSpec) -> str:
    """A stable hash of the graph's content, its parameter values and its practice section."""
    return sha256_of(graph_content(graph, spec))
