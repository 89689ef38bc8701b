"""The rules for node names and region titles, used by the file loader, the graph model (so the editor) and importers.

A name is what a lecturer reads on the canvas and what the exporters write into code and pictures, so
it must be printable text on one line: no control or format characters (newlines, NUL, bidi overrides,
zero-width spaces), not made only of invisible characters, and at most MAX_NAME_CHARS characters.
"""
from __future__ import annotations

import unicodedata

MAX_NAME_CHARS = 60
MAX_TITLE_CHARS = 80  # a region title is read on the canvas, above its box

# Letters and signs that print as nothing although Unicode calls them printable (Hangul fillers, the blank
# braille pattern); a name made only of them, spaces and combining marks would be an invisible box.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Mn", "Me")


def printable(text: str) -> str:
    """`text` with every unprintable character (newline, NUL, bidi override, lone surrogate) written as an
    escape such as \\x00, so it shows on one line and any writer can encode it."""
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def shown(text: str, limit: int = 40) -> str:
    """A name or text quoted for a one-line message: control characters escaped, long text cut."""
    return "'" + printable(text[:limit]) + ("…" if len(text) > limit else "") + "'"


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def name_problem(name: object) -> str | None:
    """Why `name` cannot name a node, in words, or None when it can."""
    if not isinstance(name, str):
        return f"a name must be text, not {type(name).__name__}"
    if len(name) > MAX_NAME_CHARS:
        return f"a name has at most {MAX_NAME_CHARS} characters; this one has {len(name)}"
    bad = next((ch for ch in name if not ch.isprintable()), None)
    if bad is not None:
        what = "a control character" if unicodedata.category(bad) == "Cc" else \
            unicodedata.name(bad, "an unprintable character").lower()
        return f"a name must be printable text on one line; it holds {what} ({_escape(bad)})"
    if all(_invisible(ch) for ch in name):
        return "a name needs at least one visible character"
    return None


def title_problem(title: object) -> str | None:
    """Why `title` cannot title a region (encoder f(x), decoder, loss), in words, or None when it can."""
    if not isinstance(title, str):
        return f"a region title must be text, not {type(title).__name__}"
    if all(_invisible(ch) for ch in title):
        return "a region title needs at least one visible character"
    if len(title) > MAX_TITLE_CHARS:
        return f"a region title has at most {MAX_TITLE_CHARS} characters; this one has {len(title)}"
    if not title.isprintable():
        return "a region title must be printable text on one line"
    return None


def is_valid_name(name: object) -> bool:
    """True when `name` follows the rule."""
    return name_problem(name) is None


def clean_name(text: str, fallback: str = "t", limit: int = MAX_NAME_CHARS) -> str:
    """`text` made into a valid name (for importers): unprintable characters become '_', cut to `limit`."""
    cleaned = "".join(ch if ch.isprintable() else "_" for ch in text).strip()[:limit].strip()
    return cleaned if is_valid_name(cleaned) else fallback
