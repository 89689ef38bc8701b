"""`main.py check FILE`: a short report and exit 0 for good files; one line on stderr and exit ≠ 0 otherwise."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.examples import example_path

ROOT = Path(__file__).resolve().parent.parent


def check(path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(path)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("name", ["chain_rule", "headline_classifier"])
def test_good_files_report_counts_loss_and_each_parameter(name):
    result = check(example_path(name))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(example_path(name).read_text(encoding="utf-8"))
    out = result.stdout
    assert f"{len(data['nodes'])} nodes, {len(data['edges'])} edges" in out
    params = [n["name"] for n in data["nodes"] if n["op"] == "Parameter"]
    param_lines = [line for line in out.splitlines() if "max error" in line]
    assert [line.split()[0] for line in param_lines] == params
    assert all(line.rstrip().endswith("ok") for line in param_lines)
    assert out.rstrip().endswith("ok")


def test_missing_file(tmp_path):
    assert_one_line_error(check(tmp_path / "nope.json"), "no such file")


def test_garbage_file(tmp_path):
    path = tmp_path / "garbage.json"
    path.write_bytes(b"\x00\xff\x10 not a graph")
    assert_one_line_error(check(path), "not UTF-8")


def test_truncated_file(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(example_path("neuron").read_text(encoding="utf-8")[:300], encoding="utf-8")
    assert_one_line_error(check(path), "cut short")


def test_newer_version(tmp_path):
    data = json.loads(example_path("neuron").read_text(encoding="utf-8"))
    data["version"] = 7
    path = tmp_path / "new.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_one_line_error(check(path), "newer version (format 7)")


def test_cycle(tmp_path):
    data = json.loads(example_path("chain_rule").read_text(encoding="utf-8"))
    a, b = data["nodes"][2]["id"], data["nodes"][3]["id"]  # the Multiply a and the Log b
    data["edges"][1] = {"id": "e_back", "src": b, "dst": a, "port": "b"}
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_one_line_error(check(path), "cycle")


def test_shape_error(tmp_path):
    data = json.loads(example_path("neuron").read_text(encoding="utf-8"))
    theta = next(n for n in data["nodes"] if n["name"] == "θ")
    theta["attrs"]["shape"] = [5]
    data["params"] = {}
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_one_line_error(check(path), "shapes:", "θᵀx")


def test_sample_that_does_not_fit_the_input(tmp_path):
    data = json.loads(example_path("neuron").read_text(encoding="utf-8"))
    data["meta"]["sample"]["x"] = [1.0, 2.0]
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = check(path)
    note, error = done.stderr.strip().splitlines()
    assert note == f"note: {path}: meta.sample.x: Input 'x' expects 3, got 2; the file opened without this sample value"
    assert error == f"error: {path}: nothing to run on: x needs a value; add meta.sample or a dataset"
    assert done.returncode == 1


def test_binding_to_a_missing_node(tmp_path):
    data = json.loads(example_path("neuron").read_text(encoding="utf-8"))
    data["meta"]["bindings"]["labels"] = "label"
    path = tmp_path / "bindings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_one_line_error(check(path), "meta.bindings.labels")
