"""Building a Trainer off the GUI thread: loading and encoding a data set takes ~0.6 s the first time."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

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
