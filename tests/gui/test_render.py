"""Pictures without a window: PNG and SVG files of the headline example, images of a scene."""
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from engine import Graph
from graphviz_app.render import build_scene, nodes_rect, render_scene_to_image, render_to_file, scene_rect, write_svg
from tests.gui.conftest import lecture_mlp


def headline_graph() -> Graph:
    """The default example from its file if it exists yet, else built in code."""
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "assets" / "graphs" / "headline_classifier.json"
    if path.exists():
        from engine.serialization import load_graph
        return load_graph(path)
    from engine.examples import build_example
    return build_example("headline_classifier")


def share_of_non_background(image: QImage, background: str) -> float:
    bg = QColor(background).rgb()
    step = 4
    total = other = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            total += 1
            other += image.pixel(x, y) != bg
    return other / total


@pytest.mark.parametrize("theme", ["light", "dark", "projector"])
def test_png_of_the_headline_example_has_the_expected_size_and_content(qapp, tmp_path, theme):
    graph = headline_graph()
    path = tmp_path / f"headline_{theme}.png"
    render_to_file(graph, path, theme=theme, scale=1.5)
    image = QImage(str(path))
    rect = scene_rect(build_scene(headline_graph(), theme))
    assert (image.width(), image.height()) == (round(rect.width() * 1.5), round(rect.height() * 1.5))
    from graphviz_app.theme import get_theme
    assert share_of_non_background(image, get_theme(theme).background) > 0.05


