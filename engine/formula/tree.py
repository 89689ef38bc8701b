"""The parsed formula: declarations, assignments and expressions, each remembering where it was written."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Loc:
    """A 1-based line and column in the formula text."""

    line: int
    col: int


NOWHERE = Loc(0, 0)  # for trees made from a graph rather than from text


@dataclass
class Name:
    """A declared or assigned name."""

    id: str
    loc: Loc = NOWHERE


@dataclass
class Number:
    """A number written in an expression; becomes a Constant node."""

    value: float
    loc: Loc = NOWHERE


@dataclass
class Call:
    """An op applied to inputs (by position or port name) with attributes, e.g. softmax(S, axis=0)."""

    op: str
    args: list["Expr"]
    ports: dict[str, "Expr"] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    loc: Loc = NOWHERE
    attr_locs: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Product:
    """Juxtaposition, · or @: scalar product, θᵀx, matrix-vector or matrix product, chosen by shape."""

    left: "Expr"
    right: "Expr"
    loc: Loc = NOWHERE


@dataclass
class Transposed:
    """xᵀ, x' or x^T; folded into θᵀx and Wᵀx, a Transpose node elsewhere."""

    operand: "Expr"
    loc: Loc = NOWHERE


Expr = Union[Name, Number, Call, Product, Transposed]


@dataclass
class TypeSpec:
    """R^{…} (real), {0,1}^B (class labels) or tokens^{…}; dims use None for the batch axis B."""

    kind: str  # real, labels, tokens
    dims: tuple = ()
    classes: tuple[str, ...] = ()
    loc: Loc = NOWHERE

    @property
    def batched(self) -> bool:
        """True when the first axis is the batch axis B."""
        return bool(self.dims) and self.dims[0] is None

    @property
    def example_dims(self) -> tuple[int, ...]:
        """The sizes of one example (the dims without B)."""
        return tuple(self.dims[1:] if self.batched else self.dims)


@dataclass
class Decl:
    """name: type [= literal] [, option=value | , flag]…"""

    name: str
    type: TypeSpec
    literal: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    loc: Loc = NOWHERE
    literal_loc: Loc = NOWHERE
    option_locs: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Assign:
    """name = expression (one line, one region)."""

    target: str
    expr: Expr
    loc: Loc = NOWHERE


@dataclass
class Formula:
    """Every statement in the order written."""

    statements: list[Union[Decl, Assign]] = field(default_factory=list)

    @property
    def decls(self) -> list[Decl]:
        """The declarations, in order."""
        return [s for s in self.statements if isinstance(s, Decl)]

    @property
    def assigns(self) -> list[Assign]:
        """The assignments, in order."""
        return [s for s in self.statements if isinstance(s, Assign)]
