"""Training: the Trainer, its settings and bindings, metrics and history, and the NaN/inf guard."""
from .errors import TrainingDiverged, TrainingError
from .guard import first_bad_node
from .metrics import EpochResult, History, Metrics, StepResult, confusion_matrix, to_probs
from .settings import Bindings, TrainingSettings, resolve_bindings
from .trainer import Trainer

__all__ = [
    "TrainingDiverged", "TrainingError", "first_bad_node", "EpochResult", "History", "Metrics", "StepResult",
    "confusion_matrix", "to_probs", "Bindings", "TrainingSettings", "resolve_bindings", "Trainer",
]
