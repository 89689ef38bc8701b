"""500 random edits with undos and redos on every example: no crash, nothing raised, the model restored exactly.

Each run is a subprocess (tests/gui/undo_fuzz.py), so a segmentation fault in the undo stack fails one test
instead of killing pytest. A failed run prints its seed and every step up to the one that failed; run it
again with `python -m tests.gui.undo_fuzz EXAMPLE SEED 500`. CGE_FUZZ_SEED picks another seed.
"""
import os
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from graphviz_app.examples_dialog import list_examples

ROOT = Path(__file__).resolve().parents[2]
STEPS = 500
EXAMPLES = [entry.name for entry in list_examples()]


def fuzz(example: str, seed: int, steps: int = STEPS) -> subprocess.CompletedProcess:
    """Run the harness on one example in a fresh interpreter."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "tests.gui.undo_fuzz", example, str(seed), str(steps)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=220)


def explain(run: subprocess.CompletedProcess, example: str, seed: int) -> str:
    code = run.returncode
    how = f"crashed with {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
    return (f"{example}, seed {seed}: the harness {how}; rerun with "
            f"`python -m tests.gui.undo_fuzz {example} {seed} {STEPS}`\n{run.stdout}\n{run.stderr[-4000:]}")


def test_every_example_is_fuzzed():
    assert len(EXAMPLES) >= 9 and "headline_classifier" in EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_random_edits_undo_and_redo_exactly_and_never_crash(example):
    seed = int(os.environ.get("CGE_FUZZ_SEED") or zlib.crc32(example.encode()) % 10_000)
    run = fuzz(example, seed)
    assert run.returncode == 0, explain(run, example, seed)
    assert run.stdout.count("\nstep ") == STEPS and run.stdout.rstrip().endswith("ok")
    assert "refused:" in run.stdout  # bad edits were tried, and refused before they were pushed
