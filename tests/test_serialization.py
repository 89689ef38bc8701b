"""Graph files: exact round trips, atomic saves with a backup, migrations, and clear errors on bad input."""
import base64
import json
import os

import numpy as np
import pytest

from engine import Graph
from engine.fileformat import arrays, files
from engine.serialization import (
    CURRENT_VERSION, FileFormatError, graph_from_dict, graph_to_dict, load_graph, parse_graph_json, save_graph,
)


def small_graph(theta=None) -> Graph:
    """x → Dot with θ → Sigmoid a → BinaryCrossEntropy with y."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3]}, pos=(0, 0))
    t = g.add_node("Parameter", "θ", {"shape": [3], "init": "normal", "seed": 4}, pos=(0, -120))
    d = g.add_node("Dot", "θᵀx", pos=(220, 0))
    a = g.add_node("Sigmoid", "a", pos=(440, 0))
    y = g.add_node("Label", "y", {"classes": 2, "batched": False}, pos=(440, 120))
    loss = g.add_node("BinaryCrossEntropy", "L", pos=(660, 0))
    g.connect(t.id, d.id, "θ")
    g.connect(x.id, d.id, "x")
    g.connect(d.id, a.id, "x")
    g.connect(a.id, loss.id, "p")
    g.connect(y.id, loss.id, "y")
    g.add_region("loss", [y.id, loss.id], "#e45756")
    g.meta.update({"title": "small", "sample": {"x": [1.0, 2.0, 3.0], "y": 1},
                   "training": {"optimizer": "sgd", "lr": 0.1, "batch_size": 1, "epochs": 1, "seed": 0}})
    if theta is not None:
        g.set_value(t.id, theta)
    return g


def valid_dict() -> dict:
    return graph_to_dict(small_graph())


def error_of(d) -> str:
    with pytest.raises(FileFormatError) as info:
        graph_from_dict(d)
    return str(info.value)


# ----- round trips

def test_round_trip_keeps_nodes_edges_regions_meta_and_positions():
    g = small_graph()
    back = graph_from_dict(json.loads(json.dumps(graph_to_dict(g))))
    assert [(n.id, n.name, n.op_name, n.attrs, n.pos) for n in back.nodes.values()] == \
        [(n.id, n.name, n.op_name, n.attrs, n.pos) for n in g.nodes.values()]
    assert list(back.edges.values()) == list(g.edges.values())
    assert [(r.id, r.title, r.node_ids, r.color) for r in back.regions.values()] == \
        [(r.id, r.title, r.node_ids, r.color) for r in g.regions.values()]
    assert back.meta == g.meta


def test_awkward_float64_values_survive_a_save_and_load_bit_for_bit(tmp_path):
    awkward = np.array([0.1, -1e-308, 1.7976931348623157e308])
    g = small_graph(theta=awkward)
    save_graph(g, tmp_path / "g.json")
    back = load_graph(tmp_path / "g.json")
    assert back.find("θ").value.tobytes() == awkward.tobytes()


def test_large_arrays_are_base64_and_small_ones_lists_both_exact():
    rng = np.random.default_rng(1)
    small, large = rng.normal(size=(4, 5)), rng.normal(size=(30, 20))
    small_entry, large_entry = arrays.encode_array(small, "p"), arrays.encode_array(large, "p")
    assert isinstance(small_entry["data"], list) and "encoding" not in small_entry
    assert large_entry["encoding"] == "base64"
    for arr, entry in ((small, small_entry), (large, large_entry)):
        text = json.dumps(entry)
        assert np.array_equal(arrays.decode_array(json.loads(text), "p"), arr)


def test_float32_arrays_read_back_exactly_in_both_encodings():
    values = np.random.default_rng(2).normal(size=300).astype(np.float32)
    for arr in (values, values[:10]):
        entry = json.loads(json.dumps(arrays.encode_array(arr, "p")))
        assert entry["dtype"] == "float32"
        assert np.array_equal(arrays.decode_array(entry, "p"), arr.astype(np.float64))


def test_dict_round_trip_is_identical():
    d = valid_dict()
    assert graph_to_dict(graph_from_dict(json.loads(json.dumps(d)))) == d


def test_without_weights_only_values_the_initialiser_cannot_remake_are_written():
    g = small_graph()
    assert graph_to_dict(g, weights=False)["params"] == {}
    g.set_value(g.find("θ").id, np.array([1.0, 2.0, 3.0]))
    assert list(graph_to_dict(g, weights=False)["params"]) == [g.find("θ").id]
    reloaded = graph_from_dict(graph_to_dict(small_graph(), weights=False))
    assert np.array_equal(reloaded.find("θ").value, small_graph().find("θ").value)


def test_meta_nan_is_written_as_null_so_the_file_still_loads():
    g = small_graph()
    g.meta["metrics"] = {"train_loss": [0.5, float("nan")], "test_accuracy": 0.9}
    d = graph_to_dict(g)
    assert d["meta"]["metrics"]["train_loss"] == [0.5, None]
    assert graph_from_dict(parse_graph_json(json.dumps(d))).meta["metrics"]["test_accuracy"] == 0.9


# ----- saving

def test_save_keeps_the_previous_file_as_bak_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "model.json"
    save_graph(small_graph(theta=np.array([1.0, 1.0, 1.0])), path)
    first = path.read_text(encoding="utf-8")
    save_graph(small_graph(theta=np.array([2.0, 2.0, 2.0])), path)
    assert (tmp_path / "model.json.bak").read_text(encoding="utf-8") == first
    assert np.array_equal(load_graph(path).find("θ").value, [2.0, 2.0, 2.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.json.bak"]


def test_a_crash_during_the_rename_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    save_graph(small_graph(theta=np.array([1.0, 1.0, 1.0])), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(FileFormatError, match=r"^cannot save .*model\.json: disk unplugged$"):
        save_graph(small_graph(theta=np.array([5.0, 5.0, 5.0])), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_save_refuses_nan_parameters_and_does_not_touch_the_file(tmp_path):
    path = tmp_path / "model.json"
    save_graph(small_graph(), path)
    before = path.read_bytes()
    g = small_graph(theta=np.array([np.nan, 0.0, 0.0]))
    with pytest.raises(FileFormatError, match=r"params\.n2: .*NaN"):
        save_graph(g, path)
    assert path.read_bytes() == before


def test_saving_to_onnx_points_to_export(tmp_path):
    with pytest.raises(FileFormatError, match="export"):
        save_graph(small_graph(), tmp_path / "g.onnx")


# ----- versions and migrations

def test_version_0_files_are_migrated():
    d = valid_dict()
    old = {"format": d["format"], "version": 0,
           "nodes": [{"id": n["id"], "name": n["name"], "type": n["op"], "attrs": n["attrs"],
                      "x": n["pos"][0], "y": n["pos"][1]} for n in d["nodes"]],
           "links": [{"id": e["id"], "from": e["src"], "to": e["dst"], "input": e["port"]} for e in d["edges"]],
           "weights": d["params"], "groups": d["regions"], "meta": d["meta"]}
    assert graph_to_dict(graph_from_dict(old)) == d


def test_a_newer_version_says_so_plainly():
    d = {**valid_dict(), "version": 7}
    assert error_of(d) == (f"version: this file was written by a newer version (format 7); "
                           f"this app reads up to {CURRENT_VERSION}")


def test_a_file_of_another_program_is_named_as_such():
    assert "not a Computation Graph Explorer file" in error_of({"format": "keras", "version": 1})


# ----- errors that say where and what

def test_bad_attribute_names_node_attribute_and_value():
    d = valid_dict()
    d["nodes"][4]["attrs"]["classes"] = -2
    assert error_of(d) == "nodes[4].attrs.classes: expected a positive integer, got -2"


def test_edge_into_a_missing_port_names_the_edge_node_and_port():
    d = valid_dict()
    d["edges"][2]["port"] = "q"
    assert error_of(d).startswith("edges[2]: node 'n4' (Sigmoid 'a') has no input port 'q'")


def test_parameter_shape_mismatch_names_both_shapes():
    d = valid_dict()
    d["params"]["n2"] = {"dtype": "float64", "shape": [3, 4], "data": [[0.0] * 4] * 3}
    assert error_of(d) == "params.n2: shape [3, 4] does not match the Parameter's shape 3"


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["edges"].append({"id": "e99", "src": "n6", "dst": "n3", "port": "x"}),
     "input 'x' of node 'n3' is already fed"),
    (lambda d: d["edges"].__setitem__(1, {"id": "e99", "src": "n4", "dst": "n3", "port": "x"}), "cycle"),
    (lambda d: d["nodes"].append(dict(d["nodes"][0])), "nodes[6].id: id 'n1' is used twice"),
    (lambda d: d["edges"][0].__setitem__("src", "n42"), "edges[0].src: there is no node 'n42'"),
    (lambda d: d["nodes"][0].__setitem__("op", "Eval"), "nodes[0].op: unknown op 'Eval'"),
    (lambda d: d["nodes"][0].__setitem__("pos", "left"), "nodes[0].pos: expected a list"),
    (lambda d: d["nodes"][0]["attrs"].__setitem__("units", 3), "nodes[0].attrs.units: Input has no attribute"),
    (lambda d: d.pop("edges"), "file: missing the key 'edges'"),
    (lambda d: d.__setitem__("extra", 1), "file: unknown key 'extra'"),
    (lambda d: d["params"].__setitem__("n2", {"dtype": "float64", "shape": [3], "data": "!!!",
                                              "encoding": "base64"}), "params.n2.data: is not valid base64"),
    (lambda d: d["params"].__setitem__("n2", {"dtype": "float64", "shape": [3], "data": [1.0, float("nan"), 0.0]}),
     "params.n2.data: contains NaN"),
    (lambda d: d["params"].__setitem__("n2", {"dtype": "float64", "shape": [3], "data": [1.0, True, 0.0]}),
     "params.n2.data[1]: expected a number, got true"),
    (lambda d: d["params"].__setitem__("n1", {"dtype": "float64", "shape": [3], "data": [1.0, 2.0, 3.0]}),
     "params.n1: node 'n1' is an Input"),
    (lambda d: d["regions"][0]["nodes"].append("n77"), "regions[0].nodes[2]"),
    (lambda d: d["meta"]["training"].__setitem__("lr", -1),
     "meta.training.lr: -1 is too small: the learning rate α must be between 1e-06 and 100"),
    (lambda d: d["meta"].__setitem__("dataset", {"name": "headlines", "classes": 4}),
     "meta.dataset.classes: expected 3 or 5"),
    (lambda d: d["meta"].__setitem__("view", {"zoom": 0}), "meta.view.zoom: expected a positive number"),
])
def test_each_problem_is_a_file_format_error_naming_its_place(change, expected):
    d = valid_dict()
    change(d)
    assert expected in error_of(d)


def test_nan_in_base64_bytes_is_refused():
    d = valid_dict()
    raw = np.array([1.0, np.nan, 2.0]).astype("<f8").tobytes()
    d["params"]["n2"] = {"dtype": "float64", "shape": [3], "encoding": "base64",
                         "data": base64.b64encode(raw).decode()}
    assert error_of(d) == "params.n2.data: contains NaN or infinity"


def test_too_many_parameter_numbers_are_refused_before_anything_is_allocated():
    d = valid_dict()
    d["nodes"][1]["attrs"]["shape"] = [1_000_000, 20]
    d["nodes"].append({**d["nodes"][1], "id": "big2"})
    assert "more than the limit" in error_of(d)


def test_huge_int_attribute_is_refused():
    d = valid_dict()
    d["nodes"][4]["attrs"]["classes"] = 10**15
    assert "more than the limit" in error_of(d)


# ----- bytes and files

@pytest.mark.parametrize("text, expected", [
    ('{"a": NaN}', "NaN is not allowed"),
    ('{"a": -Infinity}', "-Infinity is not allowed"),
    ('{"a": 1e999}', "too large"),
    ('{"a": 1, "a": 2}', "the key 'a' appears twice"),
    ('{"format": "computation-graph-explorer", "ver', "cut short"),
    ("[" * 100_000, "nested too deeply"),
])
def test_strict_json(text, expected):
    with pytest.raises(FileFormatError, match=expected):
        parse_graph_json(text.encode())


def test_garbage_bytes_and_missing_files_are_file_format_errors(tmp_path):
    garbage = tmp_path / "g.json"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FileFormatError, match="not UTF-8"):
        load_graph(garbage)
    with pytest.raises(FileFormatError, match="no such file"):
        load_graph(tmp_path / "missing.json")
    with pytest.raises(FileFormatError, match="folder"):
        load_graph(tmp_path)


def test_files_over_the_size_limit_are_not_read(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(valid_dict()), encoding="utf-8")
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileFormatError, match="more than the limit"):
        load_graph(path)


def test_onnx_without_the_importer_gives_a_pip_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "engine.interop.onnx_import", None)
    path = tmp_path / "model.onnx"
    path.write_bytes(b"\x08\x07")
    with pytest.raises(FileFormatError, match="pip install onnx"):
        load_graph(path)


def test_saved_text_has_one_node_per_line_and_is_plain_json(tmp_path):
    path = tmp_path / "g.json"
    save_graph(small_graph(), path)
    text = path.read_text(encoding="utf-8")
    node_lines = [line for line in text.splitlines() if line.strip().startswith('{"id": "n')]
    assert len(node_lines) == len(small_graph().nodes)
    assert json.loads(text) == graph_to_dict(small_graph())
    assert oct(os.stat(path).st_mode & 0o777) != "0o600"  # not left with mkstemp's private mode
