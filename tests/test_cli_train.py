"""`main.py train` and `main.py predict` run as a user would: in a subprocess, on graph files."""
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.data import DEFAULT_SPECS, prepare
from engine.serialization import load_graph, save_graph
from test_train import classifier, text_classifier

ROOT = Path(__file__).resolve().parents[1]


def main_py(*args, stderr=subprocess.PIPE):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=stderr, timeout=300)


def one_error_line(result):
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def headline_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("graphs") / "headlines.json"
    save_graph(text_classifier(), path)
    return path


@pytest.fixture(scope="module")
def trained_file(headline_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("trained") / "trained.json"
    result = main_py("train", headline_file, "--epochs", "2", "--save", out)
    assert result.returncode == 0, result.stderr
    return out, result


def test_train_for_one_epoch_prints_metrics_and_test_accuracy(tmp_path):
    path = tmp_path / "blobs.json"
    save_graph(classifier(), path)
    result = main_py("train", path, "--epochs", "1", "--lr", "0.2", "--optimizer", "momentum", "--batch-size", "8")
    assert result.returncode == 0, result.stderr
    assert "optimizer=momentum lr=0.2 batch_size=8 epochs=1" in result.stdout
    assert re.search(r"^epoch 1/1 .*train_loss=\d\.\d{4} .*test_acc=\d\.\d{4}", result.stdout, re.M)
    assert re.search(r"test_accuracy=[01]\.\d{4}$", result.stdout.strip().splitlines()[-1])
    steps = -(-len(prepare(DEFAULT_SPECS["blobs3"]).y_train) // 8)
    assert result.stderr.strip() == f"epoch 1/1: {steps} steps"  # not a terminal: one progress line per epoch


def test_train_twice_with_one_seed_prints_the_same_numbers(tmp_path):
    path = tmp_path / "moons.json"
    save_graph(classifier("moons", hidden=4, classes=2), path)
    runs = [main_py("train", path, "--epochs", "2", "--seed", "7") for _ in range(2)]
    strip_times = [re.sub(r"\d+\.\d+ s", "", r.stdout) for r in runs]
    assert runs[0].returncode == 0 and strip_times[0] == strip_times[1]


def test_save_writes_trained_weights_and_metrics(headline_file, trained_file):
    out, result = trained_file
    before, after = load_graph(headline_file), load_graph(out)
    printed = float(re.search(r"test_accuracy=(\d\.\d{4})", result.stdout).group(1))
    metrics = after.meta["metrics"]
    assert metrics["test_accuracy"] == pytest.approx(printed, abs=5e-5)
    assert len(metrics["train_loss"]) == 2 and len(metrics["confusion"]) == 3
    assert not np.array_equal(before.find("θ").value, after.find("θ").value)
    assert printed > 0.7


def test_the_progress_bar_is_redrawn_in_place_on_a_terminal(tmp_path):
    path = tmp_path / "blobs.json"
    save_graph(classifier(), path)
    leader, follower = pty.openpty()
    try:
        result = main_py("train", path, "--epochs", "1", stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal is drained
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    shown = b"".join(chunks).decode()
    steps = -(-len(prepare(DEFAULT_SPECS["blobs3"]).y_train) // 16)
    assert result.returncode == 0
    assert "\repoch 1/1 [" in shown and f"] {steps}/{steps} loss" in shown
    assert "\n" not in shown.replace("\r\n", "")  # redrawn with carriage returns, no new lines


@pytest.mark.parametrize("args,word", [
    (["train", "no/such/file.json"], "no/such/file.json"),
    (["train", "{bad}", "--lr", "-1"], "lr"),
    (["train", "{bad}", "--batch-size", "0"], "--batch-size"),
    (["train", "{broken}"], "JSON"),
    (["predict", "{broken}", "hello"], "JSON"),
])
def test_bad_input_gives_one_error_line_and_a_nonzero_exit(tmp_path, args, word):
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    save_graph(classifier(), good)
    broken.write_text('{"format": ')
    args = [a.replace("{bad}", str(good)).replace("{broken}", str(broken)) for a in args]
    assert word in one_error_line(main_py(*args))


def test_predict_prints_every_class_with_its_probability(trained_file):
    out, _ = trained_file
    result = main_py("predict", out, "Shares slump as bank profits fall")
    assert result.returncode == 0, result.stderr
    rows = [re.match(r"^(\w+)\s+(\d\.\d{4})\s+[#.]+$", line) for line in result.stdout.strip().splitlines()]
    assert all(rows) and sorted(r.group(1) for r in rows) == ["Business", "Politics", "Sports"]
    probs = [float(r.group(2)) for r in rows]
    assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1.0, abs=2e-4)
    assert rows[0].group(1) == "Business"
    assert result.stderr == ""  # a trained file gets no "not trained" note


def test_predict_on_a_points_graph_takes_x_y(tmp_path):
    path = tmp_path / "blobs.json"
    save_graph(classifier(), path)
    result = main_py("predict", path, "0.5,-1.2")
    assert result.returncode == 0, result.stderr
    assert sorted(line.split()[0] for line in result.stdout.strip().splitlines()) == ["A", "B", "C"]
    assert "not been trained" in result.stderr
    assert "2 finite numbers" in one_error_line(main_py("predict", path, "0.5"))


def test_save_into_a_folder_is_refused_before_training(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "main.py", "train", "assets/graphs/headline_classifier.json",
                           "--epochs", "1", "--save", str(tmp_path)], cwd=root, capture_output=True, text=True)
    assert done.returncode != 0
    assert "that is a folder" in done.stderr and "Traceback" not in done.stderr
    assert "test_accuracy" not in done.stdout  # refused before any training


def test_predict_refuses_an_empty_headline(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "main.py", "predict", "assets/graphs/headline_classifier.json", " ?! "],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode != 0
    assert "no words to classify" in done.stderr and "Traceback" not in done.stderr
