"""What the canvas should show after step k of a trace (pure: no Qt, easy to test)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..trace import BackwardStep, ForwardStep, NoGradStep, SeedStep, SumStep, Trace, UpdateStep


@dataclass
class TraceState:
    """Values, gradients received so far, node highlights, badges and the steps shown on edges."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray] = field(default_factory=dict)
    node_states: dict[str, str] = field(default_factory=dict)
    badges: dict[str, int] = field(default_factory=dict)  # node id → index of its SumStep or UpdateStep
    edge_steps: dict[str, int] = field(default_factory=dict)  # edge id → index of its backward/nograd step
    focus_step: int = -1
    focus_node: str | None = None
    focus_edge: str | None = None
    phase: str = "idle"  # idle, forward, backward or update


def _focus(step) -> tuple[str | None, str | None]:
    """(node, edge) a step is about: the node computed, or the node that receives a gradient."""
    if isinstance(step, (BackwardStep, NoGradStep)):
        return step.src, step.edge
    return getattr(step, "node", None), None


def _phase(step) -> str:
    if isinstance(step, ForwardStep):
        return "forward"
    return "update" if isinstance(step, UpdateStep) else "backward"


def state_at(trace: Trace, k: int, pending: bool = False) -> TraceState:
    """The state after steps 0..k; with `pending`, step k is under way: focused but its result not in."""
    state = TraceState()
    k = min(k, len(trace) - 1)
    done = k if not pending else k - 1
    for i, step in enumerate(trace.steps[: done + 1]):
        _apply(state, i, step)
    if k >= 0:
        step = trace.steps[k]
        state.focus_step = k
        state.focus_node, state.focus_edge = _focus(step)
        state.phase = _phase(step)
        _mark_nodes(state, trace)
    return state


def _apply(state: TraceState, i: int, step) -> None:
    if isinstance(step, ForwardStep):
        state.values[step.node] = step.value
    elif isinstance(step, SeedStep):
        state.grads[step.node] = step.grad
    elif isinstance(step, BackwardStep):
        # a value that fans out collects its gradient part by part; the SumStep then confirms the total
        known = state.grads.get(step.src)
        state.grads[step.src] = step.product if known is None else known + step.product
        state.edge_steps[step.edge] = i
    elif isinstance(step, NoGradStep):
        state.edge_steps[step.edge] = i
    elif isinstance(step, SumStep):
        state.grads[step.node] = step.total
        state.badges[step.node] = i
    elif isinstance(step, UpdateStep):
        state.values[step.node] = step.after
        state.badges[step.node] = i


def _mark_nodes(state: TraceState, trace: Trace) -> None:
    """Forward: computed nodes done, the rest dimmed; backward: nodes with a gradient done."""
    if state.phase == "forward":
        for node_id in trace.names:
            state.node_states[node_id] = "done" if node_id in state.values else "dim"
    else:
        for node_id in state.grads:
            state.node_states[node_id] = "done"
    for step in trace.forward_steps():
        if "winner" in step.info and step.node in state.values:
            state.node_states[step.node] = "winner"
    if state.focus_node is not None:
        state.node_states[state.focus_node] = "active"
