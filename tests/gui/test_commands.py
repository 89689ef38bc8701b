"""Every undo command: it changes the model, undo gives back the identical model, redo the identical result."""
import json

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from engine import AttrError, Graph, GraphError
from engine import blocks as block_model
from graphviz_app import commands as cmd
from tests.gui.conftest import canonical, lecture_mlp


def with_block() -> Graph:
    g = lecture_mlp()
    x = g.find("x")
    region_id, parts = block_model.add_linear_sigmoid(g, 3, 2, pos=(200, 300), collapsed=False)
    g.connect(x.id, parts.matmul, "x")
    return g


def _node(g, name):
    return g.find(name).id


def _block_region(g):
    return next(iter(block_model.blocks(g)))


# (label, graph builder, command factory) — each factory builds its command from a fresh graph
COMMANDS = [
    ("add node", lecture_mlp, lambda g: cmd.AddNodeCommand(g, "Tanh", (10.0, 20.0))),
    ("add parameter", lecture_mlp, lambda g: cmd.AddNodeCommand(g, "Parameter", (0.0, 0.0), {"shape": [2, 2]})),
    ("delete node with edges and region", lecture_mlp, lambda g: cmd.RemoveItemsCommand(g, [_node(g, "Wx")])),
    ("delete whole region", lecture_mlp,
     lambda g: cmd.RemoveItemsCommand(g, [_node(g, n) for n in ("θ", "θᵀb", "c")])),
    ("delete edge", lecture_mlp, lambda g: cmd.RemoveItemsCommand(g, edge_ids=[next(iter(g.edges))])),
    ("delete block member", with_block, lambda g: cmd.RemoveItemsCommand(g, [_node(g, "z")])),
    ("connect", lecture_mlp, lambda g: _connect_new(g)),
    ("disconnect", lecture_mlp, lambda g: cmd.DisconnectCommand(g, next(iter(g.edges)))),
    ("move", lecture_mlp, lambda g: cmd.MoveNodesCommand(g, {_node(g, "a"): ((440.0, 0.0), (500.0, 60.0))})),
    ("set attr re-initialises a trained parameter", lecture_mlp, lambda g: _set_shape(g)),
    ("set attr of an op", lecture_mlp, lambda g: _set_axis(g)),
    ("rename", lecture_mlp, lambda g: cmd.RenameCommand(g, _node(g, "a"), "hidden")),
    ("set value", lecture_mlp, lambda g: cmd.SetValueCommand(g, _node(g, "θ"), [5.0, -5.0])),
    ("group", lecture_mlp, lambda g: cmd.GroupCommand(g, "loss L(x, y; θ)", [_node(g, "c")], "#e45756")),
    ("ungroup", lecture_mlp, lambda g: cmd.UngroupCommand(g, next(iter(g.regions)))),
    ("ungroup block", with_block, lambda g: cmd.UngroupCommand(g, _block_region(g))),
    ("collapse block", with_block, lambda g: cmd.CollapseBlockCommand(g, _block_region(g))),
    ("expand block", lambda: _collapsed(with_block()), lambda g: cmd.ExpandBlockCommand(g, _block_region(g))),
    ("make block from selection", lambda: _unblocked(with_block()),
     lambda g: cmd.CollapseBlockCommand(g, node_ids=[_node(g, n) for n in ("W2", "b2", "xW", "z", "h")])),
    ("add block", lecture_mlp, lambda g: cmd.AddBlockCommand(g, 4, 2, (0.0, 400.0))),
    ("paste", lecture_mlp,
     lambda g: cmd.PasteCommand(g, cmd.copy_selection(g, [_node(g, n) for n in ("θ", "θᵀb", "c")]))),
    ("auto layout", lambda: _stacked(lecture_mlp()), lambda g: cmd.AutoLayoutCommand(g)),
]


def _connect_new(g):
    extra = g.add_node("Input", "x2", {"shape": [4]}, (0, 300))
    tanh = g.add_node("Tanh", "t", pos=(200, 300))
    del extra
    return cmd.ConnectCommand(g, g.find("x2").id, tanh.id, "x")


def _set_shape(g):
    theta = g.find("θ").id
    g.set_value(theta, np.array([0.5, -0.25]))  # a "trained" value that undo must bring back
    return cmd.SetAttrCommand(g, theta, "shape", [3])


def _set_axis(g):
    soft = g.add_node("Softmax", "p", pos=(0, 500))
    return cmd.SetAttrCommand(g, soft.id, "axis", 0)


