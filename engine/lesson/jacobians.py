"""Per edge of one trace: its local Jacobian ∂out/∂in as the page draws it, with ∂L/∂in = J · upstream.

A Jacobian larger than MAX_SIDE × MAX_SIDE is cut to its top-left block, with a note saying so; one too large
to compute at all (engine.trace.MAX_JACOBIAN_ENTRIES) keeps only the gradients and says why.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..replay.labels import Labeller, fmt_num, jacobian_space, partial
from ..replay.view import JACOBIAN_NOTE, jacobian_title, jacobian_too_large
from ..trace import MAX_JACOBIAN_ENTRIES, BackwardStep, NoGradStep, Trace

from .table import Table, rounded

MAX_SIDE = 48  # rows and columns of a Jacobian drawn on the page


def edge_details(trace: Trace, labeller: Labeller, table: Table,
                 tick: Callable[[], None] = lambda: None) -> dict[str, dict[str, Any]]:
    """Edge id → what clicking the edge shows: its Jacobian, or why no gradient flows along it.

    `tick` is called once per step of the trace (progress)."""
    out: dict[str, dict[str, Any]] = {}
    for k, step in enumerate(trace.steps):
        tick()
        if isinstance(step, BackwardStep):
            out[step.edge] = jacobian_data(labeller, step, k, table)
        elif isinstance(step, NoGradStep):
            out[step.edge] = {"k": k, "title": labeller.nograd_label(step),
                              "note": f"No gradient flows along this edge: {step.reason}."}
    return out


def _cells(values: np.ndarray, table: Table) -> tuple[list[float | None], list[int]]:
    """Rounded numbers for the colours and their written form (as the labels write numbers)."""
    flat = np.reshape(np.asarray(values, dtype=np.float64), -1)
    return rounded(flat), [table.text(fmt_num(v, 3)) for v in flat]


def jacobian_data(labeller: Labeller, step: BackwardStep, k: int, table: Table) -> dict[str, Any]:
    """The Jacobian of one backward step (cut to MAX_SIDE), its shape ℝⁿˣᵐ, upstream and product."""
    n, m = step.jacobian_shape
    rows, cols = min(n, MAX_SIDE), min(m, MAX_SIDE)
    src, dst = labeller.name(step.src), labeller.name(step.dst)
    upstream = np.reshape(step.upstream, -1)[:cols]
    product = np.reshape(step.product, -1)[:rows]
    data: dict[str, Any] = {
        "k": k, "title": jacobian_title(labeller, step), "n": n, "m": m,
        "local": f"{partial(dst, src)} ∈ {jacobian_space(n, m)}",
        "upShort": f"upstream {partial(labeller.loss, dst)}", "prodShort": partial(labeller.loss, src),
        "rows": rows, "cols": cols}
    data["up"], data["upText"] = _cells(upstream, table)
    data["prod"], data["prodText"] = _cells(product, table)
    if n * m > MAX_JACOBIAN_ENTRIES:
        data["J"], data["note"] = None, jacobian_too_large(step)
        return data
    data["J"], data["JText"] = _cells(step.local_jacobian()[:rows, :cols], table)
    data["note"] = JACOBIAN_NOTE + _cut_note(n, m, rows, cols)
    return data


def _cut_note(n: int, m: int, rows: int, cols: int) -> str:
    """'' when the whole Jacobian is drawn, else which block of it is."""
    if (rows, cols) == (n, m):
        return ""
    parts = [f"rows 1–{rows} of {n}" if rows < n else f"all {n} rows",
             f"columns 1–{cols} of {m}" if cols < m else f"all {m} columns"]
    return f". Too large to draw whole: showing {parts[0]} and {parts[1]}."