def test_svg_of_the_headline_example_is_valid_svg_naming_the_nodes(qapp, tmp_path):
    graph = headline_graph()
    path = tmp_path / "headline.svg"
    render_to_file(graph, path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    # text runs may be split where the font changes (θ | ᵀf(x)), so join them in drawing order
    text = "".join(el.text or "" for el in root.iter() if el.tag.endswith("text"))
    assert not [el for el in root.iter() if el.tag.endswith("image")]  # vectors, not cached bitmaps
    for node in graph.nodes.values():
        assert node.name in text


def test_render_refuses_other_extensions(qapp, tmp_path):
    with pytest.raises(ValueError, match="png or .svg"):
        render_to_file(lecture_mlp(), tmp_path / "graph.jpg")


def test_scene_image_scales_with_the_scale_argument(qapp):
    scene = build_scene(lecture_mlp())
    small, large = render_scene_to_image(scene, 1.0), render_scene_to_image(scene, 2.0)
    assert large.width() == pytest.approx(2 * small.width(), abs=1)
    assert large.height() == pytest.approx(2 * small.height(), abs=1)


def test_annotated_render_shows_values_from_the_sample(qapp, tmp_path):
    pytest.importorskip("graphviz_app.explain.overlay")
    plain, annotated = tmp_path / "plain.png", tmp_path / "annotated.png"
    render_to_file(lecture_mlp(), plain)
    render_to_file(lecture_mlp(), annotated, annotated=True)
    assert QImage(str(plain)) != QImage(str(annotated))


def test_crop_and_source_rect_draw_only_part_of_the_graph(qapp, tmp_path):
    from PySide6.QtCore import QRectF
    whole, cropped, rect = tmp_path / "whole.png", tmp_path / "crop.png", tmp_path / "rect.png"
    render_to_file(lecture_mlp(), whole, scale=1.0)
    render_to_file(lecture_mlp(), cropped, scale=1.0, crop=["a", "V", "Va"])
    render_to_file(lecture_mlp(), rect, scale=1.0, source_rect=QRectF(0, 0, 300, 100))
    full, part = QImage(str(whole)), QImage(str(cropped))
    assert part.width() < full.width() / 2
    assert (QImage(str(rect)).width(), QImage(str(rect)).height()) == (300, 100)
    with pytest.raises(ValueError, match="not both"):
        render_to_file(lecture_mlp(), rect, crop=["a"], source_rect=QRectF(0, 0, 10, 10))


def test_nodes_rect_holds_the_named_nodes_and_the_edge_between_them(qapp):
    graph = lecture_mlp()
    scene = build_scene(graph)
    rect = nodes_rect(scene, ["a", "Va"])
    for name in ("a", "Va"):
        assert rect.contains(scene.node_items[graph.find(name).id].sceneBoundingRect())
    assert not rect.contains(scene.node_items[graph.find("c").id].sceneBoundingRect())


def test_write_svg_writes_a_crop_of_a_scene(qapp, tmp_path):
    graph = lecture_mlp()
    scene = build_scene(graph)
    path = tmp_path / "part.svg"
    write_svg(scene, path, nodes_rect(scene, ["a"]))
    root = ET.parse(path).getroot()
    width = float(root.get("width").removesuffix("mm").removesuffix("px"))
    assert 0 < width < scene_rect(scene).width() / 2


def test_overlay_options_reach_the_picture(qapp, tmp_path):
    from engine import explain
    from graphviz_app.explain.overlay import OverlayOptions
    graph = lecture_mlp()
    trace = explain(graph, graph.meta["sample"])
    pictures = {}
    for labels in ("full", "none"):
        pictures[labels] = tmp_path / f"{labels}.png"
        render_to_file(lecture_mlp(), pictures[labels], trace=trace, scale=1.0,
                       options=OverlayOptions(labels=labels))
    assert QImage(str(pictures["full"])) != QImage(str(pictures["none"]))


def _example(name: str) -> Graph:
    from engine.examples import build_example
    return build_example(name)


def _shown_scene(name: str):
    """An offscreen scene of an example at the end of its explain trace, laid out for 16:9 as render does."""
    from engine import explain
    from graphviz_app.explain.overlay import apply_trace_state
    from graphviz_app.render_layout import Frame, arrange
    graph = _example(name)
    scene = build_scene(graph)
    apply_trace_state(scene, explain(graph, graph.meta["sample"]), None)
    arrange(scene, Frame())
    return scene


EXAMPLE_NAMES = ["chain_rule", "neuron", "headline_classifier", "mlp", "bigrams_hidden_layer", "text_cnn", "toy_2d"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_laid_out_for_a_slide_no_two_nodes_overlap_as_drawn(qapp, name):
    scene = _shown_scene(name)
    bodies = [item.mapRectToScene(item.body) for item in scene.node_items.values()]
    for i, a in enumerate(bodies):
        for b in bodies[i + 1:]:
            shared = a.intersected(b)
            assert shared.width() <= 0.01 or shared.height() <= 0.01, (a, b)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_placed_labels_cover_no_node_port_or_other_label(qapp, name):
    from graphviz_app.render_layout import place_scene_labels
    scene = _shown_scene(name)
    placed = place_scene_labels(scene)
    assert placed.places and all(p.ok for p in placed.places)
    labels = [e.label_item.sceneBoundingRect().adjusted(2, 2, -2, -2) for e in scene.edge_items.values()
              if e.label_item is not None and e.label_item.isVisible()]
    assert len(labels) == len(placed.places)
    r = 5.0 * scene.theme.scale
    blocks = [item.mapRectToScene(item.body) for item in scene.node_items.values()]
    blocks += [QRectF(p.scenePos().x() - r, p.scenePos().y() - r, 2 * r, 2 * r)
               for item in scene.node_items.values() for p in item.ports()]

    def covers(a, b):
        shared = a.intersected(b)
        return shared.width() > 0.01 and shared.height() > 0.01

    for i, label in enumerate(labels):
        assert not any(covers(label, b) for b in blocks), name
        assert not any(covers(label, other) for other in labels[i + 1:]), name
    assert len(placed.leaders) == sum(p.leader is not None for p in placed.places)


def test_render_with_a_frame_leaves_the_callers_graph_where_it_was_and_lets_go_of_it(qapp, tmp_path, monkeypatch):
    import gc
    import weakref

    import graphviz_app.render as render_module
    from graphviz_app.render_layout import Frame
    graph = _example("mlp")
    before = {n: node.pos for n, node in graph.nodes.items()}
    scenes = []
    real_build = render_module.build_scene

    def spy(g, theme="light"):
        scene = real_build(g, theme)
        scenes.append(weakref.ref(scene))
        return scene

    monkeypatch.setattr(render_module, "build_scene", spy)
    render_to_file(graph, tmp_path / "mlp.png", annotated=True, frame=Frame(aspect=1.0), scale=0.5)
    assert {n: node.pos for n, node in graph.nodes.items()} == before
    gc.collect()
    assert scenes and scenes[0]() is None  # no scene left listening to the graph's events
    image = QImage(str(tmp_path / "mlp.png"))
    assert abs(image.width() - image.height()) <= 1


def test_every_step_of_a_slide_series_keeps_the_nodes_in_place(qapp, tmp_path, monkeypatch):
    from engine import explain
    import graphviz_app.render as render_module
    from graphviz_app.render_layout import Frame
    graph = _example("mlp")
    trace = explain(graph, graph.meta["sample"])
    seen = []
    real_place = render_module.place_scene_labels

    def spy(scene, first=None):
        seen.append({n: (item.pos().x(), item.pos().y()) for n, item in scene.node_items.items()})
        return real_place(scene, first)

    monkeypatch.setattr(render_module, "place_scene_labels", spy)
    for step in (0, len(trace) // 2, len(trace) - 1):
        render_to_file(graph, tmp_path / f"{step}.png", trace=trace, step=step, frame=Frame(), scale=0.3)
    assert len(seen) == 3 and seen[0] == seen[1] == seen[2]


def test_a_crop_across_a_row_break_keeps_its_nodes_side_by_side(qapp, tmp_path):
    from graphviz_app.render_layout import Frame
    graph = _example("mlp")  # b ends the first row and θᵀb starts the second
    whole, crop = tmp_path / "whole.png", tmp_path / "crop.png"
    render_to_file(graph, whole, annotated=True, frame=Frame(), scale=1.0)
    render_to_file(graph, crop, annotated=True, frame=Frame(), scale=1.0, crop=["b", "θᵀb"])
    assert QImage(str(crop)).width() < QImage(str(whole)).width() / 2


def test_a_graph_without_positions_is_laid_out_not_drawn_as_a_pile(qapp, tmp_path):
    graph = lecture_mlp()
    for node_id in graph.nodes:
        graph.move(node_id, (0.0, 0.0))
    path = tmp_path / "pile.png"
    render_to_file(graph, path, scale=1.0)
    image = QImage(str(path))
    assert abs(image.width() / image.height() - 16 / 9) < 0.01
    assert image.width() > 600  # ten nodes side by side and in rows, not one box
    assert {n.pos for n in graph.nodes.values()} == {(0.0, 0.0)}  # the graph itself is not moved
