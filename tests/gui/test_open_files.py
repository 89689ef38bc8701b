"""File ▸ Open of files that need work to show: a graph without positions is laid out (and says so), a
version-1 file opens with its block on its region and the migration's notes in a message."""
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from engine import blocks as block_model  # noqa: E402
from engine.serialization import graph_to_dict  # noqa: E402
from graphviz_app import commands as cmd  # noqa: E402
from graphviz_app.examples_dialog import list_examples  # noqa: E402

from .conftest import canonical, lecture_mlp  # noqa: E402
from .test_window import new_window  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def unplaced_copy(path: Path) -> Path:
    """The lecture MLP written without any "pos", as a script or another tool might write it."""
    d = graph_to_dict(lecture_mlp())
    for node in d["nodes"]:
        del node["pos"]
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


def test_a_file_without_positions_is_laid_out_when_opened_and_the_status_says_so(qtbot, tmp_path):
    path = unplaced_copy(tmp_path / "no_pos.json")
    window = new_window(qtbot, tmp_path)
    window.prompts.open_from = str(path)
    window.actions["open"].trigger()
    positions = [node.pos for node in window.graph.nodes.values()]
    assert len(set(positions)) == len(positions)  # before: every node on (0, 0), one pile
    assert "laid out automatically" in window.statusBar().currentMessage()
    assert window.document.path == str(path) and not window.document.dirty  # the file itself is unchanged
    assert json.loads(path.read_text(encoding="utf-8"))["nodes"][0].keys() == {"id", "name", "op", "attrs"}
    boxes = [window.scene.node_items[n].sceneBoundingRect() for n in window.graph.nodes]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_a_file_with_positions_is_not_moved(qtbot, tmp_path):
    graph = lecture_mlp()
    path = tmp_path / "placed.json"
    path.write_text(json.dumps(graph_to_dict(graph)), encoding="utf-8")
    window = new_window(qtbot, tmp_path)
    assert window.files.open_path(str(path), ask=False)
    assert [n.pos for n in window.graph.nodes.values()] == [n.pos for n in graph.nodes.values()]
    assert window.statusBar().currentMessage() == f"Opened {path}"


def test_a_version_1_file_opens_with_its_block_collapsed_and_the_notes_in_a_message(qtbot, tmp_path):
    path = Path(shutil.copy(FIXTURES / "v1_block_and_long_title.json", tmp_path / "old.json"))
    window = new_window(qtbot, tmp_path)
    assert window.files.open_path(str(path), ask=False)
    assert set(window.scene.block_items) == {"r11"}  # the block is drawn as one box, as the old app did
    assert not window.scene.node_items["n6"].isVisible()
    assert "1 change to open it" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: bool(window.prompts.infos))
    title, text = window.prompts.infos[-1]
    assert title == "Opened with changes" and "regions[2].title: a region title has at most 80" in text
    window.prompts.save_to = str(tmp_path / "new.json")
    window.actions["save_as"].trigger()
    saved = json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))
    assert saved["version"] == 2 and saved["regions"][0]["block"] == {"kind": "linear_sigmoid", "collapsed": True}


@pytest.mark.parametrize("example", ["neuron", "mlp", "headline_classifier", "text_cnn"])
def test_expand_collapse_and_undo_on_a_lecture_example(qtbot, tmp_path, example):
    window = new_window(qtbot, tmp_path)
    window.set_graph(_example(example), None, example=example)
    graph, stack, scene = window.graph, window.undo_stack, window.scene
    start = canonical(graph)
    add = cmd.AddBlockCommand(graph, 3, 2, (0.0, 900.0))
    stack.push(add)
    region_id = add.region_id
    assert set(scene.block_items) == {region_id}
    stack.push(cmd.ExpandBlockCommand(graph, region_id))
    assert scene.block_items == {} and all(scene.node_items[n].isVisible() for n in graph.regions[region_id].node_ids)
    expanded = canonical(graph)
    stack.push(cmd.CollapseBlockCommand(graph, region_id))
    assert set(scene.block_items) == {region_id}
    stack.undo()
    assert canonical(graph) == expanded and scene.block_items == {}
    stack.undo()
    stack.undo()
    assert canonical(graph) == start and scene.block_items == {} and region_id not in scene.region_items
    for _ in range(3):
        stack.redo()
    assert block_model.is_collapsed(graph, region_id) and set(scene.block_items) == {region_id}


def _example(name):
    return next(e for e in list_examples() if e.name == name).load()
