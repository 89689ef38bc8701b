"""One ONNX emitter per op: each writes the node's tensor (em.tensor[node.id]) from its input tensors."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..broadcast import fmt_shape
from ..data.text import BIGRAM_MULTIPLIER
from ..graph import Node
from ..ops.sources import initial_value
from .errors import InteropError
from .onnx_emitter import Emitter

INT64_MAX = np.iinfo(np.int64).max

DIRECT = {"Add": "Add", "Subtract": "Sub", "Multiply": "Mul", "Divide": "Div", "Negate": "Neg", "Exp": "Exp",
          "Log": "Log", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "ReLU": "Relu", "MatMul": "MatMul"}


def _in_shape(em: Emitter, node: Node, port: str) -> tuple:
    return em.shape(em.graph.incoming(node.id)[port].src)


def _source_input(em: Emitter, node: Node, xs: list[str]) -> Any:
    return em.value_info(em.tensor[node.id], em.shape(node.id), node.op.out_dtype == "int")


def _parameter(em: Emitter, node: Node, xs: list[str]) -> None:
    value = node.value if node.value is not None else initial_value(node.op)
    em.initializers.append(em.numpy_helper.from_array(np.asarray(value, dtype=em.np_dtype), em.tensor[node.id]))


def _constant(em: Emitter, node: Node, xs: list[str]) -> None:
    value = node.value if node.value is not None else initial_value(node.op)
    tensor = em.numpy_helper.from_array(np.asarray(value, dtype=em.np_dtype), f"{em.tensor[node.id]}:value")
    em.nodes.append(em.helper.make_node("Constant", [], [em.tensor[node.id]],
                                        name=em.claim(f"{em.tensor[node.id]}:Constant"), value=tensor))


def _direct(em: Emitter, node: Node, xs: list[str]) -> None:
    em.op(DIRECT[node.op_name], xs, "", out=em.tensor[node.id])


def _dot(em: Emitter, node: Node, xs: list[str]) -> None:
    theta, x = xs
    em.op("MatMul", [x, theta], "", out=em.tensor[node.id])  # θᵀx = x·θ for a vector θ


def _power(em: Emitter, node: Node, xs: list[str]) -> None:
    exponent = em.const(f"{em.tensor[node.id]}/p", node.attrs["exponent"])
    em.op("Pow", [xs[0], exponent], "", out=em.tensor[node.id])


def _reduce(op_type: str) -> Callable:
    def emit(em: Emitter, node: Node, xs: list[str]) -> None:
        """Write the node's ONNX node(s)."""
        axis, out = node.attrs["axis"], em.tensor[node.id]
        inputs = xs if axis is None else [xs[0], em.ints(f"{out}/axes", [axis])]
        em.op(op_type, inputs, "", out=out, keepdims=0)
    return emit


def _transpose(em: Emitter, node: Node, xs: list[str]) -> None:
    rank = len(em.shape(node.id))
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    em.op("Transpose", xs, "", out=em.tensor[node.id], perm=perm)


def _reshape(em: Emitter, node: Node, xs: list[str]) -> None:
    out = em.tensor[node.id]
    keep = node.attrs["keep_batch"] and len(_in_shape(em, node, "x")) > 0
    target = ([0] if keep else []) + list(node.attrs["shape"])  # 0 copies the batch size
    em.op("Reshape", [xs[0], em.ints(f"{out}/shape", target)], "", out=out)


def _concat(em: Emitter, node: Node, xs: list[str]) -> None:
    em.op("Concat", xs, "", out=em.tensor[node.id], axis=node.attrs["axis"])


def _normalise(op_type: str) -> Callable:
    def emit(em: Emitter, node: Node, xs: list[str]) -> None:
        """Write the node's ONNX node(s)."""
        em.op(op_type, xs, "", out=em.tensor[node.id], axis=node.attrs["axis"])
    return emit


