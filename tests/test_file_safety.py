"""Reading and saving files safely: only regular files, bounded parsing, predictable and swept temporary
files, saving through symlinks, and save errors in the user's words."""
import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine import Graph
from engine.fileformat import FileFormatError, files, safe_io
from engine.fileformat.errors import MAX_JSON_VALUES
from engine.serialization import load_graph, parse_graph_json, save_graph

ROOT = Path(__file__).resolve().parents[1]


def small_graph(scale=2.0):
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [], "batched": False})
    w = g.add_node("Parameter", "w", {"shape": [], "init": "constant", "scale": scale})
    a = g.add_node("Multiply", "a")
    g.connect(w.id, a.id, "a")
    g.connect(x.id, a.id, "b")
    return g


def dot_names(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


# ----- item 3: only regular files, never more than the limit
@pytest.mark.timeout(30)
@pytest.mark.parametrize("suffix", [".json", ".onnx"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, suffix):
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(FileFormatError, match="not a regular file"):
        load_graph(fifo)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("suffix", [".json", ".onnx"])
def test_devices_are_refused_unread_even_through_a_symlink(tmp_path, device, suffix):
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    link = tmp_path / f"model{suffix}"
    link.symlink_to(device)
    with pytest.raises(FileFormatError, match=r"model\.(json|onnx): is not a regular file"):
        load_graph(link)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_reading_stops_at_the_limit_even_when_the_file_claims_size_zero():
    assert os.stat("/proc/self/status").st_size == 0  # /proc files say 0 bytes and hold more
    with pytest.raises(FileFormatError, match="more than the limit"):
        safe_io.read_regular_file("/proc/self/status", 100)


# ----- item 4: bounded parsing
def test_a_file_of_tiny_containers_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    path.write_bytes(b"[" + b"[]," * (MAX_JSON_VALUES + 1) + b"[]]")

    def no_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(files.json, "loads", no_parse)
    with pytest.raises(FileFormatError, match=r"g\.json: holds about [\d,]+ numbers, lists and objects, more than"):
        load_graph(path)


def test_many_numbers_in_free_form_meta_are_refused_too():
    d = json.loads(json.dumps({"format": "computation-graph-explorer", "version": 1, "nodes": [], "edges": [],
                               "meta": {"notes": [0] * (MAX_JSON_VALUES + 10)}}))
    with pytest.raises(FileFormatError, match="more than the limit"):
        parse_graph_json(json.dumps(d).encode())


def test_the_example_files_are_far_below_the_value_limit():
    for path in (ROOT / "assets" / "graphs").glob("*.json"):
        data = path.read_bytes()
        assert sum(data.count(c) for c in (b",", b"[", b"{")) < MAX_JSON_VALUES // 100
        load_graph(path)


# ----- item 10: predictable temporary files, swept when stale; symlinks written through
def test_a_stale_temporary_file_of_an_interrupted_save_is_swept(tmp_path):
    path = tmp_path / "g.json"
    save_graph(small_graph(), path)
    stale = [tmp_path / ".g.json.saving", tmp_path / ".g.json.k2j4h1.tmp", tmp_path / ".g.json.x8a.bak-tmp"]
    for leftover in stale:
        leftover.write_text("half a graph")
        old = time.time() - 3600
        os.utime(leftover, (old, old))
    keep = tmp_path / ".other.json.saving"
    keep.write_text("another file's")
    save_graph(small_graph(3.0), path)
    assert dot_names(tmp_path) == [".other.json.saving"]
    assert load_graph(path).find("w").value == 3.0


def test_a_fresh_temporary_file_means_another_save_is_running_and_nothing_is_touched(tmp_path):
    path = tmp_path / "g.json"
    save_graph(small_graph(), path)
    before = path.read_bytes()
    busy = tmp_path / ".g.json.saving"
    busy.write_text("being written right now")
    with pytest.raises(FileFormatError, match=r"^cannot save .*g\.json: another save of this file is still under way"):
        save_graph(small_graph(3.0), path)
    assert path.read_bytes() == before and busy.read_text() == "being written right now"


def test_saving_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "shared" / "model.json"
    real.parent.mkdir()
    save_graph(small_graph(), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save_graph(small_graph(5.0), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_graph(real).find("w").value == 5.0
    assert (real.parent / "model.json.bak").is_file()  # the backup sits beside the real file
    assert dot_names(tmp_path) == [] and dot_names(real.parent) == []


# ----- item 8: save failures in the user's words, naming the user's path
@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied"),
                                         (errno.EROFS, "the disk or folder is read-only")])
def test_save_failures_name_the_users_path_not_the_temporary_file(tmp_path, monkeypatch, code, words):
    path = tmp_path / "g.json"

    def failing_open(name, flags, mode=0o777):
        raise OSError(code, os.strerror(code), str(name))

    monkeypatch.setattr(safe_io.os, "open", failing_open)
    with pytest.raises(FileFormatError) as info:
        save_graph(small_graph(), path)
    assert str(info.value) == f"cannot save {path}: {words}"


def test_a_write_that_fails_half_way_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    save_graph(small_graph(), path)
    before = path.read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_io.os, "fsync", full_disk)
    with pytest.raises(FileFormatError, match="the disk is full"):
        save_graph(small_graph(3.0), path)
    assert path.read_bytes() == before and dot_names(tmp_path) == []


def main_py(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def test_train_save_to_onnx_is_refused_before_training(tmp_path):
    done = main_py("train", "assets/graphs/toy_2d.json", "--epochs", "1", "--save", tmp_path / "out.onnx")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "trained graphs are saved as .json" in done.stderr and "epoch" not in done.stdout


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs a folder nobody may write in (Linux /sys)")
def test_train_save_into_an_unwritable_folder_is_refused_before_training():
    done = main_py("train", "assets/graphs/toy_2d.json", "--epochs", "1", "--save", "/sys/trained.json")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: cannot save /sys/trained.json: permission denied"
    assert "epoch" not in done.stdout


# ----- item 9: dtype kept, nothing written that the reader refuses
def test_float32_parameters_are_written_back_as_float32(tmp_path):
    g = small_graph()
    big = g.add_node("Parameter", "big", {"shape": [1000], "init": "zeros"})
    g.set_value(big.id, np.random.default_rng(0).normal(size=1000).astype(np.float32))
    path = tmp_path / "g.json"
    save_graph(g, path)
    again = tmp_path / "again.json"
    save_graph(load_graph(path), again)
    entry = json.loads(again.read_text())["params"][big.id]
    assert entry["dtype"] == "float32" and entry["encoding"] == "base64"
    assert np.array_equal(load_graph(again).find("big").value, g.find("big").value)


def test_a_graph_that_would_be_too_big_a_file_is_not_written(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    save_graph(small_graph(), path)
    before = path.read_bytes()
    g = small_graph()
    g.add_node("Parameter", "big", {"shape": [4000], "init": "normal", "seed": 1})
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 20_000)
    with pytest.raises(FileFormatError, match=r"^cannot save .*g\.json: the graph would be a .* more than"):
        save_graph(g, path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("writer", ["dot", "tikz", "onnx", "pytorch"])
def test_exports_report_failures_in_the_users_words(tmp_path, monkeypatch, writer):
    from engine.interop import export_onnx, export_pytorch, write_dot, write_tikz

    g = small_graph()
    g.add_node("Log", "b")
    g.connect(g.find("a").id, g.find("b").id, "x")
    write = {"dot": write_dot, "tikz": write_tikz, "onnx": export_onnx, "pytorch": export_pytorch}[writer]
    target = tmp_path / f"out.{writer}"

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_io.os, "fsync", full_disk)
    with pytest.raises(FileFormatError, match=r"^cannot save .*: the disk is full$"):
        write(g, target)
    assert list(tmp_path.iterdir()) == []


def test_an_acyclic_file_is_checked_without_searching_for_a_cycle(monkeypatch):
    """find_cycle over a whole graph took 100 s on 5,000 nodes; it now runs only inside a found loop."""
    import networkx as nx

    from engine.examples import example_path

    def no_search(*args, **kwargs):
        raise AssertionError("searched the whole graph for a cycle")

    monkeypatch.setattr(nx, "find_cycle", no_search)
    load_graph(example_path("text_cnn"))


def test_a_cycle_in_a_big_file_is_still_named(tmp_path):
    d = json.loads(json.dumps({"format": "computation-graph-explorer", "version": 1,
                               "nodes": [{"id": f"n{i}", "op": "Sigmoid"} for i in range(3000)],
                               "edges": [{"id": f"e{i}", "src": f"n{i}", "dst": f"n{i + 1}", "port": "x"}
                                         for i in range(2999)]}))
    d["edges"][0]["src"] = "n2"  # n2 → n1 → n2
    with pytest.raises(FileFormatError, match=r"the edges make a cycle \(n[12] → n[12] → n[12]\)"):
        from engine.serialization import graph_from_dict

        graph_from_dict(d)
