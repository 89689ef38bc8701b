"""Trainers are built on a helper thread that touches no Qt object; the GUI thread collects them."""
import threading

import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from graphviz_app.training import build  # noqa: E402


def test_the_helper_thread_hands_its_trainer_over_only_through_the_gui_thread(qtbot, monkeypatch):
    emitted_on = []
    builder = build.TrainerBuilder()
    builder.built.connect(lambda b: emitted_on.append(threading.current_thread()))
    builder.start(build_example("toy_2d"))
    made = builder.current
    made.thread.join(timeout=60)
    assert made.finished and made.trainer is not None and builder.current is made  # not handed over yet
    with qtbot.waitSignal(builder.built, timeout=5000) as signal:
        pass
    assert signal.args == [made] and emitted_on == [threading.main_thread()]
    builder.close()


def test_a_build_made_moot_closes_its_trainer_when_it_ends(qtbot):
    builder = build.TrainerBuilder()
    builder.start(build_example("toy_2d"))
    first = builder.current
    builder.start(build_example("toy_2d"))  # a newer build makes the first one moot
    second = builder.current
    with qtbot.waitSignal(builder.built, timeout=60_000) as signal:
        pass
    assert signal.args == [second]
    first.thread.join(timeout=60)
    qtbot.waitUntil(lambda: not builder._moot, timeout=5000)
    assert first.trainer is None  # closed and dropped, never handed over
    builder.close()


def test_no_garbage_collection_runs_on_the_helper_thread(qtbot):
    """A collection there destroyed Qt objects off the GUI thread and froze the test suite (a lock-order
    deadlock between ~QObject and the GIL); collection is back on once the build has ended."""
    import gc

    threads = []

    def note(phase, info):
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(note)
    threshold = gc.get_threshold()
    gc.set_threshold(1)  # any allocation may collect, as a long build's would
    try:
        builder = build.TrainerBuilder()
        builder.start(build_example("headline_classifier"))  # encodes a data set: many allocations
        made = builder.current
        made.thread.join(timeout=120)
        assert made.trainer is not None, made.error
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(note)
    assert "training-setup" not in threads
    qtbot.waitUntil(gc.isenabled, timeout=5000)
    builder.close()
