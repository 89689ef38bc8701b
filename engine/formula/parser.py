"""Recursive-descent parser for lines and declarations, a Pratt parser for expressions; no eval, no Python ast."""
from __future__ import annotations

import re
from typing import Any

from ..registry import OPS
from .lexer import Token, tokenize
from .parse_decls import DeclParser
from .syntax import (
    INFIX_OPS, NEGATE, POWER, POWER_ATTR, PREFIX_FUNCTIONS, RESERVED, SUM, TRANSPOSE_LETTER, function_table,
    normal_name,
)
from .tree import Assign, Call, Expr, Formula, Loc, Name, Number, Product, Transposed

# binding powers: + − < × / < −x < product (juxtaposition, ·, @) < Σ x < postfix ᵀ ^
ADD, MUL, NEG, PROD, PREFIX, POSTFIX = 10, 20, 25, 30, 40, 50


def parse_formula(text: str) -> Formula:
    """The statements of `text`; FormulaError (line, column, reason) at the first problem."""
    return _Parser(tokenize(text)).formula()


class _Parser(DeclParser):
    """Lines of declarations or one assignment; expressions by binding power."""

    # ----- statements
    def formula(self) -> Formula:
        out = Formula()
        while self.peek().kind != "eof":
            if self.peek().kind == "newline":
                self.take()
                continue
            first, second = self.peek(), self.peek(1)
            if first.kind == "name" and second.kind == "sym" and second.value == ":":
                out.statements.extend(self.decl_line())
            elif first.kind == "name" and second.kind == "sym" and second.value == "=":
                out.statements.append(self.assignment())
            elif first.kind == "name":
                raise second.fail(f"expected ':' (to declare {first.value}) or '=' (to assign it) after {first.value}")
            else:
                raise first.fail("a line starts with a name: 'x: R^3' declares x, 'a = σ(W x)' assigns a")
            self.end_of_line()
        return out

    def end_of_line(self) -> None:
        tok = self.peek()
        if tok.kind not in ("newline", "eof"):
            if tok.kind == "sym" and tok.value == "=":
                raise tok.fail("one line holds one assignment; start a new line (or write ;) for the next")
            raise self.unexpected(tok)

    def assignment(self) -> Assign:
        tok = self.take()
        target = self.new_name(tok, "this result")
        self.take()  # "="
        return Assign(target, self.expr(), Loc(tok.line, tok.col))

    # ----- expressions (Pratt)
    def expr(self, rbp: int = 0) -> Expr:
        self.enter(self.peek())
        left = self.prefix()
        while self.binding(self.peek()) > rbp:
            left = self.infix(left)
        self.depth -= 1
        return left

    def binding(self, tok: Token) -> int:
        if tok.kind == "sup":
            return POSTFIX
        if tok.kind in ("name", "number"):
            return PROD  # juxtaposition: W x
        if tok.kind != "sym":
            return 0
        return {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "@": PROD, "(": PROD, "[": PROD, "Σ": PROD,
                "ᵀ": POSTFIX, "^": POSTFIX}.get(tok.value, 0)

    def infix(self, left: Expr) -> Expr:
        tok = self.peek()
        loc = Loc(tok.line, tok.col)
        if tok.kind == "sym" and tok.value in INFIX_OPS:
            self.take()
            return Call(INFIX_OPS[tok.value], [left, self.expr(self.binding(tok))], loc=loc)
        if tok.kind == "sym" and tok.value == "@":
            self.take()
            return Product(left, self.expr(PROD), loc)
        if tok.kind == "sym" and tok.value == "ᵀ":
            self.take()
            return Transposed(left, loc)
        if tok.kind == "sup" or (tok.kind == "sym" and tok.value == "^"):
            return self.superscript(left)
        return Product(left, self.expr(PROD), loc)  # juxtaposition: located at the right operand

    def superscript(self, left: Expr) -> Expr:
        tok = self.take()
        loc = Loc(tok.line, tok.col)
        if tok.kind == "sym":  # ^ then T, a number or −number
            nxt = self.take()
            text = nxt.value
            if nxt.kind == "sym" and nxt.value == "-" and self.peek().kind == "number":
                text = "-" + self.take().value
            elif nxt.kind not in ("name", "number"):
                raise self.unexpected(nxt, "after ^ write T (transpose) or a number (a power)")
        else:
            text = tok.value.strip().replace("−", "-")
        if text == TRANSPOSE_LETTER:
            return Transposed(left, loc)
        if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
            raise tok.fail(f"after ^ write T (transpose) or a number (a power), not {text!r}")
        return Call(POWER, [left], attrs={POWER_ATTR: float(text)}, loc=loc, attr_locs={POWER_ATTR: loc})

    def prefix(self) -> Expr:
        tok = self.take()
        loc = Loc(tok.line, tok.col)
        if tok.kind == "number":
            return Number(float(tok.value), loc)
        if tok.kind == "name":
            return self.name_or_call(tok)
        if tok.kind == "sym" and tok.value == "-":
            if self.peek().kind == "number":
                return Number(-float(self.take().value), loc)
            return Call(NEGATE, [self.expr(NEG - 1)], loc=loc)
        if tok.kind == "sym" and tok.value == "(":
            self.never_closed(tok)
            inner = self.expr()
            self.never_closed(tok)
            self.expect(")", f"')' to close the ( {self.where(tok)}")
            return inner
        if tok.kind == "sym" and tok.value == "[":
            return self.stack(tok)
        if tok.kind == "sym" and tok.value == "Σ":
            return self.call_or_prefix(tok, SUM)
        raise self.unexpected(tok, "expected a name, a number, ( or [")

    def stack(self, opening: Token) -> Expr:
        self.never_closed(opening)
        items = [self.expr()]
        while self.at(";"):
            self.take()
            items.append(self.expr())
        self.never_closed(opening)
        if self.at(","):
            raise self.peek().fail("write [a; b] with ; to stack two arrays")
        self.expect("]", f"';' or ']' to close the [ {self.where(opening)}")
        if len(items) < 2:
            raise opening.fail("[a; b] stacks two or more arrays; one alone needs no brackets")
        out = items[0]
        for item in items[1:]:
            out = Call("Concat", [out, item], loc=Loc(opening.line, opening.col))
        return out

    def name_or_call(self, tok: Token) -> Expr:
        op = function_table().get(tok.value)
        if op is not None:
            return self.call_or_prefix(tok, op)
        if tok.value in RESERVED:
            raise tok.fail(f"{tok.value} is a word of the formula language, not a value")
        return Name(normal_name(tok.value), Loc(tok.line, tok.col))

    def call_or_prefix(self, tok: Token, op: str) -> Call:
        loc = Loc(tok.line, tok.col)
        if self.at("("):
            return self.call(tok, op)
        if tok.value in PREFIX_FUNCTIONS:
            return Call(op, [self.expr(PREFIX)], loc=loc)
        raise self.peek().fail(f"{tok.value} is an op: write {tok.value}(…) with its inputs in parentheses")

    def call(self, tok: Token, op_name: str) -> Call:
        opening = self.take()
        call = Call(op_name, [], loc=Loc(tok.line, tok.col))
        op = OPS[op_name]
        while not self.at(")"):
            self.never_closed(opening)
            key = self.peek()
            if key.kind == "name" and self.at("=", 1):
                self.keyword(call, op, key)
            elif call.ports or call.attrs:
                raise key.fail("inputs by position come before key=value ones")
            else:
                call.args.append(self.expr())
            if self.at(","):
                self.take()
            elif not self.at(")"):
                self.never_closed(opening)
                raise self.unexpected(self.peek(), f"expected ',' or ')' to close the ( {self.where(opening)}")
        self.take()
        return call

    def keyword(self, call: Call, op: Any, key: Token) -> None:
        self.take()
        self.take()  # "="
        if key.value in call.ports or key.value in call.attrs:
            raise key.fail(f"{key.value} is given twice")
        if key.value in op.port_names():
            call.ports[key.value] = self.expr()
        elif any(a.name == key.value for a in op.attr_specs):
            call.attr_locs[key.value] = Loc(key.line, key.col)
            call.attrs[key.value] = self.literal(words=True)
        else:
            ports = ", ".join(op.port_names()) or "none"
            attrs = ", ".join(a.name for a in op.attr_specs) or "none"
            raise key.fail(f"{key.value} is neither an input ({ports}) nor an attribute ({attrs}) of this op")
