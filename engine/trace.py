"""The record of one explained forward and backward pass: what the GUI replays and scrubs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

MAX_JACOBIAN_ENTRIES = 250_000


@dataclass
class ForwardStep:
    """A node computed its value."""

    node: str
    value: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    kind: Literal["forward"] = "forward"


@dataclass
class SeedStep:
    """Backward starts: ∂L/∂L = 1 at the target."""

    node: str
    grad: np.ndarray
    kind: Literal["seed"] = "seed"


@dataclass
class SumStep:
    """A value fanned out: its gradient is the sum of what came back along each outgoing edge."""

    node: str
    parts: list[tuple[str, np.ndarray]]
    total: np.ndarray
    kind: Literal["sum"] = "sum"


@dataclass
class NoGradStep:
    """An edge that carries no gradient (integer token ids or labels), with the reason."""

    edge: str
    src: str
    dst: str
    port: str
    reason: str
    kind: Literal["nograd"] = "nograd"


@dataclass
class BackwardStep:
    """Along one edge: upstream ∂L/∂out, local ∂out/∂in (on demand) and their product ∂L/∂in."""

    edge: str
    src: str
    dst: str
    port: str
    upstream: np.ndarray
    product: np.ndarray
    _vjp: Any = field(repr=False, default=None)
    _in_shape: tuple = ()
    _jacobian: np.ndarray | None = field(repr=False, default=None)
    kind: Literal["backward"] = "backward"

    @property
    def jacobian_shape(self) -> tuple[int, int]:
        """(n, m): input size × output size, the slides' ℝ^{n×m} convention."""
        return int(np.prod(self._in_shape)), int(np.size(self.upstream))

    def local_jacobian(self) -> np.ndarray:
        """J with J[i, j] = ∂out_j/∂in_i, built from the vjp on each basis vector of the output."""
        if self._jacobian is None:
            n, m = self.jacobian_shape
            if n * m > MAX_JACOBIAN_ENTRIES:
                raise ValueError(f"the Jacobian is {n}×{m}, too large to show; pick a smaller example")
            jac = np.zeros((n, m))
            basis = np.zeros(m)
            for j in range(m):
                basis[j] = 1.0
                jac[:, j] = np.reshape(self._vjp(basis.reshape(np.shape(self.upstream))), -1)
                basis[j] = 0.0
            self._jacobian = jac
        return self._jacobian


@dataclass
class UpdateStep:
    """SGD on one parameter: Θ ← Θ − α ∇Θ L."""

    node: str
    before: np.ndarray
    grad: np.ndarray
    after: np.ndarray
    lr: float
    kind: Literal["update"] = "update"


Step = ForwardStep | SeedStep | SumStep | NoGradStep | BackwardStep | UpdateStep


@dataclass
class Trace:
    """Ordered steps of forward, backward and update, plus final values and gradients by node id."""

    steps: list[Step]
    values: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    target: str | None
    names: dict[str, str]

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, k: int) -> Step:
        return self.steps[k]

    @property
    def loss(self) -> float | None:
        """The target's value as a float, when there is a target."""
        return None if self.target is None else float(np.sum(self.values[self.target]))

    def _id(self, name_or_id: str) -> str:
        if name_or_id in self.names:
            return name_or_id
        hits = [i for i, n in self.names.items() if n == name_or_id]
        if len(hits) != 1:
            raise KeyError(f"no single node named '{name_or_id}' in this trace")
        return hits[0]

    def value(self, node: str) -> np.ndarray:
        """Forward value of a node (by name or id)."""
        return self.values[self._id(node)]

    def grad(self, node: str) -> np.ndarray:
        """∂L/∂(node's output), by name or id."""
        return self.grads[self._id(node)]

    def edge(self, src: str, dst: str, port: str | None = None) -> BackwardStep:
        """The backward step on the edge src → dst (by names or ids)."""
        a, b = self._id(src), self._id(dst)
        for step in self.steps:
            if isinstance(step, BackwardStep) and step.src == a and step.dst == b and port in (None, step.port):
                return step
        raise KeyError(f"no gradient flowed from '{dst}' back to '{src}'")

    def steps_of(self, kind: str) -> list[Step]:
        """All steps of one kind: forward, seed, sum, nograd, backward or update."""
        return [s for s in self.steps if s.kind == kind]

    def forward_steps(self) -> list[ForwardStep]:
        """The forward steps, in order (typed, unlike steps_of("forward"))."""
        return [s for s in self.steps if isinstance(s, ForwardStep)]

    def backward_steps(self) -> list[BackwardStep]:
        """The backward steps along edges, in order (typed, unlike steps_of("backward"))."""
        return [s for s in self.steps if isinstance(s, BackwardStep)]

    def update_steps(self) -> list[UpdateStep]:
        """The SGD steps of the parameters, in order (typed, unlike steps_of("update"))."""
        return [s for s in self.steps if isinstance(s, UpdateStep)]
