"""Private copies of the graph for training and for live views."""
from __future__ import annotations

import networkx as nx
import numpy as np

from engine.data import PreparedData
from engine.errors import ExecutionError
from engine.executor import forward
from engine.graph import Graph
from engine.train import resolve_bindings, to_probs
from engine.training.settings import Bindings


def parameter_values(graph: Graph) -> dict[str, np.ndarray]:
    """Copies of every parameter array, by node id."""
    return {node.id: node.value.copy() for node in graph.parameters()}


def structure_differs(mine: Graph, theirs: Graph) -> bool:
    """True if the graphs compute different functions: nodes, edges, attributes, constants, data or bindings."""
    if mine.nodes.keys() != theirs.nodes.keys() or mine.edges != theirs.edges:
        return True
    for node_id, node in theirs.nodes.items():
        other = mine.nodes[node_id]
        if node.op_name != other.op_name or node.attrs != other.attrs:
            return True
        if not node.trainable and node.value is not None and not np.array_equal(node.value, other.value):
            return True  # a constant is part of the function being trained
    return any(mine.meta.get(k) != theirs.meta.get(k) for k in ("dataset", "bindings"))


def copy_parameters(source: Graph, target: Graph, ids: list[str] | None = None) -> bool:
    """Copy into `target` (in place) every parameter of `source` (or those in `ids`) that differs; True if any did."""
    changed = False
    for node in source.parameters():
        if ids is not None and node.id not in ids:
            continue
        mine = target.nodes.get(node.id)
        if mine is not None and mine.value.shape == node.value.shape and not np.array_equal(mine.value, node.value):
            mine.value[...] = node.value
            changed = True
    return changed


def parameter_names(graph: Graph) -> dict[str, str]:
    """Display name of every parameter, by node id, in topological order."""
    return {node.id: node.name for node in graph.parameters()}


class ModelView:
    """A GUI-thread copy of the graph whose parameters follow the trainer's snapshots: predictions for views."""

    def __init__(self, graph: Graph, data: PreparedData):
        self.graph = graph.copy()  # the same ids, its own arrays, followed by nobody
        self.data = data
        self.bindings: Bindings = resolve_bindings(self.graph)

    def set_values(self, values: dict[str, np.ndarray]) -> None:
        """Use these parameter arrays (ids that do not exist here are ignored)."""
        for node_id, value in values.items():
            node = self.graph.nodes.get(node_id)
            if node is not None and node.value is not None and node.value.shape == value.shape:
                node.value = value

    def values_for(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every computable node's value for a batch of examples (no labels fed).

        A node off the way to the prediction that cannot run (a Window over too few positions, say) does not
        cost the others their values: then only what the prediction needs is computed."""
        feeds = {self.bindings.inputs: x}
        with np.errstate(all="ignore"):
            try:
                return forward(self.graph, feeds)
            except ExecutionError:
                output = self.bindings.output
                return forward(self.graph, feeds, nx.ancestors(self.graph.nx, output) | {output})

    def probs(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (N, classes) for a batch of examples."""
        out = self.values_for(x)[self.bindings.output]
        return to_probs(self.graph, self.bindings.output, out)

    def encode(self, text: str) -> np.ndarray:
        """Token ids (1, max_len) of a typed text."""
        return self.data.encode_text(text)

