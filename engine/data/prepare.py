"""One entry point from a JSON-friendly data spec to train/test arrays, used by graph files and the trainer."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .errors import DataError
from .headlines import TextDataset, load_headlines, negation_dataset, stratified_split
from .text import Vocabulary, encode_batch, tokenize
from .toy import TOY_CLASS_NAMES, TOY_SETS

TEXT_SETS = ("headlines", "negation")

DEFAULT_SPECS: dict[str, dict[str, Any]] = {
    "headlines": {"name": "headlines", "classes": 3, "min_count": 1, "max_size": None, "max_len": 24,
                  "test_fraction": 0.2, "seed": 0},
    "negation": {"name": "negation", "n": 400, "min_count": 1, "max_len": 8, "test_fraction": 0.2, "seed": 0},
    **{name: {"name": name, "n": 200, "noise": 0.1, "test_fraction": 0.2, "seed": 0} for name in TOY_SETS},
}


@dataclass(frozen=True)
class PreparedData:
    """Train/test arrays of one data set; text sets carry their vocabulary (built on the training split)."""

    kind: str  # "text" (padded int64 token ids) or "points" (float32 (N, 2))
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    spec: dict = field(default_factory=dict)
    vocab: Vocabulary | None = None
    lengths_train: np.ndarray | None = None
    lengths_test: np.ndarray | None = None
    texts_train: tuple[str, ...] | None = None
    texts_test: tuple[str, ...] | None = None

    @property
    def max_len(self) -> int | None:
        """Padded length of a token row (text sets only)."""
        return self.x_train.shape[1] if self.kind == "text" else None

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary of a text set; DataError for a set of points, which has none."""
        if self.vocab is None:
            raise DataError(f"{self.name} holds 2-D points, not text: it has no vocabulary")
        return self.vocab

    def encode_text(self, text: str) -> np.ndarray:
        """Token ids (1, max_len) of a typed text, ready for a prediction."""
        if self.kind != "text" or self.vocab is None:
            raise DataError(f"{self.name} holds 2-D points, not text: there is nothing to encode")
        ids, _ = encode_batch([tokenize(text)], self.vocab, self.x_train.shape[1])
        return ids

    def describe(self) -> str:
        """One line: classes, split sizes, and vocabulary or point details."""
        classes = f"{len(self.class_names)} classes ({', '.join(self.class_names)})"
        sizes = f"{len(self.y_train)} train / {len(self.y_test)} test"
        if self.kind == "text":
            assert self.vocab is not None
            return (f"{self.name}: {classes}; {sizes} texts; vocabulary {len(self.vocab)} words "
                    f"(training split, min_count {self.spec['min_count']}); max_len {self.max_len}")
        return f"{self.name}: {classes}; {sizes} points in 2-D; noise {self.spec['noise']:g}"


