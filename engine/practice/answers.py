"""Reading typed answers: numbers as students write them, and small vectors and matrices in brackets.

Accepted: 0.1667, .5, -3e-2, 3·10⁻², 3×10^-2, −0.5 (a true minus or a dash), 1/6, -1/6, [1, 2], [1 2], (1, 2),
[[1, 2], [3, 4]] and [1, 2; 3, 4]. No expression is evaluated: a number, or one fraction, per entry.
Anything else raises AnswerError saying what is wrong and where (by character position).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

MAX_CHARS = 2000
MAX_ENTRIES = 400
MAX_DEPTH = 3  # a matrix of matrices at most
MINUS_SIGNS = "-−–‐"  # hyphen-minus, the true minus, an en dash, a hyphen
_SUPER_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SIGN = "[+" + re.escape(MINUS_SIGNS) + "]"  # escaped: a bare "+-−" in brackets would be a range
_NUMBER = re.compile(
    r"(?P<mantissa>\d+(?:\.\d*)?|\.\d+)"
    r"(?:[eE](?P<e>" + _SIGN + r"?\d+)"
    r"|\s*[·×*]\s*10(?:\^\(?(?P<caret>" + _SIGN + r"?\d+)\)?|\*\*(?P<power>" + _SIGN + r"?\d+)"
    r"|(?P<sup>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?")
_PUNCT = {"[": "open", "(": "open", "]": "close", ")": "close", ",": "comma", ";": "semicolon", "/": "slash"}
_CLOSING = {"[": "]", "(": ")"}


class AnswerError(ValueError):
    """A typed answer that cannot be read; the message says what is wrong and where."""


@dataclass(frozen=True)
class Token:
    """One piece of an answer: a number, a sign or a bracket, and where it starts (0-based)."""

    kind: str  # number, sign, open, close, comma, semicolon, slash
    text: str
    pos: int
    value: float = 0.0


def _number_value(match: re.Match) -> float:
    exponent = match.group("e") or match.group("caret") or match.group("power")
    if exponent is None and match.group("sup"):
        exponent = match.group("sup").translate(_SUPER_DIGITS)
    exponent = (exponent or "0").translate(str.maketrans(MINUS_SIGNS, "----"))
    digits = exponent.lstrip("+-")
    if len(digits) > 5:  # 1e-999999 is 0 and 1e999999 is ∞ either way; keep float() from long work
        digits = "99999"
    sign = "-" if exponent.startswith("-") else ""
    return float(f"{match.group('mantissa')}e{sign}{digits}")


def tokens(text: str) -> list[Token]:
    """The tokens of an answer; AnswerError at the first character that belongs to no number."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        match = _NUMBER.match(text, pos)
        if match:
            out.append(Token("number", match.group(0), pos, _number_value(match)))
            pos = match.end()
        elif char in MINUS_SIGNS or char == "+":
            out.append(Token("sign", char, pos))
            pos += 1
        elif char in _PUNCT:
            out.append(Token(_PUNCT[char], char, pos))
            pos += 1
        else:
            raise AnswerError(f"character {pos + 1}: cannot read {char!r} in a number; "
                              "type a number such as 0.1667, 1/6 or −3e-2")
    return out


