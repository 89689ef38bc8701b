"""ONNX → engine for elementwise, shape and reduction ops; each handler returns the node's output Values."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import UnsupportedOnnxError
from .onnx_builder import Builder, Value, merged, normalize_axis


@dataclass
class OnnxNode:
    """One ONNX node with decoded attributes; `label` names it in messages."""

    op_type: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    opset: int = 18

    @property
    def label(self) -> str:
        """How messages name the node: its op and first output."""
        return f"{self.op_type} '{self.outputs[0]}'"

    def input(self, i: int) -> str | None:
        """The name of input i, or None when it is absent or left empty."""
        return self.inputs[i] if i < len(self.inputs) and self.inputs[i] else None

    def refuse(self, why: str) -> UnsupportedOnnxError:
        """An error naming this node."""
        return UnsupportedOnnxError(f"{self.label}: {why}")


Handler = Callable[[Builder, OnnxNode], list]
HANDLERS: dict[str, tuple[Handler, frozenset]] = {}


def handles(*op_types: str, attrs: tuple = ()) -> Callable[[Handler], Handler]:
    """Register a handler for ONNX op types, with the attributes it understands."""
    def register(fn: Handler) -> Handler:
        """Add the handler to HANDLERS under each op type."""
        for op_type in op_types:
            HANDLERS[op_type] = (fn, frozenset(attrs))
        return fn
    return register


def float_input(b: Builder, n: OnnxNode, i: int) -> Value:
    """Input i as a float Value; integer data in arithmetic is refused."""
    value = b.value(n.inputs[i])
    if value.dtype != "float":
        raise n.refuse(f"input '{n.inputs[i]}' holds integers; the explorer computes in floating point, "
                       "so only token ids, labels, shapes and axes may be integers")
    return value


UNARY = {"Sigmoid": "Sigmoid", "Tanh": "Tanh", "Relu": "ReLU", "Exp": "Exp", "Log": "Log", "Neg": "Negate"}
BINARY = {"Add": "Add", "Sub": "Subtract", "Mul": "Multiply", "Div": "Divide"}


@handles(*UNARY, attrs=("consumed_inputs",))
def unary(b: Builder, n: OnnxNode) -> list:
    """Sigmoid, Tanh, Relu, Exp, Log, Neg: our op of the same meaning."""
    return [b.add(UNARY[n.op_type], [float_input(b, n, 0)], n.outputs[0])]


@handles("Cast", attrs=("to", "saturate", "round_mode"))
def cast(b: Builder, n: OnnxNode) -> list:
    """Integers to floating point are the same numbers to us; the other way would need rounding."""
    from onnx import TensorProto  # importing a model means onnx is there

    value = b.value(n.inputs[0])
    target = TensorProto.DataType.Name(n.attrs["to"])
    if target in ("FLOAT", "DOUBLE"):  # 16-bit targets would round, which we do not model
        return [Value(value.node, value.shape, "float")]
    if target in ("INT64", "INT32") and value.dtype == "int":
        return [value]
    raise n.refuse(f"casting {value.dtype} to {target.lower()} is not supported")


@handles("Identity")
def identity(b: Builder, n: OnnxNode) -> list:
    """Identity: the same value, no node."""
    return [b.value(n.inputs[0])]


@handles(*BINARY, attrs=("broadcast", "axis", "consumed_inputs"))
def binary(b: Builder, n: OnnxNode) -> list:
    """Add, Sub, Mul, Div with numpy broadcasting (and the pre-opset-7 aligned form)."""
    left, right = float_input(b, n, 0), float_input(b, n, 1)
    if n.opset < 7 and n.attrs.get("broadcast") and "axis" in n.attrs:
        # before opset 7, b could be aligned at `axis` of a rather than at its end
        trailing = left.rank - normalize_axis(n.attrs["axis"], left.rank, n.outputs[0]) - right.rank
        right = b.reshape(right, right.shape + (1,) * max(trailing, 0), f"{n.outputs[0]}/aligned")
    return [b.add(BINARY[n.op_type], [left, right], n.outputs[0])]


@handles("Pow")
def power(b: Builder, n: OnnxNode) -> list:
    """Pow with a constant scalar exponent: Power."""
    exponent = b.const(n.inputs[1], f"{n.label}: the exponent")
    if exponent.size != 1:
        raise n.refuse("the exponent must be a single number")
    return [b.add("Power", [float_input(b, n, 0)], n.outputs[0], {"exponent": float(exponent.reshape(-1)[0])})]


@handles("Constant", attrs=("value", "value_float", "value_floats", "value_int", "value_ints"))
def constant(b: Builder, n: OnnxNode) -> list:
    """Constant: remembered, and made a node only when an op reads it as data."""
    (key, value), = n.attrs.items()
    array = np.asarray(value, dtype=np.int64 if "int" in key else (None if key == "value" else np.float32))
    b.constants[n.outputs[0]] = array
    return [None]  # becomes a node only if some op uses it as data


@handles("Softmax", "LogSoftmax", attrs=("axis",))
def softmax(b: Builder, n: OnnxNode) -> list:
    """Softmax / LogSoftmax over one axis (flattened from `axis` on before opset 13)."""
    x = float_input(b, n, 0)
    op, out = ("Softmax" if n.op_type == "Softmax" else "LogSoftmax"), n.outputs[0]
    axis = normalize_axis(n.attrs.get("axis", -1 if n.opset >= 13 else 1), x.rank, out)
    if n.opset >= 13 or axis == x.rank - 1:
        return [b.add(op, [x], out, {"axis": axis - x.rank})]
    # before opset 13 the input is flattened to 2-D at `axis` and normalised over the second part
    if x.batched and axis == 0:
        raise n.refuse("cannot flatten across the batch axis")
    flat = b.reshape(x, x.shape[:axis] + (int(np.prod(x.shape[axis:])),), f"{out}/flat")
    return [b.reshape(b.add(op, [flat], f"{out}/2d", {"axis": -1}), x.shape, out)]


@handles("Concat", attrs=("axis",))
def concat(b: Builder, n: OnnxNode) -> list:
    """Concat of n inputs: a chain of our two-input Concat."""
    parts = [float_input(b, n, i) for i in range(len(n.inputs)) if n.inputs[i]]
    axis = normalize_axis(n.attrs["axis"], parts[0].rank, n.outputs[0]) - parts[0].rank
    out = parts[0]
    for i, part in enumerate(parts[1:], start=1):
        name = n.outputs[0] if i == len(parts) - 1 else f"{n.outputs[0]}/{i}"
        out = b.add("Concat", [out, part], name, {"axis": axis})
    return [out]


@handles("Transpose", attrs=("perm",))
def transpose(b: Builder, n: OnnxNode) -> list:
    """Transpose with any permutation, built from moves of one axis to the end."""
    x = float_input(b, n, 0)
    perm = list(n.attrs.get("perm", range(x.rank - 1, -1, -1)))
    return [b.permute(x, perm, n.outputs[0])]


@handles("Reshape", attrs=("shape", "allowzero"))
def reshape(b: Builder, n: OnnxNode) -> list:
    """Reshape with a constant target (0 copies, −1 infers); the batch axis stays first."""
    x = float_input(b, n, 0)
    target = n.attrs["shape"] if n.opset < 5 else b.const(n.inputs[1], f"{n.label}: the shape")
    return [b.reshape(x, resolve_shape(x.shape, list(np.asarray(target).reshape(-1)),
                                       n.attrs.get("allowzero", 0), n), n.outputs[0])]


def resolve_shape(shape: tuple, target: list, allowzero: int, n: OnnxNode) -> tuple:
    """ONNX Reshape's target with 0 (copy) and -1 (infer) resolved; a batch axis must stay first."""
    out = [shape[i] if t == 0 and not allowzero and i < len(shape) else int(t) for i, t in enumerate(target)]
    if 0 in out:
        raise n.refuse("zero-sized tensors are not supported")
    batched = bool(shape) and shape[0] is None
    inner_in = int(np.prod(shape[1:] if batched else shape))
    if batched:
        if not out or out[0] not in (None, -1):
            raise n.refuse("the batch axis must stay the first axis (target shape starts with 0 or -1)")
        out[0] = None
        rest = out[1:]
    else:
        rest = out
    if rest.count(-1) > 1:
        raise n.refuse(f"more than one -1 in the target shape {target}")
    if -1 in rest:
        known = int(np.prod([d for d in rest if d != -1]))
        rest[rest.index(-1)] = inner_in // known
    if int(np.prod(rest)) != inner_in:
        raise n.refuse(f"cannot reshape {shape} to {target}")
    return tuple(([None] if batched else []) + rest)


