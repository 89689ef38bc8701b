"""The file format's migration 1 → 2: blocks move from meta.blocks onto their regions, titles follow the title
rule, version-1 files keep opening (fixtures written by the version-1 app), and a bad block names its place."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from engine import blocks as block_model
from engine.fileformat.migrations import clean_title, upgrade
from engine.graph import BlockInfo
from engine.names import MAX_TITLE_CHARS
from engine.serialization import (
    CURRENT_VERSION, FileFormatError, graph_from_dict, graph_to_dict, load_graph, save_graph,
)

FIXTURES = Path(__file__).parent / "fixtures"
WITH_BLOCK = FIXTURES / "v1_block_and_long_title.json"
BROKEN_BLOCK = FIXTURES / "v1_broken_block.json"


def version_1(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def error_of(d: dict) -> str:
    with pytest.raises(FileFormatError) as info:
        graph_from_dict(d)
    return str(info.value)


def values(graph) -> dict:
    return {n.id: n.value.tolist() for n in graph.nodes.values() if n.value is not None}


def test_the_current_version_is_2():
    assert CURRENT_VERSION == 2
    assert version_1(WITH_BLOCK)["version"] == 1 and version_1(BROKEN_BLOCK)["version"] == 1


def test_a_version_1_file_opens_equal_to_its_version_2_reading(tmp_path):
    notes: list[str] = []
    old = load_graph(WITH_BLOCK, notes)
    save_graph(old, tmp_path / "now.json")
    written = json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))
    assert written["version"] == 2
    again_notes: list[str] = []
    again = load_graph(tmp_path / "now.json", again_notes)
    assert graph_to_dict(again) == graph_to_dict(old) and values(again) == values(old)
    assert again_notes == []  # a version-2 file needs no change
    source = version_1(WITH_BLOCK)
    for key in ("nodes", "edges", "params"):  # the migration touches regions and meta only
        assert written[key] == source[key]


def test_the_block_moves_from_meta_blocks_onto_its_region():
    graph = load_graph(WITH_BLOCK)
    assert graph.regions["r11"].block == BlockInfo("linear_sigmoid", collapsed=True)
    assert block_model.is_collapsed(graph, "r11")
    assert [r.block for r in graph.regions.values()][1:] == [None, None]
    assert "blocks" not in graph.meta
    d = graph_to_dict(graph)
    assert d["regions"][0]["block"] == {"kind": "linear_sigmoid", "collapsed": True}
    assert "block" not in d["regions"][1] and "blocks" not in d["meta"]


def test_a_long_version_1_title_is_cut_to_the_title_rule_with_a_note():
    original = version_1(WITH_BLOCK)["regions"][2]["title"]
    notes: list[str] = []
    graph = load_graph(WITH_BLOCK, notes)
    title = graph.regions["r24"].title
    assert len(original) == 120 and len(title) == MAX_TITLE_CHARS
    assert title == original[:MAX_TITLE_CHARS - 1].rstrip() + "…"
    assert len(notes) == 1 and notes[0].startswith("regions[2].title: a region title has at most 80 characters")
    assert title in notes[0]


def test_a_version_1_block_its_nodes_no_longer_form_opens_as_a_plain_group_with_a_note():
    notes: list[str] = []
    graph = load_graph(BROKEN_BLOCK, notes)  # the old app deleted the Sigmoid and kept the block entry
    assert graph.regions["r11"].block is None and block_model.blocks(graph) == {}
    assert graph.regions["r13"].title == "output layer"  # the line break of version 1 became a space
    assert any(n.startswith("meta.blocks.r11: the nodes of region 'Linear + σ' do not form a Linear + σ block")
               and "exactly one Sigmoid" in n and "plain group" in n for n in notes)
    assert any(n.startswith("regions[1].title: a region title must be printable") for n in notes)
    assert len(notes) == 2


def test_the_migration_leaves_its_argument_alone():
    d = version_1(WITH_BLOCK)
    kept = copy.deepcopy(d)
    upgrade(d, [])
    assert d == kept


# ----- a block that is missing, malformed or not a chain is refused, naming its place

def _v1(change) -> dict:
    d = version_1(WITH_BLOCK)
    change(d)
    return d


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["meta"]["blocks"].update(r99={"kind": "linear_sigmoid", "collapsed": True}),
     "meta.blocks.r99: there is no region 'r99' for this block"),
    (lambda d: d["meta"]["blocks"]["r11"].update(kind="conv_relu"),
     "meta.blocks.r11.kind: unknown block kind 'conv_relu' (known: linear_sigmoid)"),
    (lambda d: d["meta"]["blocks"]["r11"].update(collapsed="yes"),
     "meta.blocks.r11.collapsed: expected true or false, got the text 'yes'"),
    (lambda d: d["meta"]["blocks"]["r11"].pop("kind"), "meta.blocks.r11: missing the key 'kind'"),
    (lambda d: d["meta"].update(blocks=[1]), "meta.blocks: expected an object, got a list"),
    (lambda d: d["regions"][0].update(block={"kind": "linear_sigmoid", "collapsed": True}),
     "regions[0]: unknown key 'block'"),
], ids=["missing region", "unknown kind", "collapsed not a bool", "no kind", "not a table", "block in version 1"])
def test_a_bad_version_1_block_is_refused_naming_its_place(change, expected):
    assert error_of(_v1(change)).startswith(expected)


def _v2(change) -> dict:
    d = graph_to_dict(load_graph(WITH_BLOCK))
    change(d)
    return d


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["regions"][0]["nodes"].remove("n6"),
     "regions[0].block: the nodes of region 'r11' ('Linear + σ') do not form a Linear + σ block: a Linear + σ "
     "block needs exactly one Sigmoid node among its nodes"),
    (lambda d: d["regions"][1].update(block={"kind": "linear_sigmoid", "collapsed": False}),
     "regions[1].block: the nodes of region 'r23' ('encoder f(x)') do not form a Linear + σ block"),
    (lambda d: d["regions"].append({"id": "r30", "title": "again", "nodes": d["regions"][0]["nodes"],
                                    "block": {"kind": "linear_sigmoid", "collapsed": True}}),
     "regions[3].block: the nodes of region 'r30' ('again') do not form a Linear + σ block: 'h' is already part "
     "of a block"),
    (lambda d: d["regions"][0]["block"].update(kind="conv"), "regions[0].block.kind: unknown block kind 'conv'"),
    (lambda d: d["regions"][0]["block"].update(collapsed=1), "regions[0].block.collapsed: expected true or false"),
    (lambda d: d["regions"][0]["block"].update(shown=True), "regions[0].block: unknown key 'shown'"),
    (lambda d: d["meta"].update(blocks={"r11": {"kind": "linear_sigmoid", "collapsed": True}}),
     "meta.blocks: a version-2 file keeps each block on its region"),
], ids=["member missing", "not a chain", "node in two blocks", "unknown kind", "collapsed not a bool",
        "unknown key", "side table in version 2"])
def test_a_bad_version_2_block_is_refused_naming_its_place(change, expected):
    assert error_of(_v2(change)).startswith(expected)


def test_a_version_2_file_with_a_broken_block_is_refused_not_opened_with_a_note():
    d = _v2(lambda d: d["edges"].remove(next(e for e in d["edges"] if e["id"] == "e10")))  # Add → Sigmoid
    notes: list[str] = []
    with pytest.raises(FileFormatError, match=r"regions\[0\]\.block: .*the Add must feed the Sigmoid"):
        graph_from_dict(d, notes)


# ----- titles: what version 1 allowed, version 2 cleans

@pytest.mark.parametrize("title, expected", [
    ("t" * 200, "t" * 79 + "…"),
    ("encoder\nf(x)", "encoder f(x)"),
    ("loss\tL(x, y)   ", "loss L(x, y)"),
    ("", "group"),
    ("\n\n", "group"),
    ("word " * 30, ("word " * 16).rstrip() + "…"),
])
def test_clean_title_follows_the_title_rule(title, expected):
    assert clean_title(title) == expected


def test_a_title_version_1_refused_as_well_is_still_refused():
    d = _v1(lambda d: d["regions"][1].update(title="t" * 201))
    assert error_of(d).startswith("regions[1].title: text of 201 characters is longer than the limit of 80")


def test_a_version_1_file_with_good_titles_and_no_blocks_opens_without_notes():
    d = _v1(lambda d: (d["meta"].pop("blocks"), d["regions"][2].update(title="decoder")))
    notes: list[str] = []
    graph = graph_from_dict(d, notes)
    assert notes == [] and block_model.blocks(graph) == {}


# ----- float32 arrays keep their dtype, however small

def test_small_float32_arrays_are_saved_as_float32_again():
    d = graph_to_dict(load_graph(WITH_BLOCK))
    d["params"]["n13"] = {"dtype": "float32", "shape": [2], "data": [float(np.float32(0.1)), -1.5]}
    graph = graph_from_dict(d)
    assert graph.nodes["n13"].file_dtype == "float32"
    again = graph_to_dict(graph)
    assert again["params"]["n13"] == d["params"]["n13"]  # before: written as "float64", the values exact
    assert again["params"]["n2"]["dtype"] == "float64"  # read as float64: stays float64
    assert graph_to_dict(graph.copy())["params"]["n13"]["dtype"] == "float32"
    graph.set_value("n13", np.array([0.1, -1.5]))  # a value float32 cannot hold: all 64 bits are kept
    assert graph_to_dict(graph)["params"]["n13"]["dtype"] == "float64"


def test_a_small_float64_array_of_round_numbers_stays_float64():
    graph = load_graph(WITH_BLOCK)
    assert graph_to_dict(graph)["params"]["n13"] == {"dtype": "float64", "shape": [2], "data": [0.25, -1.5]}
