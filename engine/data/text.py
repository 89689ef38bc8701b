"""Text features for the lecture: tokenizer, vocabulary, padded ids, bag-of-words and bigram buckets."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from .errors import DataError

PAD_ID = 0
UNK_ID = 1
PAD = "<pad>"
UNK = "<unk>"

# A word is a run of letters/digits; an apostrophe counts only between two such runs, so
# "don't" stays whole while quote marks around 'grey vote' are dropped.
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Typographic apostrophes would otherwise split "don’t" differently from "don't".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

BIGRAM_MULTIPLIER = 1_000_003


def tokenize(text: str) -> list[str]:
    """Lowercase words of letters/digits (internal apostrophes kept); punctuation is dropped."""
    return _WORD.findall(text.lower().translate(_APOSTROPHES))


class Vocabulary:
    """Word <-> id table; ids 0 and 1 are always <pad> and <unk>."""

    def __init__(self, words: Iterable[str]):
        corpus_words = list(words)
        if PAD in corpus_words or UNK in corpus_words or len(set(corpus_words)) != len(corpus_words):
            raise DataError("vocabulary words must be unique and must not contain <pad> or <unk>")
        self.words: list[str] = [PAD, UNK, *corpus_words]
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(
        cls, token_lists: Iterable[Sequence[str]], min_count: int = 1, max_size: int | None = None
    ) -> "Vocabulary":
        """Words seen at least min_count times, most frequent first (ties alphabetical), at most max_size of them."""
        if min_count < 1:
            raise DataError(f"min_count: expected an integer >= 1, got {min_count}")
        if max_size is not None and max_size < 0:
            raise DataError(f"max_size: expected an integer >= 0 or None, got {max_size}")
        counts = Counter(t for tokens in token_lists for t in tokens)
        for special in (PAD, UNK):
            counts.pop(special, None)
        ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        return cls(ranked if max_size is None else ranked[:max_size])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self.words == other.words

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} words)"

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the tokens; unknown words become UNK_ID."""
        return [self.index.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words of the ids."""
        out = []
        for i in ids:
            if not 0 <= int(i) < len(self.words):
                raise DataError(f"token id {int(i)} is outside the vocabulary (size {len(self.words)})")
            out.append(self.words[int(i)])
        return out

    def to_dict(self) -> dict:
        """JSON-friendly form: the full word list in id order, specials included."""
        return {"words": list(self.words)}

    @classmethod
    def from_dict(cls, data: dict) -> "Vocabulary":
        """Inverse of to_dict; checks that ids 0 and 1 are <pad> and <unk>."""
        words = data.get("words") if isinstance(data, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DataError("vocabulary: expected {'words': [list of strings]}")
        if words[:2] != [PAD, UNK]:
            raise DataError(f"vocabulary: the first two words must be {PAD!r} and {UNK!r}, got {words[:2]}")
        return cls(words[2:])


def encode_batch(
    token_lists: Sequence[Sequence[str]], vocab: Vocabulary, max_len: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ids (N, max_len) padded with PAD_ID and truncated, plus each row's length after truncation."""
    if max_len < 1:
        raise DataError(f"max_len: expected an integer >= 1, got {max_len}")
    ids = np.full((len(token_lists), max_len), PAD_ID, dtype=np.int64)
    lengths = np.zeros(len(token_lists), dtype=np.int64)
    for row, tokens in enumerate(token_lists):
        encoded = vocab.encode(tokens[:max_len])
        ids[row, : len(encoded)] = encoded
        lengths[row] = len(encoded)
    return ids, lengths


def bigram_bucket(prev_ids: np.ndarray, cur_ids: np.ndarray, buckets: int) -> np.ndarray:
    """Hash bucket of the bigram (prev, cur): (prev * 1_000_003 + cur) % buckets, in int64."""
    prev = np.asarray(prev_ids, dtype=np.int64)
    cur = np.asarray(cur_ids, dtype=np.int64)
    return (prev * BIGRAM_MULTIPLIER + cur) % np.int64(buckets)


def _as_id_matrix(ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 2:
        raise DataError(f"token ids: expected a 2-D array (N, max_len), got shape {ids.shape}")
    return ids


def _bigram_positions(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, previous id and current id of every pair of neighbouring non-pad positions."""
    prev, cur = ids[:, :-1], ids[:, 1:]
    rows, cols = np.nonzero((prev != PAD_ID) & (cur != PAD_ID))
    return rows, prev[rows, cols], cur[rows, cols]


def bag_of_words(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """Counts (N, vocab_size) float32 of each id per row; PAD_ID is not counted."""
    ids = _as_id_matrix(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise DataError(f"token ids must lie in [0, {vocab_size}), got range [{ids.min()}, {ids.max()}]")
    rows, cols = np.nonzero(ids != PAD_ID)
    counts = np.zeros((len(ids), vocab_size), dtype=np.float32)
    np.add.at(counts, (rows, ids[rows, cols]), 1.0)  # add.at, not +=, so repeated words add up
    return counts


def bag_of_bigrams(ids: np.ndarray, buckets: int) -> np.ndarray:
    """Counts (N, buckets) float32 of hashed bigrams over neighbouring non-pad positions."""
    ids = _as_id_matrix(ids)
    if buckets < 1:
        raise DataError(f"buckets: expected an integer >= 1, got {buckets}")
    rows, prev, cur = _bigram_positions(ids)
    counts = np.zeros((len(ids), buckets), dtype=np.float32)
    np.add.at(counts, (rows, bigram_bucket(prev, cur, buckets)), 1.0)
    return counts


def bigram_names(vocab: Vocabulary, buckets: int, id_lists: Iterable[Sequence[int]] | np.ndarray) -> dict[int, str]:
    """Bucket -> "w1 w2" for bigrams seen in id_lists (rows of token ids); collisions joined by " / "."""
    rows = [id_lists] if isinstance(id_lists, np.ndarray) and id_lists.ndim == 2 else id_lists
    seen: Counter[tuple[int, int]] = Counter()
    for ids in rows:
        _, prev, cur = _bigram_positions(np.atleast_2d(np.asarray(ids, dtype=np.int64)))
        seen.update(zip(prev.tolist(), cur.tolist()))
    by_bucket: dict[int, list[tuple[int, str]]] = {}
    for (p, c), count in seen.items():
        bucket = int(bigram_bucket(np.int64(p), np.int64(c), buckets))
        name = " ".join(vocab.decode([p, c]))
        by_bucket.setdefault(bucket, []).append((-count, name))
    return {b: " / ".join(name for _, name in sorted(names)) for b, names in sorted(by_bucket.items())}
