"""The canvas: the scene mirrors the model, drops and wires go through the undo stack, overlays paint."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem

from engine import Graph
from engine import blocks as block_model
from graphviz_app.canvas import OP_MIME, EdgeItem, NodeItem
from graphviz_app.canvas.region_item import RegionItem
from tests.gui.conftest import canonical


def scene_mouse(scene, kind, pos: QPointF, button=Qt.LeftButton):
    """Send a synthetic scene mouse event (press, move or release) at a scene point."""
    types = {"press": QEvent.GraphicsSceneMousePress, "move": QEvent.GraphicsSceneMouseMove,
             "release": QEvent.GraphicsSceneMouseRelease}
    event = QGraphicsSceneMouseEvent(types[kind])
    event.setScenePos(pos)
    event.setButton(button if kind != "move" else Qt.NoButton)
    event.setButtons(button if kind != "release" else Qt.NoButton)
    handler = {"press": scene.mousePressEvent, "move": scene.mouseMoveEvent, "release": scene.mouseReleaseEvent}
    handler[kind](event)


def drop_on_view(view, scene_point: QPointF, payload: bytes):
    """Simulate a palette drag entering the view and dropping at a scene point."""
    mime = QMimeData()
    mime.setData(OP_MIME, payload)
    at = QPointF(view.mapFromScene(scene_point))
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        event = event_type(at.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
        QApplication.sendEvent(view.viewport(), event)
    drop = QDropEvent(at, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(view.viewport(), drop)
    return drop


def drag_wire(scene, start: QPointF, end: QPointF):
    scene_mouse(scene, "press", start)
    scene_mouse(scene, "move", (start + end) / 2)
    scene_mouse(scene, "move", end)
    scene_mouse(scene, "release", end)


def render_item(item, size=420) -> QImage:
    """Paint one item (without children) into an image, centred."""
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.translate(size / 2, size / 2 - 60)
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    return image


def images_differ(a: QImage, b: QImage) -> bool:
    return a.constBits().tobytes() != b.constBits().tobytes()


def two_node_graph():
    g = Graph()
    neg = g.add_node("Negate", "n", pos=(0, 0))
    add = g.add_node("Add", "s", pos=(300, 0))
    src = g.add_node("Input", "x", pos=(-300, 0))
    g.connect(neg.id, add.id, "a")
    return g, neg, add, src


# ----- mirroring the model
def test_scene_mirrors_added_and_removed_nodes_edges_and_regions(make_scene):
    g = Graph()
    scene, _, _ = make_scene(g)
    a = g.add_node("Input", "x", pos=(0, 0))
    b = g.add_node("Sigmoid", "s", pos=(250, 0))
    assert set(scene.node_items) == {a.id, b.id}
    assert scene.node_items[b.id].pos() == scene.to_scene((250, 0))
    edge = g.connect(a.id, b.id, "x")
    assert set(scene.edge_items) == {edge.id}
    region = g.add_region("encoder f(x)", [a.id, b.id])
    assert isinstance(scene.region_items[region.id], RegionItem)
    g.disconnect(edge.id)
    assert scene.edge_items == {}
    g.remove_node(a.id)
    assert set(scene.node_items) == {b.id}
    assert [i for i in scene.items() if isinstance(i, NodeItem)] == [scene.node_items[b.id]]


def test_renaming_and_moving_in_the_model_update_the_item(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    node = mlp_graph.find("a")
    mlp_graph.rename(node.id, "hidden")
    mlp_graph.move(node.id, (10, 20))
    item = scene.node_items[node.id]
    assert "hidden" in item.displayed_texts()
    assert item.pos() == scene.to_scene((10, 20))


def test_set_graph_replaces_items_and_stops_following_the_old_graph(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    other = Graph()
    only = other.add_node("Input", "z")
    scene.set_graph(other)
    assert set(scene.node_items) == {only.id}
    mlp_graph.add_node("Input", "late")
    assert set(scene.node_items) == {only.id}


# ----- palette drop
def test_dropping_an_op_adds_it_at_the_drop_point_through_the_undo_stack(make_scene):
    g = Graph()
    scene, view, stack = make_scene(g)
    view.set_zoom_state({"zoom": 1.0, "center": [0.0, 0.0]})
    drop = drop_on_view(view, scene.to_scene((123, -45)), "Sigmoid".encode("utf-8"))
    assert drop.isAccepted()
    assert stack.count() == 1
    (node,) = g.nodes.values()
    assert node.op_name == "Sigmoid"
    assert node.pos == pytest.approx((123.0, -45.0), abs=1.0)  # within a pixel of the drop point
    assert scene.node_items[node.id].pos() == scene.to_scene(node.pos)
    stack.undo()
    assert g.nodes == {} and scene.node_items == {}


def test_dropping_an_unknown_op_adds_nothing_and_says_why(make_scene, qtbot):
    g = Graph()
    scene, view, stack = make_scene(g)
    with qtbot.waitSignal(scene.status_message) as blocker:
        drop_on_view(view, QPointF(0, 0), b"NoSuchOp")
    assert "NoSuchOp" in blocker.args[0] and stack.count() == 0 and not g.nodes


# ----- wiring
def test_dragging_from_an_output_to_a_free_input_connects(make_scene):
    g, neg, add, src = two_node_graph()
    scene, _, stack = make_scene(g)
    start = scene.node_items[src.id].output.scenePos()
    end = scene.node_items[add.id].inputs["b"].scenePos()
    drag_wire(scene, start, end)
    (edge,) = [e for e in g.edges.values() if e.dst == add.id and e.port == "b"]
    assert edge.src == src.id and stack.count() == 1 and edge.id in scene.edge_items
    stack.undo()
    assert edge.id not in g.edges and edge.id not in scene.edge_items


def test_valid_targets_light_up_while_a_wire_is_dragged(make_scene):
    g, neg, add, src = two_node_graph()
    scene, _, _ = make_scene(g)
    scene_mouse(scene, "press", scene.node_items[add.id].output.scenePos())
    assert scene.node_items[add.id].inputs["b"].highlight is None  # own ports are not targets
    assert scene.node_items[neg.id].inputs["x"].highlight == "invalid"  # would make a cycle
    scene_mouse(scene, "release", QPointF(5000, 5000))
    scene_mouse(scene, "press", scene.node_items[src.id].output.scenePos())
    assert scene.node_items[add.id].inputs["b"].highlight == "valid"
    assert scene.node_items[add.id].inputs["a"].highlight == "invalid"  # taken
    scene_mouse(scene, "release", QPointF(5000, 5000))
    assert all(p.highlight is None for i in scene.node_items.values() for p in i.ports())


@pytest.mark.parametrize("case, words", [("cycle", "cycle"), ("taken", "already fed")])
def test_invalid_connection_leaves_no_edge_and_reports_the_reason(make_scene, qtbot, case, words):
    g, neg, add, src = two_node_graph()
    scene, _, stack = make_scene(g)
    before = canonical(g)
    if case == "cycle":
        start, end = scene.node_items[add.id].output, scene.node_items[neg.id].inputs["x"]
    else:
        start, end = scene.node_items[src.id].output, scene.node_items[add.id].inputs["a"]
    with qtbot.waitSignal(scene.status_message) as blocker:
        drag_wire(scene, start.scenePos(), end.scenePos())
    assert words in blocker.args[0]
    assert canonical(g) == before and stack.count() == 0


def test_dragging_from_an_input_back_to_an_output_connects(make_scene):
    g, neg, add, src = two_node_graph()
    scene, _, _ = make_scene(g)
    drag_wire(scene, scene.node_items[neg.id].inputs["x"].scenePos(), scene.node_items[src.id].output.scenePos())
    assert g.incoming(neg.id)["x"].src == src.id


# ----- moving and deleting
def test_dragging_a_node_moves_it_in_the_model_with_one_undo_step(make_scene, mlp_graph):
    scene, _, stack = make_scene(mlp_graph)
    node = mlp_graph.find("a")
    item = scene.node_items[node.id]
    start = item.mapToScene(item.box.center().x(), item.box.top() + 10)
    scene_mouse(scene, "press", start)
    scene_mouse(scene, "move", start + QPointF(30, 10))
    scene_mouse(scene, "move", start + QPointF(60, 20))
    scene_mouse(scene, "release", start + QPointF(60, 20))
    assert node.pos == (440 + 60.0, 20.0)
    assert stack.count() == 1
    stack.undo()
    assert node.pos == (440.0, 0.0) and item.pos() == scene.to_scene((440, 0))


def test_delete_selection_removes_nodes_with_their_edges_and_undo_restores(make_scene, mlp_graph):
    scene, _, stack = make_scene(mlp_graph)
    before = canonical(mlp_graph)
    node = mlp_graph.find("a")
    scene.select_nodes([node.id])
    scene.delete_selected()
    assert node.id not in mlp_graph.nodes and node.id not in scene.node_items
    assert not any(node.id in (e.src, e.dst) for e in mlp_graph.edges.values())
    assert len(scene.edge_items) == len(mlp_graph.edges) == 7
    stack.undo()
    assert canonical(mlp_graph) == before
    assert set(scene.edge_items) == set(mlp_graph.edges)


def test_copy_and_paste_adds_new_nodes_with_their_inner_edges(make_scene, mlp_graph):
    scene, _, stack = make_scene(mlp_graph)
    wx, a = mlp_graph.find("Wx"), mlp_graph.find("a")
    scene.select_nodes([wx.id, a.id])
    data = scene.copy_selected()
    new_ids = scene.paste(data)
    assert len(new_ids) == 2 and not set(new_ids) & {wx.id, a.id}
    names = {mlp_graph.nodes[n].name for n in new_ids}
    assert names == {"Wx2", "a2"}
    inner = [e for e in mlp_graph.edges.values() if e.src in new_ids and e.dst in new_ids]
    assert len(inner) == 1
    assert set(scene.selected_node_ids()) == set(new_ids)
    stack.undo()
    assert not set(new_ids) & set(mlp_graph.nodes)


# ----- blocks
def test_collapsed_block_is_one_item_and_expanding_shows_its_primitives(make_scene):
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3]}, (-400, 0))
    region_id, parts = block_model.add_linear_sigmoid(g, 3, 2, pos=(0, 0))
    g.connect(x.id, parts.matmul, "x")
    scene, _, stack = make_scene(g)
    block = scene.block_items[region_id]
    assert block.isVisible() and not scene.node_items[parts.matmul].isVisible()
    assert "Linear + σ" in block.displayed_texts()
    (outside,) = [e for e in g.edges.values() if e.src == x.id]
    assert scene.edge_items[outside.id].p2 == block.inputs["x"].scenePos()
    scene.toggle_block(region_id)
    assert region_id not in scene.block_items and scene.node_items[parts.matmul].isVisible()
    assert scene.edge_items[outside.id].p2 == scene.node_items[parts.matmul].inputs["x"].scenePos()
    assert scene.region_items[region_id].isVisible()
    stack.undo()
    assert scene.block_items[region_id].isVisible()


# ----- shape errors
def test_shape_error_shows_a_red_mark_with_the_message_as_tooltip(make_scene, qtbot):
    g = Graph()
    scene, _, _ = make_scene(g)
    a = g.add_node("Input", "a", {"shape": [3]})
    b = g.add_node("Input", "b", {"shape": [4]})
    s = g.add_node("Add", "s")
    g.connect(a.id, s.id, "a")
    g.connect(b.id, s.id, "b")
    mark = scene.node_items[s.id].error_mark
    qtbot.waitUntil(lambda: mark.isVisible(), timeout=2000)  # debounced re-inference
    assert mark.toolTip() == scene.shape_report.errors[s.id]
    assert "3" in mark.toolTip() and "4" in mark.toolTip()
    g.set_attr(b.id, "shape", [3])
    qtbot.waitUntil(lambda: not mark.isVisible(), timeout=2000)
    assert scene.node_items[s.id].shape_text == "3"


def test_output_shape_is_written_on_each_node(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    assert scene.node_items[mlp_graph.find("Wx").id].shape_text == "4"
    assert scene.node_items[mlp_graph.find("W").id].shape_text == "3×4"
    assert scene.node_items[mlp_graph.find("c").id].shape_text == "scalar"


# ----- display API
@pytest.mark.parametrize("change", [
    lambda item: item.set_value(0.731),
    lambda item: item.set_value(np.arange(12.0).reshape(3, 4)),
    lambda item: item.set_grad(np.array([0.1, -0.2, 0.3])),
    lambda item: item.set_state("active"),
    lambda item: item.set_state("winner"),
    lambda item: item.set_badge("✓", "ok"),
    lambda item: item.set_hidden_value(True),
])
def test_node_display_api_changes_the_picture(make_scene, mlp_graph, change):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    plain = render_item(item)
    change(item)
    assert images_differ(plain, render_item(item))
    scene.clear_overlays()
    assert not images_differ(plain, render_item(item))


def test_probability_bars_show_class_names(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("c").id]
    item.set_class_names(["Sports", "Politics", "Business"])
    plain = render_item(item)
    item.set_value(np.array([0.2, 0.7, 0.1]), kind="probs")
    assert images_differ(plain, render_item(item))
    with pytest.raises(ValueError):
        item.set_value([0.5], kind="histogram")


def test_hidden_value_paints_a_question_mark_instead_of_the_value(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    item.set_value(0.25)
    shown = render_item(item)
    item.set_hidden_value(True)
    hidden = render_item(item)
    item.set_value(0.75)
    assert not images_differ(hidden, render_item(item))  # the value does not leak through "?"
    assert images_differ(shown, hidden)


def test_edge_label_box_holds_the_text_and_hides_it_on_request(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    edge_id = next(iter(mlp_graph.edges))
    item = scene.edge_items[edge_id]
    item.set_label("∂L/∂a = 0.25\nlocal · upstream")
    assert item.label_item.scene() is scene and item.label_item.isVisible()
    assert item.label_item.shown_text() == "∂L/∂a = 0.25\nlocal · upstream"
    box = item.label_item.sceneBoundingRect().adjusted(-4, -4, 4, 4)
    assert any(box.contains(item.path().pointAtPercent(t / 20)) for t in range(2, 19))  # it sits on its edge
    item.set_label_hidden(True)
    assert item.label_item.shown_text() == "?"
    item.set_label(None)
    item.set_label_hidden(False)
    assert not item.label_item.isVisible()


@pytest.mark.parametrize("change", [
    lambda edge: edge.set_style(color="#e4572e", width=5.0),
    lambda edge: edge.set_pulse(0.5, "#1b8a9a"),
])
def test_edge_style_and_pulse_change_the_picture(make_scene, mlp_graph, change):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.edge_items[mlp_graph.incoming(mlp_graph.find("a").id)["x"].id]
    box = item.boundingRect()
    image = QImage(int(box.width()) + 2, int(box.height()) + 2, QImage.Format_ARGB32_Premultiplied)

    def draw():
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.translate(-box.left(), -box.top())
        item.paint(painter, QStyleOptionGraphicsItem(), None)
        painter.end()
        return image.copy()
    plain = draw()
    change(item)
    assert images_differ(plain, draw())
    item.clear_display()
    assert not images_differ(plain, draw())


def test_display_api_refuses_unknown_states_and_tones(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    with pytest.raises(ValueError):
        item.set_state("glowing")
    with pytest.raises(ValueError):
        item.set_badge("x", tone="purple")


# ----- view
def test_zoom_state_round_trips_and_fit_all_shows_every_node(make_scene, mlp_graph):
    scene, view, _ = make_scene(mlp_graph)
    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in scene.node_items.values():
        assert visible.contains(item.sceneBoundingRect())
    view.set_zoom_state({"zoom": 0.5, "center": [440.0, 0.0]})
    state = view.zoom_state()
    assert state["zoom"] == pytest.approx(0.5)
    assert state["center"] == pytest.approx([440.0, 0.0], abs=0.2)
    view.set_zoom_state({"zoom": "big"})  # malformed: ignored
    assert view.zoom_state()["zoom"] == pytest.approx(0.5)


def test_wheel_zoom_keeps_the_point_under_the_cursor(make_scene, mlp_graph):
    scene, view, _ = make_scene(mlp_graph)
    view.fit_all()
    anchor = QPointF(300, 200)
    before = view.mapToScene(anchor.toPoint())
    old = view.zoom()
    view.zoom_by(1.5, anchor)
    assert view.zoom() == pytest.approx(old * 1.5)
    after = view.mapToScene(anchor.toPoint())
    assert (after - before).manhattanLength() < 3 / view.zoom()


def test_snap_rounds_dragged_positions_to_the_grid(make_scene, mlp_graph):
    scene, view, _ = make_scene(mlp_graph)
    view.set_snap(True)
    item = scene.node_items[mlp_graph.find("a").id]
    item.setPos(QPointF(447.0, 13.0))
    assert item.pos() == QPointF(440.0, 20.0)


def test_background_click_clears_the_selection(make_scene, mlp_graph, qtbot):
    scene, view, _ = make_scene(mlp_graph)
    scene.select_nodes([mlp_graph.find("a").id])
    view.fit_all()
    empty = view.mapFromScene(scene.to_scene((100, 400)))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(empty.x(), empty.y()))
    assert scene.selected_node_ids() == []


def test_theme_change_keeps_items_and_scales_positions(make_scene, mlp_graph):
    from graphviz_app.theme import get_theme
    scene, _, _ = make_scene(mlp_graph)
    node = mlp_graph.find("a")
    scene.set_theme(get_theme("projector"))
    assert scene.node_items[node.id].pos() == QPointF(440 * 1.6, 0)
    assert isinstance(scene.edge_items[next(iter(mlp_graph.edges))], EdgeItem)


def test_select_all_selects_every_node_and_edge(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    scene.select_all()
    assert set(scene.selected_node_ids()) == set(mlp_graph.nodes)
    assert set(scene.selected_edge_ids()) == set(mlp_graph.edges)


def _view_image(view) -> QImage:
    image = QImage(view.viewport().size(), QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    view.viewport().render(image)
    return image


def _share_different(a: QImage, b: QImage) -> float:
    diff = total = 0
    for y in range(0, a.height(), 3):
        for x in range(0, a.width(), 3):
            total += 1
            diff += a.pixel(x, y) != b.pixel(x, y)
    return diff / total


@pytest.mark.parametrize("change", ["move", "style", "delete"])
def test_the_view_redraws_its_cached_backdrop_when_edges_change(make_scene, change):
    from tests.gui.conftest import lecture_mlp
    graph = lecture_mlp()
    scene, view, _ = make_scene(graph)
    view.set_zoom_state({"zoom": 0.8, "center": [600.0, 0.0]})
    before = _view_image(view)
    node = graph.find("a")
    if change == "move":
        graph.move(node.id, (440.0, 90.0))
    elif change == "style":
        scene.edge_items[graph.incoming(node.id)["x"].id].set_style(color="#e4572e", width=6.0)
    else:
        graph.remove_node(node.id)
    scene.update_shapes_now()  # the debounced shape marks, so both pictures show the same marks
    after = _view_image(view)
    fresh_scene, fresh_view, _ = make_scene(graph)
    if change == "style":
        fresh_scene.edge_items[graph.incoming(node.id)["x"].id].set_style(color="#e4572e", width=6.0)
    fresh_view.set_zoom_state({"zoom": 0.8, "center": [600.0, 0.0]})
    assert before != after
    assert _share_different(after, _view_image(fresh_view)) < 0.0005


def test_clicking_an_edge_selects_it_and_reports_it(make_scene, mlp_graph, qtbot):
    scene, _, _ = make_scene(mlp_graph)
    edge_id = mlp_graph.incoming(mlp_graph.find("a").id)["x"].id
    item = scene.edge_items[edge_id]
    with qtbot.waitSignal(scene.edge_selected) as blocker:
        scene_mouse(scene, "press", item.path().pointAtPercent(0.5))
        scene_mouse(scene, "release", item.path().pointAtPercent(0.5))
    assert blocker.args == [edge_id]
    assert scene.selected_edge_ids() == [edge_id]
    assert not item.is_plain()  # a selected edge paints itself, highlighted, above the backdrop


def test_escape_cancels_a_wire_drag(make_scene, qtbot):
    g, neg, add, src = two_node_graph()
    scene, view, stack = make_scene(g)
    scene_mouse(scene, "press", scene.node_items[src.id].output.scenePos())
    qtbot.keyClick(view.viewport(), Qt.Key_Escape)
    scene_mouse(scene, "release", scene.node_items[add.id].inputs["b"].scenePos())
    assert stack.count() == 0 and len(g.edges) == 1


def test_node_tooltip_describes_the_op(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    tip = scene.node_items[mlp_graph.find("a").id].toolTip()
    assert tip.startswith("Sigmoid:") and "σ(x)" in tip


def test_dropping_the_block_entry_adds_a_collapsed_linear_sigma_block(make_scene):
    from graphviz_app.canvas import BLOCK_PAYLOAD
    g = Graph()
    scene, view, stack = make_scene(g)
    view.set_zoom_state({"zoom": 1.0, "center": [0.0, 0.0]})
    drop_on_view(view, scene.to_scene((0, 0)), BLOCK_PAYLOAD.encode("utf-8"))
    assert sorted(n.op_name for n in g.nodes.values()) == ["Add", "MatMul", "Parameter", "Parameter", "Sigmoid"]
    (region_id,) = scene.block_items
    assert scene.block_items[region_id].isSelected()
    stack.undo()
    assert not g.nodes and not scene.block_items and not g.regions


def test_zooming_out_never_zooms_in_even_below_the_limit(make_scene, mlp_graph):
    from graphviz_app.canvas.view import MIN_ZOOM
    scene, view, _ = make_scene(mlp_graph)
    view.set_zoom_state({"zoom": MIN_ZOOM, "center": [0.0, 0.0]})
    view.scale(0.5, 0.5)  # as fit_all may leave it for a huge graph in a small window
    below = view.zoom()
    view.zoom_by(1 / 1.25)
    assert view.zoom() == pytest.approx(below)
    view.zoom_by(1.25)
    assert view.zoom() == pytest.approx(below * 1.25)
