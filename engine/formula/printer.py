"""Canonical formula text: expressions (also node names and region titles), types, declarations, formulas."""
from __future__ import annotations

from typing import Any, TypeGuard

from ..registry import OPS
from .syntax import CONCAT, INFIX_PRINT, NEGATE, POWER, POWER_ATTR, ROLE_FLAGS, SUM, is_input_name, print_name
from .tree import Call, Decl, Expr, Formula, Name, Number, Product, Transposed, TypeSpec

ATOM, POSTFIX, PREFIX, PROD, NEG, MUL, ADD = 60, 50, 40, 30, 25, 20, 10
MAX_AUTO_NAME = 40
MAX_TITLE = 200
LINE_WIDTH = 72
DECL_GAP = "   "


def number_text(value: float) -> str:
    """2, 0.5, −1, 1e-08: whole numbers without a point, a Unicode minus in front."""
    v = float(value)
    body = str(int(abs(v))) if v.is_integer() and abs(v) < 1e15 else repr(abs(v))
    return ("−" if v < 0 else "") + body


def value_text(value: Any) -> str:
    """An attribute value or a literal: numbers, true/false, words, [lists], all (for no axis)."""
    if value is None:
        return "all"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return number_text(value)


def expr_text(expr: Expr, compact: bool = False) -> str:
    """The canonical text of an expression; compact drops the space of a product (W x → Wx)."""
    return _fmt(expr, compact)[0]


def auto_name(expr: Expr) -> str:
    """The name an intermediate node gets from its expression, e.g. Wx, θᵀb, Wx + b₁."""
    text = expr_text(expr, compact=True)
    return text if len(text) <= MAX_AUTO_NAME else text[:MAX_AUTO_NAME - 1] + "…"


def line_text(target: str, expr: Expr) -> str:
    """One assignment as written, which is also its region's title: a = σ(W x)."""
    text = f"{target} = {expr_text(expr)}"
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 1] + "…"


def _wrap(part: tuple[str, int], need: int) -> str:
    text, level = part
    return text if level >= need else f"({text})"


def _fmt(e: Expr, compact: bool) -> tuple[str, int]:
    if isinstance(e, Name):
        return e.id, ATOM
    if isinstance(e, Number):
        return number_text(e.value), ATOM if e.value >= 0 else NEG
    if isinstance(e, Transposed):
        return _wrap(_fmt(e.operand, compact), POSTFIX) + "ᵀ", POSTFIX
    if isinstance(e, Product):
        left = _wrap(_fmt(e.left, compact), PROD)
        right = _wrap(_fmt(e.right, compact), PROD + 1)
        gap = "" if compact or left.endswith("ᵀ") else " "
        return left + gap + right, PROD
    return _call(e, compact)


def _call(e: Call, compact: bool) -> tuple[str, int]:
    plain = not e.ports and not e.attrs
    if e.op in INFIX_PRINT and plain and len(e.args) == 2:
        level = ADD if e.op in ("Add", "Subtract") else MUL
        left, right = _wrap(_fmt(e.args[0], compact), level), _wrap(_fmt(e.args[1], compact), level + 1)
        return f"{left} {INFIX_PRINT[e.op]} {right}", level
    if e.op == NEGATE and plain and len(e.args) == 1:
        inner = _wrap(_fmt(e.args[0], compact), PROD)
        # −2 would read back as the number −2, not as the negation of the constant 2
        return "−" + (f"({inner})" if inner[0] in "0123456789." else inner), NEG
    if e.op == POWER and not e.ports and set(e.attrs) <= {POWER_ATTR} and len(e.args) == 1:
        exponent = e.attrs.get(POWER_ATTR, OPS[POWER].spec(POWER_ATTR).default)
        return _wrap(_fmt(e.args[0], compact), POSTFIX) + "^" + number_text(exponent), POSTFIX
    if e.op == CONCAT and plain and len(e.args) == 2:
        first = e.args[0]
        head = _call(first, compact)[0][1:-1] if _is_plain_concat(first) else expr_text(first, compact)
        return f"[{head}; {expr_text(e.args[1], compact)}]", ATOM
    if e.op == SUM and plain and len(e.args) == 1:
        summed, level = _fmt(e.args[0], compact)
        if level >= POSTFIX and not summed.startswith("("):  # Σ (a)^2 would read as Σ(a), squared
            return "Σ" + ("" if compact else " ") + summed, PREFIX
        return f"Σ({summed})", ATOM
    parts = [expr_text(a, compact) for a in e.args] + [f"{k}={expr_text(v, compact)}" for k, v in e.ports.items()]
    parts += [f"{k}={value_text(v)}" for k, v in e.attrs.items()]
    return f"{print_name(e.op)}({', '.join(parts)})", ATOM


def _is_plain_concat(e: Expr) -> TypeGuard[Call]:
    return isinstance(e, Call) and e.op == CONCAT and not e.ports and not e.attrs and len(e.args) == 2


def dims_text(dims: tuple) -> str:
    """^3, ^B, ^{4×3}, ^{B×24}, or nothing for a scalar."""
    sizes = ["B" if d is None else str(d) for d in dims]
    if not sizes:
        return ""
    return "^" + sizes[0] if len(sizes) == 1 else "^{" + "×".join(sizes) + "}"


def type_text(spec: TypeSpec) -> str:
    """R^{4×3}, {0,1}^B, {Sports, Politics}, tokens^{B×24}."""
    if spec.kind == "labels":
        numbered = all(c.isdigit() for c in spec.classes)
        return "{" + ("," if numbered else ", ").join(spec.classes) + "}" + dims_text(spec.dims)
    return ("tokens" if spec.kind == "tokens" else "R") + dims_text(spec.dims)


def decl_text(decl: Decl) -> str:
    """x: R^3 = [1, 2, −1], seed=1, input"""
    text = f"{decl.name}: {type_text(decl.type)}"
    if decl.literal is not None:
        text += f" = {value_text(decl.literal)}"
    parts = [f"{k}={value_text(v)}" for k, v in decl.options.items()] + _role_flag(decl)
    return ", ".join([text] + parts)


def _role_flag(decl: Decl) -> list[str]:
    """The role word, only where the type and the name do not already say it (x… are inputs)."""
    if not decl.flags:
        return []
    role = ROLE_FLAGS[decl.flags[0]]
    usual = "Input" if decl.type.kind != "real" or is_input_name(decl.name) else "Parameter"
    return [] if role == usual else [{"Input": "input", "Parameter": "param", "Constant": "const"}[role]]


def formula_text(formula: Formula) -> str:
    """Declarations packed into lines of about 72 characters, then one assignment per line."""
    lines: list[str] = []
    for decl in formula.decls:
        text = decl_text(decl)
        if lines and len(lines[-1]) + len(DECL_GAP) + len(text) <= LINE_WIDTH:
            lines[-1] += DECL_GAP + text
        else:
            lines.append(text)
    lines += [f"{a.target} = {expr_text(a.expr)}" for a in formula.assigns]
    return "\n".join(lines) + "\n"
