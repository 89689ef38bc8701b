"""A new user's first hour, compressed: seeded random actions on every example and on a graph built from scratch.

A failure prints the seed and every action, so it can be replayed: CGE_MONKEY_SEED=… pytest -k monkey.
"""
import os
import random
import sys

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from engine import Graph  # noqa: E402
from engine.examples import EXAMPLES, build_example  # noqa: E402
from graphviz_app.app import install_excepthook  # noqa: E402
from graphviz_app.main_window import MainWindow  # noqa: E402
from graphviz_app.recovery import RecoveryStore  # noqa: E402

from .monkey import Monkey, MonkeyPrompts  # noqa: E402

STEPS = int(os.environ.get("CGE_MONKEY_STEPS", "150"))


def seed_for(name: str) -> int:
    fixed = os.environ.get("CGE_MONKEY_SEED")
    return int(fixed) if fixed else sum(map(ord, name)) * 7919


def play(qtbot, tmp_path, monkeypatch, graph: Graph, name: str) -> None:
    seed = seed_for(name)
    rng = random.Random(seed)
    prompts = MonkeyPrompts(rng, tmp_path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(graph, settings=settings, recovery=RecoveryStore(tmp_path / "recovery"), prompts=prompts)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.explain.controller.player.instant = True
    monkey = Monkey(window, qtbot, rng, prompts)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(window)  # as the app does: an escaped exception reaches the window (and the monkey)
    try:
        monkey.play(STEPS)
    except AssertionError as failure:
        raise AssertionError(f"monkey on {name}, seed {seed}:\n{failure}") from None
    finally:
        window.training.session.close()
        window.explain.presentation.leave()


# the window's own hook reports escaped exceptions with the list of actions that led to them
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.mark.parametrize("name", EXAMPLES)
def test_monkey_on_example(qtbot, tmp_path, monkeypatch, name):
    play(qtbot, tmp_path, monkeypatch, build_example(name), name)


def test_monkey_on_a_graph_built_from_scratch(qtbot, tmp_path, monkeypatch):
    play(qtbot, tmp_path, monkeypatch, Graph(), "scratch")
