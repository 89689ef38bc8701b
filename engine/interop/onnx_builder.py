"""Building an engine graph from ONNX tensors: values with known shapes, constants, and shape helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..broadcast import fmt_shape
from ..errors import EngineError
from ..graph import Graph
from ..names import clean_name
from .errors import UnsupportedOnnxError

MAX_NAME = 56  # Graph names allow 60 characters; leave room for unique_name's suffix
MAX_CONSTANT_ENTRIES = 100_000  # larger fixed arrays become Parameter nodes (Constant attrs stay small)


@dataclass(frozen=True)
class Value:
    """A tensor of the ONNX model as it exists in our graph: the node computing it, its shape and dtype."""

    node: str
    shape: tuple  # None first for a batch axis
    dtype: str  # "float" or "int"

    @property
    def rank(self) -> int:
        """Number of axes."""
        return len(self.shape)

    @property
    def batched(self) -> bool:
        """True when the first axis is the batch axis B."""
        return bool(self.shape) and self.shape[0] is None


@dataclass(frozen=True)
class GraphInput:
    """An ONNX graph input not yet turned into a node (Input or Label is decided by its first use)."""

    name: str
    shape: tuple
    dtype: str


class Builder:
    """Adds engine nodes for ONNX tensors and keeps the map from tensor names to Values."""

    def __init__(self, constants: dict[str, np.ndarray], initializers: set[str], inputs: dict[str, GraphInput]):
        self.graph = Graph()
        self.values: dict[str, Value] = {}
        self.constants = constants
        self.initializers = initializers
        self.inputs = inputs
        self.notes: list[str] = []
        self.created: list[str] = []  # node ids added for the ONNX node being converted

    # ----- tensors by ONNX name
    def is_const(self, name: str) -> bool:
        """True when the tensor is an initializer or a Constant op's output."""
        return name in self.constants

    def const(self, name: str, what: str) -> np.ndarray:
        """The fixed value of a tensor that must be known when importing (shapes, axes, exponents)."""
        if name not in self.constants:
            raise UnsupportedOnnxError(f"{what} must be a constant, but '{name}' is computed or fed at run time")
        return self.constants[name]

    def value(self, name: str) -> Value:
        """The tensor as a node of our graph; graph inputs and constants get their node on first use."""
        if name in self.values:
            return self.values[name]
        if name in self.inputs:
            return self.input_node(name)
        if name in self.constants:
            return self._constant_node(name)
        raise UnsupportedOnnxError(f"tensor '{name}' is used before it is computed")

    def input_node(self, name: str, label_classes: int | None = None) -> Value:
        """An Input node for a graph input; a Label when it holds a batch of class ids of a loss."""
        if name in self.values:
            return self.values[name]
        spec = self.inputs[name]
        batched = bool(spec.shape) and spec.shape[0] is None
        inner = list(spec.shape[1:] if batched else spec.shape)
        if label_classes is not None and batched and not inner and spec.dtype == "int":
            node = self.graph.add_node("Label", self._name(name), {"classes": label_classes, "batched": True})
        else:
            node = self.graph.add_node("Input", self._name(name), {"shape": inner, "batched": batched,
                                                                   "dtype": spec.dtype})
        self.values[name] = Value(node.id, spec.shape, spec.dtype)
        return self.values[name]

    def _constant_node(self, name: str) -> Value:
        array = self.constants[name]
        if array.dtype.kind not in "f":
            raise UnsupportedOnnxError(f"integer tensor '{name}' is used in arithmetic; the explorer computes "
                                       "in floating point, so only token ids, labels, shapes and axes may be integers")
        self.values[name] = self.fixed(array, name, trainable=name in self.initializers)
        return self.values[name]

    def fixed(self, array: np.ndarray, name: str, trainable: bool = False) -> Value:
        """A Parameter (trainable, e.g. an initializer) or a Constant node holding `array`."""
        array = np.asarray(array, dtype=np.float64)
        shape = array.shape
        if not np.all(np.isfinite(array)):
            raise UnsupportedOnnxError(f"'{name}' holds NaN or infinity; a graph cannot keep such a value")
        try:
            if trainable or array.size > MAX_CONSTANT_ENTRIES:
                node = self.graph.add_node("Parameter", self._name(name), {"shape": list(shape), "init": "zeros"},
                                           value=array)
            else:
                node = self.graph.add_node("Constant", self._name(name), {"value": array.tolist()})
        except EngineError as exc:
            raise UnsupportedOnnxError(f"'{name}' ({fmt_shape(shape)}): {exc}") from None
        self.created.append(node.id)
        return Value(node.id, shape, "float")

    # ----- nodes
    def add(self, op: str, inputs: list[Value], name: str, attrs: dict[str, Any] | None = None) -> Value:
        """Add one node fed by `inputs` (in port order) and return its output Value."""
        try:
            node = self.graph.add_node(op, self._name(name), attrs)
        except EngineError as exc:
            raise UnsupportedOnnxError(f"'{name}' needs a {op} the explorer cannot make: {exc}") from None
        self.created.append(node.id)
        for port, value in zip(node.op.port_names(), inputs):
            self.graph.connect(value.node, node.id, port)
        try:
            shape = node.op.infer([v.shape for v in inputs], [self.graph.nodes[v.node].name for v in inputs])
        except EngineError as exc:
            raise UnsupportedOnnxError(f"{op} '{node.name}': {exc}") from None
        return Value(node.id, tuple(shape), node.op.out_dtype)

    def _name(self, base: str) -> str:
        return self.graph.unique_name(clean_name(base, "t", MAX_NAME))

    # ----- shape helpers built from Reshape and Transpose
    def reshape(self, value: Value, shape: tuple, name: str) -> Value:
        """Reshape to a full target shape; a batch axis can only stay where it is."""
        shape = tuple(shape)
        if shape == value.shape:
            return value
        if value.batched:
            if not shape or shape[0] is not None:
                raise UnsupportedOnnxError(f"'{name}': cannot reshape across the batch axis "
                                           f"({fmt_shape(value.shape)} → {fmt_shape(shape)})")
            return self.add("Reshape", [value], name, {"shape": list(shape[1:]), "keep_batch": True})
        if any(d is None for d in shape):
            raise UnsupportedOnnxError(f"'{name}': unknown size in target shape {fmt_shape(shape)}")
        return self.add("Reshape", [value], name, {"shape": list(shape), "keep_batch": False})

    def move_axis_last(self, value: Value, axis: int, name: str) -> Value:
        """Move one axis to the end, keeping the order of the others (Reshape, Transpose, Reshape)."""
        axis = normalize_axis(axis, value.rank, name)
        if axis == value.rank - 1:
            return value
        if axis == value.rank - 2:
            return self.add("Transpose", [value], f"{name}/swap")
        if value.batched and axis == 0:
            raise UnsupportedOnnxError(f"'{name}': cannot move the batch axis")
        s = value.shape
        lead = merged(s[:axis])
        rest = int(np.prod(s[axis + 1:]))
        grouped = self.reshape(value, lead + (s[axis], rest), f"{name}/group")
        swapped = self.add("Transpose", [grouped], f"{name}/swap")
        return self.reshape(swapped, s[:axis] + s[axis + 1:] + (s[axis],), f"{name}/ungroup")

    def permute(self, value: Value, perm: list[int], name: str) -> Value:
        """Any permutation of the axes, as a series of moves of one axis to the end."""
        perm = [normalize_axis(p, value.rank, name) for p in perm]
        if sorted(perm) != list(range(value.rank)):
            raise UnsupportedOnnxError(f"'{name}': {perm} is not a permutation of {value.rank} axes")
        start = next((i for i, p in enumerate(perm) if p != i), value.rank)
        order = list(range(value.rank))
        for step, p in enumerate(perm[start:]):
            value = self.move_axis_last(value, order.index(p), f"{name}/{step}" if step else name)
            order.append(order.pop(order.index(p)))
        return value


def merged(lead: tuple) -> tuple:
    """Leading axes merged into one, keeping a batch axis on its own."""
    if not lead:
        return ()
    if lead[0] is None:
        return (None, int(np.prod(lead[1:]))) if len(lead) > 1 else (None,)
    return (int(np.prod(lead)),)


def normalize_axis(axis: int, rank: int, where: str) -> int:
    """A non-negative axis, or UnsupportedOnnxError naming the tensor."""
    if not -rank <= axis < max(rank, 1):
        raise UnsupportedOnnxError(f"'{where}': axis {axis} is out of range for {rank} axes")
    return axis % max(rank, 1)
