"""Recursive-descent parser for declarations and a Pratt parser for expressions; no eval, no Python ast."""
from __future__ import annotations

import re
from typing import Any

from ..registry import OPS
from .errors import FormulaError
from .lexer import Token, tokenize
from .syntax import (
    BATCH, INFIX_OPS, NEGATE, POWER, POWER_ATTR, PREFIX_FUNCTIONS, REAL_TYPES, RESERVED, ROLE_FLAGS, SUM,
    TOKENS_TYPE, TRANSPOSE_LETTER, WORDS, function_table, normal_name,
)
from .tree import Assign, Call, Decl, Expr, Formula, Loc, Name, Number, Product, Transposed, TypeSpec

MAX_DEPTH = 100
# binding powers: + − < × / < −x < product (juxtaposition, ·, @) < Σ x < postfix ᵀ ^
ADD, MUL, NEG, PROD, PREFIX, POSTFIX = 10, 20, 25, 30, 40, 50
_DIM_CHUNK = re.compile(r"[^×xX*,\s]+")
_DIM_SEPARATOR = re.compile(r"[×xX*,]")


def parse_formula(text: str) -> Formula:
    """The statements of `text`; FormulaError (line, column, reason) at the first problem."""
    return _Parser(tokenize(text)).formula()


def parse_expression(text: str) -> Expr:
    """One expression, e.g. "σ(W x)" (used to read region titles back)."""
    parser = _Parser(tokenize(text))
    expr = parser.expr()
    parser.end_of_line()
    return expr


class _Parser:
    def __init__(self, tokens: list[Token]):
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
        if tok.kind in ("newline", "eof"):
            return tok.fail(f"{hint or 'unexpected'} but the line ends here")
        shown = {"sup": "^"}.get(tok.kind, tok.value)
        if tok.kind == "sym" and tok.value in ")]}":
            return tok.fail(f"this {tok.value} closes nothing that was opened")
        return tok.fail(f"{hint or 'unexpected'} {shown!r}" if hint else f"unexpected {shown!r} here")

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise tok.fail(f"the formula nests more than {MAX_DEPTH} levels deep here")

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
                raise tok.fail("one line holds one assignment; start a new line for the next")
            raise self.unexpected(tok)

    def new_name(self, tok: Token, what: str) -> str:
        name = normal_name(tok.value)
        if tok.value in function_table() or name in function_table():
            raise tok.fail(f"{tok.value} is the name of an op; pick another name for {what}")
        if name in RESERVED:
            raise tok.fail(f"{tok.value} is a word of the formula language; pick another name for {what}")
        return name

    def assignment(self) -> Assign:
        tok = self.take()
        target = self.new_name(tok, "this result")
        self.take()  # "="
        return Assign(target, self.expr(), Loc(tok.line, tok.col))

    def decl_line(self) -> list[Decl]:
        decls = [self.decl()]
        while True:
            if self.at(",") or self.at(";"):
                if not (self.peek(1).kind == "name" and self.at(":", 2)):
                    raise self.unexpected(self.peek(1), "expected another declaration (name: type)")
                self.take()
            elif not (self.peek().kind == "name" and self.at(":", 1)):
                return decls
            decls.append(self.decl())

    def decl(self) -> Decl:
        tok = self.take()
        name = self.new_name(tok, "a declaration")
        self.take()  # ":"
        decl = Decl(name, self.type_spec(), loc=Loc(tok.line, tok.col))
        if self.at("="):
            self.take()
            decl.literal_loc = Loc(self.peek().line, self.peek().col)
            decl.literal = self.literal(words=True)
        while self.at(",") and not (self.peek(1).kind == "name" and self.at(":", 2)):
            self.take()
            self.option(decl)
        if self.at("="):
            raise self.peek().fail("a value comes right after the type, before any option: "
                                   "x: R^3 = [1, 2, 3], input")
        return decl

    def option(self, decl: Decl) -> None:
        tok = self.take()
        if tok.kind != "name":
            raise self.unexpected(tok, "expected an option such as seed=1, or a role (input, param, const)")
        if self.at("="):
            self.take()
            if tok.value in decl.options:
                raise tok.fail(f"{tok.value} is given twice")
            decl.option_locs[tok.value] = Loc(tok.line, tok.col)
            decl.options[tok.value] = self.literal(words=True)
        elif tok.value in ROLE_FLAGS:
            decl.flags += (tok.value,)
            decl.option_locs[tok.value] = Loc(tok.line, tok.col)
        else:
            raise tok.fail(f"unknown option '{tok.value}': write key=value (e.g. seed=1) or a role "
                           f"({', '.join(sorted(set(ROLE_FLAGS)))})")

    # ----- types and literals
    def type_spec(self) -> TypeSpec:
        tok = self.take()
        loc = Loc(tok.line, tok.col)
        if tok.kind == "name" and tok.value in REAL_TYPES:
            return TypeSpec("real", self.dims(), loc=loc)
        if tok.kind == "name" and tok.value == TOKENS_TYPE:
            return TypeSpec("tokens", self.dims(), loc=loc)
        if tok.kind == "sym" and tok.value == "{":
            classes = self.class_set(tok)
            dims = self.dims()
            if dims not in ((), (None,)):
                raise tok.fail("class labels take no shape; write {0,1} for one label or {0,1}^B for a batch")
            return TypeSpec("labels", dims, classes, loc)
        raise self.unexpected(tok, "expected a type (R, R^3, R^{4×3}, {0,1} or tokens^{24}), found")

    def class_set(self, opening: Token) -> tuple[str, ...]:
        classes: list[str] = []
        while True:
            tok = self.take()
            if tok.kind not in ("name", "number"):
                raise self.unexpected(tok, "expected a class (a number or a name)")
            if tok.value in classes:
                raise tok.fail(f"class {tok.value} is listed twice")
            classes.append(tok.value)
            if self.at("}"):
                self.take()
                break
            if not self.at(","):
                raise self.unexpected(self.peek(), f"expected , or }} to close the {{ at col {opening.col}")
            self.take()
        numbered = [str(k) for k in range(len(classes))]
        if any(c[0].isdigit() for c in classes) and classes != numbered:
            raise opening.fail(f"numbered classes count from 0: write {{{','.join(numbered)}}}")
        return tuple(classes)

    def dims(self) -> tuple:
        tok = self.peek()
        if tok.kind == "sup":
            self.take()
            return _dims_from_text(tok)
        if not self.at("^"):
            return ()
        self.take()
        tok = self.take()
        if tok.kind == "number" or (tok.kind == "name" and tok.value == BATCH):
            return _dims_from_text(tok)
        raise self.unexpected(tok, "expected a size after ^, such as R^3, R^B or R^{4×3}; found")

    def literal(self, words: bool = False, depth: int = 0) -> Any:
        tok = self.take()
        if depth > 6:
            raise tok.fail("a list of numbers nests at most 6 deep")
        if tok.kind == "number":
            return _number(tok.value)
        if tok.kind == "sym" and tok.value == "-" and self.peek().kind == "number":
            return -_number(self.take().value)
        if tok.kind == "name" and words:
            return WORDS.get(tok.value, tok.value)
        if tok.kind == "sym" and tok.value == "[":
            items = [self.literal(words, depth + 1)]
            while self.at(","):
                self.take()
                items.append(self.literal(words, depth + 1))
            self.expect("]", f"',' or ']' to close the [ at col {tok.col}")
            return items
        raise self.unexpected(tok, "expected a number or a list such as [1, 2, 3]; found")

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
                raise self.unexpected(nxt, "after ^ write T (transpose) or a number (a power); found")
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
            inner = self.expr()
            self.expect(")", f"')' to close the ( at line {tok.line}, col {tok.col}")
            return inner
        if tok.kind == "sym" and tok.value == "[":
            return self.stack(tok)
        if tok.kind == "sym" and tok.value == "Σ":
            return self.call_or_prefix(tok, SUM)
        raise self.unexpected(tok, "expected a name, a number, ( or [; found")

    def stack(self, opening: Token) -> Expr:
        items = [self.expr()]
        while self.at(";"):
            self.take()
            items.append(self.expr())
        if self.at(","):
            raise self.peek().fail("write [a; b] with ; to stack two arrays")
        self.expect("]", f"';' or ']' to close the [ at col {opening.col}")
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
                raise self.unexpected(self.peek(), f"expected ',' or ')' to close the ( at col {opening.col}")
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


