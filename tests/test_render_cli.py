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
