"""Graph → formula, part 1: each source node (Input, Label, Parameter, Constant) as a declaration."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import Graph, Node
from ..ops.sources import initial_value
from .build import CLASS_NAMES_META
from .declare import RANDOM_INITS
from .errors import NotAFormulaError
from .printer import number_text
from .syntax import VOCAB_ATTR, VOCAB_OPTION, is_input_name, is_name_char, is_name_start
from .tree import Decl, Number, TypeSpec

MAX_SHOWN_NUMBERS = 64  # larger samples and trained weights are left out of a formula


def misfit(graph: Graph, node_id: str, reason: str) -> NotAFormulaError:
    """'W' (Parameter) does not fit a formula: <reason>."""
    node = graph.nodes[node_id]
    return NotAFormulaError(f"'{node.name}' ({node.op_name}) does not fit a formula: {reason}", node_id)


def constant_number(node: Node) -> Number | None:
    """A scalar Constant named by its own value (as a formula writes 2 in 2 x), else None."""
    value = np.asarray(node.value)
    if value.shape == () and node.name == number_text(float(value)):
        return Number(float(value))
    return None


class DeclWriter:
    """Declarations for the source nodes of one graph, numbering random-start parameters as a formula does."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.random_params = 0
        sample = graph.meta.get("sample")
        self.sample: dict[str, Any] = sample if isinstance(sample, dict) else {}
        names = graph.meta.get(CLASS_NAMES_META)
        self.class_names = names if isinstance(names, dict) else {}

    def decl(self, node: Node) -> Decl:
        """The declaration of one source node."""
        writer = {"Input": self._input, "Label": self._label, "Parameter": self._parameter,
                  "Constant": self._constant}[node.op_name]
        return writer(node)

    def _input(self, node: Node) -> Decl:
        dims = ((None,) if node.attrs["batched"] else ()) + tuple(node.attrs["shape"])
        if node.attrs["dtype"] == "int":
            decl = Decl(node.name, TypeSpec("tokens", dims))
            vocab = self._vocab(node)
            if vocab is not None:
                decl.options[VOCAB_OPTION] = vocab
        else:
            decl = Decl(node.name, TypeSpec("real", dims), flags=() if is_input_name(node.name) else ("input",))
        decl.literal = self._sample(node, dims)
        return decl

    def _vocab(self, node: Node) -> int | None:
        for edge in self.g.outgoing(node.id):
            attrs = self.g.nodes[edge.dst].attrs
            if VOCAB_ATTR in attrs:
                return int(attrs[VOCAB_ATTR])
        return None

    def _sample(self, node: Node, dims: tuple) -> Any:
        if node.name not in self.sample:
            return None
        try:
            arr = np.asarray(self.sample[node.name], dtype=np.float64)
        except (TypeError, ValueError):
            return None
        fits = arr.ndim == len(dims) and all(d is None or d == n for d, n in zip(dims, arr.shape))
        if not fits or arr.size > MAX_SHOWN_NUMBERS or not np.all(np.isfinite(arr)):
            return None
        return _plain(arr)

    def _label(self, node: Node) -> Decl:
        k = node.attrs["classes"]
        written = _written_class_names(self.class_names.get(node.name), k)
        named = written is not None
        classes = written if written is not None else tuple(str(i) for i in range(k))
        dims = (None,) if node.attrs["batched"] else ()
        decl = Decl(node.name, TypeSpec("labels", dims, classes))
        literal = self._sample(node, dims)
        if literal is not None and np.all(np.isin(np.asarray(literal), np.arange(k))):
            decl.literal = _class_words(literal, classes) if named else literal
        return decl

    def _parameter(self, node: Node) -> Decl:
        attrs = node.attrs
        decl = Decl(node.name, TypeSpec("real", tuple(attrs["shape"])),
                    flags=("param",) if is_input_name(node.name) else ())
        random = attrs["init"] in RANDOM_INITS
        self.random_params += random
        seed_default = self.random_params if random else 0
        if attrs["init"] == "zeros" and attrs["scale"] == 0.1 and attrs["seed"] == 0:
            decl.literal = 0
        elif attrs["init"] == "constant" and attrs["scale"] > 0 and attrs["seed"] == 0:
            decl.literal = _plain(np.asarray(attrs["scale"]))
        else:
            for key, default in (("init", "xavier"), ("scale", 0.1), ("seed", seed_default)):
                if attrs[key] != default:
                    decl.options[key] = attrs[key]
        self._written_value(node, decl)
        return decl

    def _written_value(self, node: Node, decl: Decl) -> None:
        """A value that is not what the initialiser gives is written out, if it is small."""
        start = initial_value(node.op)
        value = np.asarray(node.value)
        if np.array_equal(value, start) or value.size > MAX_SHOWN_NUMBERS:
            return
        if decl.literal is not None or value.shape == ():
            decl.options = {"init": node.attrs["init"], **{k: v for k, v in decl.options.items() if k != "init"}}
            if node.attrs["init"] in ("zeros", "constant") and node.attrs["scale"] != 0.1:
                decl.options["scale"] = node.attrs["scale"]
        decl.literal = _plain(value)

    def _constant(self, node: Node) -> Decl:
        value = np.asarray(node.value)
        return Decl(node.name, TypeSpec("real", value.shape), literal=_plain(value), flags=("const",))


def _plain(arr: np.ndarray) -> Any:
    """Numbers as a formula writes them: whole numbers as ints, nested lists for arrays."""
    def one(v: float) -> int | float:
        return int(v) if float(v).is_integer() and abs(v) < 1e15 else float(v)

    if arr.shape == ():
        return one(float(arr))
    return [_plain(row) for row in arr]


def _written_class_names(names: object, k: int) -> tuple[str, ...] | None:
    """The k class names as a formula writes them (distinct words), or None when they are not that."""
    if not isinstance(names, list) or len(names) != k:
        return None
    words = tuple(c for c in names
                  if isinstance(c, str) and c and is_name_start(c[0]) and all(map(is_name_char, c[1:])))
    return words if len(words) == k and len(set(words)) == k else None


def _class_words(literal: Any, classes: tuple[str, ...]) -> Any:
    if isinstance(literal, list):
        return [classes[int(v)] for v in literal]
    return classes[int(literal)]

