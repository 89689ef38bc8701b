"""Data set settings have upper bounds in one place, engine.data, used by graph files and prepare() alike."""
import copy
import re

import pytest

from engine.data import DATASET_LIMITS, DataError, normalize_spec, prepare
from engine.fileformat import FileFormatError
from engine.serialization import graph_from_dict
from test_clear_errors import MLP

OVER = [("max_len", 1_000_000, "negation"), ("n", 100_000_000, "negation"), ("max_size", 10**9, "headlines"),
        ("min_count", 10**9, "negation"), ("noise", 1e300, "xor"), ("seed", 2**40, "xor")]


@pytest.mark.parametrize("key, value, name", OVER)
def test_normalize_spec_refuses_a_setting_over_its_limit(key, value, name):
    limit = re.escape(f"{DATASET_LIMITS[key]:g}")
    with pytest.raises(DataError, match=rf"^dataset\.{key}: .* is more than the limit of {limit}$"):
        normalize_spec({"name": name, key: value})


def test_prepare_refuses_before_building_anything():
    with pytest.raises(DataError, match=r"^dataset\.n: 1e\+08 is more than the limit of 50000$"):
        prepare({"name": "negation", "n": 100_000_000})


@pytest.mark.parametrize("key, value, name", OVER)
def test_a_setting_at_its_limit_is_accepted(key, value, name):
    limit = DATASET_LIMITS[key]
    assert normalize_spec({"name": name, key: type(value)(limit)})[key] == limit


@pytest.mark.parametrize("key, value, name", OVER)
def test_the_file_loader_refuses_with_the_same_words(key, value, name):
    d = copy.deepcopy(MLP)
    d["meta"]["dataset"] = {"name": name, key: value}
    with pytest.raises(DataError) as direct:
        normalize_spec(d["meta"]["dataset"])
    with pytest.raises(FileFormatError) as loaded:
        graph_from_dict(d)
    assert str(loaded.value) == f"meta.{direct.value}"