def _float_last_axis(em: Emitter, flags: str, base: str) -> str:
    as_float = em.op("Cast", [flags], f"{base}/keep", to=em.float_type)
    return em.op("Unsqueeze", [as_float, em.ints(f"{base}/last", [-1])], f"{base}/keep_col")


def _embedding(em: Emitter, node: Node, xs: list[str]) -> None:
    ids, table = xs
    out, rows = em.tensor[node.id], _in_shape(em, node, "E")[0]
    keep = np.ones((rows, 1))
    keep[0] = 0.0  # padding positions (id 0) give zeros, whatever row 0 of E holds
    looked_up = em.op("Gather", [table, ids], f"{out}/rows", axis=0)
    not_padding = em.op("Gather", [em.const(f"{out}/not_padding", keep), ids], f"{out}/keep", axis=0)
    em.op("Mul", [looked_up, not_padding], "", out=out)


def _count_one_hot(em: Emitter, index: str, size: int, base: str) -> str:
    """(…, L) ids → (…, L, size) one-hot rows."""
    depth = em.const(f"{base}/depth", size, integer=True)
    values = em.const(f"{base}/off_on", [0.0, 1.0])
    return em.op("OneHot", [index, depth, values], f"{base}/one_hot", axis=-1)


def _bag_of_words(em: Emitter, node: Node, xs: list[str]) -> None:
    out, size = em.tensor[node.id], node.attrs["vocab_size"]
    counts = em.op("ReduceSum", [_count_one_hot(em, xs[0], size, out), em.ints(f"{out}/axes", [-2])],
                   f"{out}/counts", keepdims=0)
    mask = np.ones(size)
    mask[0] = 0.0  # the padding id is never counted
    em.op("Mul", [counts, em.const(f"{out}/no_pad", mask)], "", out=out)


def _bag_of_bigrams(em: Emitter, node: Node, xs: list[str]) -> None:
    out, size = em.tensor[node.id], node.attrs["buckets"]
    axes = em.ints(f"{out}/axes", [-1])
    prev = em.op("Slice", [xs[0], em.ints(f"{out}/s0", [0]), em.ints(f"{out}/e0", [-1]), axes], f"{out}/prev")
    cur = em.op("Slice", [xs[0], em.ints(f"{out}/s1", [1]), em.ints(f"{out}/e1", [INT64_MAX]), axes], f"{out}/cur")
    scaled = em.op("Mul", [prev, em.const(f"{out}/mult", BIGRAM_MULTIPLIER, integer=True)], f"{out}/scaled")
    bucket = em.op("Mod", [em.op("Add", [scaled, cur], f"{out}/key"), em.const(f"{out}/n", size, integer=True)],
                   f"{out}/bucket")
    zero = em.const(f"{out}/pad_id", 0, integer=True)
    both = em.op("And", [em.op("Not", [em.op("Equal", [prev, zero], f"{out}/prev_pad")], f"{out}/prev_ok"),
                         em.op("Not", [em.op("Equal", [cur, zero], f"{out}/cur_pad")], f"{out}/cur_ok")],
                 f"{out}/both_ok")
    hot = em.op("Mul", [_count_one_hot(em, bucket, size, out), _float_last_axis(em, both, out)], f"{out}/kept")
    em.op("ReduceSum", [hot, em.ints(f"{out}/axes2", [-2])], "", out=out, keepdims=0)


