"""Declarations: `x: R^{B×3}`, `y: {0,1}^B`, `t: tokens^{24}, vocab=5000`, `θ: R^3 = [1, 2, 3], seed=1`."""
from __future__ import annotations

import re
from typing import Any

from .cursor import TokenCursor
from .errors import FormulaError
from .lexer import Token
from .syntax import BATCH, REAL_TYPES, RESERVED, ROLE_FLAGS, TOKENS_TYPE, WORDS, function_table, normal_name
from .tree import Decl, Loc, TypeSpec

_DIM_CHUNK = re.compile(r"[^×xX*,\s]+")
_DIM_SEPARATOR = re.compile(r"[×xX*,]")


class DeclParser(TokenCursor):
    """Reads declaration lines, types, sizes and literal values."""

    def new_name(self, tok: Token, what: str) -> str:
        name = normal_name(tok.value)
        if tok.value in function_table() or name in function_table():
            raise tok.fail(f"{tok.value} is the name of an op; pick another name for {what}")
        if name in RESERVED:
            raise tok.fail(f"{tok.value} is a word of the formula language; pick another name for {what}")
        return name

    def decl_line(self) -> list[Decl]:
        decls = [self.decl()]
        while True:
            if self.at(","):
                if not (self.peek(1).kind == "name" and self.at(":", 2)):
                    raise self.unexpected(self.peek(1), "expected another declaration (name: type)")
                self.take()
            elif self.peek().kind == "name" and not self.at(":", 1):
                name = self.peek().value
                raise self.peek(1).fail(f"to declare {name}, write {name}: and its type, e.g. {name}: R^3")
            elif self.peek().kind != "name":
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
        raise self.unexpected(tok, "expected a type (R, R^3, R^{4×3}, {0,1} or tokens^{24})")

    def class_set(self, opening: Token) -> tuple[str, ...]:
        classes: list[str] = []
        while True:
            self.never_closed(opening)
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
                self.never_closed(opening)
                raise self.unexpected(self.peek(), f"expected , or }} to close the {{ {self.where(opening)}")
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
        raise self.unexpected(tok, "expected a size after ^, such as R^3, R^B or R^{4×3}")

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
            self.never_closed(tok)
            items = [self.literal(words, depth + 1)]
            while self.at(","):
                self.take()
                self.never_closed(tok)
                items.append(self.literal(words, depth + 1))
            self.never_closed(tok)
            self.expect("]", f"',' or ']' to close the [ {self.where(tok)}")
            return items
        raise self.unexpected(tok, "expected a number or a list such as [1, 2, 3]")


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
