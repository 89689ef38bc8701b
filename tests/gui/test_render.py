"""Pictures without a window: PNG and SVG files of the headline example, images of a scene."""
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage

from engine import Graph
from graphviz_app.render import build_scene, render_scene_to_image, render_to_file, scene_rect
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