def _over_time(em: Emitter, node: Node, x: str, weight: str) -> None:
    """Convolve a sequence (…, L, d) with ONNX Conv weights (k, d, w): transpose to N×C×L and back."""
    out, rank = em.tensor[node.id], len(_in_shape(em, node, "x"))
    if rank not in (2, 3):
        raise InteropError(f"{node.op_name} '{node.name}': ONNX export handles sequences L×d or B×L×d, "
                           f"not {fmt_shape(_in_shape(em, node, 'x'))}")
    if rank == 2:
        x = em.op("Unsqueeze", [x, em.ints(f"{out}/n_axis", [0])], f"{out}/batch_of_1")
    channels_first = em.op("Transpose", [x], f"{out}/NCL", perm=[0, 2, 1])
    conv = em.op("Conv", [channels_first, weight], f"{out}/conv")
    if rank == 2:
        back = em.op("Transpose", [conv], f"{out}/NLC", perm=[0, 2, 1])
        em.op("Squeeze", [back, em.ints(f"{out}/n_axis2", [0])], "", out=out)
    else:
        em.op("Transpose", [conv], "", out=out, perm=[0, 2, 1])


def _window(em: Emitter, node: Node, xs: list[str]) -> None:
    width, d = node.attrs["width"], _in_shape(em, node, "x")[-1]
    pick = np.zeros((width * d, d, width))
    for j in range(width):
        pick[j * d + np.arange(d), np.arange(d), j] = 1.0  # output channel j·d + c copies channel c at tap j
    _over_time(em, node, xs[0], em.const(f"{em.tensor[node.id]}/identity_filters", pick))


def _seq_conv(em: Emitter, node: Node, xs: list[str]) -> None:
    x, w = xs
    width, d = node.attrs["width"], _in_shape(em, node, "x")[-1]
    k, out = _in_shape(em, node, "W")[1], em.tensor[node.id]
    # our W (width·d × k) reads window entry j·d + c; ONNX filters are (k, d, width)
    taps = em.op("Reshape", [w, em.ints(f"{out}/taps_shape", [width, d, k])], f"{out}/taps")
    filters = em.op("Transpose", [taps], f"{out}/filters", perm=[2, 1, 0])
    _over_time(em, node, x, filters)


def _max_pool_time(em: Emitter, node: Node, xs: list[str]) -> None:
    out = em.tensor[node.id]
    x = _mask_padding_windows(em, node, xs[0], xs[1]) if len(xs) > 1 else xs[0]
    em.op("ReduceMax", [x, em.ints(f"{out}/time_axis", [-2])], "", out=out, keepdims=0)


def _mask_padding_windows(em: Emitter, node: Node, x: str, ids: str) -> str:
    """x with each window made only of padding set to −inf, unless its row holds no word at all (as MaxPoolTime)."""
    out, steps = em.tensor[node.id], _in_shape(em, node, "x")[-2]
    width = _in_shape(em, node, "ids")[-1] - steps + 1
    axis, zero = em.ints(f"{out}/ids_axis", [-1]), em.const(f"{out}/zero", 0.0)
    pad = em.op("Equal", [ids, em.const(f"{out}/pad_id", 0, integer=True)], f"{out}/is_pad")
    word = em.op("Cast", [em.op("Not", [pad], f"{out}/is_word")], f"{out}/word", to=em.float_type)
    count = ""
    for j in range(width):  # words in window t: the sum of word[t + j] over its width
        part = em.op("Slice", [word, em.ints(f"{out}/from", [j]), em.ints(f"{out}/to", [j + steps]), axis],
                     f"{out}/word_at_{j}")
        count = em.op("Add", [count, part], f"{out}/words_to_{j}") if count else part
    has_word = em.op("Greater", [count, zero], f"{out}/window_has_word")
    row_words = em.op("ReduceMax", [count, axis], f"{out}/row_words", keepdims=1)
    no_word = em.op("Not", [em.op("Greater", [row_words, zero], f"{out}/row_has_word")], f"{out}/row_empty")
    competes = em.op("Or", [has_word, no_word], f"{out}/competes")
    competes = em.op("Unsqueeze", [competes, axis], f"{out}/competes_per_feature")
    return em.op("Where", [competes, x, em.const(f"{out}/minus_inf", -np.inf)], f"{out}/masked")


