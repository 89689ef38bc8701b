"""The state of one ONNX export: nodes and initializers collected while the graph is walked (see onnx_export)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..graph import Graph
from ..names import printable
from ..shapes import ShapeReport
from .errors import require_onnx

BATCH_DIM = "B"


class Emitter:
    """Collects ONNX nodes and initializers while the graph is walked in topological order."""

    def __init__(self, graph: Graph, report: ShapeReport, dtype: str):
        onnx = require_onnx()
        self.helper, self.numpy_helper, self.TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto
        self.graph, self.report = graph, report
        self.np_dtype = np.dtype(dtype)
        self.float_type = self.helper.np_dtype_to_tensor_dtype(self.np_dtype)
        self.nodes: list = []
        self.initializers: list = []
        self.tensor: dict[str, str] = {}
        self._taken: set[str] = set()
        names = [printable(n.name) for n in graph.nodes.values()]
        for node, name in zip(graph.nodes.values(), names):
            unique = names.count(name) == 1
            self.tensor[node.id] = self.claim(name if unique else f"{name}_{node.id}")

    def claim(self, base: str) -> str:
        """A tensor or node name not used yet, derived from `base`."""
        name, i = base, 2
        while name in self._taken:
            name, i = f"{base}_{i}", i + 1
        self._taken.add(name)
        return name

    def shape(self, node_id: str) -> tuple:
        """The inferred shape of a node's output (None = batch axis)."""
        return self.report.shape(node_id)

    def const(self, base: str, value: Any, integer: bool = False) -> str:
        """A fixed tensor: int64 axes and shapes as initializers, float values as Constant nodes.

        Initializers are what importers treat as trainable weights, so only parameters go there."""
        array = np.asarray(value, dtype=np.int64 if integer else self.np_dtype)
        name = self.claim(base)
        if integer:
            self.initializers.append(self.numpy_helper.from_array(array, name))
        else:
            tensor = self.numpy_helper.from_array(array, f"{name}:value")
            self.nodes.append(self.helper.make_node("Constant", [], [name], name=self.claim(f"{name}:Constant"),
                                                    value=tensor))
        return name

    def ints(self, base: str, values: Iterable[int]) -> str:
        """An int64 vector initializer (axes, shapes, perms)."""
        return self.const(base, list(values), integer=True)

    def op(self, op_type: str, inputs: list[str], base: str, out: str | None = None, **attrs: Any) -> str:
        """Append one ONNX node; returns its output name (`out`, or a fresh name from `base`)."""
        out = out or self.claim(base)
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=self.claim(f"{out}:{op_type}"), **attrs))
        return out

    def value_info(self, name: str, shape: tuple, integer: bool):
        """A typed tensor description with the batch axis written as the symbolic dim B."""
        elem = self.TensorProto.INT64 if integer else self.float_type
        dims = [BATCH_DIM if d is None else int(d) for d in shape]
        return self.helper.make_tensor_value_info(name, elem, dims)