def _integer(minimum: int) -> Callable[[str, Any], Any]:
    def check(key: str, v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
            raise DataError(f"dataset.{key}: expected an integer >= {minimum}, got {v!r}")
        return int(v)
    return check


def _optional_integer(minimum: int) -> Callable[[str, Any], Any]:
    inner = _integer(minimum)
    return lambda key, v: None if v is None else inner(key, v)


def _number(low: float, high: float | None) -> Callable[[str, Any], Any]:
    def check(key: str, v: Any) -> float:
        ok = not isinstance(v, bool) and isinstance(v, (int, float, np.integer, np.floating))
        if not ok or not (low <= v if high is None else low < v < high):
            wanted = f"a number >= {low:g}" if high is None else f"a number between {low:g} and {high:g}"
            raise DataError(f"dataset.{key}: expected {wanted}, got {v!r}")
        return float(v)
    return check


def _classes(key: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v not in (3, 5):
        raise DataError(f"dataset.{key}: expected 3 or 5, got {v!r}")
    return int(v)


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "classes": _classes,
    "min_count": _integer(1),
    "max_size": _optional_integer(0),
    "max_len": _integer(1),
    "n": _integer(4),
    "noise": _number(0.0, None),
    "test_fraction": _number(0.0, 1.0),
    "seed": _integer(0),
}


# Upper bounds of the data set settings: within them every data set is prepared in seconds and a few
# hundred MB at most (n rows × max_len token ids; a vocabulary of max_size words). Graph files, the CLI and
# the training dock all go through normalize_spec, so this is the one place they live.
DATASET_LIMITS: dict[str, float] = {"n": 50_000, "max_len": 256, "max_size": 200_000, "min_count": 100_000,
                                    "noise": 100.0, "seed": 2**32 - 1}


def _check_limits(normal: dict[str, Any]) -> None:
    for key, limit in DATASET_LIMITS.items():
        value = normal.get(key)
        if value is not None and value > limit:
            shown = f"{value:g}" if value < 1e20 else "a huge number"
            raise DataError(f"dataset.{key}: {shown} is more than the limit of {limit:g}")


def normalize_spec(spec: dict) -> dict[str, Any]:
    """The spec with defaults filled in and every value checked (types, ranges and DATASET_LIMITS);
    raises DataError naming the bad field."""
    if not isinstance(spec, dict):
        raise DataError(f"dataset: expected a dict such as {DEFAULT_SPECS['headlines']}, got {spec!r}")
    name = spec.get("name")
    if not isinstance(name, str) or name not in DEFAULT_SPECS:
        raise DataError(f"dataset.name: expected one of {', '.join(DEFAULT_SPECS)}, got {name!r}")
    defaults = DEFAULT_SPECS[name]
    unknown = sorted(set(spec) - set(defaults))
    if unknown:
        allowed = ", ".join(k for k in defaults if k != "name")
        raise DataError(f"dataset.{unknown[0]}: not a setting of {name!r} (allowed: {allowed})")
    merged = {**defaults, **spec}
    normal = {k: v if k == "name" else _CHECKS[k](k, v) for k, v in merged.items()}
    _check_limits(normal)
    return normal


def prepare(spec: dict) -> PreparedData:
    """Load, split and encode the data set a spec describes; results are cached per spec."""
    normal = normalize_spec(spec)
    return _prepare_cached(tuple(sorted(normal.items())))


@lru_cache(maxsize=16)
def _prepare_cached(frozen_spec: tuple) -> PreparedData:
    spec = dict(frozen_spec)
    if spec["name"] in TEXT_SETS:
        return _prepare_text(spec)
    return _prepare_points(spec)


def _read_only(*arrays: np.ndarray) -> None:
    # Prepared data is shared through the cache; a caller that writes into it would change it for all.
    for a in arrays:
        a.flags.writeable = False


def _prepare_text(spec: dict) -> PreparedData:
    if spec["name"] == "headlines":
        data: TextDataset = load_headlines(spec["classes"])
    else:
        data = negation_dataset(spec["n"], spec["seed"])
    train, test = stratified_split(data.labels, spec["test_fraction"], spec["seed"])
    tokens = [tokenize(t) for t in data.texts]
    vocab = Vocabulary.build([tokens[i] for i in train], spec["min_count"], spec.get("max_size"))
    x_train, len_train = encode_batch([tokens[i] for i in train], vocab, spec["max_len"])
    x_test, len_test = encode_batch([tokens[i] for i in test], vocab, spec["max_len"])
    y_train, y_test = data.labels[train].copy(), data.labels[test].copy()
    _read_only(x_train, x_test, y_train, y_test, len_train, len_test)
    return PreparedData(
        kind="text", name=spec["name"], x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
        class_names=data.class_names, spec=spec, vocab=vocab, lengths_train=len_train, lengths_test=len_test,
        texts_train=tuple(data.texts[i] for i in train), texts_test=tuple(data.texts[i] for i in test),
    )


def _prepare_points(spec: dict) -> PreparedData:
    x, y = TOY_SETS[spec["name"]](spec["n"], spec["noise"], spec["seed"])
    train, test = stratified_split(y, spec["test_fraction"], spec["seed"])
    x_train, x_test, y_train, y_test = x[train], x[test], y[train], y[test]
    _read_only(x_train, x_test, y_train, y_test)
    return PreparedData(
        kind="points", name=spec["name"], x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
        class_names=TOY_CLASS_NAMES[spec["name"]], spec=spec,
    )
