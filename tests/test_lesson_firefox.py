"""The lesson page in Firefox: headless Firefox opens it from disk, runs its script and draws the step a link asks
for (Firefox has no driver on this machine, so the page is checked through Firefox's own --screenshot).

Skipped, with the reason, where Firefox is missing (`.ci/run` installs firefox-esr).
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from engine.lesson import choose_examples, write_lesson
from engine.serialization import load_graph
from test_lesson import GRAPHS

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
pytestmark = pytest.mark.skipif(FIREFOX is None, reason="needs Firefox (apt-get install firefox-esr)")


def shot(page: Path, address_tail: str, out: Path):
    """Firefox's own screenshot of the page at 1920×1080, opened at `address_tail` (e.g. '#step=5')."""
    profile = tempfile.mkdtemp(prefix="lesson-firefox-")
    env = dict(os.environ, HOME=profile, MOZ_HEADLESS="1")
    try:
        subprocess.run([FIREFOX, "--headless", "-no-remote", "-profile", profile, "--window-size=1920,1080",
                        "--screenshot", str(out), page.as_uri() + address_tail],
                       env=env, capture_output=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert out.exists(), f"Firefox wrote no screenshot of {page.name}{address_tail}"
    return Image.open(out).convert("RGB")


def test_firefox_runs_the_page_and_draws_the_step_a_link_asks_for(tmp_path):
    graph = load_graph(GRAPHS / "mlp.json")
    page = tmp_path / "mlp.html"
    write_lesson(graph, choose_examples(graph), page)
    before = shot(page, "", tmp_path / "before.png")
    later = shot(page, "#step=20", tmp_path / "step20.png")
    assert before.size == later.size == (1920, 1080)
    # the script drew the graph (not a blank page), and the link moved it to step 20: the caption band
    # (the page's bottom fifth) and the graph change between the two
    assert len(before.getcolors(1 << 24)) > 50
    band = (0, 820, 1920, 1000)
    assert before.crop(band).tobytes() != later.crop(band).tobytes()
    assert before.crop((0, 120, 1920, 820)).tobytes() != later.crop((0, 120, 1920, 820)).tobytes()
