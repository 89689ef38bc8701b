"""The Linear + σ block: primitives grouped as a region whose `block` says so, expand/collapse, files keep it."""
import numpy as np
import pytest

from engine import Graph, GraphError, Region, forward
from engine import blocks as block_model
from engine.graph import BlockInfo


def block_graph(collapsed=True):
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3]}, (-400, 0))
    region_id, parts = block_model.add_linear_sigmoid(g, 3, 2, pos=(0, 0), collapsed=collapsed)
    g.connect(x.id, parts.matmul, "x")
    return g, region_id, parts


def test_added_block_is_matmul_add_sigmoid_with_parameters_and_computes_sigma_of_xw_plus_b():
    g, region_id, parts = block_graph()
    ops = [g.nodes[n].op_name for n in parts.node_ids]
    assert ops == ["Parameter", "Parameter", "MatMul", "Add", "Sigmoid"]
    assert g.nodes[parts.weight].value.shape == (3, 2) and g.nodes[parts.bias].value.shape == (2,)
    assert set(g.regions[region_id].node_ids) == set(parts.node_ids)
    assert g.regions[region_id].block == BlockInfo(block_model.BLOCK_KIND, collapsed=True)
    x = np.array([1.0, -2.0, 0.5])
    out = forward(g, {"x": x})[parts.sigmoid]
    w, b = g.nodes[parts.weight].value, g.nodes[parts.bias].value
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(x @ w + b))))


def test_expand_and_collapse_round_trip_keeps_the_primitives():
    g, region_id, parts = block_graph()
    nodes_before, edges_before = dict(g.nodes), dict(g.edges)
    assert block_model.is_collapsed(g, region_id)
    block_model.expand_block(g, region_id)
    assert not block_model.is_collapsed(g, region_id)
    block_model.collapse_block(g, region_id)
    assert block_model.is_collapsed(g, region_id)
    assert g.nodes == nodes_before and g.edges == edges_before


def test_block_interface_names_where_x_enters_and_the_output_leaves():
    g, region_id, parts = block_graph()
    assert block_model.block_interface(g, region_id) == ((parts.matmul, "x"), parts.sigmoid)


def test_make_block_recognises_a_hand_built_chain_and_refuses_anything_else():
    g = Graph()
    w = g.add_node("Parameter", "W", {"shape": [3, 2]})
    b = g.add_node("Parameter", "b", {"shape": [2]})
    mm = g.add_node("MatMul", "xW")
    add = g.add_node("Add", "z")
    sig = g.add_node("Sigmoid", "h")
    g.connect(w.id, mm.id, "W")
    g.connect(mm.id, add.id, "a")
    g.connect(b.id, add.id, "b")
    with pytest.raises(GraphError, match="Sigmoid"):
        block_model.make_block(g, [w.id, b.id, mm.id, add.id, sig.id])  # Add does not feed the Sigmoid yet
    g.connect(add.id, sig.id, "x")
    with pytest.raises(GraphError, match="Parameter"):
        block_model.make_block(g, [w.id, mm.id, add.id, sig.id])  # b not selected
    region_id = block_model.make_block(g, [sig.id, add.id, mm.id, b.id, w.id], collapsed=False)
    assert block_model.block_parts(g, region_id).node_ids == [w.id, b.id, mm.id, add.id, sig.id]
    with pytest.raises(GraphError, match="already part of a block"):
        block_model.make_block(g, [w.id, b.id, mm.id, add.id, sig.id])


@pytest.mark.parametrize("damage", ["delete the Add", "disconnect Add → Sigmoid", "disconnect b"])
def test_a_block_that_loses_a_member_or_an_inner_edge_becomes_a_plain_group_and_says_so(damage):
    g, region_id, parts = block_graph(collapsed=True)
    heard = []
    g.events.region_changed.subscribe(heard.append)
    if damage == "delete the Add":
        g.remove_node(parts.add)
    else:
        port = "x" if damage == "disconnect Add → Sigmoid" else "b"
        g.disconnect(g.incoming(parts.sigmoid if port == "x" else parts.add)[port].id)
    assert region_id in g.regions and g.regions[region_id].block is None  # before: a block that could not be
    assert block_model.blocks(g) == {} and region_id in heard  # collapsed or expanded, saved into the file
    with pytest.raises(GraphError, match="not a Linear"):
        block_model.collapse_block(g, region_id)


def test_an_edge_from_outside_the_block_leaves_it_a_block():
    g, region_id, parts = block_graph(collapsed=True)
    g.disconnect(g.incoming(parts.matmul)["x"].id)
    assert block_model.is_collapsed(g, region_id)


def test_set_block_checks_the_chain_and_emits_region_changed():
    g, region_id, parts = block_graph()
    heard = []
    g.events.region_changed.subscribe(heard.append)
    g.set_block(region_id, None)
    assert g.regions[region_id].block is None and heard == [region_id]
    g.set_block(region_id, BlockInfo(collapsed=False))
    assert block_model.block_parts(g, region_id) == parts and heard == [region_id, region_id]
    plain = g.add_region("encoder f(x)", [parts.weight, parts.matmul])
    with pytest.raises(GraphError, match="exactly one Add"):
        g.set_block(plain.id, BlockInfo())
    with pytest.raises(GraphError, match="unknown block kind"):
        g.set_block(region_id, BlockInfo(kind="conv_relu"))
    with pytest.raises(GraphError, match="not a Linear"):
        block_model.expand_block(g, plain.id)
    assert g.regions[plain.id].block is None and heard[-1] == plain.id


def test_a_node_belongs_to_one_block_at_most():
    g, region_id, parts = block_graph()
    with pytest.raises(GraphError, match="already part of a block"):
        g.add_region("again", parts.node_ids, block=BlockInfo())
    twin = g.copy()
    regions = [twin.regions[region_id], Region("r99", "again", parts.node_ids, block=BlockInfo())]
    with pytest.raises(GraphError, match="already part of a block"):
        Graph.from_parts(twin.nodes.values(), twin.edges.values(), regions)


def test_copy_keeps_blocks_and_is_independent():
    g, region_id, parts = block_graph(collapsed=False)
    twin = g.copy()
    assert twin.regions[region_id].block == BlockInfo(collapsed=False)
    block_model.collapse_block(twin, region_id)
    assert not block_model.is_collapsed(g, region_id) and block_model.is_collapsed(twin, region_id)


def test_a_saved_file_keeps_the_block():
    serialization = pytest.importorskip("engine.serialization")
    g, region_id, parts = block_graph()
    block_model.expand_block(g, region_id)
    again = serialization.graph_from_dict(serialization.graph_to_dict(g))
    assert again.regions[region_id].block == BlockInfo(block_model.BLOCK_KIND, collapsed=False)
    assert block_model.block_parts(again, region_id) == parts
