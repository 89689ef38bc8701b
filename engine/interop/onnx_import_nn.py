"""ONNX → engine for the layers: Gemm, MatMul, 1-D Conv and MaxPool, Gather, and the cross-entropy losses."""
from __future__ import annotations

import numpy as np

from .onnx_builder import Builder, Value, normalize_axis
from .onnx_import_ops import OnnxNode, float_input, handles
from .onnx_patterns import (
    BAG_OF_WORDS,
    BINARY_CROSS_ENTROPY,
    CROSS_ENTROPY,
    EMBEDDING,
    MASKED_MAX_POOL,
    SEQ_CONV,
    WINDOW,
)


def _scale(b: Builder, x: Value, factor: float, name: str) -> Value:
    if factor == 1.0:
        return x
    return b.add("Multiply", [x, b.fixed(np.array(factor), f"{name}/factor")], name)


@handles("Gemm", attrs=("alpha", "beta", "transA", "transB", "broadcast"))
def gemm(b: Builder, n: OnnxNode) -> list:
    """Gemm: MatMul (with Transpose for transA/transB), scaled by α, plus βC."""
    out = n.outputs[0]
    a, w = float_input(b, n, 0), float_input(b, n, 1)
    if n.attrs.get("transA", 0):
        a = b.add("Transpose", [a], f"{out}/Aᵀ")
    if n.attrs.get("transB", 0):
        w = b.add("Transpose", [w], f"{out}/Bᵀ")
    product = _scale(b, b.add("MatMul", [a, w], f"{out}/AB"), n.attrs.get("alpha", 1.0), f"{out}/αAB")
    beta = n.attrs.get("beta", 1.0)
    if n.input(2) is None or beta == 0.0:
        return [product]
    return [b.add("Add", [product, _scale(b, float_input(b, n, 2), beta, f"{out}/βC")], out)]


@handles("MatMul")
def matmul(b: Builder, n: OnnxNode) -> list:
    """MatMul: Dot for a vector, MatMul for a matrix, broadcast products for stacks of matrices."""
    a, w, out = float_input(b, n, 0), float_input(b, n, 1), n.outputs[0]
    if w.rank == 1:
        return [b.add("Dot", [w, a], out)]  # a·w for a vector w is our θᵀx with θ = w
    if w.rank == 2:
        return [b.add("MatMul", [a, w], out)]
    if a.rank == w.rank > 3 and a.shape[:-2] == w.shape[:-2] and None not in a.shape:
        # equal stacks: merge the leading axes into one, multiply, and split them again
        lead = (int(np.prod(a.shape[:-2])),)
        merged_a = b.reshape(a, lead + a.shape[-2:], f"{out}/A_stack")
        merged_w = b.reshape(w, lead + w.shape[-2:], f"{out}/B_stack")
        product = _stacked_product(b, merged_a, merged_w, out)
        return [b.reshape(product, a.shape[:-1] + w.shape[-1:], out)]
    return [_stacked_product(b, a, w, out)]


def _stacked_product(b: Builder, a: Value, w: Value, out: str) -> Value:
    """out[..., i, j] = Σ_k a[..., i, k] w[..., k, j], by broadcasting a product and summing over k."""
    a2 = b.reshape(a, (1,) + a.shape, f"{out}/row") if a.rank == 1 else a
    columns = b.reshape(a2, a2.shape + (1,), f"{out}/A_ik1")
    rows = b.reshape(w, w.shape[:-2] + (1,) + w.shape[-2:], f"{out}/B_1kj")
    terms = b.add("Multiply", [columns, rows], f"{out}/A_ik·B_kj")
    summed = b.add("Sum", [terms], f"{out}/Σk", {"axis": -2})
    return b.reshape(summed, summed.shape[:-2] + summed.shape[-1:], out) if a.rank == 1 else summed


def _time_map(b: Builder, x: Value, matrix: np.ndarray, name: str) -> Value:
    """Apply a fixed linear map to the last (time) axis: zero padding or picking every s-th step."""
    return b.add("MatMul", [x, b.fixed(matrix, f"{name}/map")], name)


def _padding(length: int, before: int, after: int) -> np.ndarray:
    return np.eye(length, length + before + after, k=before)


def _stride(length: int, step: int) -> np.ndarray:
    picks = np.arange(0, length, step)
    matrix = np.zeros((length, len(picks)))
    matrix[picks, np.arange(len(picks))] = 1.0
    return matrix


