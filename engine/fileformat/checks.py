"""Small validators for parsed JSON; each raises FileFormatError naming the location (`where`)."""
from __future__ import annotations

import math
import re
from typing import Any

from ..names import MAX_NAME_CHARS, name_problem
from .errors import MAX_DEPTH, MAX_ID_CHARS, MAX_TEXT_CHARS, FileFormatError

_ID = re.compile(r"[A-Za-z0-9_.\-]+")


def kind_of(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r:.40}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def fail(where: str, message: str) -> FileFormatError:
    """An error whose message starts with the location."""
    return FileFormatError(f"{where}: {message}" if where else message)


def expect_dict(value: Any, where: str) -> dict:
    """`value` if it is a JSON object."""
    if not isinstance(value, dict):
        raise fail(where, f"expected an object, got {kind_of(value)}")
    return value


def expect_list(value: Any, where: str, limit: int) -> list:
    """`value` if it is a JSON list of at most `limit` items."""
    if not isinstance(value, list):
        raise fail(where, f"expected a list, got {kind_of(value)}")
    if len(value) > limit:
        raise fail(where, f"has {len(value)} items, more than the limit of {limit}")
    return value


def expect_keys(d: dict, where: str, required: tuple, optional: tuple = ()) -> None:
    """Every required key is there and no key is unknown."""
    for key in required:
        if key not in d:
            raise fail(where, f"missing the key '{key}'")
    unknown = [k for k in d if k not in required and k not in optional]
    if unknown:
        allowed = ", ".join(required + optional)
        raise fail(where, f"unknown key '{str(unknown[0])[:40]}' (allowed: {allowed})")


def expect_str(value: Any, where: str, limit: int = MAX_TEXT_CHARS, empty: bool = True) -> str:
    """`value` if it is a text of at most `limit` characters."""
    if not isinstance(value, str):
        raise fail(where, f"expected a text, got {kind_of(value)}")
    if len(value) > limit:
        raise fail(where, f"text of {len(value)} characters is longer than the limit of {limit}")
    if not empty and not value.strip():
        raise fail(where, "expected a non-empty text")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise fail(where, "the text is not valid Unicode (a lone surrogate)") from None
    return value


def expect_id(value: Any, where: str) -> str:
    """`value` if it is a valid id (letters, digits, _ . -)."""
    text = expect_str(value, where, MAX_ID_CHARS, empty=False)
    if not _ID.fullmatch(text):
        raise fail(where, f"id {text!r} may only use letters, digits, '_', '.' and '-'")
    return text


def expect_name(value: Any, where: str) -> str:
    """`value` if it is a valid node name (engine.names: printable, one line, visible, not too long)."""
    text = expect_str(value, where, MAX_NAME_CHARS)
    problem = name_problem(text)
    if problem:
        raise fail(where, problem)
    return text


def expect_number(value: Any, where: str, low: float | None = None, high: float | None = None,
                  positive: bool = False) -> float:
    """`value` as a finite float within [low, high] (and > 0 if positive)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(where, f"expected a number, got {kind_of(value)}")
    if isinstance(value, int) and abs(value) > 1e300:
        raise fail(where, "number is too large")
    number = float(value)
    if not math.isfinite(number):
        raise fail(where, f"expected a finite number, got {number}")
    if positive and number <= 0:
        raise fail(where, f"expected a positive number, got {number:g}")
    if low is not None and number < low:
        raise fail(where, f"expected a number ≥ {low:g}, got {number:g}")
    if high is not None and number > high:
        raise fail(where, f"expected a number ≤ {high:g}, got {number:g}")
    return number


def expect_int(value: Any, where: str, low: int = 0, high: int = 2**31) -> int:
    """`value` if it is a whole number within [low, high]."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= high:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(where, f"expected a whole number, got {kind_of(value)}")
    if not low <= value <= high:
        word = "a positive whole number" if low == 1 and value < low else f"a whole number from {low} to {high}"
        raise fail(where, f"expected {word}, got {value if abs(value) < 10**20 else 'a huge number'}")
    return value


def check_plain(value: Any, where: str, depth: int = 0) -> None:
    """A JSON value of bounded depth with finite numbers and bounded texts (for free-form meta)."""
    if depth > MAX_DEPTH:
        raise fail(where, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            expect_str(key, where, 200)
            check_plain(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        expect_list(value, where, 1_000_000)
        for k, item in enumerate(value):
            check_plain(item, f"{where}[{k}]", depth + 1)
    elif isinstance(value, str):
        expect_str(value, where, 100_000)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        expect_number(value, where)
    elif value is not None and not isinstance(value, bool):
        raise fail(where, f"unexpected value {kind_of(value)}")