class _Reader:
    """A recursive-descent reader over the tokens: answer := scalar | list; list := open items close."""

    def __init__(self, toks: list[Token], length: int):
        self.toks, self.k, self.length = toks, 0, length

    def peek(self) -> Token | None:
        return self.toks[self.k] if self.k < len(self.toks) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise AnswerError(f"character {self.length + 1}: the answer ends too early")
        self.k += 1
        return tok

    def scalar(self) -> float:
        numerator = self.signed()
        after = self.peek()
        if after is not None and after.kind == "slash":
            slash = self.take()
            denominator = self.signed()
            if denominator == 0:
                raise AnswerError(f"character {slash.pos + 1}: division by zero")
            return numerator / denominator
        return numerator

    def signed(self) -> float:
        sign = 1.0
        tok = self.take()
        if tok.kind == "sign":
            sign = -1.0 if tok.text in MINUS_SIGNS else 1.0
            tok = self.take()
            if tok.kind == "sign":
                raise AnswerError(f"character {tok.pos + 1}: two signs in a row")
        if tok.kind != "number":
            raise AnswerError(f"character {tok.pos + 1}: expected a number, found {tok.text!r}")
        return sign * tok.value

    def items(self, opener: Token, depth: int) -> list:
        """Entries up to the matching bracket; `;` closes a row, as in [1, 2; 3, 4]."""
        if depth > MAX_DEPTH:
            raise AnswerError(f"character {opener.pos + 1}: brackets nested more than {MAX_DEPTH} deep")
        rows: list[list] = [[]]
        while True:
            tok = self.peek()
            if tok is None:
                raise AnswerError(f"character {opener.pos + 1}: {opener.text!r} is never closed "
                                  f"(add {_CLOSING[opener.text]!r})")
            if tok.kind == "close":
                self.take()
                if tok.text != _CLOSING[opener.text]:
                    raise AnswerError(f"character {tok.pos + 1}: {tok.text!r} closes {opener.text!r} "
                                      f"from character {opener.pos + 1}")
                return rows[0] if len(rows) == 1 else rows
            if tok.kind in ("comma", "semicolon"):
                self.take()
                if tok.kind == "semicolon" and rows[-1]:
                    rows.append([])
                continue
            rows[-1].append(self.element(depth + 1))

    def element(self, depth: int = 1) -> float | list:
        tok = self.peek()
        if tok is not None and tok.kind == "open":
            return self.items(self.take(), depth)
        return self.scalar()


def _shape_error(nested: list) -> str | None:
    """None when the nested lists are rectangular (numbers at one depth), else what is wrong."""
    try:
        np.array(nested, dtype=np.float64)
    except ValueError:
        return "the rows have different lengths"
    return None


def _top_level_error(toks: list[Token], reader: _Reader) -> AnswerError:
    extra = reader.peek()
    assert extra is not None
    if extra.kind == "comma" and len(toks) == 3 and toks[0].kind == toks[2].kind == "number":
        return AnswerError(f"character {extra.pos + 1}: use a point for decimals ({toks[0].text}.{toks[2].text}); "
                           f"a vector goes in brackets: [{toks[0].text}, {toks[2].text}]")
    if extra.kind in ("number", "sign", "comma", "open"):
        return AnswerError(f"character {extra.pos + 1}: more than one number; put a vector in brackets, "
                           "such as [1, 2]")
    return AnswerError(f"character {extra.pos + 1}: unexpected {extra.text!r} after the answer")


def parse_answer(text: str) -> np.ndarray:
    """The typed answer as a float array (0-d for a number); AnswerError says what cannot be read and where."""
    if not isinstance(text, str):
        raise AnswerError("the answer must be text")
    if len(text) > MAX_CHARS:
        raise AnswerError(f"the answer is {len(text)} characters long; at most {MAX_CHARS} are read")
    body = text.strip()
    offset = len(text) - len(text.lstrip())
    if body.startswith("="):  # "= 0.5", as the labels write it
        body, offset = body[1:], offset + 1
    if not body.strip():
        raise AnswerError("type an answer first")
    toks = [Token(t.kind, t.text, t.pos + offset, t.value) for t in tokens(body)]
    reader = _Reader(toks, len(text))
    value = reader.element()
    if reader.peek() is not None:
        raise _top_level_error(toks, reader)
    if isinstance(value, list):
        problem = _shape_error(value)
        if problem:
            raise AnswerError(f"the brackets do not make a vector or a matrix: {problem}")
    arr = np.asarray(value, dtype=np.float64)
    if arr.size == 0:
        raise AnswerError("the brackets are empty; type the numbers inside them")
    if arr.size > MAX_ENTRIES:
        raise AnswerError(f"{arr.size} numbers are more than the {MAX_ENTRIES} an answer may have")
    if not np.all(np.isfinite(arr)):
        raise AnswerError("a number is too large (it would be infinite)")
    return arr


def format_answer(value: np.ndarray, digits: int = 4) -> str:
    """A value written as an answer would be typed: 0.1667, [0.5, −1], [[1, 0], [0, 1]] (true minus signs)."""
    arr = np.asarray(value, dtype=np.float64)

    def one(x: float) -> str:
        if x == 0 or not math.isfinite(x):
            return "0" if x == 0 else str(x)
        text = f"{x:.{digits}g}"
        return text.replace("-", "−")

    def nested(a: np.ndarray) -> str:
        if a.ndim == 0:
            return one(float(a))
        return "[" + ", ".join(nested(row) for row in a) + "]"

    return nested(arr)
