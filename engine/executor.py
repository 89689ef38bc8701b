"""Running a graph: forward values, and the explained forward + backward pass as a Trace."""
from __future__ import annotations

from typing import Any, Callable, Collection, Mapping

import numpy as np

from .broadcast import fmt_shape
from .errors import ExecutionError
from .graph import Graph, Node
from .op_facts import Role
from .ops.linalg import Softmax
from .ops.losses import CrossEntropy
from .trace import BackwardStep, ForwardStep, NoGradStep, SeedStep, SumStep, Trace, UpdateStep

Feeds = Mapping[str, Any]


def resolve_feeds(graph: Graph, feeds: Feeds) -> dict[str, np.ndarray]:
    """Turn {name or id: data} into {node id: array}, checking each against its Input or Label."""
    out: dict[str, np.ndarray] = {}
    for key, data in feeds.items():
        node = graph.find(key)
        if not node.op.role.fed:
            raise ExecutionError(f"'{node.name}' is a {node.op_name}, not an Input or Label", node.id)
        integer = node.op.out_dtype == "int"
        arr = np.asarray(data, dtype=np.int64 if integer else np.float64)
        if integer and not np.array_equal(arr, np.asarray(data, dtype=np.float64)):
            raise ExecutionError(f"{node.op_name} '{node.name}' needs whole numbers", node.id)
        _check_fed_shape(node, arr)
        if node.op.role is Role.LABEL and arr.size:
            classes = node.attrs["classes"]
            bad = arr[(arr < 0) | (arr >= classes)]
            if bad.size:
                raise ExecutionError(f"Label '{node.name}': class {int(bad[0])} is out of range 0..{classes - 1}",
                                     node.id)
        out[node.id] = arr
    return out


def _check_fed_shape(node: Node, arr: np.ndarray) -> None:
    expected = node.op.infer([], [])
    if len(expected) != arr.ndim or any(e is not None and e != n for e, n in zip(expected, arr.shape)):
        raise ExecutionError(
            f"{node.op_name} '{node.name}' expects {fmt_shape(expected)}, got {fmt_shape(arr.shape)}", node.id)


def computable(graph: Graph, fed: Mapping[str, np.ndarray]) -> list[str]:
    """Node ids, in topological order, whose value can be computed from the feeds and parameters."""
    ready: list[str] = []
    ok: set[str] = set()
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        if node.op.is_source:
            good = node_id in fed or node.value is not None
        else:
            incoming = graph.incoming(node_id)
            good = not node.op.open_ports(incoming) and all(e.src in ok for e in incoming.values())
        if good:
            ok.add(node_id)
            ready.append(node_id)
    return ready


def stable_softmax(graph: Graph, node_id: str, rank: int | None) -> str | None:
    """The Softmax whose probabilities this CrossEntropy reads, when the pair runs as one stable step, else None.

    That is when the Softmax normalises the last axis of its `rank` axes and feeds nothing else: the loss is
    then −log softmax(z)_y from the scores z, exact where p_y rounds to 0 (explain mode and the compiled
    plan use the same rule).
    """
    if not isinstance(graph.nodes[node_id].op, CrossEntropy):
        return None
    edge = graph.incoming(node_id).get("p")
    softmax = graph.nodes[edge.src] if edge is not None else None
    if softmax is None or not isinstance(softmax.op, Softmax) or len(graph.outgoing(softmax.id)) != 1 or not rank:
        return None
    return softmax.id if softmax.attrs["axis"] % rank == rank - 1 else None


