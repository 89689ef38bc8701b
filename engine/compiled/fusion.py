"""Compile-time rewrites: chains of nodes that one kernel computes with the same math, faster."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..broadcast import broadcast_shapes
from ..executor import stable_softmax
from ..graph import Graph
from .kernels import EmbeddingKernel, Kernel, SigmoidKernel, SoftmaxCrossEntropyKernel
from .pool_kernels import ACTIVATIONS, EmbedConvPoolKernel, PoolActKernel
from .text_kernels import BagMatMulKernel, EmbedConvKernel

MakeKernel = Callable[[str, tuple, int], Kernel]


@dataclass
class Fused:
    """One kernel computing `anchor` from `inputs` (node ids), with the nodes in `absorbed` computed inside it."""

    anchor: str
    inputs: list[str]
    make: MakeKernel
    absorbed: set[str] = field(default_factory=set)


class GraphView:
    """The part of a graph a program runs (the targets and their ancestors), with who consumes what."""

    def __init__(self, graph: Graph, order: list[str], shown: set[str], shapes: dict[str, tuple | None]):
        self.graph = graph
        self.shown = shown  # the target, and nodes whose values the caller wants
        self.shapes = shapes
        self.inputs: dict[str, dict[str, str]] = {n: {p: e.src for p, e in graph.incoming(n).items()} for n in order}
        self.consumers: dict[str, list[str]] = {n: [] for n in order}
        for node_id in order:
            for src in self.inputs[node_id].values():
                self.consumers[src].append(node_id)

    def op(self, node_id: str) -> str:
        """The op name of a node."""
        return self.graph.nodes[node_id].op_name

    def src(self, node_id: str, port: str) -> str:
        """The node feeding `port` of `node_id`."""
        return self.inputs[node_id][port]

    def private(self, node_id: str) -> bool:
        """True if only one edge reads this node and nobody asked for its value, so a kernel may hide it."""
        return node_id not in self.shown and len(self.consumers[node_id]) == 1

    def well_shaped(self, fused: Fused) -> bool:
        """True if shape inference passed for every node of a fusion (else the plain ops report the error)."""
        return all(self.shapes.get(n) is not None for n in fused.absorbed | {fused.anchor})

    def port_inputs(self, node_id: str) -> list[str]:
        """The sources of a node's connected ports, in port order."""
        inputs = self.inputs[node_id]
        return [inputs[p.name] for p in self.graph.nodes[node_id].op.connected_ports(inputs)]


def _softmax_ce(view: GraphView, node_id: str) -> Fused | None:
    if view.op(node_id) == "SoftmaxCrossEntropy":
        return Fused(node_id, view.port_inputs(node_id), SoftmaxCrossEntropyKernel)
    probs = view.src(node_id, "p")
    shape = view.shapes.get(probs)
    if stable_softmax(view.graph, node_id, None if shape is None else len(shape)) != probs:
        return None
    # the same rule as explain mode; a Softmax whose value is wanted still runs, for that value alone
    absorbed = {probs} if view.private(probs) else set()
    return Fused(node_id, [view.src(probs, "x"), view.src(node_id, "y")], SoftmaxCrossEntropyKernel, absorbed)


def _bag_matmul(view: GraphView, node_id: str) -> Fused | None:
    bag = view.src(node_id, "x")
    if view.op(bag) != "BagOfWords" or not view.private(bag):
        return None
    vocab = view.graph.nodes[bag].attrs["vocab_size"]

    def make(nid, ins, out):
        return BagMatMulKernel(nid, ins, out, vocab)
    return Fused(node_id, [view.src(bag, "ids"), view.src(node_id, "W")], make, {bag})


def _embed_conv(view: GraphView, node_id: str) -> Fused | None:
    emb = view.src(node_id, "x")
    if view.op(emb) != "Embedding" or not view.private(emb):
        return None
    width = view.graph.nodes[node_id].attrs["width"]

    def make(nid, ins, out):
        return EmbedConvKernel(nid, ins, out, width)
    return Fused(node_id, [view.src(emb, "ids"), view.src(emb, "E"), view.src(node_id, "W")], make, {emb})


def _split_bias(view: GraphView, add: str) -> tuple[str, str] | None:
    """(sequence operand, bias) of an Add whose other operand is the same at every time step."""
    out = view.shapes.get(add)
    if out is None or len(out) < 2:
        return None
    a, b = view.src(add, "a"), view.src(add, "b")
    for seq, bias in ((a, b), (b, a)):
        s, t = view.shapes.get(seq), view.shapes.get(bias)
        if s is None or t is None or s != out or len(t) > len(s):
            continue
        try:
            same_shape = broadcast_shapes(s, t) == s
        except ValueError:
            continue
        if same_shape and (len(t) < 2 or t[-2] == 1):
            return seq, bias
    return None


def _pool_chain(view: GraphView, node_id: str) -> Fused | None:
    """MaxPoolTime ← [activation] ← [+ bias] ← x, and when x is SeqConv over an Embedding, all of it."""
    x, kind, absorbed = view.src(node_id, "x"), None, set()
    if view.op(x) in ACTIVATIONS and view.private(x):
        kind = view.op(x)
        absorbed.add(x)
        x = view.src(x, "x")
    bias: list[str] = []
    parts = _split_bias(view, x) if view.op(x) == "Add" and view.private(x) else None
    if parts is not None:
        absorbed.add(x)
        x, bias = parts[0], [parts[1]]
    mask = [view.inputs[node_id]["ids"]] if "ids" in view.inputs[node_id] else []
    emb = view.src(x, "x") if view.op(x) == "SeqConv" and view.private(x) else None
    if emb is not None and view.op(emb) == "Embedding" and view.private(emb):
        width = view.graph.nodes[x].attrs["width"]

        def make_conv(nid, ins, out):
            return EmbedConvPoolKernel(nid, ins, out, kind, width, bool(bias), bool(mask))
        inputs = [view.src(emb, "ids"), view.src(emb, "E"), view.src(x, "W")] + bias + mask
        return Fused(node_id, inputs, make_conv, absorbed | {x, emb})
    if not absorbed:
        return None

    def make(nid, ins, out):
        return PoolActKernel(nid, ins, out, kind, bool(bias), bool(mask))
    return Fused(node_id, [x] + bias + mask, make, absorbed)


def _replace(kernel_type: type[Kernel]):
    def rule(view: GraphView, node_id: str) -> Fused:
        return Fused(node_id, view.port_inputs(node_id), kernel_type)
    return rule


RULES: dict[str, list[Callable[[GraphView, str], Fused | None]]] = {
    "CrossEntropy": [_softmax_ce],
    "SoftmaxCrossEntropy": [_softmax_ce],
    "MatMul": [_bag_matmul],
    "SeqConv": [_embed_conv],
    "MaxPoolTime": [_pool_chain],
    "Sigmoid": [_replace(SigmoidKernel)],
    "Embedding": [_replace(EmbeddingKernel)],
}


def find_fusions(view: GraphView, order: list[str]) -> dict[str, Fused]:
    """The fused kernels to use, by anchor node; consumers are matched first so a chain is taken whole."""
    chosen: dict[str, Fused] = {}
    absorbed: set[str] = set()
    for node_id in reversed(order):
        if node_id in absorbed:
            continue
        for rule in RULES.get(view.op(node_id), ()):
            fused = rule(view, node_id)
            if fused is not None and view.well_shaped(fused):
                chosen[node_id] = fused
                absorbed |= fused.absorbed
                break
    return chosen
