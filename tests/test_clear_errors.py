"""Issue 13 item 7: one clear line instead of a traceback or raw numpy text."""
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.examples import example_path
from engine.serialization import FileFormatError, graph_from_dict
from engine.training import TrainingError, confusion_matrix

ROOT = Path(__file__).resolve().parents[1]
MLP = json.loads(example_path("mlp").read_text(encoding="utf-8"))


def main_py(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def one_error_line(done):
    assert done.returncode != 0 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


def test_a_huge_initial_scale_is_refused_at_load():
    d = copy.deepcopy(MLP)
    d["nodes"][1]["attrs"].update(init="uniform", scale=1e308)
    with pytest.raises(FileFormatError, match=r"^nodes\[1\]\.attrs: the scale is too large"):
        graph_from_dict(d)


def test_check_of_a_file_with_a_huge_scale_is_one_line(tmp_path):
    d = copy.deepcopy(MLP)
    d["nodes"][1]["attrs"].update(init="uniform", scale=1e308)
    path = tmp_path / "scale.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    assert "the scale is too large" in one_error_line(main_py("check", path))


def test_glove_on_a_points_data_set_says_it_needs_text():
    line = one_error_line(main_py("train", "assets/graphs/toy_2d.json", "--glove", "--epochs", "1"))
    assert "--glove: GloVe vectors are word vectors; the moons data set of this graph holds points" in line


def test_negative_labels_give_a_training_error_not_numpy_text():
    with pytest.raises(TrainingError, match="a label is -1; classes are numbered 0 to 2"):
        confusion_matrix([0, -1, 2], [0, 1, 2], 3)


def test_an_error_quoting_text_with_a_newline_stays_on_one_line(tmp_path):
    d = copy.deepcopy(MLP)
    d["meta"]["bindings"]["output"] = "c\nerror: forged second line"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    line = one_error_line(main_py("check", path))
    assert "meta.bindings.output" in line


def test_a_path_with_a_newline_is_quoted_on_one_line(tmp_path):
    line = one_error_line(main_py("check", tmp_path / "a\nerror: b.json"))
    assert line.endswith("a\\x0aerror: b.json: no such file")


# ----- item 11: non-finite values, empty training split, bounded options
def test_check_fails_when_the_loss_is_not_finite(tmp_path):
    d = json.loads(example_path("chain_rule").read_text(encoding="utf-8"))
    d["meta"]["sample"]["x"] = 0.0  # b = log(w · 0) = -inf
    path = tmp_path / "log0.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    line = one_error_line(main_py("check", path))
    assert line.endswith("the value of Log 'b' is -inf; a graph must compute finite numbers")


def test_an_empty_training_split_is_named_before_training(tmp_path):
    d = json.loads(example_path("toy_2d").read_text(encoding="utf-8"))
    d["meta"]["dataset"].update(n=4, test_fraction=0.999)
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    done = main_py("train", path, "--epochs", "1")
    assert "the training split is empty" in one_error_line(done) and "nan" not in done.stderr


@pytest.mark.parametrize("option, value, message", [
    ("--epochs", "0", "--epochs: expected a positive whole number, got 0"),
    ("--epochs", str(10**20), "--epochs: expected a whole number from 1 to 100000, got a huge number"),
    ("--lr", "1e9", "--lr: expected a number ≤ 100, got 1e+09"),
    ("--batch-size", "0", "--batch-size: expected a positive whole number, got 0"),
])
def test_training_options_are_bounded_and_validated(option, value, message):
    done = main_py("train", "assets/graphs/toy_2d.json", option, value)
    assert one_error_line(done) == f"error: {message}"
    assert "epoch" not in done.stdout