def _eval(graph: Graph, node_id: str, values: dict[str, np.ndarray]) -> tuple[tuple, np.ndarray, Any]:
    node = graph.nodes[node_id]
    incoming = graph.incoming(node_id)
    xs = tuple(values[incoming[p.name].src] for p in node.op.connected_ports(incoming))
    softmax = stable_softmax(graph, node_id, np.ndim(xs[0]) if xs else None)
    try:
        with np.errstate(all="ignore"):
            if softmax is not None and isinstance(node.op, CrossEntropy):
                scores = values[graph.incoming(softmax)["x"].src]
                out, ctx = node.op.forward_from_scores(scores, xs[1])  # ctx: log p
            else:
                out, ctx = node.op.forward(*xs)
    except Exception as exc:  # any numpy failure becomes a message naming the node
        raise ExecutionError(f"{node.op_name} '{node.name}': {exc}", node_id) from exc
    return xs, np.asarray(out, dtype=np.float64), ctx


def forward(graph: Graph, feeds: Feeds, only: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """Compute every node that the feeds allow (or only those in `only`); returns {node id: value}."""
    fed = resolve_feeds(graph, feeds)
    values: dict[str, np.ndarray] = {}
    for node_id in computable(graph, fed):
        if only is not None and node_id not in only:
            continue
        node = graph.nodes[node_id]
        values[node_id] = fed[node_id] if node_id in fed else (
            node.stored_value if node.op.is_source else _eval(graph, node_id, values)[1])
    return values


def default_target(graph: Graph) -> str:
    """The node backward starts from: the only loss, else the only scalar-valued sink."""
    losses = [n.id for n in graph.nodes.values() if n.op.role is Role.LOSS]
    if len(losses) == 1:
        return losses[0]
    sinks = [n for n in graph.nodes if graph.nx.out_degree(n) == 0 and not graph.nodes[n].op.is_source]
    if len(losses) > 1:
        raise ExecutionError("the graph has several losses; pick the one to differentiate")
    if len(sinks) == 1:
        return sinks[0]
    raise ExecutionError("backward needs one output to start from; the graph has "
                         f"{len(sinks)} outputs and no loss")


def explain(graph: Graph, feeds: Feeds, target: str | None = None,
            lr: float | None = None, apply_update: bool = False) -> Trace:
    """Forward and backward on one batch, recording every step; with `lr`, also the SGD update."""
    fed = resolve_feeds(graph, feeds)
    target = graph.find(target).id if target else default_target(graph)
    order = computable(graph, fed)
    if target not in order:
        missing = [n.name for n in graph.nodes.values() if n.op.is_source and n.id not in fed and n.value is None]
        raise ExecutionError(f"cannot compute '{graph.nodes[target].name}': "
                             f"feed {', '.join(missing) or 'its inputs'}", target)
    needed = _ancestors_and_self(graph, target)
    order = [n for n in order if n in needed]
    steps: list = []
    values: dict[str, np.ndarray] = {}
    saved: dict[str, tuple] = {}
    for node_id in order:
        node = graph.nodes[node_id]
        if node.op.is_source:
            # a copy, so that later in-place updates of a parameter do not rewrite this trace
            values[node_id] = fed[node_id] if node_id in fed else node.stored_value.copy()
            steps.append(ForwardStep(node_id, values[node_id]))
            continue
        xs, out, ctx = _eval(graph, node_id, values)
        values[node_id], saved[node_id] = out, (xs, ctx)
        steps.append(ForwardStep(node_id, out, node.op.explain(ctx)))
    if np.size(values[target]) != 1:
        raise ExecutionError(f"backward starts from a single number, but '{graph.nodes[target].name}' "
                             f"is {fmt_shape(values[target].shape)}: add a loss after it", target)
    grads = _backward(graph, order, target, values, saved, steps)
    if lr is not None:
        _sgd_steps(graph, grads, lr, apply_update, steps)
    names = {n: graph.nodes[n].name for n in order}
    return Trace(steps, values, grads, target, names)


def _ancestors_and_self(graph: Graph, node_id: str) -> set[str]:
    import networkx as nx

    return nx.ancestors(graph.nx, node_id) | {node_id}


def _backward(graph: Graph, order: list[str], target: str, values: dict, saved: dict, steps: list) -> dict:
    """Reverse-mode sweep: each node's vjp turns ∂L/∂out into ∂L/∂in along every incoming edge."""
    grads: dict[str, np.ndarray] = {target: np.ones_like(values[target])}
    parts: dict[str, list[tuple[str, np.ndarray]]] = {}
    steps.append(SeedStep(target, grads[target]))
    stable = _stable_pairs(graph, order, values)
    for node_id in reversed(order):
        if node_id != target:
            if node_id not in parts:
                continue
            contributions = parts[node_id]
            total = contributions[0][1] if len(contributions) == 1 else np.sum([c for _, c in contributions], axis=0)
            if len(contributions) > 1:
                steps.append(SumStep(node_id, contributions, total))
            grads[node_id] = total
        node = graph.nodes[node_id]
        if node.op.is_source:
            continue
        incoming = graph.incoming(node_id)
        for i, port in enumerate(node.op.connected_ports(incoming)):
            edge = incoming[port.name]
            if not port.differentiable or values[edge.src].dtype.kind in "iu":
                reason = "integer ids carry no gradient" if port.integer or values[edge.src].dtype.kind in "iu" \
                    else f"{node.op_name} is not differentiable in '{port.name}'"
                steps.append(NoGradStep(edge.id, edge.src, node_id, port.name, reason))
                continue
            local, product = _edge_vjp(graph, node_id, i, values, saved, grads, stable)
            steps.append(BackwardStep(edge.id, edge.src, node_id, port.name, grads[node_id], product,
                                      _vjp=local, _in_shape=np.shape(saved[node_id][0][i])))
            parts.setdefault(edge.src, []).append((edge.id, product))
    return grads


def _stable_pairs(graph: Graph, order: list[str], values: dict) -> dict[str, str]:
    """{Softmax id: CrossEntropy id} for the pairs computed as one stable step (see stable_softmax)."""
    pairs = {}
    for node_id in order:
        edge = graph.incoming(node_id).get("p")
        softmax = stable_softmax(graph, node_id, np.ndim(values[edge.src]) if edge is not None else None)
        if softmax is not None:
            pairs[softmax] = node_id
    return pairs


def _edge_vjp(graph: Graph, node_id: str, i: int, values: dict, saved: dict, grads: dict,
              stable: dict[str, str]) -> tuple[Callable[[np.ndarray], np.ndarray], np.ndarray]:
    """(local vjp for the Jacobian display, product ∂L/∂in) for input i of a node."""
    op, (xs, ctx), out = graph.nodes[node_id].op, saved[node_id], values[node_id]
    if isinstance(op, CrossEntropy) and node_id in stable.values():
        def local(g: np.ndarray) -> np.ndarray:
            return op.vjp_from_scores(g, ctx, xs[1])  # ctx is log p: −1/(N p_y) even where p_y rounds to 0
    else:
        def local(g: np.ndarray) -> np.ndarray:
            return op.vjp(i, g, xs, out, ctx)
    loss = stable.get(node_id)
    if loss is not None:
        # the Softmax of a stable pair: its product is the loss's (softmax(z) − onehot(y))·g/N, the exact value
        # of local · upstream where p_y · 1/p_y would be 0 · ∞; its local Jacobian stays the plain one
        loss_op, (loss_xs, logp) = graph.nodes[loss].op, saved[loss]
        if isinstance(loss_op, CrossEntropy):
            return local, np.asarray(loss_op.scores_vjp(grads[loss], logp, loss_xs[1]), dtype=np.float64)
    return local, np.asarray(local(grads[node_id]), dtype=np.float64)


def _sgd_steps(graph: Graph, grads: dict, lr: float, apply_update: bool, steps: list) -> None:
    for node in graph.parameters():
        if node.id not in grads:
            continue
        before = node.stored_value.copy()
        after = before - lr * grads[node.id]
        steps.append(UpdateStep(node.id, before, grads[node.id], after, lr))
        if apply_update:
            graph.set_value(node.id, after)