@handles("Flatten", attrs=("axis",))
def flatten(b: Builder, n: OnnxNode) -> list:
    """Flatten: a Reshape to two axes."""
    x = float_input(b, n, 0)
    axis = n.attrs.get("axis", 1)
    axis = axis + x.rank if axis < 0 else axis  # Flatten's axis runs from −rank to rank
    if x.batched and axis != 1:
        raise n.refuse("only Flatten(axis=1) keeps the batch axis apart")
    if x.batched:
        return [b.reshape(x, (None, int(np.prod(x.shape[1:]))), n.outputs[0])]
    return [b.reshape(x, (int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:]))), n.outputs[0])]


@handles("Squeeze", "Unsqueeze", attrs=("axes",))
def squeeze(b: Builder, n: OnnxNode) -> list:
    """Squeeze / Unsqueeze: a Reshape."""
    x = float_input(b, n, 0)
    axes = n.attrs.get("axes") if n.opset < 13 else (b.const(n.inputs[1], f"{n.label}: the axes")
                                                     if n.input(1) else None)
    shape = list(x.shape)
    if n.op_type == "Squeeze":
        listed = np.reshape([i for i, d in enumerate(shape) if d == 1] if axes is None else axes, -1)
        drop = {normalize_axis(int(a), x.rank, n.outputs[0]) for a in listed}
        shape = [d for i, d in enumerate(shape) if i not in drop]
    else:
        if axes is None:
            raise n.refuse("the axes to insert are missing")
        rank = x.rank + len(np.reshape(axes, -1))
        for a in sorted(normalize_axis(int(a), rank, n.outputs[0]) for a in np.reshape(axes, -1)):
            shape.insert(a, 1)
    return [b.reshape(x, tuple(shape), n.outputs[0])]


