"""Parameter arrays in a file: exact float32/float64 values, as JSON lists or base64 bytes."""
from __future__ import annotations

import base64
import binascii
import math
from typing import Any, Literal

import numpy as np

from .checks import expect_dict, expect_int, expect_keys, expect_list, expect_str, fail, kind_of
from .errors import MAX_ARRAY_ENTRIES

INLINE_LIMIT = 256  # arrays with more entries are stored as base64 bytes
DtypeName = Literal["float32", "float64"]
DTYPES: dict[str, np.dtype[np.floating[Any]]] = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}


def encode_array(value: np.ndarray, where: str, read_as: DtypeName = "float64") -> dict[str, Any]:
    """A JSON-ready dict for an array; refuses NaN and infinity (a file that could not be loaded back).

    An array read as float32 (`read_as`), and any large array, is written as float32 while float32 holds every
    value exactly, so a file keeps its size and its dtypes across a load and a save; other values keep all 64
    bits (a small array of round numbers made here stays float64)."""
    arr = np.asarray(value)
    wants_32 = arr.dtype == np.float32 or (read_as == "float32" or arr.size > INLINE_LIMIT) and float32_exact(arr)
    name = "float32" if wants_32 else "float64"
    arr = arr.astype(DTYPES[name])
    if not np.all(np.isfinite(arr)):
        raise fail(where, "the array contains NaN or infinity and cannot be saved")
    out: dict[str, Any] = {"dtype": name, "shape": list(arr.shape)}
    if arr.size > INLINE_LIMIT:
        out["encoding"] = "base64"
        out["data"] = base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")
    else:
        # float() of a float32 entry is exact; json writes repr, which reads back to the same double
        out["data"] = arr.astype(np.float64).tolist()
    return out


def float32_exact(arr: np.ndarray) -> bool:
    """True when float32 holds every value exactly (e.g. an array read from a float32 file, not yet trained)."""
    if arr.dtype != np.float64 or arr.size == 0:
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.array_equal(arr.astype(np.float32).astype(np.float64), arr))


def _shape(value: Any, where: str) -> tuple[int, ...]:
    dims = expect_list(value, where, 4)
    shape = tuple(expect_int(n, f"{where}[{k}]", 0, MAX_ARRAY_ENTRIES) for k, n in enumerate(dims))
    if math.prod(shape) > MAX_ARRAY_ENTRIES:
        raise fail(where, f"{math.prod(shape)} entries is more than the limit of {MAX_ARRAY_ENTRIES}")
    return shape


def _check_nested(data: Any, shape: tuple[int, ...], where: str) -> None:
    """The nested lists have exactly `shape` and hold only numbers (no bool, null or text)."""
    if not shape:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise fail(where, f"expected a number, got {kind_of(data)}")
        return
    if not isinstance(data, list) or len(data) != shape[0]:
        got = f"{len(data)} items" if isinstance(data, list) else kind_of(data)
        raise fail(where, f"expected a list of {shape[0]} items, got {got}")
    for k, item in enumerate(data):
        _check_nested(item, shape[1:], f"{where}[{k}]")


def _from_base64(data: Any, dtype: np.dtype, shape: tuple[int, ...], where: str) -> np.ndarray:
    text = expect_str(data, where, 4 * MAX_ARRAY_ENTRIES * 8 // 3 + 8)
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise fail(where, f"is not valid base64 ({exc})") from None
    expected = math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        raise fail(where, f"holds {len(raw)} bytes, but shape {list(shape)} of {dtype.name} needs {expected}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def decode_array(entry: Any, where: str) -> np.ndarray:
    """The float64 array stored in a params entry; every problem names its place."""
    return decode_entry(entry, where)[0]


def decode_entry(entry: Any, where: str) -> tuple[np.ndarray, DtypeName]:
    """The float64 array stored in a params entry and the dtype it was stored as; every problem names its place."""
    entry = expect_dict(entry, where)
    expect_keys(entry, where, ("dtype", "shape", "data"), ("encoding",))
    dtype_name = entry["dtype"]
    if dtype_name not in ("float32", "float64"):
        raise fail(f"{where}.dtype", f"expected float32 or float64, got {kind_of(dtype_name)}")
    shape = _shape(entry["shape"], f"{where}.shape")
    encoding = entry.get("encoding", "list")  # compared with ==, so any JSON value is safe here
    if encoding == "base64":
        arr = _from_base64(entry["data"], DTYPES[dtype_name], shape, f"{where}.data")
    elif encoding == "list":
        _check_nested(entry["data"], shape, f"{where}.data")
        try:
            with np.errstate(over="ignore"):  # float32 overflow becomes inf, reported just below
                arr = np.array(entry["data"], dtype=np.float64).astype(DTYPES[dtype_name])
        except OverflowError:
            raise fail(f"{where}.data", "a number is too large") from None
    else:
        raise fail(f"{where}.encoding", f"expected base64 or list, got {kind_of(encoding)}")
    if not np.all(np.isfinite(arr)):
        raise fail(f"{where}.data", "contains NaN or infinity")
    return arr.astype(np.float64), dtype_name
