"""Training: the Trainer, its settings and bindings, metrics and history, and the NaN/inf guard."""
from .classifier import GraphClassifier
from .errors import TrainingDiverged, TrainingError
from .guard import first_bad_node
from .metrics import EpochResult, History, Metrics, StepResult, confusion_matrix, to_probs
from .settings import (
    LIVE_SETTINGS, SETTING_RANGES, Bindings, TrainingSettings, resolve_bindings, setting_problem, setting_range_text,
)
from .trainer import Trainer

__all__ = [
    "TrainingDiverged", "TrainingError", "first_bad_node", "EpochResult", "History", "Metrics", "StepResult",
    "confusion_matrix", "to_probs", "Bindings", "TrainingSettings", "resolve_bindings", "Trainer", "LIVE_SETTINGS",
    "SETTING_RANGES", "setting_problem", "setting_range_text", "GraphClassifier",
]
