"""Rules for meta at load: a bad sample entry is left out with a note; dataset settings have upper bounds."""
import copy
import json

import pytest

from engine.examples import example_path
from engine.serialization import graph_from_dict, graph_to_dict

MLP = json.loads(example_path("mlp").read_text(encoding="utf-8"))


@pytest.mark.parametrize("key, value, reason", [
    ("x", [[0.1, 0.2], [0.5]], "the lists have rows of different lengths"),
    ("x", [[1, 2, 3]], "Input 'x' expects B×2, got 1×3"),
    ("y", [0, 0, 0, 7], "Label 'y': class 7 is out of range 0..1"),
    ("y", [0.5, 0, 0, 0], "Label 'y' needs whole numbers"),
    ("zz", [1], "there is no node named 'zz'"),
    ("W", [[1, 2, 3, 4], [1, 2, 3, 4]], "'W' is a Parameter; a sample feeds only Input and Label nodes"),
])
def test_a_bad_sample_entry_is_left_out_with_a_located_note(key, value, reason):
    d = copy.deepcopy(MLP)
    d["meta"]["sample"][key] = value
    notes = []
    graph = graph_from_dict(d, notes)
    assert notes == [f"meta.sample.{key}: {reason}; the file opened without this sample value"]
    assert key not in graph.meta["sample"]
    assert set(graph.meta["sample"]) == {"x", "y"} - {key}
    again = graph_to_dict(graph)
    assert graph_to_dict(graph_from_dict(again)) == again  # the cleaned file is stable


def test_good_samples_are_kept_as_they_are_including_one_example_for_a_batched_input():
    d = copy.deepcopy(MLP)
    d["meta"]["sample"] = {"x": [0.5, -1.0], "y": 1}
    notes = []
    graph = graph_from_dict(d, notes)
    assert notes == [] and graph.meta["sample"] == {"x": [0.5, -1.0], "y": 1}


def test_a_sample_with_nothing_left_is_removed():
    d = copy.deepcopy(MLP)
    d["meta"]["sample"] = {"x": [[1, 2, 3]]}
    graph = graph_from_dict(d, [])
    assert "sample" not in graph.meta


def test_check_runs_one_example_of_a_batched_input_as_explain_does(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    d = copy.deepcopy(MLP)
    d["meta"]["sample"] = {"x": [0.5, -1.0], "y": 1}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "main.py", "check", str(path)], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "forward and backward on the file's sample" in done.stdout


@pytest.mark.parametrize("key, value", [("max_len", 1_000_000), ("n", 100_000_000), ("max_size", 10**9),
                                        ("min_count", 10**9), ("noise", 1e300), ("seed", 2**40)])
def test_every_dataset_setting_has_an_upper_bound_at_load(key, value):
    from engine.fileformat import FileFormatError

    d = copy.deepcopy(MLP)
    name = "negation" if key in ("max_len", "n", "min_count") else "headlines" if key == "max_size" else "xor"
    d["meta"]["dataset"] = {"name": name, key: value}
    with pytest.raises(FileFormatError, match=rf"^meta\.dataset\.{key}: .* is more than the limit of"):
        graph_from_dict(d)
