"""Judging an answer: the right number of entries, each within the tolerance, and a word on a near miss."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .section import Tolerance

ABSOLUTE = 1e-9  # an entry that is 0 up to rounding (1e-17) is right when typed as 0


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer: right, wrong, or not counted (it has the wrong number of entries)."""

    outcome: str  # right, wrong or form
    message: str = ""

    @property
    def right(self) -> bool:
        """True when the answer is right."""
        return self.outcome == "right"

    @property
    def counts(self) -> bool:
        """True when the answer uses up a try (a wrong number of entries does not)."""
        return self.outcome != "form"


def answer_shape(expected: np.ndarray) -> tuple[int, ...]:
    """The shape a student types: axes of length one (a batch of one example, a column) left out."""
    return tuple(n for n in np.shape(expected) if n != 1)


def is_diagonal(expected: np.ndarray) -> bool:
    """True for a square matrix with zeros off its diagonal (an elementwise op's Jacobian)."""
    shape = answer_shape(expected)
    if len(shape) != 2 or shape[0] != shape[1]:
        return False
    square = np.reshape(expected, shape)
    return bool(np.all(square[~np.eye(shape[0], dtype=bool)] == 0))


def form_text(expected: np.ndarray, diagonal: bool = False) -> str:
    """What the answer looks like, in words: a number, 3 numbers in brackets, a 2×3 matrix."""
    shape = answer_shape(expected)
    if not shape:
        return "a number"
    if len(shape) == 1:
        example = ", ".join(str(k + 1) for k in range(min(shape[0], 3))) + (", …" if shape[0] > 3 else "")
        return f"{shape[0]} numbers in brackets, such as [{example}]"
    size = "×".join(str(n) for n in shape)
    text = f"a {size} matrix, row by row: [[…], […]] or [… ; …]"
    return text + f", or just its diagonal ({shape[0]} numbers)" if diagonal else text


def _entry_ok(answer: np.ndarray, expected: np.ndarray, tol: Tolerance) -> np.ndarray:
    """Per entry: within the relative tolerance, or equal to `digits` significant digits, or 0 up to rounding."""
    diff = np.abs(answer - expected)
    scale = np.abs(expected)
    with np.errstate(divide="ignore"):
        exponent = np.floor(np.log10(np.where(scale > 0, scale, 1.0)))
    half_unit = 0.5 * np.power(10.0, exponent - tol.digits + 1) * (1 + 1e-9)
    return (diff <= tol.relative * scale) | ((scale > 0) & (diff <= half_unit)) | (diff <= ABSOLUTE)


def _compare(answer: np.ndarray, expected: np.ndarray, tol: Tolerance, diagonal: bool) -> np.ndarray | None:
    """Per-entry verdicts when the answer has the expected form, else None."""
    want = np.reshape(expected, answer_shape(expected))
    if answer.size == want.size and (answer.ndim <= 1 or answer.squeeze().shape == want.shape):
        return _entry_ok(np.reshape(answer, -1), np.reshape(want, -1), tol)
    if diagonal and answer.size == want.shape[0] and answer.squeeze().ndim <= 1:
        return _entry_ok(np.reshape(answer, -1), np.diag(want), tol)
    return None


def _near_miss(answer: np.ndarray, expected: np.ndarray, tol: Tolerance) -> str:
    """A word on what went wrong where it is clear: the sign, or the decimal point."""
    flat_answer, flat_expected = np.reshape(answer, -1), np.reshape(expected, -1)
    if flat_answer.size == flat_expected.size and np.all(_entry_ok(-flat_answer, flat_expected, tol)):
        return "check the sign"
    if flat_answer.size == flat_expected.size == 1 and flat_answer[0] != 0 and flat_expected[0] != 0:
        ratio = abs(float(flat_answer[0]) / float(flat_expected[0]))
        power = round(math.log10(ratio))
        if power != 0 and abs(ratio / 10.0**power - 1) <= tol.relative:
            return f"off by a factor of 10^{power}: check the decimal point"
    return ""


def check_answer(answer: np.ndarray, expected: np.ndarray, tol: Tolerance, diagonal: bool = False,
                 others: Mapping[str, np.ndarray] | None = None) -> Verdict:
    """Judge `answer` against `expected`; `others` names quantities a student may give by mistake."""
    answer = np.asarray(answer, dtype=np.float64)
    ok = _compare(answer, expected, tol, diagonal)
    if ok is None:
        return Verdict("form", f"expected {form_text(expected, diagonal)}; you typed "
                               f"{_typed_form(answer)}")
    if np.all(ok):
        return Verdict("right")
    for name, value in (others or {}).items():
        other = _compare(answer, value, tol, False)
        if other is not None and np.all(other):
            return Verdict("wrong", f"that is {name}")
    miss = _near_miss(answer, expected if answer.size == np.size(expected) else np.diag(
        np.reshape(expected, answer_shape(expected))), tol)
    if ok.size > 1:
        wrong = [str(k + 1) for k in np.flatnonzero(~ok)]
        where = f"entr{'y' if len(wrong) == 1 else 'ies'} {', '.join(wrong)} of {ok.size}"
        return Verdict("wrong", f"not quite: {where} {'is' if len(wrong) == 1 else 'are'} off"
                                + (f"; {miss}" if miss else ""))
    return Verdict("wrong", "not quite" + (f": {miss}" if miss else ""))


def _typed_form(answer: np.ndarray) -> str:
    shape = answer.squeeze().shape
    if not shape:
        return "one number"
    if len(shape) == 1:
        return f"{shape[0]} numbers"
    return "a " + "×".join(str(n) for n in shape) + " matrix"
