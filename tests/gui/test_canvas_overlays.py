"""Display overlays on the canvas: batched node updates, heatmap pictures and marks, cheap styled edges."""
import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from engine import Graph
from graphviz_app.canvas.edge_item import EdgeLabelItem
from graphviz_app.canvas.heatmap import cell_colors, color_range, heatmap_image
from graphviz_app.theme import LIGHT
from tests.gui.test_canvas import images_differ, render_item


def count_relayouts(item, monkeypatch) -> list:
    calls = []
    original = item._relayout

    def counted():
        calls.append(1)
        original()
    monkeypatch.setattr(item, "_relayout", counted)
    return calls


def test_set_display_changes_several_overlays_with_one_relayout(make_scene, mlp_graph, monkeypatch):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    calls = count_relayouts(item, monkeypatch)
    item.set_display(value=np.arange(8.0).reshape(2, 4), grad=np.ones((2, 4)), state="active",
                     badge=("Σ 2 parts", "info"), hidden=False, marks=[(0, 1)])
    assert len(calls) == 1
    d = item.display
    assert (d.state, d.badge, d.marks) == ("active", "Σ 2 parts", ((0, 1),))
    assert d.value.shape == (2, 4) and d.grad.shape == (2, 4)


def test_set_display_keeps_what_is_left_out_and_a_state_change_needs_no_relayout(make_scene, mlp_graph,
                                                                                  monkeypatch):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    item.set_display(value=0.5, grad=0.25, badge="✓")
    calls = count_relayouts(item, monkeypatch)
    item.set_display(state="done")
    assert calls == []
    assert float(item.display.value) == 0.5 and float(item.display.grad) == 0.25
    assert item.display.badge == "✓"


