"""Recognise what our ONNX export writes for Embedding, BagOfWords, SeqConv, Window, CrossEntropy,
BinaryCrossEntropy and a masked MaxPoolTime, so those graphs import as they were."""
from __future__ import annotations

from collections import Counter

import numpy as np

from .onnx_import_ops import OnnxNode

Producers = dict[str, OnnxNode]  # tensor name → the node computing it
Constants = dict[str, np.ndarray]  # tensor name → its fixed value
Match = tuple[OnnxNode, list[OnnxNode]]  # (the one internal node, the exported nodes it replaces)

EMBEDDING = "ExplorerEmbedding"  # internal op types, only ever made here
BAG_OF_WORDS = "ExplorerBagOfWords"
SEQ_CONV = "ExplorerSeqConv"
WINDOW = "ExplorerWindow"
CROSS_ENTROPY = "ExplorerCrossEntropy"
MASKED_MAX_POOL = "ExplorerMaskedMaxPool"
BINARY_CROSS_ENTROPY = "ExplorerBinaryCrossEntropy"
INTERNAL = (EMBEDDING, BAG_OF_WORDS, SEQ_CONV, WINDOW, CROSS_ENTROPY, MASKED_MAX_POOL, BINARY_CROSS_ENTROPY)


def fuse_explorer_patterns(nodes: list[OnnxNode], initializers: dict[str, np.ndarray]) -> list[OnnxNode]:
    """The node list with each exported Embedding or BagOfWords pattern replaced by one internal node."""
    constants = dict(initializers)
    for n in nodes:
        if n.op_type == "Constant" and "value" in n.attrs:
            constants[n.outputs[0]] = np.asarray(n.attrs["value"])
    producer = {out: n for n in nodes for out in n.outputs}
    uses = Counter(name for n in nodes for name in n.inputs)
    replaced: dict[int, OnnxNode] = {}
    dropped: set[int] = set()
    for n in nodes:
        matcher = MATCHERS.get(n.op_type)
        found = matcher(n, producer, uses, constants) if matcher else None
        if found:
            replaced[id(n)], parts = found
            dropped.update(id(p) for p in parts)
    return [replaced.get(id(n), n) for n in nodes if id(n) not in dropped]


def _is_padding_mask(value: np.ndarray | None, column: bool) -> bool:
    """[0, 1, 1, …] (as a column V×1 for Embedding, a vector V for BagOfWords)."""
    if value is None or value.ndim != (2 if column else 1) or (column and value.shape[1] != 1):
        return False
    flat = value.reshape(-1)
    return flat.size > 1 and flat[0] == 0 and bool(np.all(flat[1:] == 1))


def _only_use(name: str | None, op_type: str, producer: Producers, uses: Counter) -> OnnxNode | None:
    """The node of type `op_type` computing `name`, if nothing else reads its output."""
    node = producer.get(name) if name else None
    return node if node is not None and node.op_type == op_type and uses[name] == 1 else None


def _perm(node: OnnxNode | None, perm: list[int]) -> bool:
    return node is not None and list(node.attrs.get("perm", [])) == perm


