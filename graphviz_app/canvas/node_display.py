"""The display API of a node item (explain mode, training dashboard): values, gradients, highlights, marks."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.replay.sequences import WordRows

STATES = (None, "active", "done", "error", "winner", "dim")
KINDS = ("auto", "probs", "scores")  # scores: one number per class, written with the class names


@dataclass
class Display:
    """The overlays set through the display API (explain mode, training dashboard)."""

    value: np.ndarray | None = None
    value_kind: str = "auto"
    grad: np.ndarray | None = None
    state: str | None = None
    badge: str | None = None
    badge_tone: str = "info"
    hidden_value: bool = False
    class_names: list[str] = field(default_factory=list)
    marks: tuple[tuple[int, int], ...] = ()
    words: tuple[tuple[str, int], ...] = ()  # active features of a bag of words: (word or bigram, count)
    rows: WordRows | None = None  # the positions of a sequence that hold words (value and gradient)


KEEP = object()  # set_display: leave this overlay as it is


class NodeDisplay:
    """Mixed into NodeItem: keeps `self.display` and re-lays the item out (`_relayout`) when it changes."""

    def set_display(self, *, value=KEEP, kind=KEEP, grad=KEEP, state=KEEP, badge=KEEP, hidden=KEEP,
                    marks=KEEP, words=KEEP, rows=KEEP) -> None:
        """Change several overlays with one re-layout; left-out arguments keep what is shown.

        badge is text, None, or (text, tone); rows a WordRows or None; the others take what their single
        setters take.
        """
        d, relayout = self.display, False
        if kind is not KEEP and kind not in KINDS:
            raise ValueError(f"value kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if state is not KEEP and state not in STATES:
            raise ValueError(f"node state must be one of {STATES}, got {state!r}")
        text, tone = badge if isinstance(badge, tuple) else (badge, "info")
        if badge is not KEEP and tone not in ("info", "ok", "fail"):
            raise ValueError(f"badge tone must be info, ok or fail, got {tone!r}")
        if kind is not KEEP:
            relayout |= kind != d.value_kind
            d.value_kind = kind
        if badge is not KEEP:
            relayout |= (text, tone) != (d.badge, d.badge_tone)
            d.badge, d.badge_tone = text, tone
        if value is not KEEP:
            d.value, relayout = None if value is None else np.array(value, dtype=np.float64), True
        if grad is not KEEP:
            d.grad, relayout = None if grad is None else np.array(grad, dtype=np.float64), True
        if hidden is not KEEP:
            relayout |= bool(hidden) != d.hidden_value
            d.hidden_value = bool(hidden)
        if marks is not KEEP:
            new_marks = tuple((int(r), int(c)) for r, c in (marks or ()))
            relayout |= new_marks != d.marks
            d.marks = new_marks
        if words is not KEEP:
            new_words = tuple((str(w), int(c)) for w, c in (words or ()))
            relayout |= new_words != d.words
            d.words = new_words
        if rows is not KEEP:
            relayout |= rows != d.rows
            d.rows = rows
        if state is not KEEP:
            d.state = state
            self.setOpacity(0.32 if state == "dim" else 1.0)
        if relayout:
            self._relayout()
        elif state is not KEEP:
            self.refresh()

    def set_value(self, value, kind: str = "auto") -> None:
        """Show a value: numbers, a heatmap strip, with kind="probs" class bars, with kind="scores" named scores."""
        self.set_display(value=value, kind=kind)

    def set_class_names(self, names: list[str] | None) -> None:
        """Names written next to probability bars and class scores."""
        self.display.class_names = list(names or [])
        self._relayout()

    def set_grad(self, grad) -> None:
        """Show ∂L/∂(this node) in the backward colour, or hide it with None."""
        self.set_display(grad=grad)

    def set_state(self, state: str | None) -> None:
        """Highlight: None, "active", "done", "error", "winner" or "dim"."""
        self.set_display(state=state)

    def set_badge(self, text: str | None, tone: str = "info") -> None:
        """A small pill on the top-right corner (e.g. ✓ gradient check, Σ fan-out), or none."""
        self.set_display(badge=(text, tone))

    def set_hidden_value(self, hidden: bool) -> None:
        """Show "?" instead of the value (predict, then reveal)."""
        self.set_display(hidden=hidden)

    def set_marks(self, cells) -> None:
        """Outline these (row, column) cells of the value and gradient heatmaps (e.g. max-pool winners).

        Rows and columns count in the array seen as rows × its last axis; a marked heatmap shows every row.
        """
        self.set_display(marks=cells)

    def clear_display(self) -> None:
        """Remove every overlay set through the display API."""
        names = self.display.class_names
        self.display = Display(class_names=names)
        self.setOpacity(1.0)
        self._relayout()
