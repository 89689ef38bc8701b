"""The token cursor the parsers share: look ahead, take, expect, and say what was found instead."""
from __future__ import annotations

from .errors import FormulaError
from .lexer import Token

MAX_DEPTH = 100


class TokenCursor:
    """A position in a token list, with the messages a parser gives when a token is not the expected one."""

    def __init__(self, tokens: list[Token]):
        """Start at the first token."""
        self.toks, self.k, self.depth = tokens, 0, 0

    # ----- token helpers
    def peek(self, k: int = 0) -> Token:
        return self.toks[min(self.k + k, len(self.toks) - 1)]

    def take(self) -> Token:
        tok = self.peek()
        self.k = min(self.k + 1, len(self.toks) - 1)
        return tok

    def at(self, sym: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == "sym" and tok.value == sym

    def expect(self, sym: str, what: str) -> Token:
        if not self.at(sym):
            raise self.unexpected(self.peek(), f"expected {what}")
        return self.take()

    def unexpected(self, tok: Token, hint: str = "") -> FormulaError:
        """'<hint>, found 'x'' (or ', but the line ends here') at the token."""
        if tok.kind in ("newline", "eof"):
            return tok.fail(f"{hint or 'something is missing'}, but the line ends here")
        if tok.kind == "sym" and tok.value in ")]}" and not hint:
            return tok.fail(f"this {tok.value} closes nothing that was opened")
        shown = repr("^" if tok.kind == "sup" else tok.value)
        return tok.fail(f"{hint}, found {shown}" if hint else f"unexpected {shown} here")

    def where(self, opening: Token) -> str:
        """"at col 6", or "at line 2, col 6" when the bracket opened on another line than the current token."""
        here = self.peek()
        return f"at col {opening.col}" if here.line == opening.line else f"at line {opening.line}, col {opening.col}"

    def never_closed(self, opening: Token) -> None:
        """At the end of the text inside a bracket, the error points at the bracket."""
        if self.peek().kind in ("newline", "eof"):  # inside brackets only the text's end makes one
            raise opening.fail(f"this {opening.value} is never closed")

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise tok.fail(f"the formula nests more than {MAX_DEPTH} levels deep here")
