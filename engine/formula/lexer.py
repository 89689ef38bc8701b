"""Tokens of a formula, each with its line and column; Unicode symbols and their ASCII spellings agree."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FormulaError
from .syntax import MAX_NAME_CHARS, SUPERSCRIPTS, SYMBOL_SPELLINGS, is_name_char, is_name_start

MAX_TEXT_CHARS = 100_000
MAX_NUMBER_CHARS = 40
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SYMBOLS = frozenset("()[]{},;:=+-*/@^Σᵀ")
_DIGITS = frozenset("0123456789")
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


@dataclass(frozen=True)
class Token:
    """One token: kind is name, number, sup (a superscript or ^{…}), sym, newline or eof."""

    kind: str
    value: str
    line: int
    col: int

    def fail(self, reason: str) -> FormulaError:
        """A FormulaError located at this token."""
        return FormulaError(self.line, self.col, reason)


class _Scanner:
    def __init__(self, text: str):
        self.text, self.i, self.line, self.col = text, 0, 1, 1
        self.depth = 0
        self.tokens: list[Token] = []

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.text[self.i] == "\n":
                self.line, self.col = self.line + 1, 1
            else:
                self.col += 1
            self.i += 1

    def emit(self, kind: str, value: str, line: int, col: int) -> None:
        self.tokens.append(Token(kind, value, line, col))

    def fail(self, reason: str) -> FormulaError:
        return FormulaError(self.line, self.col, reason)


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`; FormulaError at the first character that no token can start with."""
    if len(text) > MAX_TEXT_CHARS:
        raise FormulaError(1, 1, f"the formula has {len(text)} characters; at most {MAX_TEXT_CHARS} are read")
    s = _Scanner(text)
    while s.i < len(text):
        _one(s)
    s.emit("newline", "\n", s.line, s.col)
    s.emit("eof", "", s.line, s.col)
    return s.tokens


def _one(s: _Scanner) -> None:
    ch = s.peek()
    if ch == "#":
        while s.peek() not in ("", "\n"):
            s.advance()
    elif ch in "\n\r":
        if ch == "\n" and s.depth == 0:
            s.emit("newline", "\n", s.line, s.col)
        s.advance()
    elif ch.isspace():
        s.advance()
    elif ch in _DIGITS or (ch == "." and s.peek(1) in _DIGITS and s.peek(1)):
        _number(s)
    elif is_name_start(ch):
        _name(s)
    elif ch in SUPERSCRIPTS:
        line, col, value = s.line, s.col, ""
        while s.peek() and s.peek() in SUPERSCRIPTS:
            value += SUPERSCRIPTS[s.peek()]
            s.advance()
        s.emit("sup", value, line, col)
    elif ch == "^":
        _caret(s)
    else:
        _symbol(s, SYMBOL_SPELLINGS.get(ch, ch))


def _number(s: _Scanner) -> None:
    match = _NUMBER.match(s.text, s.i)
    assert match is not None  # the caller saw a digit
    if len(match.group()) > MAX_NUMBER_CHARS:
        raise s.fail(f"this number has more than {MAX_NUMBER_CHARS} characters")
    s.emit("number", match.group(), s.line, s.col)
    s.advance(len(match.group()))


def _name(s: _Scanner) -> None:
    line, col, start = s.line, s.col, s.i
    s.advance()
    while s.peek() and is_name_char(s.peek()):
        s.advance()
    name = s.text[start:s.i]
    if len(name) > MAX_NAME_CHARS:
        raise FormulaError(line, col, f"a name may have at most {MAX_NAME_CHARS} characters")
    s.emit("name", name, line, col)


def _caret(s: _Scanner) -> None:
    """^ alone, or ^{…} read whole as one superscript (its inside is a shape or an exponent)."""
    line, col = s.line, s.col
    k = 1
    while s.peek(k) in (" ", "\t"):
        k += 1
    if s.peek(k) != "{":
        s.emit("sym", "^", line, col)
        s.advance()
        return
    s.advance(k + 1)
    inner_line, inner_col, start = s.line, s.col, s.i
    while s.peek() not in ("}", "", "\n"):
        s.advance()
    if s.peek() != "}":
        raise FormulaError(line, col, "this ^{ is not closed by } on the same line")
    s.emit("sup", s.text[start:s.i], inner_line, inner_col)
    s.advance()


def _symbol(s: _Scanner, sym: str) -> None:
    if sym not in _SYMBOLS:
        raise s.fail(f"unexpected character {s.peek()!r}")
    if sym == ";" and s.depth == 0:  # outside brackets ; ends a line, so a formula fits one command-line argument
        s.emit("newline", ";", s.line, s.col)
        s.advance()
        return
    if sym in _OPEN:
        s.depth += 1
    elif sym in _CLOSE:
        s.depth = max(0, s.depth - 1)
    s.emit("sym", sym, s.line, s.col)
    s.advance()
