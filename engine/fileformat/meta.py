"""Graph.meta in a file: the known keys are checked closely, any other key must be plain JSON."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import EngineError
from .checks import (
    check_plain, expect_dict, expect_list, expect_name, expect_number, expect_str, fail, kind_of,
)
from .errors import FileFormatError

OPTIMIZERS = ("sgd", "momentum", "adam")
_SAMPLE_ENTRIES = 100_000


def _title(v: Any, where: str) -> None:
    expect_str(v, where, 200)


def _description(v: Any, where: str) -> None:
    expect_str(v, where, 5000)


def _sample_text(v: Any, where: str) -> None:
    expect_str(v, where, 1000)


def _dataset(v: Any, where: str) -> None:
    from ..data import normalize_spec  # checks every field, with the upper bounds of data.DATASET_LIMITS

    check_plain(v, where)
    try:
        normalize_spec(v)
    except EngineError as exc:
        message = str(exc)
        if message.startswith("dataset"):  # DataError already names "dataset.<key>"
            raise FileFormatError(where[: -len("dataset")] + message) from None
        raise fail(where, message) from None


def _bindings(v: Any, where: str) -> None:
    expect_dict(v, where)
    for key in ("inputs", "labels", "output"):
        if key in v:
            expect_name(v[key], f"{where}.{key}")


def _count_entries(value: Any, where: str, depth: int = 0) -> int:
    if isinstance(value, list):
        if depth >= 4:
            raise fail(where, "arrays may have at most 4 axes")
        return sum(_count_entries(item, f"{where}[{k}]", depth + 1) for k, item in enumerate(value))
    expect_number(value, where)
    return 1


def _sample(v: Any, where: str) -> None:
    expect_dict(v, where)
    total = 0
    for key, value in v.items():
        expect_name(key, where)
        total += _count_entries(value, f"{where}.{key}")
        if total > _SAMPLE_ENTRIES:
            raise fail(where, f"holds more than {_SAMPLE_ENTRIES} numbers")


def _optimizer(v: Any, where: str) -> None:
    if v not in OPTIMIZERS:
        raise fail(where, f"expected one of {', '.join(OPTIMIZERS)}, got {kind_of(v)}")


def _training(v: Any, where: str) -> None:
    from ..training.settings import SETTING_RANGES, setting_problem  # the ranges training itself uses

    expect_dict(v, where)
    check_plain(v, where)
    for key, value in v.items():
        if key == "optimizer":
            _optimizer(value, f"{where}.{key}")
        elif key in SETTING_RANGES:
            problem = setting_problem(key, value)
            if problem:
                raise fail(f"{where}.{key}", problem)


def _view(v: Any, where: str) -> None:
    expect_dict(v, where)
    if "zoom" in v:
        expect_number(v["zoom"], f"{where}.zoom", positive=True, high=1000.0)
    if "center" in v:
        center = expect_list(v["center"], f"{where}.center", 2)
        if len(center) != 2:
            raise fail(f"{where}.center", f"expected [x, y], got {len(center)} numbers")
        for k, c in enumerate(center):
            expect_number(c, f"{where}.center[{k}]", -1e9, 1e9)


def _blocks(_: Any, where: str) -> None:
    raise fail(where, "a version-2 file keeps each block on its region (regions[k].block), not in meta.blocks "
                      "as version 1 did")


def _practice(v: Any, where: str) -> None:
    from ..practice.section import check_section  # practice mode owns its section and its checks

    check_section(v, where)


_KNOWN = {"title": _title, "description": _description, "dataset": _dataset, "bindings": _bindings,
          "sample": _sample, "sample_text": _sample_text, "training": _training, "view": _view,
          "practice": _practice, "blocks": _blocks}


def check_meta(meta: Any, where: str = "meta") -> dict:
    """The meta object of a file, checked; unknown keys are kept if they are plain JSON."""
    expect_dict(meta, where)
    for key, value in meta.items():
        path = f"{where}.{key}"
        check_plain(value, path)
        if key in _KNOWN:
            _KNOWN[key](value, path)
    return meta


def clean_for_file(value: Any) -> Any:
    """A deep copy that JSON can write: tuples become lists, NaN/inf become null, numpy scalars plain."""
    if isinstance(value, dict):
        return {str(k): clean_for_file(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_for_file(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return clean_for_file(value.tolist())  # numpy arrays and scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
