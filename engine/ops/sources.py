"""Source ops: values that enter the graph from outside (inputs, labels, constants, parameters)."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from ..op_facts import OutputKind, Role
from ..registry import Attr, Op, register


class SourceOp(Op):
    """A node whose value is fed or stored rather than computed."""

    is_source = True

    def infer(self, shapes, names):
        return self.value_shape()

    def value_shape(self) -> tuple:
        """Shape of the value this source provides (None = batch axis)."""
        raise NotImplementedError


class StoredOp(SourceOp):
    """A source whose value the graph keeps (Parameter, Constant): a new node starts from `initial_value`."""

    def initial_value(self, rng: np.random.Generator | None = None) -> np.ndarray:
        """The value a new node of this op starts with."""
        raise NotImplementedError


def initial_value(op: Op) -> np.ndarray:
    """The value a new node of `op` starts with; GraphError for an op whose value is fed or computed, not kept."""
    if not isinstance(op, StoredOp):
        raise GraphError(f"{op.name} keeps no value of its own to start from")
    return op.initial_value()


@register
class Input(SourceOp):
    """Data fed into the graph: a scalar, a vector, a matrix, or a batch of them."""

    name = "Input"
    role = Role.INPUT
    category = "Sources"
    leibniz = "x"
    attr_specs = (
        Attr("shape", "shape", (), "size of one example, e.g. 3 or 2x5; empty for a scalar"),
        Attr("batched", "bool", False, "a leading batch axis B comes first"),
        Attr("dtype", "choice", "float", "float for numbers, int for token ids", ("float", "int")),
    )

    @property
    def out_dtype(self) -> str:  # type: ignore[override]
        return self.attrs["dtype"]

    @property
    def output_kind(self) -> OutputKind:  # type: ignore[override]
        return OutputKind.TOKEN_IDS if self.attrs["dtype"] == "int" else OutputKind.VALUE

    def value_shape(self) -> tuple:
        return ((None,) if self.attrs["batched"] else ()) + tuple(self.attrs["shape"])


@register
class Label(SourceOp):
    """Class targets y: one integer class id per example."""

    name = "Label"
    role = Role.LABEL
    output_kind = OutputKind.CLASS_IDS
    category = "Sources"
    leibniz = "y"
    out_dtype = "int"
    attr_specs = (
        Attr("classes", "int", 3, "number of classes", minimum=1),
        Attr("batched", "bool", True, "one label per example of a batch"),
    )

    def value_shape(self) -> tuple:
        return (None,) if self.attrs["batched"] else ()


@register
class Constant(StoredOp):
    """A fixed number or array that never changes and gets no update."""

    name = "Constant"
    role = Role.CONSTANT
    category = "Sources"
    leibniz = "c"
    attr_specs = (Attr("value", "floats", 1.0, "the number, or a nested list of numbers"),)

    def initial_value(self, rng: np.random.Generator | None = None) -> np.ndarray:
        """The constant as an array."""
        return np.asarray(self.attrs["value"], dtype=np.float64)

    def value_shape(self) -> tuple:
        return np.shape(self.attrs["value"])


INITIALISERS = ("zeros", "ones", "normal", "uniform", "xavier", "constant")
MAX_INIT_SCALE = 1e6  # far beyond any useful start, far below where drawing values overflows (1e308)


@register
class Parameter(StoredOp):
    """A learned array (θ, W, V, w, b) with a seeded initialiser; SGD updates it."""

    name = "Parameter"
    role = Role.PARAMETER
    category = "Sources"
    leibniz = "θ"
    trainable = True
    attr_specs = (
        Attr("shape", "shape", (), "e.g. 3 for a vector θ, 3x4 for a matrix W; empty for a scalar"),
        Attr("init", "choice", "xavier", "how values start", INITIALISERS),
        Attr("scale", "float", 0.1, "std of normal, half-width of uniform, or the constant", minimum=0.0,
             maximum=MAX_INIT_SCALE),
        Attr("seed", "int", 0, "random seed of the initialiser", minimum=0),
    )

    def value_shape(self) -> tuple:
        return tuple(self.attrs["shape"])

    def initial_value(self, rng: np.random.Generator | None = None) -> np.ndarray:
        """A fresh value from the initialiser, seeded by the `seed` attribute unless rng is given."""
        shape = self.value_shape()
        rng = rng or np.random.default_rng(self.attrs["seed"])
        init, scale = self.attrs["init"], self.attrs["scale"]
        if init == "zeros":
            return np.zeros(shape)
        if init == "ones":
            return np.ones(shape)
        if init == "constant":
            return np.full(shape, scale)
        if init == "normal":
            return rng.normal(0.0, scale, size=shape)
        if init == "uniform":
            return rng.uniform(-scale, scale, size=shape)
        fan_in = shape[0] if len(shape) >= 1 else 1
        fan_out = shape[-1] if len(shape) >= 2 else 1
        limit = np.sqrt(6.0 / (fan_in + fan_out))  # Glorot & Bengio 2010: keeps activations' variance
        return rng.uniform(-limit, limit, size=shape)
