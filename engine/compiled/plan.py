"""Plan: the train-mode entry point; compiles once per graph structure and reuses the programs."""
from __future__ import annotations

import weakref

import numpy as np

from ..errors import ExecutionError
from ..executor import Feeds, default_target
from ..graph import Graph
from ..shapes import infer_shapes
from .program import Program
from .scalar import ScalarProgram, scalar_program
from .sparse import SparseRows

# changes after which a compiled program no longer matches the graph (values are read on every call)
STRUCTURE_EVENTS = ("node_added", "node_removed", "edge_added", "edge_removed", "attr_changed", "node_renamed")


class CompiledPrograms:
    """The programs compiled for one graph, forgotten as soon as its structure changes."""

    def __init__(self, graph: Graph):
        self.gradients: dict[str, Program | ScalarProgram] = {}  # ∂target/∂θ, by target (scalar where it can)
        self.programs: dict[tuple[str, ...], Program] = {}  # the others, by what they compute
        graph.events.follow(STRUCTURE_EVENTS, self.forget)

    def forget(self, *args: object) -> None:
        """Drop every program (called by the graph's events)."""
        self.gradients.clear()
        self.programs.clear()


# programs keep no reference to their graph, so a graph and its cache are freed together
_CACHE: "weakref.WeakKeyDictionary[Graph, CompiledPrograms]" = weakref.WeakKeyDictionary()


def compiled_programs(graph: Graph) -> CompiledPrograms:
    """The program cache of a graph (made on first use)."""
    cache = _CACHE.get(graph)
    if cache is None:
        cache = _CACHE[graph] = CompiledPrograms(graph)
    return cache


class Plan:
    """A graph compiled for repeated forward/backward on minibatches (no trace is kept).

    Compiling happens on first use and again only after the graph's structure changes (all plans of one graph
    share the compiled programs); parameter values are read from the graph on every call. Calls from several
    threads are serialised per program.
    """

    def __init__(self, graph: Graph, target: str | None = None):
        self.graph = graph
        self.target = graph.find(target).id if target else default_target(graph)
        self._cache = compiled_programs(graph)

    def _check_target(self) -> None:
        if self.target not in self.graph.nodes:
            raise ExecutionError(f"the node this plan differentiates ('{self.target}') was removed", self.target)

    def _grad_program(self) -> Program | ScalarProgram:
        program = self._cache.gradients.get(self.target)
        if program is None:
            self._check_target()
            arrays = Program(self.graph, self.target, train=True)
            program = scalar_program(self.graph, self.target, arrays, infer_shapes(self.graph).shapes) or arrays
            self._cache.gradients[self.target] = program
        return program

    def loss_and_grads(self, feeds: Feeds) -> tuple[float, dict[str, np.ndarray | SparseRows]]:
        """The target's value and ∂target/∂θ for every parameter that reaches it."""
        return self._grad_program().loss_and_grads(self.graph, feeds)

    def loss_grads_and_output(self, feeds: Feeds, node: str) -> tuple[float, dict, np.ndarray]:
        """loss_and_grads plus one node's value (e.g. the class probabilities) from the same forward pass."""
        node_id = self.graph.find(node).id
        key = ("grad+out", self.target, node_id)
        program = self._cache.programs.get(key)
        if program is None:
            self._check_target()
            program = self._cache.programs[key] = Program(self.graph, self.target, train=True, shown=(node_id,))
        loss, grads, (value,) = program.loss_grads_and_values(self.graph, feeds)
        return loss, grads, value

    def outputs(self, feeds: Feeds, node: str) -> np.ndarray:
        """Forward only, returning one node's value (e.g. class probabilities for prediction)."""
        return self.values(feeds, [node])[0]

    def values(self, feeds: Feeds, nodes: list[str]) -> list[np.ndarray]:
        """Forward only, once, returning the values of several nodes (e.g. the loss and the output)."""
        ids = tuple(self.graph.find(n).id for n in nodes)
        key = ("out",) + ids
        program = self._cache.programs.get(key)
        if program is None:
            program = self._cache.programs[key] = Program(self.graph, ids[0], train=False, shown=ids[1:])
        return program.values(self.graph, feeds)

    def apply_sgd(self, grads: dict[str, np.ndarray | SparseRows], lr: float) -> None:
        """Θ ← Θ − lr·∇Θ in place on the parameter arrays (sparse gradients touch only their rows).

        No value_changed events are emitted (this is for tight loops); arrays held elsewhere, such as an
        explain trace's values, see the change.
        """
        for node_id, grad in grads.items():
            value = self.graph.nodes[node_id].stored_value
            if isinstance(grad, SparseRows):
                grad.add_to(value, -lr)
            else:
                value -= lr * grad
