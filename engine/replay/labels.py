"""Plain-text labels of explain mode in the slides' Leibniz notation (no Qt: importable anywhere)."""
from __future__ import annotations

import re
from typing import Mapping

import numpy as np

from ..trace import BackwardStep, ForwardStep, NoGradStep, SeedStep, Step, SumStep, Trace, UpdateStep

_SUPER = str.maketrans("0123456789×-", "⁰¹²³⁴⁵⁶⁷⁸⁹ˣ⁻")
_IDENT = r"[A-Za-z0-9\u0370-\u03ff]"  # letters that continue a name (ᵀ, ·, brackets end it)
_PLAIN_NAME = re.compile(r"^(?:[^\W\d_][\d₀-₉ₐ-ₜᵢ-ᵥⱼ′']*|[a-z]{3,})$")
_COMPOUND = re.compile(r"[\s+\-−·/*]")  # a name that is an expression needs parentheses inside a formula


def fmt_num(x: float, digits: int = 4) -> str:
    """A number with `digits` significant digits, no trailing zeros, and a true minus sign."""
    x = float(x)
    if not np.isfinite(x):
        return "nan" if np.isnan(x) else ("∞" if x > 0 else "−∞")
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10{str(int(exponent)).translate(_SUPER)}"
    return text.replace("-", "−")


def superscript(text: str) -> str:
    """Digits and × written as superscripts: '3×4' → '³ˣ⁴'."""
    return text.translate(_SUPER)


def display_shape(shape: tuple) -> tuple:
    """The shape as students think of it: a leading batch axis of one example is dropped."""
    shape = tuple(shape)
    return shape[1:] if len(shape) > 1 and shape[0] == 1 else shape


def space_of(shape: tuple) -> str:
    """The slides' ℝⁿ notation for a shape: ℝ, ℝ⁴, ℝ³ˣ⁴."""
    shape = display_shape(shape)
    if not shape or int(np.prod(shape)) == 1:
        return "ℝ"
    return "ℝ" + superscript("×".join(str(n) for n in shape))


def jacobian_space(n: int, m: int) -> str:
    """ℝ^{n×m} of a local Jacobian (input size × output size), as on the slides."""
    return "ℝ" + superscript(f"{n}×{m}")


def is_scalar(arr: np.ndarray) -> bool:
    """True when an array holds one number."""
    return int(np.size(arr)) == 1


def norm_text(arr: np.ndarray) -> str:
    """‖·‖ of an array as text."""
    return fmt_num(float(np.linalg.norm(np.reshape(arr, -1))), 2)


SHORT_VECTOR = 8  # arrays up to this many entries are written out, larger ones by their space and norm


def vector_text(arr: np.ndarray) -> str:
    """A short vector written out with 3 significant digits: (1, 2, −1), (0.0217, −0.0213, …)."""
    return "(" + ", ".join(fmt_num(v, 3) for v in np.reshape(arr, -1)) + ")"


def entries_text(arr: np.ndarray) -> str | None:
    """Every entry of a small array: (1, 2, −1) for a vector, ((1, 2), (3, 4)) row by row for a matrix."""
    shape = display_shape(np.shape(arr))
    if np.size(arr) > SHORT_VECTOR or len(shape) > 2:
        return None
    if len(shape) <= 1:
        return vector_text(arr)
    return "(" + ", ".join(vector_text(row) for row in np.reshape(arr, shape)) + ")"


def wrap_entries(text: str, per_line: int = 4) -> str:
    """A line ending in a long (vector) broken after every `per_line` entries, so a label stays narrow."""
    start = text.find("(")
    if start < 0 or text.count(",") < per_line:
        return text
    head, body = text[:start], text[start:]
    if body.startswith("(("):  # a matrix: one row a line
        rows = body[1:-1].split("), (")
        parts = [("(" if i == 0 else "") + "(" + r.strip("()") + ")" + ("," if i < len(rows) - 1 else ")")
                 for i, r in enumerate(rows)]
    else:
        entries = body[1:-1].split(", ")
        groups = [", ".join(entries[i:i + per_line]) for i in range(0, len(entries), per_line)]
        parts = [("(" if i == 0 else "") + g + ("," if i < len(groups) - 1 else ")") for i, g in enumerate(groups)]
    return head + "\n".join(parts)


