"""Two-dimensional toy classification sets made with numpy; each is balanced and seeded."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import DataError

Points = tuple[np.ndarray, np.ndarray]


def _check(n: int, noise: float, classes: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < classes:
        raise DataError(f"n: expected an integer >= {classes}, got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)) or not noise >= 0:
        raise DataError(f"noise: expected a number >= 0, got {noise!r}")


def _labels(n: int, classes: int) -> np.ndarray:
    """Class of each point, as equal as n allows (sizes differ by at most one)."""
    return np.arange(n, dtype=np.int64) % classes


def _finish(points: np.ndarray, labels: np.ndarray, noise: float, rng: np.random.Generator) -> Points:
    """Add Gaussian noise and shuffle, so that minibatches see the classes mixed."""
    points = points + rng.normal(0.0, noise, size=points.shape)
    order = rng.permutation(len(labels))
    return points[order].astype(np.float32), labels[order]


def xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """Four quadrant clouds: class 1 where x and y have opposite signs."""
    _check(n, noise, 2)
    rng = np.random.default_rng(seed)
    y = _labels(n, 2)
    # The margin of 0.1 keeps the noiseless set separable by two lines through the origin.
    size = rng.uniform(0.1, 1.0, size=(n, 2))
    sign_x = rng.choice([-1.0, 1.0], size=n)
    sign_y = np.where(y == 1, -sign_x, sign_x)
    return _finish(size * np.stack([sign_x, sign_y], axis=1), y, noise, rng)


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """Two interleaving half circles."""
    _check(n, noise, 2)
    rng = np.random.default_rng(seed)
    y = _labels(n, 2)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    return _finish(np.where(y[:, None] == 0, upper, lower), y, noise, rng)


def circles(n: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """A ring of radius 1 (class 0) around a ring of radius 0.5 (class 1)."""
    _check(n, noise, 2)
    rng = np.random.default_rng(seed)
    y = _labels(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(y == 0, 1.0, 0.5)
    return _finish(radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), y, noise, rng)


def spirals(n: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """Two spirals wound one and a half turns around each other."""
    _check(n, noise, 2)
    rng = np.random.default_rng(seed)
    y = _labels(n, 2)
    t = rng.uniform(0.15, 1.0, size=n)  # starting away from 0 keeps the two arms from touching
    angle = 3.0 * np.pi * t + np.pi * y
    return _finish(t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), y, noise, rng)


def blobs3(n: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """Three round clouds around the corners of a triangle; noise adds to a base spread of 0.2."""
    _check(n, noise, 3)
    rng = np.random.default_rng(seed)
    y = _labels(n, 3)
    corners = np.deg2rad([90.0, 210.0, 330.0])
    centres = np.stack([np.cos(corners), np.sin(corners)], axis=1)
    spread = rng.normal(0.0, 0.2, size=(n, 2))
    return _finish(centres[y] + spread, y, noise, rng)


TOY_SETS: dict[str, Callable[..., Points]] = {
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
    "blobs3": blobs3,
}

TOY_CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "xor": ("same signs", "opposite signs"),
    "moons": ("upper moon", "lower moon"),
    "circles": ("outer ring", "inner ring"),
    "spirals": ("spiral A", "spiral B"),
    "blobs3": ("A", "B", "C"),
}
