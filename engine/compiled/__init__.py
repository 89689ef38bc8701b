"""Train mode: the same math as explain mode, without recording, compiled once per graph structure for speed.

`Plan(graph, target=None)` gives `.loss_and_grads(feeds) -> (loss, {param_id: ndarray | SparseRows})`,
`.loss_grads_and_output(feeds, node)` (the same plus one node's value, from one forward pass),
`.outputs(feeds, node)` and `.apply_sgd(grads, lr)`. Inside: a topological program over numbered slots
(program.py), fused kernels chosen by pattern rules (fusion.py; kernels.py, text_kernels.py, pool_kernels.py),
and a Python-float path for all-scalar graphs (scalar.py).
"""
from .plan import Plan
from .sparse import SparseRows

__all__ = ["Plan", "SparseRows"]
