"""Error types of training."""
from __future__ import annotations

from ..errors import EngineError


class TrainingError(EngineError, ValueError):
    """A graph, binding, setting or data set that training cannot use; the message says which and why."""


class TrainingDiverged(TrainingError):
    """Training met NaN or infinity: names the first node where it appeared; the last good weights are kept."""

    def __init__(self, message: str, step: int, node_id: str | None, node_name: str | None, value: str):
        super().__init__(message)
        self.step = step
        self.node_id = node_id
        self.node_name = node_name
        self.value = value  # "nan", "inf" or "-inf"
