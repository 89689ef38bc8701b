"""What a product means, chosen by the operands' shapes, as the lecture writes it.

    w x      a scalar times anything         → Multiply
    θᵀx      a vector's transpose times x    → Dot(θ, x)
    Wᵀx      a matrix's transpose times x    → MatMul(x, W)      (the engine's x·W, W stored n×m)
    W x      a matrix times a vector x       → MatMul(x, Wᵀ)     (adds a Transpose node)
    x W, A B a vector or matrix times a matrix → MatMul(x, W)
"""
from __future__ import annotations

from typing import Any, Protocol

from .errors import FormulaError
from .printer import expr_text
from .syntax import DOT, MATMUL, MULTIPLY
from .tree import Expr, Loc, Product, Transposed


def is_vector(shape: tuple) -> bool:
    """One vector (n) with no batch axis."""
    return len(shape) == 1 and shape[0] is not None


def is_vector_like(shape: tuple) -> bool:
    """A vector (n), or a batch of vectors (B×n)."""
    return is_vector(shape) or (len(shape) == 2 and shape[0] is None and shape[1] is not None)


def is_matrix(shape: tuple) -> bool:
    """A matrix (m×n) with no batch axis."""
    return len(shape) == 2 and None not in shape


class NodePlanner(Protocol):
    """What the product rules use of the formula's planner (engine.formula.plan.Planner), which owns them."""

    def expr(self, e: Expr, name: str | None = None) -> int: ...

    def transpose(self, e: Transposed, base: int, name: str | None = None) -> int: ...

    def shape(self, index: int) -> tuple: ...

    def describe(self, text: str, index: int) -> str: ...

    def name_for(self, expr: Expr, name: str | None) -> str: ...

    def op_node(self, op_name: str, attrs: dict[str, Any], inputs: list[int], texts: list[str], loc: Loc,
                name: str) -> int: ...


class ProductRules:
    """Plans the nodes of one product for a planner."""

    def __init__(self, planner: NodePlanner):
        self.p = planner

    def product(self, e: Product, name: str | None) -> int:
        """The node computing e.left · e.right; θᵀx and Wᵀx fold their transpose into the product."""
        if isinstance(e.left, Transposed):
            base = self.p.expr(e.left.operand)
            right = self.p.expr(e.right)
            folded = self._folded(e, e.left, base, right, name)
            if folded is not None:
                return folded
            left = self.p.transpose(e.left, base)
        else:
            left = self.p.expr(e.left)
            right = self.p.expr(e.right)
        return self._plain(e, left, right, name)

    def _folded(self, e: Product, left: Transposed, base: int, right: int, name: str | None) -> int | None:
        """θᵀx or Wᵀx as one Dot or MatMul node (`left` is e.left, planned as `base`); None for any other shape."""
        b, r = self.p.shape(base), self.p.shape(right)
        btext, rtext = expr_text(left.operand), expr_text(e.right)
        if is_vector(b) and is_vector_like(r):
            self._check(e, [(btext, base), (rtext, right)], b[0] == r[-1],
                        f"{btext}ᵀ{rtext} needs {rtext} to have {b[0]} numbers, as many as {btext}")
            return self._node(DOT, [base, right], [btext, rtext], e, name)
        if is_matrix(b) and is_vector_like(r):
            self._check(e, [(btext, base), (rtext, right)], b[0] == r[-1],
                        f"{btext}ᵀ{rtext} needs {rtext} to have {b[0]} numbers, one per row of {btext}")
            return self._node(MATMUL, [right, base], [rtext, btext], e, name)
        return None

    def _plain(self, e: Product, left: int, right: int, name: str | None) -> int:
        ls, rs = self.p.shape(left), self.p.shape(right)
        ltext, rtext = expr_text(e.left), expr_text(e.right)
        both = [(ltext, left), (rtext, right)]
        if ls == () or rs == ():
            return self._node(MULTIPLY, [left, right], [ltext, rtext], e, name)
        if is_matrix(ls) and is_vector_like(rs):
            self._check(e, both, ls[1] == rs[-1],
                        f"{ltext} {rtext} needs {rtext} to have {ls[1]} numbers, one per column of {ltext}")
            flipped = self.p.transpose(Transposed(e.left, e.loc), left)
            return self._node(MATMUL, [right, flipped], [rtext, ltext + "ᵀ"], e, name)
        if is_matrix(rs):
            what = "numbers" if is_vector_like(ls) else "columns"
            self._check(e, both, ls[-1] == rs[0],
                        f"{ltext} {rtext} needs {ltext} to have {rs[0]} {what}, one per row of {rtext}")
            return self._node(MATMUL, [left, right], [ltext, rtext], e, name)
        if is_vector_like(ls) and is_vector_like(rs):
            raise self._error(e, both, f"for the dot product write {ltext}ᵀ{rtext} (or dot({ltext}, {rtext})); "
                                       f"for the elementwise product write {ltext} × {rtext} (or *)")
        raise self._error(e, both, f"these do not multiply as matrices; for the elementwise product write "
                                   f"{ltext} × {rtext} (or *)")

    def _node(self, op: str, inputs: list[int], texts: list[str], e: Expr, name: str | None) -> int:
        return self.p.op_node(op, {}, inputs, texts, e.loc, self.p.name_for(e, name))

    def _check(self, e: Product, operands: list[tuple[str, int]], ok: bool, reason: str) -> None:
        if not ok:
            raise self._error(e, operands, reason)

    def _error(self, e: Product, operands: list[tuple[str, int]], reason: str) -> FormulaError:
        described = ", ".join(self.p.describe(text, index) for text, index in operands)
        return FormulaError(e.loc.line, e.loc.col, f"{described}: {reason}")
