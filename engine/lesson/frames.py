"""One example's steps as the page replays them: caption, question, focus and pulses of each step, and what
every node and edge shows after the step (done) and while it is under way or hidden (pending).

Everything shown comes from engine.replay (state_at, Narrator, view, and the canvas's panel texts in panels);
the page only looks the strings up.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..data import tokenize
from ..graph import Graph
from ..replay import view
from ..replay.features import active_features
from ..replay.labels import display_shape
from ..replay.looks import probability_nodes, score_nodes
from ..replay.narration import READY, Narrator
from ..replay.panels import (PanelContent, heatmap_caption, is_scalar, joined_caption, node_contents, panel_layout,
                             panel_lines, sequence_caption, sequence_cells)
from ..replay.sequences import sequence_rows
from ..replay.state import TraceState, state_at
from ..trace import Trace

from .labels import LabelPlacer
from .table import Table, sampled_grid

class Frames:
    """Turns the states of one trace into rows of look indices, in the page's node and edge order."""

    def __init__(self, graph: Graph, trace: Trace, narrator: Narrator, table: Table,
                 node_ids: list[str], edge_ids: list[str], placer: LabelPlacer):
        self.graph, self.trace, self.narrator, self.table = graph, trace, narrator, table
        self.node_ids, self.edge_ids, self.placer = node_ids, edge_ids, placer
        self.edge_index = {edge_id: i for i, edge_id in enumerate(edge_ids)}
        self.past = view.label_policy("auto", len(graph.edges))
        self.probs, self.scores = probability_nodes(graph), score_nodes(graph)
        self.class_names = tuple(narrator.class_names or ())
        self.words = {n: tuple(w) for n in graph.nodes
                      if (w := active_features(graph, trace, n, narrator.reader)) is not None}
        self.rows = sequence_rows(graph, trace, narrator.reader)  # the word rows of sequence values, as the canvas
        self._texts: dict[tuple[str, int, int], tuple[int, int, int, int]] = {}

    def frame(self, state: TraceState) -> dict[str, list]:
        """What each node and edge shows in `state`, as indices into the table's looks, and where each edge's
        label goes (engine.placement, as on the canvas)."""
        labels = [view.edge_label(self.narrator, state, edge_id, self.past) for edge_id in self.edge_ids]
        focus = self.edge_index.get(state.focus_edge) if state.focus_edge is not None else None
        return {"n": [self._node(state, node_id) for node_id in self.node_ids],
                "e": [self._edge(state, edge_id, label) for edge_id, label in zip(self.edge_ids, labels)],
                "at": self.placer.place(labels, focus)}

    def _node(self, state: TraceState, node_id: str) -> int:
        value = view.shown_value(state, node_id)
        grad = state.grads.get(node_id)
        badge = view.node_badge(self.narrator.labeller, state, node_id)
        value_text, value_grid, grad_text, grad_grid = self._panels(node_id, value, grad)
        fields = (self.table.text(state.node_states.get(node_id)), value_text, grad_text,
                  self.table.text(badge[0] if badge else None), 1 if badge and badge[1] == "ok" else 0,
                  value_grid, grad_grid)
        return self.table.look("node", fields)

    def _panels(self, node_id: str, value: np.ndarray | None, grad: np.ndarray | None) -> tuple[int, int, int, int]:
        """(text, grid) of the value and of the gradient, as the canvas's panels write them; each pair of arrays
        is described once (a trace never changes its arrays)."""
        key = (node_id, id(value), id(grad))
        if key not in self._texts:
            kind = "probs" if node_id in self.probs else (
                "scores" if node_id in self.scores and self.class_names else "auto")
            name = self.narrator.labeller.name(node_id)
            contents = node_contents(value, grad, kind, name, self.class_names, self.words.get(node_id, ()),
                                     rows=self.rows.get(node_id))
            texts = {"value": (-1, -1), "grad": (-1, -1)}
            for content in contents:
                role = "grad" if content.prefix else "value"
                texts[role] = (self.table.text("\n".join(panel_lines(content))), self._grid(content))
            self._texts[key] = (*texts["value"], *texts["grad"])
        return self._texts[key]

    def _grid(self, content: PanelContent) -> int:
        """A heatmap of an array (probability bars for a distribution); -1 for a single number."""
        if is_scalar(content.value):
            return -1
        values = np.asarray(content.value, dtype=np.float64)
        if panel_layout(content) == "sequence":  # the rows that hold words, labelled by them (as on the canvas)
            rows = content.rows.labels if content.rows is not None else ()
            if not rows:
                return -1  # only padding: the text says so, and there is no row to draw
            return self.table.grid(sampled_grid(sequence_cells(content), len(rows)),
                                   joined_caption(sequence_caption(content)), row_names=list(rows))
        caption = "   ".join(heatmap_caption(content))
        if content.kind == "probs":  # a distribution (softmax) is drawn as probability bars, as on the canvas
            row = values.reshape(-1, values.shape[-1])[0]
            fit = len(self.class_names) == row.size
            return self.table.grid(row, caption, list(self.class_names) if fit else [str(i) for i in range(row.size)])
        return self.table.grid(sampled_grid(values.reshape(display_shape(values.shape))), caption)

    def _edge(self, state: TraceState, edge_id: str, label: str | None) -> int:
        styled = view.is_styled(self.trace, state, edge_id)
        return self.table.look("edge", (self.table.text(label), 1 if styled else 0))


def narrator_for(graph: Graph, trace: Trace, text: str | None, vocab_words: list[str] | None,
                 class_names: list[str] | None) -> Narrator:
    """The narrator explain mode would use for this example (its headline names the words)."""
    headline = text if text else graph.meta.get("sample_text")
    tokens = tokenize(headline) if isinstance(headline, str) else None
    return Narrator(graph, trace, vocab_words, class_names, tokens)


def steps_data(frames: Frames, tick: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """The ready state and every step: caption, question, focus, pulses, and the done and pending frames.

    `tick` is called once per step (progress)."""
    trace, narrator = frames.trace, frames.narrator
    index = {edge_id: i for i, edge_id in enumerate(frames.edge_ids)}
    steps = []
    for k, step in enumerate(trace.steps):
        done, pending = state_at(trace, k), state_at(trace, k, pending=True)
        hide_node, hide_edge = view.concealed(pending)
        steps.append({
            "kind": step.kind, "phase": done.phase, "caption": narrator.caption(k),
            "question": narrator.caption(k, hidden=True),
            "node": done.focus_node, "edge": done.focus_edge, "hideNode": hide_node, "hideEdge": hide_edge,
            "pulse": [[index[e], 1 if back else 0] for e, back in view.pulse_edges(frames.graph, trace, k)
                      if e in index],
            "done": frames.frame(done), "pending": frames.frame(pending)})
        tick()
    strengths = view.gradient_strengths(trace)
    return {"ready": {"caption": READY, "done": frames.frame(state_at(trace, -1))}, "steps": steps,
            "strength": [round(strengths.get(e, 0.0), 3) for e in frames.edge_ids]}