def _mul(mul: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    if len(mul.inputs) != 2:
        return None
    return _embedding(mul, producer, uses, constants) or _bag_of_words(mul, producer, uses, constants)


def _embedding(mul: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """Mul(Gather(E, ids), Gather(mask, ids)) → Embedding(ids, E)."""
    found = [producer.get(name) for name in mul.inputs]
    gathers = [g for g in found if g is not None and g.op_type == "Gather" and g.attrs.get("axis", 0) == 0]
    if len(gathers) < len(found):
        return None
    if gathers[0].inputs[1] != gathers[1].inputs[1] or any(uses[name] != 1 for name in mul.inputs):
        return None
    masks = [i for i, g in enumerate(gathers) if _is_padding_mask(constants.get(g.inputs[0]), column=True)]
    if not masks:
        return None
    table = gathers[1 - masks[0]]
    fused = OnnxNode(EMBEDDING, [table.inputs[1], table.inputs[0]], list(mul.outputs), {}, mul.opset)
    return fused, gathers


def _bag_of_words(mul: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """Mul(ReduceSum(OneHot(ids, V, [0, 1]), axes=[−2]), [0, 1, …, 1]) → BagOfWords(ids)."""
    counts_name, mask_name = mul.inputs
    if not _is_padding_mask(constants.get(mask_name), column=False):
        return None
    total = producer.get(counts_name)
    if total is None or total.op_type != "ReduceSum" or uses[counts_name] != 1 or total.attrs.get("keepdims") != 0:
        return None
    axes = _constant(constants, total.input(1))
    hot = producer.get(total.inputs[0])
    if axes is None or list(np.reshape(axes, -1)) != [-2] or hot is None or hot.op_type != "OneHot":
        return None
    depth, values = _constant(constants, hot.input(1)), _constant(constants, hot.input(2))
    size = constants[mask_name].size
    if uses[total.inputs[0]] != 1 or hot.attrs.get("axis", -1) != -1 or depth is None or depth.size != 1:
        return None
    if int(np.reshape(depth, -1)[0]) != size:
        return None
    if values is None or list(np.reshape(values, -1)) != [0, 1]:
        return None
    fused = OnnxNode(BAG_OF_WORDS, [hot.inputs[0]], list(mul.outputs), {"vocab_size": size}, mul.opset)
    return fused, [total, hot]


def _conv_over_time(last: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """Transpose(Conv(Transpose(x), filters)) as our export writes it for Window and SeqConv on B×L×d."""
    conv = _only_use(last.inputs[0], "Conv", producer, uses)
    if not _perm(last, [0, 2, 1]) or conv is None or len(conv.inputs) != 2 or conv.attrs:
        return None
    turned = _only_use(conv.inputs[0], "Transpose", producer, uses)
    if turned is None or not _perm(turned, [0, 2, 1]):
        return None
    filters = constants.get(conv.inputs[1])
    if filters is not None and _is_window_filter(filters):
        width = filters.shape[2]
        return OnnxNode(WINDOW, [turned.inputs[0]], list(last.outputs), {"width": width}, last.opset), \
            [turned, conv]
    flipped = _only_use(conv.inputs[1], "Transpose", producer, uses)
    if flipped is None or not _perm(flipped, [2, 1, 0]):
        return None
    taps = _only_use(flipped.inputs[0], "Reshape", producer, uses)
    shape = constants.get(taps.inputs[1]) if taps is not None and len(taps.inputs) == 2 else None
    if taps is None or shape is None or shape.size != 3:
        return None
    fused = OnnxNode(SEQ_CONV, [turned.inputs[0], taps.inputs[0]], list(last.outputs),
                     {"width": int(shape.reshape(-1)[0])}, last.opset)
    return fused, [turned, conv, flipped, taps]


def _is_window_filter(filters: np.ndarray) -> bool:
    """(w·d, d, w) filters where output channel j·d + c copies input channel c at tap j."""
    if filters.ndim != 3 or filters.shape[0] != filters.shape[1] * filters.shape[2]:
        return False
    out, d, width = filters.shape
    expected = np.zeros(filters.shape)
    for j in range(width):
        expected[j * d + np.arange(d), np.arange(d), j] = 1.0
    return bool(np.array_equal(filters, expected))


def _cross_entropy(nll: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """NegativeLogLikelihoodLoss(Log(p), y) → CrossEntropy(p, y)."""
    log = _only_use(nll.inputs[0], "Log", producer, uses)
    if log is None or len(nll.inputs) != 2 or set(nll.attrs) - {"reduction"}:
        return None
    return OnnxNode(CROSS_ENTROPY, [log.inputs[0], nll.inputs[1]], list(nll.outputs), dict(nll.attrs),
                    nll.opset), [log]


def _masked_max_pool(top: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """ReduceMax over time of Where(the windows holding a word, x, −inf) → MaxPoolTime(x, ids)."""
    axes = _constant(constants, top.input(1))
    where = _only_use(top.inputs[0], "Where", producer, uses)
    if axes is None or list(np.reshape(axes, -1)) != [-2] or top.attrs.get("keepdims") != 0 or where is None:
        return None
    fill = constants.get(where.inputs[2])
    competes = _chain(where.inputs[0], ("Unsqueeze", "Or"), producer, uses)
    if fill is None or fill.size != 1 or fill.reshape(-1)[0] != -np.inf or competes is None:
        return None
    has_word = _only_use(competes[-1].inputs[0], "Greater", producer, uses)
    empty = _chain(competes[-1].inputs[1], ("Not", "Greater", "ReduceMax"), producer, uses)
    if has_word is None or empty is None or empty[-1].inputs[0] != has_word.inputs[0]:
        return None
    if any(_constant_value(constants, n.inputs[1]) != 0 for n in (has_word, empty[1])):
        return None
    words = _words_per_window(has_word.inputs[0], producer, uses, constants)
    if words is None:
        return None
    ids, found = words
    fused = OnnxNode(MASKED_MAX_POOL, [where.inputs[1], ids], list(top.outputs), {}, top.opset)
    return fused, [where, *competes, has_word, *empty, *found]


def _binary_cross_entropy(neg: OnnxNode, producer: Producers, uses: Counter, constants: Constants) -> Match | None:
    """−mean(w(y, Log p) + w(1 − y, Log(1 − p))), w(a, b) = Where(a = 0, 0, a·b) → BinaryCrossEntropy(p, y)."""
    terms = _chain(neg.inputs[0], ("ReduceMean", "Add"), producer, uses)
    if terms is None or len(terms[0].inputs) != 1 or terms[0].attrs.get("keepdims") != 0:
        return None
    hit = _weighted_log(terms[1].inputs[0], producer, uses, constants)
    miss = _weighted_log(terms[1].inputs[1], producer, uses, constants)
    if hit is None or miss is None:
        return None
    (y, p, hit_nodes), (one_minus_y, one_minus_p, miss_nodes) = hit, miss
    flip_y = producer.get(one_minus_y) if uses[one_minus_y] == 2 else None  # read by the Equal and the Mul
    flip_p = _only_use(one_minus_p, "Sub", producer, uses)
    if flip_y is None or flip_y.op_type != "Sub" or flip_p is None or [flip_y.inputs[1], flip_p.inputs[1]] != [y, p]:
        return None
    if any(_constant_value(constants, n.inputs[0]) != 1 for n in (flip_y, flip_p)):
        return None
    fused = OnnxNode(BINARY_CROSS_ENTROPY, [p, y], list(neg.outputs), {}, neg.opset)
    return fused, [*terms, *hit_nodes, *miss_nodes, flip_y, flip_p]


def _weighted_log(name: str, producer: Producers, uses: Counter,
                  constants: Constants) -> tuple[str, str, list[OnnxNode]] | None:
    """(weight, x, nodes) for name = Where(Equal(weight, 0), 0, Mul(weight, Log(x))), as exported."""
    where = _only_use(name, "Where", producer, uses)
    if where is None or _constant_value(constants, where.inputs[1]) != 0:
        return None
    equal = _only_use(where.inputs[0], "Equal", producer, uses)
    product = _only_use(where.inputs[2], "Mul", producer, uses)
    if equal is None or product is None or equal.inputs[0] != product.inputs[0]:
        return None
    log = _only_use(product.inputs[1], "Log", producer, uses)
    if log is None or _constant_value(constants, equal.inputs[1]) != 0:
        return None
    return product.inputs[0], log.inputs[0], [where, equal, product, log]


def _chain(name: str, op_types: tuple[str, ...], producer: Producers, uses: Counter) -> list[OnnxNode] | None:
    """The nodes computing `name` through single-use first inputs, of these types in order (None if not so)."""
    found: list[OnnxNode] = []
    for op_type in op_types:
        node = _only_use(name, op_type, producer, uses)
        if node is None:
            return None
        found.append(node)
        name = node.inputs[0]
    return found


def _constant(constants: Constants, name: str | None) -> np.ndarray | None:
    """The fixed value of tensor `name`, or None when it is computed, fed or absent."""
    return constants.get(name) if name else None


def _constant_value(constants: Constants, name: str | None) -> float | None:
    """The one number tensor `name` holds, or None when it is not a constant single number."""
    value = _constant(constants, name)
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


def _words_per_window(count: str, producer: Producers, uses: Counter,
                      constants: Constants) -> tuple[str, list[OnnxNode]] | None:
    """(ids, nodes) for count = Σⱼ Slice(word, j, j + T) with word = Cast(Not(Equal(ids, 0))), as exported."""
    node = producer.get(count)
    adds: list[OnnxNode] = []
    later: list[OnnxNode | None] = []
    while node is not None and node.op_type == "Add":
        adds.append(node)
        later.append(_only_use(node.inputs[1], "Slice", producer, uses))
        node = _only_use(node.inputs[0], "Add", producer, uses) or _only_use(node.inputs[0], "Slice", producer, uses)
    chained = [node, *reversed(later)]
    slices = [part for part in chained if part is not None and part.op_type == "Slice"]
    if uses[count] != 2 or len(slices) < len(chained):
        return None
    word = slices[0].inputs[0]
    for j, part in enumerate(slices):
        if part.inputs[0] != word or _constant_value(constants, part.input(1)) != j:
            return None
    cast = producer.get(word)
    if cast is None or cast.op_type != "Cast":
        return None
    found = _chain(cast.inputs[0], ("Not", "Equal"), producer, uses)
    if found is None or uses[word] != len(slices) or _constant_value(constants, found[-1].inputs[1]) != 0:
        return None
    return found[-1].inputs[0], adds + slices + [cast] + found


MATCHERS = {"Mul": _mul, "Transpose": _conv_over_time, "NegativeLogLikelihoodLoss": _cross_entropy,
            "ReduceMax": _masked_max_pool, "Neg": _binary_cross_entropy}