def reduce_axes(b: Builder, n: OnnxNode, rank: int) -> list[int]:
    """The axes a Reduce* node works on (attribute before opset 13/18, input after), sorted."""
    from_input = n.opset >= (13 if n.op_type == "ReduceSum" else 18)
    axes = (b.const(n.inputs[1], f"{n.label}: the axes") if n.input(1) else None) if from_input \
        else n.attrs.get("axes")
    axes = [] if axes is None else [int(a) for a in np.reshape(axes, -1)]
    if not axes:
        return [] if n.attrs.get("noop_with_empty_axes", 0) else list(range(rank))
    return sorted({normalize_axis(a, rank, n.outputs[0]) for a in axes})


@handles("ReduceSum", "ReduceMean", "ReduceMax", attrs=("axes", "keepdims", "noop_with_empty_axes"))
def reduce(b: Builder, n: OnnxNode) -> list:
    """ReduceSum / ReduceMean (Sum, Mean per axis) and ReduceMax (MaxPoolTime), keepdims by Reshape."""
    x = float_input(b, n, 0)
    axes, out = reduce_axes(b, n, x.rank), n.outputs[0]
    if not axes:
        return [x]
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    if n.op_type == "ReduceMax":
        value = x
        for i, axis in enumerate(reversed(axes)):
            value = _max_over(b, value, axis, f"{out}/max{i}")
    elif len(axes) == x.rank:
        value = b.add("Sum" if n.op_type == "ReduceSum" else "Mean", [x], f"{out}/all", {"axis": "all"})
    else:
        value = x
        for i, axis in enumerate(reversed(axes)):  # from the last axis, so earlier numbers stay valid
            value = b.add("Sum" if n.op_type == "ReduceSum" else "Mean", [value], f"{out}/{i}", {"axis": axis})
    final = kept if n.attrs.get("keepdims", 1) else tuple(d for i, d in enumerate(x.shape) if i not in axes)
    return [b.reshape(value, final, out)]


def _max_over(b: Builder, x: Value, axis: int, name: str) -> Value:
    """Max over one axis with MaxPoolTime, which takes the max over the second-to-last axis."""
    s = x.shape
    grouped = b.reshape(x, merged(s[:axis]) + (s[axis], int(np.prod(s[axis + 1:]))), f"{name}/group")
    pooled = b.add("MaxPoolTime", [grouped], f"{name}/pool")
    return b.reshape(pooled, s[:axis] + s[axis + 1:], name)