def _stacked(g):
    for node_id in g.nodes:
        g.move(node_id, (0.0, 0.0))
    assert cmd.needs_layout(g)
    return g


def _collapsed(g):
    block_model.collapse_block(g, _block_region(g))
    return g


def _unblocked(g):
    g.remove_region(_block_region(g))
    return g


@pytest.mark.parametrize("label, build, make", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_undo_and_redo_restore_the_identical_model(label, build, make):
    graph = build()
    stack = QUndoStack()
    command = make(graph)
    before = canonical(graph)
    stack.push(command)
    after = canonical(graph)
    assert after != before, f"{label} changed nothing"
    for _ in range(2):
        stack.undo()
        assert canonical(graph) == before
        stack.redo()
        assert canonical(graph) == after


def test_every_command_class_is_covered():
    covered = set()
    for _, build, make in COMMANDS:
        covered.add(type(make(build())).__name__)
    exported = {name for name in cmd.__all__ if name.endswith("Command")}
    assert exported <= covered


def test_consecutive_moves_of_the_same_nodes_merge_into_one_step():
    g = lecture_mlp()
    a = g.find("a").id
    stack = QUndoStack()
    stack.push(cmd.MoveNodesCommand(g, {a: ((440.0, 0.0), (450.0, 0.0))}))
    stack.push(cmd.MoveNodesCommand(g, {a: ((450.0, 0.0), (470.0, 10.0))}))
    assert stack.count() == 1 and g.nodes[a].pos == (470.0, 10.0)
    stack.undo()
    assert g.nodes[a].pos == (440.0, 0.0)
    stack.redo()
    stack.push(cmd.MoveNodesCommand(g, {g.find("c").id: ((1320.0, 0.0), (1300.0, 0.0))}))
    assert stack.count() == 2  # other nodes: a separate step


@pytest.mark.parametrize("make, error", [
    (lambda g: cmd.ConnectCommand(g, g.find("c").id, g.find("Wx").id, "x"), GraphError),  # taken
    (lambda g: cmd.ConnectCommand(g, g.find("c").id, g.find("g").id, "x"), GraphError),  # cycle
    (lambda g: cmd.SetAttrCommand(g, g.find("θ").id, "shape", "three"), AttrError),
    (lambda g: cmd.RenameCommand(g, g.find("a").id, "b"), GraphError),  # name in use
    (lambda g: cmd.RenameCommand(g, g.find("a").id, "   "), GraphError),
    (lambda g: cmd.SetValueCommand(g, g.find("θ").id, [1.0, 2.0, 3.0]), GraphError),
    (lambda g: cmd.GroupCommand(g, "empty", []), GraphError),
    (lambda g: cmd.CollapseBlockCommand(g, node_ids=[g.find("Wx").id, g.find("a").id]), GraphError),
    (lambda g: cmd.PasteCommand(g, {"format": "something else"}), ValueError),
])
def test_commands_refuse_bad_edits_before_changing_anything(make, error):
    g = lecture_mlp()
    tail = g.add_node("Tanh", "g", pos=(1500, 0))
    g.connect(g.find("c").id, tail.id, "x")
    before = canonical(g)
    with pytest.raises(error):
        make(g)
    assert canonical(g) == before


def test_copy_selection_is_json_and_keeps_inner_edges_and_whole_regions():
    g = lecture_mlp()
    ids = [g.find(n).id for n in ("θ", "θᵀb", "c", "b")]
    data = cmd.copy_selection(g, ids)
    assert json.loads(json.dumps(data)) == data
    assert {n["name"] for n in data["nodes"]} == {"θ", "θᵀb", "c", "b"}
    assert len(data["edges"]) == 3  # θ→θᵀb, b→θᵀb, θᵀb→c; not Va→b
    assert [r["title"] for r in data["regions"]] == ["decoder"]
    theta = next(n for n in data["nodes"] if n["name"] == "θ")
    assert theta["value"] == g.find("θ").value.tolist()


def test_paste_twice_gives_distinct_names_and_a_copy_of_the_region():
    g = lecture_mlp()
    data = cmd.copy_selection(g, [g.find(n).id for n in ("θ", "θᵀb", "c")])
    stack = QUndoStack()
    first = cmd.PasteCommand(g, data)
    stack.push(first)
    second = cmd.PasteCommand(g, data)
    stack.push(second)
    names = [g.nodes[n].name for n in first.node_ids + second.node_ids]
    assert len(set(names)) == 6 and "θ2" in names and "θ3" in names
    titles = [r.title for r in g.regions.values()]
    assert titles.count("decoder") == 3
    np.testing.assert_array_equal(g.nodes[first.node_ids[0]].value, g.find("θ").value)


def test_auto_layout_takes_the_items_sizes_so_big_nodes_do_not_overlap():
    g = _stacked(lecture_mlp())
    stack = QUndoStack()
    stack.push(cmd.AutoLayoutCommand(g, sizes={n: (400.0, 300.0) for n in g.nodes}))
    boxes = [(x - 200, y - 150, x + 200, y + 150) for x, y in (node.pos for node in g.nodes.values())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1])
    stack.undo()
    assert cmd.needs_layout(g)