def test_set_display_refuses_bad_arguments_without_changing_anything(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    with pytest.raises(ValueError, match="badge tone"):
        item.set_display(value=1.0, badge=("x", "loud"))
    with pytest.raises(ValueError, match="node state"):
        item.set_display(state="glowing")
    assert item.display.value is None and item.display.state is None


def test_a_badge_change_reuses_the_value_pictures(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    item.set_display(value=np.arange(12.0).reshape(3, 4), grad=np.ones((3, 4)))
    before = [picture for _, picture in item._panels]
    item.set_badge("Σ", "info")
    assert [picture for _, picture in item._panels] == before
    item.set_grad(np.zeros((3, 4)))
    after = [picture for _, picture in item._panels]
    assert after[0] is before[0] and after[1] is not before[1]


def test_heatmap_cells_go_from_the_node_fill_to_the_colour_and_violet_when_negative():
    rgb = cell_colors(np.array([[0.0, 2.0, -2.0, np.nan]]), 2.0, "#102030", "#ffffff")
    assert rgb[0, 0].tolist() == [255, 255, 255]
    assert rgb[0, 1].tolist() == [0x10, 0x20, 0x30]
    assert rgb[0, 2].tolist() == [0x8e, 0x6b, 0xbf]
    assert rgb[0, 3].tolist() == [255, 255, 255]  # nan: blank


def test_one_signed_values_stretch_between_their_smallest_and_largest_size():
    assert color_range(np.array([0.4, 0.5, 0.6])) == (0.4, 0.6)
    assert color_range(np.array([-0.6, -0.4])) == (0.4, 0.6)
    assert color_range(np.array([-1.0, 0.5, 2.0])) == (0.0, 2.0)
    rgb = cell_colors(np.array([0.4, 0.6]), 0.6, "#000000", "#ffffff", vmin=0.4)
    assert rgb[0].tolist() == [255, 255, 255] and rgb[1].tolist() == [0, 0, 0]


def test_heatmap_image_has_one_square_block_per_cell():
    cells = np.array([[[255, 0, 0], [0, 0, 255]]], dtype=np.uint8)
    image = heatmap_image(cells)
    block = image.height()
    assert image.width() == 2 * block
    assert QColor(image.pixel(0, 0)) == QColor("#ff0000")
    assert QColor(image.pixel(image.width() - 1, block - 1)) == QColor("#0000ff")


def winner_pixels(image: QImage) -> int:
    winner = QColor(LIGHT.winner).rgb()
    return sum(image.pixel(x, y) == winner for y in range(image.height()) for x in range(image.width()))


def test_marks_outline_heatmap_cells_in_the_winner_colour(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.node_items[mlp_graph.find("a").id]
    value = np.linspace(0.1, 1.0, 10 * 24).reshape(10, 24)
    item.set_value(value)
    plain = render_item(item)
    assert item.body.height() > 0
    short = item.body.height()
    item.set_marks([(9, 0), (3, 23)])
    marked = render_item(item)
    assert winner_pixels(plain) == 0 and winner_pixels(marked) > 8
    assert item.body.height() > short  # a marked heatmap shows all ten rows, not four
    item.set_marks([])
    assert not images_differ(plain, render_item(item))


def test_styled_edges_are_drawn_by_the_cached_backdrop_until_they_pulse(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.edge_items[next(iter(mlp_graph.edges))]
    item.set_style(color="#e4572e", width=4.0)
    assert item.in_backdrop() and not item.is_plain()
    assert item.flags() & QGraphicsItem.ItemHasNoContents
    item.set_pulse(0.5)
    assert not item.in_backdrop() and not item.flags() & QGraphicsItem.ItemHasNoContents
    item.set_pulse(None)
    assert item.flags() & QGraphicsItem.ItemHasNoContents


def paint_label(label: EdgeLabelItem, zoom: float) -> QImage:
    image = QImage(400, 200, QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.translate(200, 100)
    painter.scale(zoom, zoom)
    label.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    return image


def label_texts(label: EdgeLabelItem, zoom: float) -> list:
    from graphviz_app.explain.legibility import TextRecorder

    device = TextRecorder(400, 200)
    painter = QPainter(device)
    painter.translate(200, 100)
    painter.scale(zoom, zoom)
    label.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    return device.engine.texts


def test_edge_labels_are_cached_and_show_their_product_large_when_zoomed_out(qapp):
    one, other = EdgeLabelItem(LIGHT), EdgeLabelItem(LIGHT)
    one.set_text("∂L/∂a = ∂b/∂a · ∂L/∂b\n= 0.5 · 0.5 = 0.25", False, None, "0.25")
    other.set_text("∂L/∂a = ∂b/∂a · ∂L/∂b\n= 0.5 · 1.5 = 0.75", False, None, "0.75")
    assert one.cacheMode() == QGraphicsItem.DeviceCoordinateCache
    assert images_differ(paint_label(one, 0.3), paint_label(other, 0.3))  # never a box without its text
    near, far = label_texts(one, 1.0), label_texts(one, 0.3)
    assert [t.text for t in near] == ["∂L/∂a = ∂b/∂a · ∂L/∂b", "= 0.5 · 0.5 = 0.25"]
    assert [t.text for t in far] == ["0.25"]
    assert far[0].px > 2 * 0.3 * LIGHT.label_px  # the product alone, in type more than twice as large


def test_regions_grow_around_value_panels(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    node_id = mlp_graph.find("a").id
    (region_id,) = [r for r, reg in mlp_graph.regions.items() if node_id in reg.node_ids]
    region = scene.region_items[region_id]
    item = scene.node_items[node_id]
    before = region.sceneBoundingRect()
    item.set_display(value=np.ones((3, 24)), grad=np.ones((3, 24)), marks=[(0, 0)])
    body = item.mapRectToScene(item.body)
    assert region.sceneBoundingRect().height() > before.height()
    assert region.outline().translated(region.pos()).contains(body)
    item.clear_display()
    assert region.sceneBoundingRect() == before


def graph_with_region() -> Graph:
    g = Graph()
    a = g.add_node("Input", "x", pos=(0, 0))
    b = g.add_node("Sigmoid", "s", pos=(260, 0))
    g.connect(a.id, b.id, "x")
    g.add_region("layer", [a.id, b.id])
    return g


def test_a_region_holds_every_member_at_every_size(make_scene):
    g = graph_with_region()
    scene, _, _ = make_scene(g)
    region = next(iter(scene.region_items.values()))
    for rows in (1, 4, 20):
        for item in scene.node_items.values():
            item.set_value(np.arange(rows * 30.0).reshape(rows, 30))
            item.set_marks([(rows - 1, 0)])
        outline = region.outline().translated(region.pos())
        for item in scene.node_items.values():
            assert outline.contains(item.mapRectToScene(item.body)), rows


def test_while_zooming_the_backdrop_keeps_the_colour_of_styled_edges(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    item = scene.edge_items[mlp_graph.incoming(mlp_graph.find("a").id)["x"].id]
    rect = item.boundingRect()

    def tinted_pixels() -> int:
        image = QImage(round(rect.width()), round(rect.height()), QImage.Format_ARGB32_Premultiplied)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.translate(-rect.topLeft())
        scene.draw_backdrop(painter, rect, fast=True)
        painter.end()
        tint = QColor("#e4572e").rgb()
        return sum(image.pixel(x, y) == tint for y in range(image.height()) for x in range(image.width()))
    assert tinted_pixels() == 0
    item.set_style(color="#e4572e", width=4.0)
    assert tinted_pixels() > 10


def spread_region() -> Graph:
    """A region whose members sit far apart (diagonally), with a node of no region near them."""
    g = Graph()
    x = g.add_node("Input", "x", pos=(0, 0))
    a = g.add_node("Sigmoid", "a", pos=(700, 320))
    other = g.add_node("Tanh", "t", pos=(700, -40))
    g.connect(x.id, a.id, "x")
    g.connect(x.id, other.id, "x")
    g.add_region("hidden a = σ(x)", [x.id, a.id])
    return g


def test_a_region_is_one_outline_around_all_its_members_and_leaves_other_nodes_out(make_scene):
    g = spread_region()
    scene, _, _ = make_scene(g)
    region = next(iter(scene.region_items.values()))
    outline = region.outline().translated(region.pos())
    assert len(region.outline().toSubpathPolygons()) == 1  # one area, not one box per member
    for name in ("x", "a"):
        item = scene.node_items[g.find(name).id]
        assert outline.contains(item.mapRectToScene(item.body))
    other = scene.node_items[g.find("t").id]
    assert not outline.intersects(other.mapRectToScene(other.body))


def test_a_region_title_sits_on_the_member_it_names(make_scene):
    g = spread_region()
    scene, _, _ = make_scene(g)
    region = next(iter(scene.region_items.values()))
    title = region.title_rect().translated(region.pos())
    a, x = (scene.node_items[g.find(n).id].mapRectToScene(scene.node_items[g.find(n).id].body) for n in ("a", "x"))
    assert abs(title.left() - a.left()) < abs(title.left() - x.left())  # "hidden a = σ(x)" names a first
    assert title.bottom() <= a.top() + 20


def test_port_names_stay_off_the_canvas_until_a_port_is_hovered(make_scene, qtbot):
    from PySide6.QtTest import QTest

    from graphviz_app.explain.legibility import painted_texts

    g = Graph()
    x = g.add_node("Input", "x", pos=(0, 0))
    w = g.add_node("Parameter", "W", {"shape": [2, 2]}, pos=(0, -200))
    mm = g.add_node("MatMul", "h", pos=(300, 0))
    g.connect(x.id, mm.id, "x")
    g.connect(w.id, mm.id, "W")
    scene, view, _ = make_scene(g)
    view.fit_all()
    texts = {t.text for t in painted_texts(view)}
    assert "h" in texts and "x" in texts and "W" in texts  # the nodes' names
    port = scene.node_items[mm.id].inputs["W"]
    assert sum(t.text == "W" for t in painted_texts(view)) == 1  # the parameter's name, not the port's
    QTest.mouseMove(view.viewport(), view.mapFromScene(port.scenePos()))
    qtbot.waitUntil(lambda: port.shown_name() == "W")
    assert sum(t.text == "W" for t in painted_texts(view)) == 2  # now the hovered port says its name


def test_auto_layout_leaves_each_node_the_room_its_values_take(make_scene, mlp_graph):
    scene, _, _ = make_scene(mlp_graph)
    for item in scene.node_items.values():  # wide, tall panels: far larger than the engine's estimate
        item.set_display(value=np.linspace(-1, 1, 30 * 30).reshape(30, 30),
                         grad=np.linspace(-1, 1, 30 * 30).reshape(30, 30), marks=[(29, 0)])
    scene.auto_layout()
    bodies = [i.mapRectToScene(i.body) for i in scene.node_items.values()]
    overlapping = [(a, b) for n, a in enumerate(bodies) for b in bodies[n + 1:] if a.intersects(b)]
    assert not overlapping