def value_part(arr: np.ndarray) -> str:
    """'= 6' for a scalar, '= (1, 2, −1)' for a small array, '∈ ℝ⁴⁸ (‖·‖ = 0.31)' for anything larger."""
    if is_scalar(arr):
        return f"= {fmt_num(np.reshape(arr, -1)[0])}"
    written = entries_text(arr)
    if written is not None:
        return f"= {written}"
    return f"∈ {space_of(np.shape(arr))} (‖·‖ = {norm_text(arr)})"


def summary(name: str, arr: np.ndarray) -> str:
    """'a = 6' for a scalar, 'a ∈ ℝ⁴ (‖·‖ = 0.31)' for a vector or matrix."""
    return f"{name} {value_part(arr)}"


def math_name(name: str) -> str:
    """A node name ready for ∂-notation: one symbol or a word as is, anything longer in parentheses."""
    return name if _PLAIN_NAME.match(name) else f"({name})"


def partial(top: str, bottom: str) -> str:
    """∂top/∂bottom with both names made safe for the notation."""
    return f"∂{math_name(top)}/∂{math_name(bottom)}"


def _scalar_text(arr: np.ndarray) -> str:
    return fmt_num(np.reshape(arr, -1)[0])


class Labeller:
    """Turns the steps of one trace into edge labels, badges and captions, using the nodes' names."""

    def __init__(self, trace: Trace, names: Mapping[str, str] | None = None):
        self.trace = trace
        self.names = dict(trace.names if names is None else names)
        self.loss = "L"  # the slides' name for what backward differentiates (the canvas writes ∂L/∂· too)

    def name(self, node_id: str) -> str:
        """Display name of a node id."""
        return self.names.get(node_id, node_id)

    def chain_formula(self, step: BackwardStep) -> str:
        """∂L/∂a = ∂b/∂a · ∂L/∂b for the edge a → b (local · upstream, the slides' order)."""
        src, dst = self.name(step.src), self.name(step.dst)
        return f"{partial(self.loss, src)} = {partial(dst, src)} · {partial(self.loss, dst)}"

    def backward_numbers(self, step: BackwardStep) -> str:
        """The numbers of the chain rule on one edge: '= 0.1667 · 1 = 0.1667', or shapes and a norm."""
        if is_scalar(step.upstream) and is_scalar(step.product):
            local = step.local_jacobian()
            return f"= {_scalar_text(local)} · {_scalar_text(step.upstream)} = {_scalar_text(step.product)}"
        n, m = step.jacobian_shape
        result = value_part(step.product)[2:]  # without its leading "= " or "∈ "
        return f"{jacobian_space(n, m)} · {space_of(np.shape(step.upstream))} → {result}"

    def backward_label(self, step: BackwardStep) -> str:
        """The chain rule in names, then in numbers (a long vector wrapped four entries a line)."""
        return f"{self.chain_formula(step)}\n{wrap_entries(self.backward_numbers(step))}"

    def product_label(self, step: BackwardStep) -> str:
        """One short line: what reached the input, '∂L/∂a = 0.1667' or '∂L/∂a ∈ ℝ⁴⁸ (‖·‖ = 0.31)'."""
        return f"{partial(self.loss, self.name(step.src))} {value_part(step.product)}"

    def nograd_label(self, step: NoGradStep) -> str:
        """What an edge that carries no gradient says."""
        if "integer" in step.reason:
            return "no gradient (integer ids)"
        if "not differentiable" in step.reason:
            return f"no gradient (target {self.name(step.src)})"
        return f"no gradient ({step.reason})"

    def sum_badge(self, step: SumStep) -> str:
        """Σ at a fan-out node: 'Σ 3 + 3 = 6', or 'Σ of 2 paths' for arrays."""
        if is_scalar(step.total):
            parts = " + ".join(_scalar_text(p) for _, p in step.parts).replace("+ −", "− ")
            return f"Σ {parts} = {_scalar_text(step.total)}"
        return f"Σ of {len(step.parts)} paths, ‖·‖ = {norm_text(step.total)}"

    def update_label(self, step: UpdateStep) -> str:
        """Θ before, gradient, Θ after: 'w ← 2 − 0.1 · 0.5 = 1.95'."""
        name = self.name(step.node)
        if is_scalar(step.before):
            return (f"{name} ← {name} − α·{partial(self.loss, name)}\n"
                    f"= {_scalar_text(step.before)} − {fmt_num(step.lr)} · {_scalar_text(step.grad)}"
                    f" = {_scalar_text(step.after)}")
        change = norm_text(np.asarray(step.after) - np.asarray(step.before))
        rule = f"{name} ← {name} − α·{partial(self.loss, name)}"
        return f"{rule}\nα = {fmt_num(step.lr)}, ‖Δ{math_name(name)}‖ = {change}"

    def value_text(self, node_id: str, value: np.ndarray) -> str:
        """'a = 6' or 'a ∈ ℝ⁴ (‖·‖ = 0.31)'."""
        return summary(self.name(node_id), value)

    def caption(self, step: Step, formula: str = "", extra: str = "", value: str = "") -> str:
        """One sentence describing a step, for the timeline and the presenter (`value` overrides the number)."""
        if isinstance(step, ForwardStep):
            head = f"forward: {self.name(step.node)}" + (f" = {formula}" if formula else "")
            return f"{head} {value or value_part(step.value)}" + (f"; {extra}" if extra else "")
        if isinstance(step, SeedStep):
            return f"backward starts at {self.name(step.node)}: {partial(self.loss, self.name(step.node))} = 1"
        if isinstance(step, BackwardStep):
            numbers = self.backward_numbers(step)
            return (f"backward along {self.name(step.src)} → {self.name(step.dst)}: "
                    f"{self.chain_formula(step)} (local · upstream)"
                    + (f" {numbers}" if numbers.startswith("=") else f": {numbers}"))
        if isinstance(step, SumStep):
            return (f"{self.name(step.node)} feeds {len(step.parts)} nodes, so its gradient is the sum: "
                    f"{partial(self.loss, self.name(step.node))} = {self.sum_badge(step)[2:]}")
        if isinstance(step, NoGradStep):
            return f"no gradient along {self.name(step.src)} → {self.name(step.dst)}: {step.reason}"
        if isinstance(step, UpdateStep):
            return "SGD update: " + self.update_label(step).replace("\n=", " =").replace("\n", "; ")
        raise TypeError(f"unknown trace step {step!r}")


def forward_formula(leibniz: str, ports: list[str], sources: list[str]) -> str:
    """An op's Leibniz text with its port names replaced by the names of the nodes that feed them.

    Returns "" when the text mentions none of the ports (then it says nothing about this node's inputs).
    """
    if not leibniz or not ports:
        return ""
    mapping = dict(zip(ports, sources))
    names = "|".join(re.escape(p) for p in sorted(ports, key=len, reverse=True))
    pattern = re.compile(rf"(?<!{_IDENT})({names})(?!{_IDENT})")
    if not pattern.search(leibniz):
        return ""

    def replace(m: re.Match) -> str:
        name = mapping[m.group(1)]
        enclosed = leibniz[m.start() - 1: m.start()] == "(" and leibniz[m.end(): m.end() + 1] == ")"
        return f"({name})" if _COMPOUND.search(name) and not enclosed else name

    return pattern.sub(replace, leibniz)