def _one_d(n: OnnxNode, x: Value, kernel: int) -> tuple[int, int, int]:
    """(stride, pad before, pad after) of a 1-D Conv or MaxPool over x (N×C×L); refuses other cases."""
    if x.rank != 3 or x.shape[2] is None:
        raise n.refuse(f"only 1-D inputs N×C×L are supported, got {x.rank} axes")
    if any(d != 1 for d in n.attrs.get("dilations", [1])):
        raise n.refuse("dilations are not supported")
    (stride,) = n.attrs.get("strides", [1])
    length, mode = x.shape[2], n.attrs.get("auto_pad", "NOTSET")
    if mode in ("SAME_UPPER", "SAME_LOWER"):
        total = max((-(-length // stride) - 1) * stride + kernel - length, 0)
        small, big = total // 2, total - total // 2
        return stride, *((small, big) if mode == "SAME_UPPER" else (big, small))
    before, after = n.attrs.get("pads", [0, 0]) if mode == "NOTSET" else (0, 0)
    return stride, before, after


@handles("Conv", attrs=("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"))
def conv(b: Builder, n: OnnxNode) -> list:
    """1-D Conv: zero padding and stride as fixed maps over time around a SeqConv on N×L×C."""
    x, out = float_input(b, n, 0), n.outputs[0]
    if n.attrs.get("group", 1) != 1:
        raise n.refuse("grouped convolution is not supported")
    weight_shape = b.value(n.inputs[1]).shape if not b.is_const(n.inputs[1]) else b.constants[n.inputs[1]].shape
    if len(weight_shape) != 3:
        raise n.refuse(f"only 1-D convolution is supported (filters {weight_shape})")
    filters, channels, width = weight_shape
    stride, before, after = _one_d(n, x, width)
    if before or after:
        x = _time_map(b, x, _padding(x.shape[2], before, after), f"{out}/padded")
    sequence = b.add("Transpose", [x], f"{out}/N×L×C")  # our sequences are … × L × d
    conv_out = b.add("SeqConv", [sequence, _window_filters(b, n, channels, width)], f"{out}/conv", {"width": width})
    if n.input(2):
        conv_out = b.add("Add", [conv_out, float_input(b, n, 2)], f"{out}/+bias")
    back = b.add("Transpose", [conv_out], out if stride == 1 else f"{out}/N×M×T")
    return [back if stride == 1 else _time_map(b, back, _stride(back.shape[2], stride), out)]


def _window_filters(b: Builder, n: OnnxNode, channels: int, width: int) -> Value:
    """ONNX filters (M, C, w) as our SeqConv matrix (w·C × M): row j·C + c holds tap j of channel c."""
    name = n.inputs[1]
    if b.is_const(name):
        array = np.asarray(b.constants[name], dtype=np.float64)
        matrix = array.transpose(2, 1, 0).reshape(width * channels, array.shape[0])
        return b.fixed(matrix, f"{name}", trainable=name in b.initializers)
    weights = float_input(b, n, 1)
    taps = b.add("Transpose", [weights], f"{name}/M×w×C")
    flat = b.reshape(taps, (weights.shape[0], width * channels), f"{name}/M×wC")
    return b.add("Transpose", [flat], f"{name}/wC×M")


@handles("MaxPool", attrs=("kernel_shape", "strides", "pads", "dilations", "auto_pad", "ceil_mode",
                           "storage_order"))
def max_pool(b: Builder, n: OnnxNode) -> list:
    """1-D MaxPool: MaxPoolTime over the whole length, or over Window groups."""
    x, out = float_input(b, n, 0), n.outputs[0]
    if len(n.outputs) > 1 and n.outputs[1]:
        raise n.refuse("the Indices output is not supported")
    kernel = n.attrs["kernel_shape"]
    if len(kernel) != 1:
        raise n.refuse(f"only 1-D pooling is supported (kernel {kernel})")
    stride, before, after = _one_d(n, x, kernel[0])
    length = x.shape[2]
    if before or after:
        raise n.refuse("padding is not supported for MaxPool")
    if n.attrs.get("ceil_mode", 0) and (length - kernel[0]) % stride:
        raise n.refuse("ceil_mode with a partial last window is not supported")
    sequence = b.add("Transpose", [x], f"{out}/N×L×C")
    if kernel[0] == length:
        pooled = b.add("MaxPoolTime", [sequence], f"{out}/max_t")
        return [b.reshape(pooled, pooled.shape + (1,), out)]
    windows = b.add("Window", [sequence], f"{out}/windows", {"width": kernel[0]})
    split = b.reshape(windows, windows.shape[:2] + (kernel[0], x.shape[1]), f"{out}/N×T×w×C")
    pooled = b.add("MaxPoolTime", [split], f"{out}/max_w")
    back = b.add("Transpose", [pooled], out if stride == 1 else f"{out}/N×C×T")
    return [back if stride == 1 else _time_map(b, back, _stride(back.shape[2], stride), out)]


@handles("Gather", attrs=("axis",))
def gather(b: Builder, n: OnnxNode) -> list:
    """Gather with fixed indices (a one-hot product) or with token ids into a table (Embedding)."""
    data, out = float_input(b, n, 0), n.outputs[0]
    axis = normalize_axis(n.attrs.get("axis", 0), data.rank, out)
    if b.is_const(n.inputs[1]):
        return [_select(b, n, data, axis, np.asarray(b.constants[n.inputs[1]]))]
    ids = b.value(n.inputs[1])
    if ids.dtype != "int" or axis != 0 or data.rank != 2:
        raise n.refuse("run-time indices are supported as token ids into a 2-D table (axis 0) only")
    table = b.constants.get(n.inputs[0])
    if table is not None and not np.any(table[0]):
        return [b.add("Embedding", [ids, data], out)]  # row 0 is zero: our padding rule changes nothing
    return [_gather_rows(b, ids, data, out)]


def _gather_rows(b: Builder, ids: Value, table: Value, out: str) -> Value:
    """E[ids] exactly: our Embedding gives zeros at id 0 (padding), so add row 0 of E back there.

    E[ids] = Embedding(ids, E) + (1 − Embedding(ids, 𝟙)) · e₀ᵀE; Embedding(ids, 𝟙) is 1 except at id 0."""
    rows = table.shape[0]
    looked_up = b.add("Embedding", [ids, table], f"{out}/E[ids], 0 at id 0")
    not_padding = b.add("Embedding", [ids, b.fixed(np.ones((rows, 1)), f"{out}/ones")], f"{out}/id≠0")
    padding = b.add("Subtract", [b.fixed(np.array(1.0), f"{out}/one"), not_padding], f"{out}/id=0")
    first = np.zeros(rows)
    first[0] = 1.0
    row0 = b.add("MatMul", [b.fixed(first, f"{out}/e0"), table], f"{out}/row 0")
    return b.add("Add", [looked_up, b.add("Multiply", [padding, row0], f"{out}/row 0 at id=0")], out)


def _select(b: Builder, n: OnnxNode, data: Value, axis: int, index: np.ndarray) -> Value:
    """Gather with fixed indices: a product with a one-hot selection matrix along `axis`."""
    size = data.shape[axis]
    if size is None:
        raise n.refuse("cannot select rows of the batch axis")
    if index.dtype.kind not in "iu" or np.any(index < -size) or np.any(index >= size):
        raise n.refuse(f"indices must be integers in [-{size}, {size})")
    flat = np.mod(index.reshape(-1), size)
    pick = np.zeros((size, flat.size))
    pick[flat, np.arange(flat.size)] = 1.0
    out = n.outputs[0]
    last = b.move_axis_last(data, axis, f"{out}/axis_last")
    chosen = b.add("MatMul", [last, b.fixed(pick, f"{out}/one_hot")], f"{out}/picked")
    order = list(range(chosen.rank - 1))
    order.insert(axis, chosen.rank - 1)
    placed = b.permute(chosen, order, f"{out}/placed")
    return b.reshape(placed, data.shape[:axis] + index.shape + data.shape[axis + 1:], out)


def _loss_inputs(b: Builder, n: OnnxNode) -> tuple[Value, Value, str]:
    """Scores with classes moved last, the labels, and the reduction; refuses weights and an ignore_index
    that a label could equal."""
    if n.input(2) is not None:
        raise n.refuse("class weights are not supported")
    reduction = n.attrs.get("reduction", "mean")
    if reduction not in ("mean", "sum"):
        raise n.refuse(f"reduction '{reduction}' is not supported (mean and sum are)")
    scores = float_input(b, n, 0)
    if scores.rank < 2:
        raise n.refuse("scores must be N×C or N×C×d…")
    order = [0] + list(range(2, scores.rank)) + [1]
    last = b.permute(scores, order, f"{n.outputs[0]}/classes_last")
    name = n.inputs[1]
    labels = b.input_node(name, label_classes=scores.shape[1]) if name in b.inputs else b.value(name)
    if labels.dtype != "int":
        raise n.refuse(f"the labels '{name}' must be integers")
    if "ignore_index" in n.attrs:
        _check_ignore_index(b, n, labels, scores.shape[1])
    return last, labels, reduction


def _check_ignore_index(b: Builder, n: OnnxNode, labels: Value, classes: int) -> None:
    """Accept ignore_index (PyTorch always writes -100) when no label can equal it, with a note; else refuse.

    A Label node only takes class numbers 0 … classes−1, and fixed labels can be looked at."""
    ignore = int(n.attrs["ignore_index"])
    node = b.graph.nodes[labels.node]
    fixed = b.constants.get(n.inputs[1])
    if 0 <= ignore < classes:
        raise n.refuse(f"ignore_index {ignore} is a class number, so some labels would be skipped; the explorer "
                       "cannot skip examples")
    if node.op_name != "Label" and (fixed is None or np.any(np.asarray(fixed) == ignore)):
        raise n.refuse(f"ignore_index {ignore}: the labels '{n.inputs[1]}' are not class numbers the explorer "
                       "checks, so it cannot tell that none equals it")
    b.notes.append(f"{n.label}: ignore_index {ignore} left out: labels are class numbers 0 to {classes - 1}, "
                   "so none can equal it")


def _reduced(b: Builder, loss: Value, labels: Value, reduction: str, n: OnnxNode) -> Value:
    """Our losses give the mean; a sum is the mean times the number of labels."""
    if reduction == "mean":
        return loss
    if labels.batched:
        raise n.refuse("reduction 'sum' needs a fixed batch size")
    return _scale(b, loss, float(np.prod(labels.shape)), n.outputs[0])


@handles("SoftmaxCrossEntropyLoss", attrs=("reduction", "ignore_index"))
def softmax_cross_entropy(b: Builder, n: OnnxNode) -> list:
    """SoftmaxCrossEntropyLoss: SoftmaxCrossEntropy (classes moved last), and log_prob."""
    scores, labels, reduction = _loss_inputs(b, n)
    out = n.outputs[0]
    loss = b.add("SoftmaxCrossEntropy", [scores, labels], f"{out}/mean")
    outputs = [_reduced(b, loss, labels, reduction, n)]
    if len(n.outputs) > 1 and n.outputs[1]:
        outputs.append(b.add("LogSoftmax", [float_input(b, n, 0)], n.outputs[1], {"axis": 1}))
    return outputs


@handles("NegativeLogLikelihoodLoss", CROSS_ENTROPY, attrs=("reduction", "ignore_index"))
def negative_log_likelihood(b: Builder, n: OnnxNode) -> list:
    """−log p_y from log-probabilities is CrossEntropy(exp(·)); our export's NLL(Log(p)) is CrossEntropy(p)."""
    scores, labels, reduction = _loss_inputs(b, n)
    out = n.outputs[0]
    probs = scores if n.op_type == CROSS_ENTROPY else b.add("Exp", [scores], f"{out}/p")
    loss = b.add("CrossEntropy", [probs, labels], f"{out}/mean")
    return [_reduced(b, loss, labels, reduction, n)]


@handles(BINARY_CROSS_ENTROPY)
def binary_cross_entropy(b: Builder, n: OnnxNode) -> list:
    """What our export writes for a BinaryCrossEntropy: −mean of the two log terms, each 0 where its weight is."""
    return [b.add("BinaryCrossEntropy", [float_input(b, n, 0), float_input(b, n, 1)], n.outputs[0])]


def _token_ids(b: Builder, n: OnnxNode, i: int = 0) -> Value:
    ids = b.value(n.inputs[i])
    if ids.dtype != "int":
        raise n.refuse(f"token ids '{n.inputs[i]}' must be integers")
    return ids


@handles(MASKED_MAX_POOL)
def masked_max_pool(b: Builder, n: OnnxNode) -> list:
    """What our export writes for a MaxPoolTime reading token ids: windows made only of padding set to −inf."""
    return [b.add("MaxPoolTime", [float_input(b, n, 0), _token_ids(b, n, 1)], n.outputs[0])]


@handles(EMBEDDING)
def embedding(b: Builder, n: OnnxNode) -> list:
    """What our export writes for an Embedding: E[ids] times a 0-at-padding mask."""
    return [b.add("Embedding", [_token_ids(b, n), float_input(b, n, 1)], n.outputs[0])]


@handles(BAG_OF_WORDS, attrs=("vocab_size",))
def bag_of_words(b: Builder, n: OnnxNode) -> list:
    """What our export writes for a BagOfWords: summed one-hot rows with the padding column zeroed."""
    return [b.add("BagOfWords", [_token_ids(b, n)], n.outputs[0], {"vocab_size": n.attrs["vocab_size"]})]


@handles(SEQ_CONV, attrs=("width",))
def seq_conv(b: Builder, n: OnnxNode) -> list:
    """What our export writes for a SeqConv on B×L×d: Transpose, Conv with reshaped W, Transpose."""
    return [b.add("SeqConv", [float_input(b, n, 0), float_input(b, n, 1)], n.outputs[0], {"width": n.attrs["width"]})]


@handles(WINDOW, attrs=("width",))
def window(b: Builder, n: OnnxNode) -> list:
    """What our export writes for a Window on B×L×d: a Conv with identity filters between Transposes."""
    return [b.add("Window", [float_input(b, n, 0)], n.outputs[0], {"width": n.attrs["width"]})]
