"""Building a Trainer off the GUI thread: loading and encoding a data set takes ~0.6 s the first time."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot

from engine.errors import EngineError
from engine.graph import Graph
from engine.train import Metrics, Trainer


@dataclass(eq=False)
class TrainerBuild:
    """One trainer being built for a private copy of the graph; `done(self)` is called from the helper thread."""

    graph: Graph
    done: Callable[["TrainerBuild"], None]
    trainer: Trainer | None = None
    test: Metrics | None = None  # the test metrics of the graph's weights
    error: str = ""
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="training-setup", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            trainer = Trainer(self.graph)
            trainer.continue_history(self.graph.meta.get("metrics"))
            self.test = trainer.evaluate("test")  # also sets up the plan's buffers: here, not on the GUI thread
            self.trainer = trainer
        except (EngineError, OSError) as exc:
            self.error = str(exc)
        self.done(self)

    def discard(self) -> None:
        """Nobody wants this trainer any more (another graph or another build came first)."""
        if self.trainer is not None:
            self.trainer.close()
            self.trainer = None


class TrainerBuilder(QObject):
    """Builds one trainer at a time on a helper thread; a newer start() makes the build under way moot."""

    built = Signal(object)  # the TrainerBuild that finished (its trainer, or its error): only the latest one
    _done = Signal(object)  # from the helper thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.current: TrainerBuild | None = None
        self._done.connect(self._arrived)

    def start(self, graph: Graph) -> None:
        """Build a trainer for `graph` (a private copy: it is trained, the caller's graph is not)."""
        self.cancel()
        self.current = TrainerBuild(graph, self._done.emit)

    def cancel(self) -> None:
        """Nobody wants the build under way: its trainer is closed when it arrives."""
        if self.current is not None:
            self.current.discard()
            self.current = None

    def close(self) -> None:
        """Wait for the build under way (the app is quitting) and drop it."""
        build = self.current
        self.cancel()
        if build is not None:
            build.thread.join(timeout=10)
            build.discard()

    @Slot(object)
    def _arrived(self, build: TrainerBuild) -> None:
        if build is not self.current:
            build.discard()
            return
        self.current = None
        self.built.emit(build)
