"""Token ids back to words: the typed headline's own words where they match, else the vocabulary's."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..data import PAD_ID, UNK_ID

UNKNOWN_MARK = "*"


class TokenReader:
    """Reads a row of token ids; words the vocabulary does not know keep their text, marked with *."""

    def __init__(self, vocab_words: Sequence[str] | None, tokens: Sequence[str] | None = None):
        self.vocab_words = list(vocab_words) if vocab_words is not None else None
        self.tokens = list(tokens) if tokens else None
        self._index = {w: i for i, w in enumerate(self.vocab_words or [])}

    def _matches(self, row: np.ndarray) -> bool:
        """True when the typed tokens are exactly what this row of ids encodes."""
        if self.tokens is None or self.vocab_words is None:
            return False
        encoded = [self._index.get(t, UNK_ID) for t in self.tokens[: len(row)]]
        return [int(i) for i in row[: len(encoded)]] == encoded

    def words(self, row: np.ndarray) -> list[str]:
        """One word per position (padding included as <pad>)."""
        row = np.asarray(row).reshape(-1)
        if self.tokens is not None and self._matches(row):
            typed = [t + (UNKNOWN_MARK if int(i) == UNK_ID else "") for t, i in zip(self.tokens, row)]
            return typed + [self._vocab_word(int(i)) for i in row[len(typed):]]
        return [self._vocab_word(int(i)) for i in row]

    def _vocab_word(self, i: int) -> str:
        if self.vocab_words is None or not 0 <= i < len(self.vocab_words):
            return f"#{i}"
        return self.vocab_words[i]

    def text(self, row: np.ndarray) -> str:
        """The words of a row without padding, quoted: “stocks fall after morgan stanley* …”."""
        row = np.asarray(row).reshape(-1)
        words = [w for w, i in zip(self.words(row), row) if int(i) != PAD_ID]
        return "“" + " ".join(words) + "”"

    @property
    def known(self) -> bool:
        """True when ids can be turned into words at all."""
        return self.vocab_words is not None
