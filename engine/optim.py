"""Optimizers: SGD as on the slides (Θ ← Θ − α∇Θ), momentum and Adam, for dense or row-sparse gradients."""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from .compiled import SparseRows
from .errors import EngineError

Grad = np.ndarray | SparseRows


class OptimizerError(EngineError, ValueError):
    """An optimizer name or setting is not valid; the message names the setting."""


def check_positive(name: str, value: Any) -> float:
    """`value` as a float if it is a finite number > 0, else OptimizerError naming `name`."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise OptimizerError(f"{name}: expected a positive number, got {value!r}")
    return float(value)


def _check_fraction(name: str, value: Any, low_open: bool = False) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not (0 < value < 1 if low_open else 0 <= value < 1):
        side = "0 < x < 1" if low_open else "0 ≤ x < 1"
        raise OptimizerError(f"{name}: expected a number with {side}, got {value!r}")
    return float(value)


def _check_decay(value: Any) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise OptimizerError(f"weight_decay: expected a number ≥ 0, got {value!r}")
    return float(value)


def summed_rows(grad: SparseRows) -> tuple[np.ndarray, np.ndarray]:
    """(unique rows, their summed values): a SparseRows with no repeated row, summed in row order."""
    rows, inverse = np.unique(grad.rows, return_inverse=True)
    tail = tuple(grad.shape[1:])
    width = int(np.prod(tail, dtype=np.int64))
    index = (inverse.reshape(-1, 1) * width + np.arange(width)).reshape(-1)
    # bincount adds the repeats one by one in their order, as SparseRows.to_dense does: sparse == dense bit for bit
    summed = np.bincount(index, weights=np.reshape(grad.values, -1), minlength=len(rows) * width)
    return rows, summed.reshape((len(rows),) + tail)


def dense(grad: Grad) -> np.ndarray:
    """A gradient as a full array."""
    return grad.to_dense() if isinstance(grad, SparseRows) else np.asarray(grad, dtype=np.float64)


def grad_norm(grad: Grad) -> float:
    """The Euclidean norm of a gradient (repeated sparse rows are summed first)."""
    if isinstance(grad, SparseRows):
        return float(np.linalg.norm(summed_rows(grad)[1]))
    return float(np.linalg.norm(grad))


def grad_is_finite(grad: Grad) -> bool:
    """True if no entry of the gradient is NaN or infinite."""
    values = grad.values if isinstance(grad, SparseRows) else grad
    return bool(np.isfinite(values).all())


class Optimizer:
    """Base class: updates parameter arrays in place; state is kept per parameter node id."""

    name = "base"

    def __init__(self, lr: float, weight_decay: float = 0.0):
        self.lr = lr
        self.weight_decay = _check_decay(weight_decay)
        self.state: dict[str, dict[str, Any]] = {}

    @property
    def lr(self) -> float:
        """The learning rate α; a new value takes effect at the next step."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("lr", value)

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, Grad]) -> None:
        """Update every parameter that has a gradient, in place."""
        for node_id, grad in grads.items():
            self.update(node_id, params[node_id], grad)

    def update(self, node_id: str, value: np.ndarray, grad: Grad) -> None:
        """Update one parameter array in place."""
        raise NotImplementedError

    def touched_rows(self, grad: Grad) -> np.ndarray | None:
        """The rows an update with this gradient changes, or None when it may change every entry."""
        return None

    def reset(self, node_id: str | None = None) -> None:
        """Forget the state (velocity, moments) of one parameter, or of all."""
        if node_id is None:
            self.state.clear()
        else:
            self.state.pop(node_id, None)

    def settings(self) -> dict[str, float]:
        """The optimizer's settings, for display and saving."""
        return {"lr": self.lr, "weight_decay": self.weight_decay}

    def _state(self, node_id: str, value: np.ndarray, keys: tuple[str, ...]) -> dict[str, Any]:
        state = self.state.get(node_id)
        if state is None or state[keys[0]].shape != value.shape:  # new, or the parameter was reshaped
            state = {k: np.zeros_like(value, dtype=np.float64) for k in keys}
            state["t"] = 0
            self.state[node_id] = state
        return state

    def _decayed(self, value: np.ndarray, grad: Grad) -> np.ndarray:
        # weight decay λ adds λΘ to the gradient (L2 regularisation), which makes it dense
        g = dense(grad)
        return g + self.weight_decay * value if self.weight_decay else g


class SGD(Optimizer):
    """Plain gradient descent Θ ← Θ − α(∇Θ + λΘ); row-sparse gradients touch only their rows."""

    name = "sgd"

    def update(self, node_id: str, value: np.ndarray, grad: Grad) -> None:
        if isinstance(grad, SparseRows) and not self.weight_decay:
            rows, summed = summed_rows(grad)
            value[rows] -= self.lr * summed
            return
        value -= self.lr * self._decayed(value, grad)

    def touched_rows(self, grad: Grad) -> np.ndarray | None:
        if isinstance(grad, SparseRows) and not self.weight_decay:
            return np.unique(grad.rows)
        return None


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← μv + g, Θ ← Θ − αv (μ = momentum)."""

    name = "momentum"

    def __init__(self, lr: float, weight_decay: float = 0.0, momentum: float = 0.9):
        super().__init__(lr, weight_decay)
        self.momentum = _check_fraction("momentum", momentum)

    def update(self, node_id: str, value: np.ndarray, grad: Grad) -> None:
        velocity = self._state(node_id, value, ("v",))["v"]
        velocity *= self.momentum
        velocity += self._decayed(value, grad)
        value -= self.lr * velocity

    def settings(self) -> dict[str, float]:
        return {**super().settings(), "momentum": self.momentum}


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): per-entry steps scaled by running moments of g and g²."""

    name = "adam"

    def __init__(self, lr: float, weight_decay: float = 0.0, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr, weight_decay)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.eps = check_positive("eps", eps)

    def update(self, node_id: str, value: np.ndarray, grad: Grad) -> None:
        state = self._state(node_id, value, ("m", "v"))
        g = self._decayed(value, grad)
        state["t"] += 1
        m, v, t = state["m"], state["v"], state["t"]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1 ** t)  # bias correction: the moments start at zero
        v_hat = v / (1 - self.beta2 ** t)
        value -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def settings(self) -> dict[str, float]:
        return {**super().settings(), "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
EXTRA_SETTINGS = {"sgd": (), "momentum": ("momentum",), "adam": ("beta1", "beta2", "eps")}


def make_optimizer(name: str, lr: float, weight_decay: float = 0.0, **kw: float) -> Optimizer:
    """An optimizer by name ("sgd", "momentum", "adam"); extra settings: momentum, or beta1/beta2/eps."""
    if name not in OPTIMIZERS:
        raise OptimizerError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {name!r}")
    unknown = sorted(set(kw) - set(EXTRA_SETTINGS[name]))
    if unknown:
        allowed = ", ".join(EXTRA_SETTINGS[name]) or "none"
        raise OptimizerError(f"{unknown[0]}: not a setting of {name} (its extra settings: {allowed})")
    return OPTIMIZERS[name](lr, weight_decay, **kw)
