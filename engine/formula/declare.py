"""Declarations → source nodes: inputs, class labels, token sequences, parameters and constants."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AttrError
from ..fileformat.errors import MAX_INT_ATTR
from ..registry import OPS
from .errors import FormulaError
from .printer import dims_text, type_text, value_text
from .syntax import ROLE_FLAGS, VOCAB_OPTION, is_input_name
from .tree import Decl, Loc

RANDOM_INITS = ("normal", "uniform", "xavier")
MAX_LITERAL_ENTRIES = 100_000


@dataclass
class SourceSpec:
    """What a declaration becomes: the op and its attributes, plus a value, a sample or a vocabulary."""

    op: str
    attrs: dict[str, Any]
    value: np.ndarray | None = None  # a parameter's starting value, when written
    sample: Any = None  # an input's or label's example value, for the graph's meta.sample
    vocab: int | None = None
    class_names: list[str] = field(default_factory=list)

    @property
    def random_init(self) -> bool:
        """True for a parameter that starts from a seeded random draw."""
        return self.op == "Parameter" and self.attrs.get("init", "xavier") in RANDOM_INITS


def _fail(loc: Loc, reason: str) -> FormulaError:
    return FormulaError(loc.line, loc.col, reason)


def decl_role(decl: Decl) -> str:
    """Input, Label, Parameter or Constant: from the type, a role flag, or the name (x… are inputs)."""
    roles = [ROLE_FLAGS[f] for f in decl.flags]
    if len(set(roles)) > 1:
        raise _fail(decl.option_locs[decl.flags[-1]], f"{decl.name} is given two roles; keep one")
    kind = decl.type.kind
    if kind != "real" and roles and roles[0] != "Input":
        what = "class labels" if kind == "labels" else "a token sequence"
        raise _fail(decl.option_locs[decl.flags[0]], f"{decl.name} is {what}, which is fed as data, not a "
                                                     f"{roles[0].lower()}")
    if kind == "labels":
        return "Label"
    if kind == "tokens":
        return "Input"
    return roles[0] if roles else ("Input" if is_input_name(decl.name) else "Parameter")


def source_spec(decl: Decl, seed: int) -> SourceSpec:
    """The source node of a declaration; `seed` is the default seed if it is a random-start parameter."""
    role = decl_role(decl)
    if role == "Label":
        return _label(decl)
    if role == "Input":
        return _input(decl)
    if role == "Parameter":
        return _parameter(decl, seed)
    return _constant(decl)


def _only_options(decl: Decl, allowed: tuple[str, ...], what: str) -> None:
    for key in decl.options:
        if key not in allowed:
            hint = f" (it takes {', '.join(allowed)})" if allowed else ""
            raise _fail(decl.option_locs[key], f"{decl.name} is {what}: it has no option '{key}'{hint}")


def _label(decl: Decl) -> SourceSpec:
    _only_options(decl, (), "a set of class labels")
    classes = decl.type.classes
    spec = SourceSpec("Label", {"classes": len(classes), "batched": decl.type.batched})
    if not all(c.isdigit() for c in classes):
        spec.class_names = list(classes)
    if decl.literal is not None:
        spec.sample = _label_sample(decl, classes)
    return spec


def _label_sample(decl: Decl, classes: tuple[str, ...]) -> Any:
    def one(value: Any) -> int:
        if isinstance(value, str) and value in classes:
            return classes.index(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(classes):
            return value
        raise _fail(decl.literal_loc, f"{value_text(value)} is not one of {decl.name}'s classes "
                                      f"{type_text(decl.type).split('^')[0]}")

    if not decl.type.batched:
        if isinstance(decl.literal, list):
            raise _fail(decl.literal_loc, f"{decl.name} is one label; write a single class, or declare a batch "
                                          f"{type_text(decl.type)}^B")
        return one(decl.literal)
    if not isinstance(decl.literal, list) or not decl.literal or any(isinstance(v, list) for v in decl.literal):
        raise _fail(decl.literal_loc, f"{decl.name} is a batch of labels; write a list such as [0, 1, 1]")
    return [one(v) for v in decl.literal]


def _input(decl: Decl) -> SourceSpec:
    tokens = decl.type.kind == "tokens"
    _only_options(decl, (VOCAB_OPTION,) if tokens else (), "a token sequence" if tokens else "an input")
    dims = decl.type.example_dims
    spec = SourceSpec("Input", {"shape": list(dims), "batched": decl.type.batched,
                                "dtype": "int" if tokens else "float"})
    if VOCAB_OPTION in decl.options:
        vocab = decl.options[VOCAB_OPTION]
        if isinstance(vocab, bool) or not isinstance(vocab, int) or not 2 <= vocab <= MAX_INT_ATTR:
            raise _fail(decl.option_locs[VOCAB_OPTION], f"vocab is the number of words, from 2 to {MAX_INT_ATTR}")
        spec.vocab = vocab
    if decl.literal is not None:
        arr = literal_array(decl, batched=decl.type.batched)
        limit = spec.vocab if spec.vocab is not None else np.inf
        if tokens and (np.any(arr != np.round(arr)) or np.any(arr < 0) or np.any(arr >= limit)):
            top = "vocab − 1" if spec.vocab is None else str(spec.vocab - 1)
            raise _fail(decl.literal_loc, f"token ids are whole numbers from 0 (padding) to {top}")
        spec.sample = arr.astype(np.int64).tolist() if tokens else arr.tolist()
    return spec


def _parameter(decl: Decl, seed: int) -> SourceSpec:
    if decl.type.batched:
        raise _fail(decl.type.loc, f"{decl.name} is a parameter, which has no batch axis B "
                                   "(write ', input' if it is data)")
    allowed = tuple(a.name for a in OPS["Parameter"].attr_specs if a.name != "shape")
    _only_options(decl, allowed, "a parameter")
    attrs: dict[str, Any] = {"shape": list(decl.type.dims)}
    for key, value in decl.options.items():
        try:
            attrs[key] = OPS["Parameter"].spec(key).validate(value)
        except AttrError as exc:
            raise _fail(decl.option_locs[key], f"{decl.name}: {key}: {exc}") from None
    value = None
    literal = decl.literal
    if isinstance(literal, (int, float)) and not isinstance(literal, bool) and literal >= 0 \
            and "init" not in attrs and "scale" not in attrs:
        attrs.update({"init": "zeros"} if literal == 0 else {"init": "constant", "scale": float(literal)})
    elif literal is not None:
        value = literal_array(decl, batched=False, fill=True)
    spec = SourceSpec("Parameter", attrs, value=value)
    if spec.random_init and "seed" not in attrs:
        attrs["seed"] = seed
    return spec


def _constant(decl: Decl) -> SourceSpec:
    _only_options(decl, (), "a constant")
    if decl.literal is None:
        raise _fail(decl.loc, f"a constant needs its value: {decl.name}: {type_text(decl.type)} = …, const")
    if decl.type.batched:
        raise _fail(decl.type.loc, f"{decl.name} is a constant, which has no batch axis B")
    return SourceSpec("Constant", {"value": literal_array(decl, batched=False, fill=True).tolist()})


def literal_array(decl: Decl, batched: bool, fill: bool = False) -> np.ndarray:
    """The declaration's literal as an array of its declared shape (a leading row axis if batched)."""
    shape = _literal_shape(decl.literal, decl.literal_loc)
    arr = np.array(decl.literal, dtype=np.float64)
    dims = decl.type.example_dims
    if fill and shape == () and dims:
        arr = np.full(dims, float(decl.literal))
    got = arr.shape[1:] if batched else arr.shape
    if got != dims or (batched and arr.ndim == 0):
        want = "a list of rows, each " + (dims_text(dims)[1:] or "one number") if batched else \
            (f"shape {dims_text(dims)[1:]}" if dims else "one number")
        raise _fail(decl.literal_loc, f"{decl.name} is {type_text(decl.type)}, so its value needs {want}; "
                                      f"this one has shape {tuple(arr.shape) or 'scalar'}")
    if not np.all(np.isfinite(arr)):
        raise _fail(decl.literal_loc, "values must be finite numbers")
    return arr


def _literal_shape(value: Any, loc: Loc) -> tuple:
    """The shape of a nested list of numbers; FormulaError if it is ragged or holds words."""
    if isinstance(value, bool) or isinstance(value, str):
        raise _fail(loc, f"expected numbers, found {value_text(value)!r}")
    if not isinstance(value, list):
        return ()
    if not value:
        raise _fail(loc, "an empty list holds no values")
    shapes = {_literal_shape(v, loc) for v in value}
    if len(shapes) != 1:
        raise _fail(loc, "the rows of this list have different lengths")
    shape = (len(value),) + shapes.pop()
    if int(np.prod(shape)) > MAX_LITERAL_ENTRIES:
        raise _fail(loc, f"a written value may hold at most {MAX_LITERAL_ENTRIES} numbers")
    return shape
