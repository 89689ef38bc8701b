"""What a node's value (or gradient) panel says, as text (no Qt): the canvas draws these rows, the HTML lesson
writes them, so both show a value the same way.

A number; every entry of an array of up to 8 (a vector of 5 to 8 in two rows); class names with probabilities
in whole percent that add to 100, or with scores; the active words of a bag of words with their counts; the
rows of a sequence that hold words, each labelled by its word (engine.replay.sequences); the shape with min and
max for anything larger (drawn as a heatmap beside them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .labels import partial
from .sequences import WordRows
from .values import class_name, entry_rows, first_example, fmt_value, percentages, range_texts, shape_text

MAX_PROB_ROWS = 6
MAX_WORD_ROWS = 8
VECTOR_COLUMNS = 4  # a vector of 5 to 8 entries is written in two rows of up to four
MAX_CLASS_ROWS = 8  # scores of at most this many classes are written one per class
CAPTION_SEPARATOR = "  ·  "


@dataclass(frozen=True)
class PanelContent:
    """What one panel shows: a value (or gradient) with what is known about it."""

    value: np.ndarray | None
    color: str
    kind: str = "auto"  # auto, probs (class probabilities) or scores (one number per class)
    prefix: str = ""  # "∂L/∂a " on gradient panels
    class_names: tuple[str, ...] = ()
    words: tuple[tuple[str, int], ...] = ()  # active features of a bag of words: (word, count)
    hidden: bool = False
    marks: tuple[tuple[int, int], ...] = ()
    rows: WordRows | None = None  # the positions of a sequence that hold words (its value's axis −2)


def grad_prefix(name: str) -> str:
    """'∂L/∂a ' with the node's whole name (in parentheses when it is an expression)."""
    return partial("L", name) + " "


def node_contents(value: Any, grad: Any, kind: str, name: str, class_names: tuple[str, ...] = (),
                  words: tuple[tuple[str, int], ...] = (), hidden: bool = False, marks: tuple = (),
                  colors: tuple[str, str] = ("", ""), rows: WordRows | None = None) -> list[PanelContent]:
    """A node's value panel and gradient panel, those that show something: a gradient of per-class numbers is
    written per class too, a gradient of a sequence by the same word rows; `colors` are the forward and backward
    colours of whoever draws them."""
    per_class = kind in ("probs", "scores")
    contents = [PanelContent(value, colors[0], kind, "", class_names, words, hidden, marks, rows),
                PanelContent(grad, colors[1], "scores" if per_class else "auto", grad_prefix(name), class_names,
                             (), False, marks, rows)]
    return [c for c in contents if c.value is not None or c.hidden]


def is_scalar(value: Any) -> bool:
    """True for a single number (any number of length-1 axes)."""
    return value is not None and np.size(value) == 1


def panel_layout(content: PanelContent) -> str:
    """Which picture a content gets: hidden, scalar, probs, classes, words, grid, sequence or heatmap."""
    if content.hidden:
        return "hidden"
    arr = np.asarray(content.value, dtype=np.float64)
    if arr.size == 1:
        return "scalar"
    if content.kind == "probs":
        return "probs"
    per_class = first_example(arr).size == len(content.class_names) and len(content.class_names) <= MAX_CLASS_ROWS
    if content.kind == "scores" and per_class:
        return "classes"
    if content.words:
        return "words"
    if content.rows is not None and arr.ndim >= 2 and arr.shape[-2] == content.rows.total:
        return "sequence"
    return "grid" if entry_rows(arr) is not None else "heatmap"


def grid_rows(content: PanelContent) -> list[list[str]]:
    """Every entry as text, in rows (a vector of more than VECTOR_COLUMNS in two)."""
    rows = entry_rows(np.asarray(content.value)) or []
    if len(rows) == 1 and len(rows[0]) > VECTOR_COLUMNS:
        row = rows[0]
        half = (len(row) + 1) // 2
        rows = [row[:half], row[half:]]
    return rows


def class_rows(content: PanelContent) -> list[tuple[int, str, str]]:
    """(class index, name, number) per shown class: percentages that add to 100, or the scores."""
    values = first_example(np.asarray(content.value, dtype=np.float64))
    if content.kind == "probs":
        pct = percentages(values.tolist())
        order = np.argsort(-values, kind="stable")[:MAX_PROB_ROWS] if values.size > MAX_PROB_ROWS else \
            range(values.size)
        return [(int(i), class_name(content.class_names, int(i)), f"{pct[int(i)]} %") for i in order]
    return [(i, class_name(content.class_names, i), fmt_value(v)) for i, v in enumerate(values)]


