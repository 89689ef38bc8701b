"""Building a Trainer off the GUI thread: loading and encoding a data set takes ~0.6 s the first time.

The helper thread touches no Qt object: the GUI thread looks for finished builds on a timer. A signal emitted
from the helper thread took a Qt lock and then waited for Python's GIL while the GUI thread, holding the GIL,
waited for that lock to delete a widget: the app froze (found by the monkey test).

Python's cyclic garbage collector is off while a helper thread runs, for the same reason: a collection started
by the helper's allocations destroyed Qt objects dropped by the GUI thread on the helper thread, whose ~QObject
took a Qt lock and waited for the GIL while the GUI thread, holding the GIL, waited for that lock (the test
suite froze). The GUI thread turns collection back on once no helper is left.
"""
from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine.errors import EngineError
from engine.graph import Graph
from engine.train import Metrics, Trainer

POLL_MS = 25  # how often the GUI thread looks for a finished build


class _CollectorHold:
    """Keeps Python's cyclic garbage collector off while helper threads run (see the module's note)."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.turned_off = False  # by us: a collector someone else turned off stays off
        self.timer: QTimer | None = None

    def hold(self, thread: threading.Thread) -> None:
        """Turn collection off before `thread` starts (call on the GUI thread)."""
        if not self.threads and gc.isenabled():
            gc.disable()
            self.turned_off = True
        self.threads.append(thread)
        if self.timer is None:  # owned by the application, so it outlives any window that started a build
            self.timer = QTimer(QCoreApplication.instance())
            self.timer.setInterval(POLL_MS)
            self.timer.timeout.connect(self.release)
        self.timer.start()

    def release(self) -> None:
        """Turn collection back on once every held thread has ended."""
        self.threads = [t for t in self.threads if t.is_alive()]
        if self.threads:
            return
        if self.timer is not None:
            self.timer.stop()
        if self.turned_off:
            self.turned_off = False
            gc.enable()


COLLECTOR = _CollectorHold()


@dataclass(eq=False)
class TrainerBuild:
    """One trainer being built for a private copy of the graph on a helper thread (`finished` tells when)."""

    graph: Graph
    trainer: Trainer | None = None
    test: Metrics | None = None  # the test metrics of the graph's weights
    error: str = ""
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="training-setup", daemon=True)
        COLLECTOR.hold(self.thread)
        self.thread.start()

    def _run(self) -> None:
        try:
            trainer = Trainer(self.graph)
            trainer.continue_history(self.graph.meta.get("metrics"))
            self.test = trainer.evaluate("test")  # also sets up the plan's buffers: here, not on the GUI thread
            self.trainer = trainer
        except (EngineError, OSError) as exc:
            self.error = str(exc)

    @property
    def finished(self) -> bool:
        """True once the helper thread is done (its trainer or its error is in)."""
        return not self.thread.is_alive()

    def discard(self) -> None:
        """Nobody wants this trainer any more (another graph or another build came first)."""
        if self.trainer is not None:
            self.trainer.close()
            self.trainer = None


class TrainerBuilder(QObject):
    """Builds one trainer at a time on a helper thread; a newer start() makes the build under way moot."""

    built = Signal(object)  # the TrainerBuild that finished (its trainer, or its error): only the latest one

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.current: TrainerBuild | None = None
        self._moot: list[TrainerBuild] = []  # cancelled while running: their trainers are closed when they end
        self._watch = QTimer(self)
        self._watch.setInterval(POLL_MS)
        self._watch.timeout.connect(self._look)

    def start(self, graph: Graph) -> None:
        """Build a trainer for `graph` (a private copy: it is trained, the caller's graph is not)."""
        self.cancel()
        self.current = TrainerBuild(graph)
        self._watch.start()

    def cancel(self) -> None:
        """Nobody wants the build under way: its trainer is closed when it arrives."""
        if self.current is not None:
            self._moot.append(self.current)
            self.current = None
        self._drop_finished_moot()

    def close(self) -> None:
        """Wait for the builds under way (the app is quitting) and drop them."""
        self._watch.stop()
        self.cancel()
        for build in self._moot:
            build.thread.join(timeout=10)
            build.discard()
        self._moot.clear()

    def _drop_finished_moot(self) -> None:
        for build in [b for b in self._moot if b.finished]:
            build.discard()
            self._moot.remove(build)

    def _look(self) -> None:
        """On the GUI thread: hand over a finished build, close finished moot ones, stop when nothing runs."""
        self._drop_finished_moot()
        build = self.current
        if build is not None and build.finished:
            self.current = None
            self.built.emit(build)
        if self.current is None and not self._moot:
            self._watch.stop()