def _number(text: str) -> int | float:
    """Whole numbers stay ints (sizes, seeds), the rest are floats."""
    return int(text) if re.fullmatch(r"[0-9]+", text) else float(text)


def _dims_from_text(tok: Token) -> tuple:
    """3, B, 4×3, B×24 (also 4x3, 4,3, 4*3, 4 \\times 3) with B only first; sizes from 1 to 1000000."""
    text = tok.value.replace("\\times", "×     ")  # same length, so columns stay right
    dims: list[int | None] = []
    end = 0
    for k, chunk in enumerate(_DIM_CHUNK.finditer(text)):
        col = tok.col + chunk.start()
        gap = text[end:chunk.start()]
        if (k and len(_DIM_SEPARATOR.findall(gap)) != 1) or (not k and gap.strip()):
            raise FormulaError(tok.line, col, "write sizes with × between them, such as {4×3}")
        end = chunk.end()
        if chunk.group() == BATCH:
            if k:
                raise FormulaError(tok.line, col, "B (the batch axis) can only come first")
            dims.append(None)
        elif re.fullmatch(r"[0-9]{1,7}", chunk.group()) and 1 <= int(chunk.group()) <= 1_000_000:
            dims.append(int(chunk.group()))
        else:
            raise FormulaError(tok.line, col, f"expected a size from 1 to 1000000 or B, found {chunk.group()!r}")
    if not dims or text[end:].strip():
        raise FormulaError(tok.line, tok.col + end, "expected a size such as 3, or sizes such as 4×3")
    if len(dims) > 5 or len([d for d in dims if d is not None]) > 4:
        raise tok.fail("a shape has at most 4 sizes (and B)")
    return tuple(dims)