def word_rows(content: PanelContent) -> list[tuple[int, str, str]]:
    """(-1, word, ×count) per active word, and how many more there are."""
    rows = [(-1, word, f"×{count}") for word, count in content.words[:MAX_WORD_ROWS]]
    if len(content.words) > MAX_WORD_ROWS:
        rows.append((-1, f"… {len(content.words) - MAX_WORD_ROWS} more", ""))
    return rows


def panel_heading(content: PanelContent) -> str:
    """The line above a grid, a list of classes or words: the gradient's name, a bag of words' size."""
    if content.words:
        size = np.asarray(content.value).shape[-1]
        return f"{content.prefix}{len(content.words)} of {size} words on".strip()
    return content.prefix.strip()


def heatmap_caption(content: PanelContent) -> tuple[str, str]:
    """(shape, range) written beside a heatmap: '∂L/∂E 2392×3' and 'min −0.615  max 0.544'."""
    arr = np.asarray(content.value)
    lo, hi = range_texts(arr)
    return f"{content.prefix}{shape_text(arr.shape)}", f"{lo}  {hi}"


def panel_lines(content: PanelContent) -> list[str]:
    """The panel as lines of text, as the canvas writes it ('?' while a prediction hides it)."""
    layout = panel_layout(content)
    if layout == "hidden":
        return ["?"]
    if layout == "scalar":
        return [content.prefix + fmt_value(np.asarray(content.value).reshape(-1)[0])]
    if layout == "heatmap":
        return list(heatmap_caption(content))
    if layout == "sequence":  # a part in parentheses stays on the line it explains
        lines: list[str] = []
        for part in sequence_caption(content):
            lines += [joined_caption([lines.pop(), part])] if lines and part.startswith("(") else [part]
        return lines
    heading = [panel_heading(content)] if panel_heading(content) else []
    if layout == "grid":
        return heading + ["  ".join(row) for row in grid_rows(content)]
    rows = word_rows(content) if layout == "words" else class_rows(content)
    return heading + [f"{name} {number}".strip() for _, name, number in rows]


def sequence_cells(content: PanelContent) -> np.ndarray:
    """The first example's rows that hold words (rows × the last axis), for a 'sequence' panel."""
    arr = np.asarray(content.value, dtype=np.float64)
    rows = content.rows.rows if content.rows is not None else ()
    return arr.reshape((-1,) + arr.shape[-2:])[0][list(rows)]


def sequence_caption(content: PanelContent) -> list[str]:
    """The parts written under a 'sequence' heatmap: '7 of 24 positions (17 padding)', '50 per word', and
    min and max over the rows shown (a gradient's name first)."""
    word_rows = content.rows
    if word_rows is None:
        raise ValueError("a sequence caption needs the word rows of the value")
    head = [content.prefix.strip()] if content.prefix else []
    kept, total = len(word_rows.rows), word_rows.total
    if kept == 0:
        return head + [f"all {total} {word_rows.noun} are padding"]
    padding = f"({total - kept} padding)" if kept < total else "(no padding)"  # a part of its own: see caption_lines
    size = np.asarray(content.value).shape[-1]
    per = "word" if word_rows.width == 1 else "window"
    lo, hi = range_texts(sequence_cells(content))
    return head + [f"{kept} of {total} {word_rows.noun}", padding, f"{size} per {per}", f"{lo}  {hi}"]


def joined_caption(parts: list[str], separator: str = CAPTION_SEPARATOR) -> str:
    """Caption parts on one line: ' · ' between them, a part in parentheses after a space ('7 of 24 positions
    (17 padding)  ·  50 per word')."""
    text = ""
    for part in parts:
        text += ("" if not text else " " if part.startswith("(") else separator) + part
    return text


def sequence_marks(content: PanelContent) -> list[tuple[int, int]]:
    """The marked cells (position, column) of the first example as (shown row, column)."""
    shown = {p: i for i, p in enumerate(content.rows.rows)} if content.rows is not None else {}
    return [(shown[r], c) for r, c in content.marks if r in shown]