# ----- every command checks before it is pushed (issue 13 item 2)
def _chain_in_collapsed_block():
    g = with_block()
    block_model.collapse_block(g, _block_region(g))
    return g, [_node(g, n) for n in ("W2", "b2", "xW", "z", "h")]


@pytest.mark.parametrize("make, message", [
    (lambda g, ids: cmd.CollapseBlockCommand(g, node_ids=ids), "already part of a block"),
    (lambda g, ids: cmd.CollapseBlockCommand(g, _block_region(g)), "collapsed already"),
    (lambda g, ids: cmd.ExpandBlockCommand(g, next(r for r in g.regions if r != _block_region(g))), "not a"),
    (lambda g, ids: cmd.AddBlockCommand(g, 100_000, 100_000, (0.0, 0.0)), "20 million"),
    (lambda g, ids: cmd.SetAttrCommand(g, _node(g, "W2"), "init", "bogus"), "expected one of"),
    (lambda g, ids: cmd.GroupCommand(g, "t" * 81, ids), "at most 80"),
    (lambda g, ids: cmd.GroupCommand(g, "loss", ids, "red"), "#4c78a8"),
    (lambda g, ids: cmd.RemoveItemsCommand(g, edge_ids=["e999"]), "no edge 'e999'"),
    (lambda g, ids: cmd.RemoveItemsCommand(g), "nothing"),
    (lambda g, ids: cmd.MoveNodesCommand(g, {"n999": ((0, 0), (1, 1))}), "no node 'n999'"),
    (lambda g, ids: cmd.SetValueCommand(g, _node(g, "θ"), ["a", "b"]), "numbers"),
])
def test_a_command_that_would_fail_is_refused_before_it_is_pushed(make, message):
    g, ids = _chain_in_collapsed_block()
    before = canonical(g)
    with pytest.raises((GraphError, AttrError, ValueError), match=message):
        make(g, ids)
    assert canonical(g) == before


def test_an_initialiser_that_cannot_run_is_refused_before_the_push():
    g = lecture_mlp()
    theta = _node(g, "θ")
    g.set_attr(theta, "init", "uniform")
    with pytest.raises(AttrError, match="scale"):
        cmd.SetAttrCommand(g, theta, "scale", 1e308)  # before: OverflowError inside redo()


@pytest.mark.parametrize("damage, message", [
    (lambda d: d["nodes"][0]["attrs"].update(shape="three"), "shape"),
    (lambda d: d["nodes"][0].update(value=[1.0, 2.0, 3.0, 4.0, 5.0]), "shape"),
    (lambda d: d["regions"][0].update(title="x" * 200), "at most 80"),
    (lambda d: d["regions"][0].update(color="not a colour"), "#4c78a8"),
    (lambda d: d["regions"][0].update(block="collapsed"), "not a region"),
    (lambda d: d["edges"][0].update(port="nope"), "no input port"),
    (lambda d: d["nodes"][0].update(pos=["left", 3]), "position"),
])
def test_paste_refuses_damaged_clipboard_data_before_it_is_pushed(damage, message):
    g = lecture_mlp()
    data = json.loads(json.dumps(cmd.copy_selection(g, [_node(g, n) for n in ("θ", "θᵀb", "c")])))
    damage(data)
    before = canonical(g)
    with pytest.raises((ValueError, GraphError), match=message):
        cmd.PasteCommand(g, data)
    assert canonical(g) == before


def _orders(g):
    return list(g.nodes), list(g.edges), list(g.regions)


