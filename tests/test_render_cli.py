"""`python main.py render`: pictures of a graph, optionally at a trace step, for slides and handouts."""
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "assets" / "graphs" / "chain_rule.json"

pytestmark = pytest.mark.skipif(not CHAIN.exists(), reason="assets/graphs/chain_rule.json is not built")


def render(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "render", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def distinct_colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    step = max(1, image.width() // 200)
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_render_writes_a_non_blank_png_whose_size_follows_the_scale(tmp_path):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert render(str(CHAIN), "--out", str(one), "--scale", "1").returncode == 0
    assert render(str(CHAIN), "--out", str(two), "--scale", "2").returncode == 0
    (w1, h1), (w2, h2) = png_size(one), png_size(two)
    assert w1 > 200 and h1 > 100
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2
    assert distinct_colours(one) > 20  # boxes, text and wires, not an empty background


def test_a_later_step_shows_more_than_step_zero(tmp_path):
    first, last = tmp_path / "first.png", tmp_path / "last.png"
    done = render(str(CHAIN), "--out", str(first), "--step", "0")
    assert done.returncode == 0 and "at step 0: forward: x = 3" in done.stdout
    done = render(str(CHAIN), "--out", str(last), "--step", "-1", "--svg", str(tmp_path / "last.svg"))
    assert done.returncode == 0, done.stderr
    assert first.read_bytes() != last.read_bytes()
    assert png_size(last) != png_size(first) or distinct_colours(last) != distinct_colours(first)
    svg = (tmp_path / "last.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "0.3333" in svg  # the annotated SVG carries the gradient labels


def test_list_steps_prints_the_trace_in_words():
    done = render(str(CHAIN), "--list-steps", "--lr", "0.1")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[2].split(None, 1) == ["2", "forward: a = w · x = 6"]
    # log(w·x) falls from log 6 to log 5.85 when w moves to 1.95
    assert lines[-1].endswith("SGD update: w ← w − α·∂L/∂w = 2 − 0.1 · 0.5 = 1.95. "
                              "After the update, loss 1.79 → 1.77")


def test_a_bare_lr_takes_the_files_alpha_and_a_number_overrides_it(tmp_path):
    import json

    data = json.loads(CHAIN.read_text(encoding="utf-8"))
    data["meta"]["training"]["lr"] = 0.5
    graph = tmp_path / "chain_alpha.json"
    graph.write_text(json.dumps(data), encoding="utf-8")
    done = render(str(graph), "--list-steps", "--lr")
    assert done.returncode == 0, done.stderr
    assert "w ← w − α·∂L/∂w = 2 − 0.5 · 0.5 = 1.75" in done.stdout.splitlines()[-1]
    done = render(str(graph), "--list-steps", "--lr", "0.1")
    assert "2 − 0.1 · 0.5 = 1.95" in done.stdout.splitlines()[-1]
    assert "SGD update" not in render(str(graph), "--list-steps").stdout  # no --lr: no update


def test_an_lr_outside_the_training_range_is_refused_in_the_training_words():
    done = render(str(CHAIN), "--list-steps", "--lr", "1000")
    assert done.returncode == 2
    assert "1000 is too large: the learning rate α must be between 1e-06 and 100" in done.stderr


def test_a_step_outside_the_trace_is_a_clear_error(tmp_path):
    done = render(str(CHAIN), "--out", str(tmp_path / "x.png"), "--step", "99")
    assert done.returncode == 2
    assert "error: --step 99: the trace has steps 0 to 7" in done.stderr


def test_projector_theme_draws_larger_than_light(tmp_path):
    light, projector = tmp_path / "light.png", tmp_path / "projector.png"
    assert render(str(CHAIN), "--out", str(light), "--step", "end").returncode == 0
    assert render(str(CHAIN), "--out", str(projector), "--step", "end", "--theme", "projector").returncode == 0
    assert png_size(projector)[0] > 1.3 * png_size(light)[0]


def test_crop_draws_only_the_named_nodes(tmp_path):
    whole, part = tmp_path / "whole.png", tmp_path / "part.png"
    assert render(str(CHAIN), "--out", str(whole), "--step", "backward", "--scale", "1").returncode == 0
    result = render(str(CHAIN), "--out", str(part), "--step", "backward", "--scale", "1", "--crop", "x,a")
    assert result.returncode == 0, result.stderr
    assert png_size(part)[0] < png_size(whole)[0]


MLP = ROOT / "assets" / "graphs" / "mlp.json"


def test_the_picture_is_16_9_by_default_and_the_file_keeps_its_positions(tmp_path):
    before = MLP.read_bytes()
    out = tmp_path / "mlp.png"
    done = render(str(MLP), "--out", str(out), "--step", "backward")
    assert done.returncode == 0, done.stderr
    width, height = png_size(out)
    assert abs(width / height - 16 / 9) < 2 / height  # 16:9 up to rounding to whole pixels
    assert MLP.read_bytes() == before


def test_width_and_aspect_set_the_picture_size(tmp_path):
    out = tmp_path / "mlp.png"
    assert render(str(MLP), "--out", str(out), "--width", "1920").returncode == 0
    assert png_size(out) == (1920, 1080)
    assert render(str(MLP), "--out", str(out), "--width", "800", "--aspect", "4:3").returncode == 0
    assert png_size(out) == (800, 600)
    assert render(str(MLP), "--out", str(out), "--width", "900", "--aspect", "1").returncode == 0
    assert png_size(out) == (900, 900)


def test_aspect_none_draws_the_saved_positions_at_their_own_shape(tmp_path):
    framed, own = tmp_path / "framed.png", tmp_path / "own.png"
    assert render(str(CHAIN), "--out", str(framed), "--scale", "1").returncode == 0
    assert render(str(CHAIN), "--out", str(own), "--scale", "1", "--aspect", "none").returncode == 0
    (w1, h1), (w2, h2) = png_size(framed), png_size(own)
    assert abs(w1 / h1 - 16 / 9) < 0.01
    assert abs(w2 / h2 - 16 / 9) > 0.1  # the chain rule is wider than 16:9 on its own


@pytest.mark.parametrize("args, message", [
    (("--aspect", "wide"), "error: --aspect: expected width:height such as 16:9"),
    (("--aspect", "16:0"), "error: --aspect: expected width:height such as 16:9"),
    (("--aspect", "20:1"), "error: --aspect: expected a shape between 1:5 and 5:1"),
    (("--width", "5"), "error: --width: expected between 100 and 16000 pixels, got 5"),
])
def test_a_bad_aspect_or_width_is_a_clear_error(tmp_path, args, message):
    done = render(str(CHAIN), "--out", str(tmp_path / "x.png"), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_spread_scales_positions_in_memory_and_refuses_odd_factors():
    from engine.examples import build_example
    from graphviz_app.render_cli import spread  # also used by the explain screenshots

    graph = build_example("chain_rule")
    before = {n: node.pos for n, node in graph.nodes.items()}
    spread(graph, "1.5,2")
    assert {n: node.pos for n, node in graph.nodes.items()} == {n: (x * 1.5, y * 2) for n, (x, y) in before.items()}
    with pytest.raises(ValueError, match="--spread: expected a factor between 0.2 and 5"):
        spread(graph, "9")


@pytest.mark.parametrize("command", ["render", "export"])
def test_a_graph_without_positions_is_laid_out_before_it_is_drawn(tmp_path, command):
    """All nodes on one spot took 84 s and 3 GB to paint at 5,000 nodes: the picture is laid out first."""
    import json

    d = json.loads(CHAIN.read_text(encoding="utf-8"))
    for node in d["nodes"]:
        node.pop("pos")
    d["regions"] = []
    unplaced = tmp_path / "unplaced.json"
    unplaced.write_text(json.dumps(d), encoding="utf-8")
    out = tmp_path / "picture.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # render frames to 16:9 by default; at the graph's own shape four nodes in a row are wide
    extra = ["--to", "png"] if command == "export" else ["--aspect", "none"]
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), command, str(unplaced), *extra, "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    laid_out = tmp_path / "laid_out.png"  # the same graph with its saved positions, for scale
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), command, str(CHAIN), *extra, "--out", str(laid_out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (width, height), (w0, h0) = png_size(out), png_size(laid_out)
    assert width * height > 0.5 * w0 * h0  # spread out like the real layout, not one pile (a quarter of it)
    assert "pos" not in json.loads(unplaced.read_text(encoding="utf-8"))["nodes"][0]  # the file is not changed


HEADLINES = ROOT / "assets" / "graphs" / "headline_classifier.json"


def test_example_takes_the_forms_of_the_html_lesson():
    done = render(str(CHAIN), "--list-steps", "--example", "x=5")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split(None, 1) == ["0", "forward: x = 5"]
    done = render(str(HEADLINES), "--list-steps", "--example", "stocks fall=Politics")
    assert done.returncode == 0, done.stderr
    assert "y = 1 (Politics)" in done.stdout


def test_a_bad_example_or_label_is_the_lessons_clear_error():
    done = render(str(HEADLINES), "--list-steps", "--example", "stocks fall=Weather")
    assert done.returncode == 2
    assert "'Weather' is not a class of this data set; choose one of Sports, Politics, Business" in done.stderr
    done = render(str(HEADLINES), "--list-steps", "--text", "stocks fall", "--label", "Weather")
    assert "'Weather' is not a class of this data set" in done.stderr
    done = render(str(CHAIN), "--list-steps", "--example", "x=5", "--text", "hello")
    assert done.returncode == 2 and "--example: give it alone" in done.stderr


def test_a_text_graph_explains_its_headline_by_default_as_explain_mode_does():
    done = render(str(ROOT / "assets" / "graphs" / "text_cnn.json"), "--list-steps")
    assert done.returncode == 0, done.stderr
    # the star marks a word the vocabulary does not know
    assert "stocks fall after morgan stanley* earnings miss" in done.stdout.lower()
