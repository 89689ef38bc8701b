"""Training entry point: `from engine.train import Trainer` (the code lives in engine/training/)."""
from .training import (
    LIVE_SETTINGS,
    SETTING_RANGES,
    Bindings,
    EpochResult,
    History,
    Metrics,
    StepResult,
    Trainer,
    TrainingDiverged,
    TrainingError,
    TrainingSettings,
    confusion_matrix,
    first_bad_node,
    resolve_bindings,
    setting_problem,
    setting_range_text,
    to_probs,
)

__all__ = [
    "Bindings", "EpochResult", "History", "Metrics", "StepResult", "Trainer", "TrainingDiverged",
    "TrainingError", "TrainingSettings", "confusion_matrix", "first_bad_node", "resolve_bindings", "to_probs",
    "LIVE_SETTINGS", "SETTING_RANGES", "setting_problem", "setting_range_text",
]