@pytest.mark.parametrize("make", [
    lambda g: cmd.RemoveItemsCommand(g, [_node(g, "Wx"), _node(g, "V")]),
    lambda g: cmd.RemoveItemsCommand(g, edge_ids=list(g.edges)[2:5]),
    lambda g: cmd.DisconnectCommand(g, list(g.edges)[1]),
    lambda g: cmd.UngroupCommand(g, next(iter(g.regions))),
], ids=["delete nodes", "delete edges", "disconnect", "ungroup"])
def test_undo_puts_nodes_edges_and_regions_back_in_their_order(make):
    g = lecture_mlp()
    before = _orders(g)
    stack = QUndoStack()
    stack.push(make(g))
    stack.undo()
    assert _orders(g) == before  # before the fix a deleted node came back at the end of the file order
    stack.redo()
    stack.undo()
    assert _orders(g) == before


def test_new_parameters_and_blocks_start_from_seeds_of_their_own():
    g = lecture_mlp()  # its parameters use seeds 1, 2 and 3
    stack = QUndoStack()
    first = cmd.AddNodeCommand(g, "Parameter", (0.0, 0.0), {"shape": [4, 2]})
    stack.push(first)
    second = cmd.AddNodeCommand(g, "Parameter", (0.0, 90.0), {"shape": [4, 2]})
    stack.push(second)
    stack.push(cmd.AddBlockCommand(g, 4, 2, (0.0, 400.0)))
    seeds = [n.attrs["seed"] for n in g.nodes.values() if n.op_name == "Parameter"]
    assert len(seeds) == len(set(seeds))  # before: every new one had seed 0
    a, b = g.nodes[first.node_id].value, g.nodes[second.node_id].value
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.9
    stack.undo()
    stack.redo()  # redo gives the same seed back, so the same weights
    assert [n.attrs["seed"] for n in g.nodes.values() if n.op_name == "Parameter"] == seeds
    kept = cmd.AddNodeCommand(g, "Parameter", (0.0, 0.0), {"shape": [2], "seed": 7})
    stack.push(kept)
    assert g.nodes[kept.node_id].attrs["seed"] == 7  # a seed that was asked for is kept


# ----- blocks are a field of their region: carried by copy and paste, by undo and by redo

def test_copy_and_paste_of_a_whole_block_pastes_a_block_in_the_same_state():
    g = _collapsed(with_block())
    region_id = _block_region(g)
    data = json.loads(json.dumps(cmd.copy_selection(g, g.regions[region_id].node_ids)))
    assert data["regions"] == [{"title": "Linear + σ", "node_ids": g.regions[region_id].node_ids,
                                "color": block_model.BLOCK_COLOR, "block": {"kind": "linear_sigmoid",
                                                                            "collapsed": True}}]
    stack = QUndoStack()
    paste = cmd.PasteCommand(g, data)
    stack.push(paste)
    pasted = [r for r in g.regions.values() if set(r.node_ids) == set(paste.node_ids)]
    assert len(pasted) == 1 and block_model.is_collapsed(g, pasted[0].id)  # before: a plain group
    assert block_model.block_parts(g, pasted[0].id).node_ids == paste.node_ids
    stack.undo()
    assert set(block_model.blocks(g)) == {region_id}


@pytest.mark.parametrize("damage, message", [
    (lambda r: r["block"].update(kind="conv_relu"), "unknown block kind"),
    (lambda r: r["block"].update(collapsed="yes"), "collapsed"),
    (lambda r: r["node_ids"].pop(), "exactly one Sigmoid"),
])
def test_paste_refuses_a_damaged_block_before_it_is_pushed(damage, message):
    g = with_block()
    data = json.loads(json.dumps(cmd.copy_selection(g, g.regions[_block_region(g)].node_ids)))
    damage(data["regions"][0])
    before = canonical(g)
    with pytest.raises(ValueError, match=message):
        cmd.PasteCommand(g, data)
    assert canonical(g) == before


@pytest.mark.parametrize("make", [
    lambda g, parts: cmd.DisconnectCommand(g, g.incoming(parts.sigmoid)["x"].id),
    lambda g, parts: cmd.RemoveItemsCommand(g, edge_ids=[g.incoming(parts.add)["b"].id]),
    lambda g, parts: cmd.RemoveItemsCommand(g, [parts.sigmoid]),
], ids=["disconnect Add → Sigmoid", "delete the edge from b", "delete the Sigmoid"])
def test_breaking_a_block_makes_it_a_plain_group_and_undo_makes_it_a_block_again(make):
    g = _collapsed(with_block())
    region_id = _block_region(g)
    parts = block_model.block_parts(g, region_id)
    before = canonical(g)
    stack = QUndoStack()
    stack.push(make(g, parts))
    assert region_id in g.regions and g.regions[region_id].block is None
    stack.undo()
    assert canonical(g) == before and block_model.is_collapsed(g, region_id)  # before: the block was lost
