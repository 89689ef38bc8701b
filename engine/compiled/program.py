"""A compiled program: value slots, kernels in topological order, and the backward sweep that parameters need."""
from __future__ import annotations

import threading

import networkx as nx
import numpy as np

from ..broadcast import fmt_shape
from ..errors import EngineError, ExecutionError
from ..executor import Feeds
from ..graph import Graph, Node
from ..shapes import infer_shapes
from .feeds import FeedLoader
from .fusion import GraphView, find_fusions
from .kernels import Kernel, OpKernel


def needed_order(graph: Graph, targets: list[str]) -> list[str]:
    """The targets and their ancestors, in the graph's stable topological order."""
    needed = set(targets).union(*(nx.ancestors(graph.nx, t) for t in targets))
    return [n for n in graph.topo_order() if n in needed]


def unconnected_message(graph: Graph, order: list[str], target: str) -> str | None:
    """Why the target cannot be computed at all (an input port left open), or None."""
    for node_id in order:
        node = graph.nodes[node_id]
        open_ports = node.op.open_ports(graph.incoming(node_id))
        if open_ports:
            return (f"cannot compute '{graph.nodes[target].name}': input '{open_ports[0]}' "
                    f"of {node.op_name} '{node.name}' is not connected")
    return None


class Program:
    """Kernels over numbered value slots for one target; `train` adds the backward sweep to the parameters.

    Nodes in `shown` keep their values (no fusion hides them), for callers that want them too.
    """

    def __init__(self, graph: Graph, target: str, train: bool, shown: tuple[str, ...] = ()):
        self.target_node = graph.nodes[target]
        self.lock = threading.Lock()
        order = needed_order(graph, [target, *shown])
        self.problem = unconnected_message(graph, order, target)
        self.kernels: list[Kernel] = []
        self.backward_kernels: list[Kernel] = []
        self.params: list[tuple[str, int]] = []
        self.stored: list[tuple[int, Node]] = []
        self.slot: dict[str, int] = {}
        if self.problem:
            self.loader = FeedLoader(graph, {})
            return
        view = GraphView(graph, order, {target, *shown}, infer_shapes(graph).shapes)
        fusions = find_fusions(view, order)
        absorbed = set().union(*(f.absorbed for f in fusions.values()))
        self.slot = {n: i for i, n in enumerate(n for n in order if n not in absorbed)}
        self.size = len(self.slot)
        self.target_slot = self.slot[target]
        self.shown_slots = [self.slot[n] for n in shown]
        for node_id in order:
            node = graph.nodes[node_id]
            if node.op.is_source:
                if node.op_name not in ("Input", "Label"):
                    self.stored.append((self.slot[node_id], node))
            elif node_id not in absorbed:
                self.kernels.append(self._kernel(node, fusions.get(node_id), view))
        self.loader = FeedLoader(graph, {n: self.slot[n] for n in order
                                         if graph.nodes[n].op_name in ("Input", "Label")})
        self.nodes = {k.node_id: graph.nodes[k.node_id] for k in self.kernels}
        if train:
            self._plan_backward(graph, order)

    def _kernel(self, node: Node, fused, view: GraphView) -> Kernel:
        if fused is not None:
            return fused.make(node.id, tuple(self.slot[i] for i in fused.inputs), self.slot[node.id])
        return OpKernel(node, tuple(self.slot[s] for s in view.port_inputs(node.id)), self.slot[node.id])

    def _plan_backward(self, graph: Graph, order: list[str]) -> None:
        """Run backward only where a parameter's gradient flows: ids carry none, constants need none."""
        integer = [False] * self.size
        depends = [False] * self.size  # does the value depend on a parameter?
        for slot, node in self.stored:
            depends[slot] = node.trainable
        for node_id in order:
            node = graph.nodes[node_id]
            if node.op_name in ("Input", "Label"):
                integer[self.slot[node_id]] = node.op.out_dtype == "int"
        for k in self.kernels:
            depends[k.out] = any(k.differentiable[i] and not integer[s] and depends[s] for i, s in enumerate(k.ins))
        reached = [False] * self.size
        reached[self.target_slot] = True
        param_slots = {slot for slot, node in self.stored if node.trainable}
        for k in reversed(self.kernels):
            if not (reached[k.out] and depends[k.out]):
                continue
            k.grad_to = tuple(i for i, s in enumerate(k.ins) if k.differentiable[i] and not integer[s] and depends[s])
            k.keep = True
            k.sparse_ok = tuple(s in param_slots for s in k.ins)
            for i in k.grad_to:
                reached[k.ins[i]] = True
            self.backward_kernels.append(k)
        self.params = [(node.id, slot) for slot, node in self.stored if node.trainable and reached[slot]]

    def forward(self, graph: Graph, feeds: Feeds) -> list:
        """Every slot's value (call inside np.errstate(all='ignore'), as explain mode does)."""
        if self.problem:
            raise ExecutionError(self.problem, self.target_node.id)
        vals: list = [None] * self.size
        missing = self.loader.load(graph, feeds, vals)
        if missing:
            raise ExecutionError(f"cannot compute '{self.target_node.name}': feed "
                                 f"{', '.join(n.name for n in missing)}", self.target_node.id)
        for slot, node in self.stored:
            vals[slot] = node.value
        kernel = None
        try:
            for kernel in self.kernels:
                kernel.forward(vals)
        except EngineError:
            raise
        except Exception as exc:  # any numpy failure becomes a message naming the node
            raise self._failure(kernel, exc) from exc
        return vals

    def _failure(self, kernel: Kernel | None, exc: Exception) -> ExecutionError:
        node = self.nodes[kernel.node_id] if kernel is not None else self.target_node
        return ExecutionError(f"{node.op_name} '{node.name}': {exc}", node.id)

    def values(self, graph: Graph, feeds: Feeds) -> list[np.ndarray]:
        """The target's value, then the values of the `shown` nodes, from one forward pass."""
        with self.lock, np.errstate(all="ignore"):
            vals = self.forward(graph, feeds)
            return [vals[self.target_slot]] + [vals[i] for i in self.shown_slots]

    def loss_and_grads(self, graph: Graph, feeds: Feeds) -> tuple[float, dict]:
        """The target's value and the gradient of every parameter it depends on."""
        loss, grads, _ = self.loss_grads_and_values(graph, feeds)
        return loss, grads

    def loss_grads_and_values(self, graph: Graph, feeds: Feeds) -> tuple[float, dict, list]:
        """loss_and_grads, plus the values of the `shown` nodes from the same forward pass."""
        with self.lock, np.errstate(all="ignore"):
            vals = self.forward(graph, feeds)
            loss = vals[self.target_slot]
            if np.size(loss) != 1:
                raise ExecutionError(f"backward starts from a single number, but '{self.target_node.name}' "
                                     f"is {fmt_shape(np.shape(loss))}: add a loss after it", self.target_node.id)
            grads: list = [None] * self.size
            grads[self.target_slot] = np.ones_like(loss, dtype=np.float64)
            kernel = None
            try:
                for kernel in self.backward_kernels:
                    kernel.backward(vals, grads)
            except EngineError:
                raise
            except Exception as exc:
                raise self._failure(kernel, exc) from exc
        loss = float(np.reshape(loss, -1)[0])
        return loss, {pid: grads[slot] for pid, slot in self.params}, [vals[slot] for slot in self.shown_slots]