def _classes_second(em: Emitter, node: Node, scores: str, labels: str) -> tuple[str, str]:
    """ONNX losses want classes on axis 1 (N×C×d…); ours are on the last axis."""
    rank, out = len(_in_shape(em, node, node.op.port_names()[0])), em.tensor[node.id]
    if rank == 1:
        first = em.ints(f"{out}/n_axis", [0])
        return (em.op("Unsqueeze", [scores, first], f"{out}/N×C"),
                em.op("Unsqueeze", [labels, first], f"{out}/N"))
    if rank >= 3:
        scores = em.op("Transpose", [scores], f"{out}/N×C×d", perm=[0, rank - 1] + list(range(1, rank - 1)))
    return scores, labels


def _cross_entropy(em: Emitter, node: Node, xs: list[str]) -> None:
    logp = em.op("Log", [xs[0]], f"{em.tensor[node.id]}/log_p")
    scores, labels = _classes_second(em, node, logp, xs[1])
    em.op("NegativeLogLikelihoodLoss", [scores, labels], "", out=em.tensor[node.id], reduction="mean")


def _softmax_cross_entropy(em: Emitter, node: Node, xs: list[str]) -> None:
    scores, labels = _classes_second(em, node, xs[0], xs[1])
    em.op("SoftmaxCrossEntropyLoss", [scores, labels], "", out=em.tensor[node.id], reduction="mean")


def _binary_cross_entropy(em: Emitter, node: Node, xs: list[str]) -> None:
    p, y = xs
    out = em.tensor[node.id]
    one, zero = em.const(f"{out}/one", 1.0), em.const(f"{out}/zero", 0.0)
    hit = _weighted_log(em, y, em.op("Log", [p], f"{out}/log_p"), zero, f"{out}/y_log_p")
    miss_p = em.op("Log", [em.op("Sub", [one, p], f"{out}/1-p")], f"{out}/log_1-p")
    miss = _weighted_log(em, em.op("Sub", [one, y], f"{out}/1-y"), miss_p, zero, f"{out}/(1-y)_log_1-p")
    mean = em.op("ReduceMean", [em.op("Add", [hit, miss], f"{out}/sum")], f"{out}/mean", keepdims=0)
    em.op("Neg", [mean], "", out=out)


def _weighted_log(em: Emitter, weight: str, log: str, zero: str, base: str) -> str:
    """weight · log, and 0 wherever the weight is 0 (as the op: 0 · log 0 = 0, not NaN)."""
    product = em.op("Mul", [weight, log], f"{base}/product")
    return em.op("Where", [em.op("Equal", [weight, zero], f"{base}/no_weight"), zero, product], base)


def _mean_squared_error(em: Emitter, node: Node, xs: list[str]) -> None:
    out = em.tensor[node.id]
    diff = em.op("Sub", xs, f"{out}/diff")
    em.op("ReduceMean", [em.op("Mul", [diff, diff], f"{out}/square")], "", out=out, keepdims=0)


EMITTERS: dict[str, Callable[[Emitter, Node, list[str]], Any]] = {
    "Input": _source_input, "Label": _source_input, "Parameter": _parameter, "Constant": _constant,
    **{name: _direct for name in DIRECT},
    "Dot": _dot, "Power": _power, "Sum": _reduce("ReduceSum"), "Mean": _reduce("ReduceMean"),
    "Transpose": _transpose, "Reshape": _reshape, "Concat": _concat,
    "Softmax": _normalise("Softmax"), "LogSoftmax": _normalise("LogSoftmax"),
    "Embedding": _embedding, "BagOfWords": _bag_of_words, "BagOfBigrams": _bag_of_bigrams,
    "Window": _window, "SeqConv": _seq_conv, "MaxPoolTime": _max_pool_time,
    "CrossEntropy": _cross_entropy, "SoftmaxCrossEntropy": _softmax_cross_entropy,
    "BinaryCrossEntropy": _binary_cross_entropy, "MeanSquaredError": _mean_squared_error,
}
