"""Which words carry a prediction: θ rows of a linear bag-of-words model, or the max-pool winners of a text CNN."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.data import UNK_ID, bigram_bucket, tokenize
from engine.executor import explain
from engine.graph import Graph
from engine.op_facts import OutputKind, Role
from engine.trace import ForwardStep, Trace

from .model import ModelView


@dataclass
class Contribution:
    """A word (or a pair of words) and what it adds to the predicted class's score."""

    text: str
    score: float
    detail: str = ""


@dataclass
class Explanation:
    """Why the model chose `predicted`: a formula line and the contributions, largest effect first."""

    predicted: int
    formula: str
    items: list[Contribution] = field(default_factory=list)
    tokens: list[Contribution] = field(default_factory=list)  # every word in reading order (bag of words)


def make_trace(model: ModelView, ids: np.ndarray, label: int) -> Trace:
    """The explain-mode trace of one example, with `label` as its class (the prediction, when unknown)."""
    feeds = {model.bindings.inputs: ids, model.bindings.labels: np.array([label])}
    with np.errstate(all="ignore"):
        return explain(model.graph, feeds, target=model.bindings.loss)


def _param_input(graph: Graph, node_id: str, port: str) -> str | None:
    edge = graph.incoming(node_id).get(port)
    return edge.src if edge is not None and graph.nodes[edge.src].op.role is Role.PARAMETER else None


def _linear_readout(graph: Graph, source_id: str, classes: int) -> np.ndarray | None:
    """θ of a MatMul(source, θ) whose output already has one column per class (no hidden layer between)."""
    for edge in graph.outgoing(source_id):
        node = graph.nodes[edge.dst]
        theta = _param_input(graph, node.id, "W") if node.op_name == "MatMul" and edge.port == "x" else None
        if theta is not None and graph.nodes[theta].value.shape[-1] == classes:
            return graph.nodes[theta].value
    return None


def explain_bag_of_words(model: ModelView, text: str, predicted: int) -> Explanation | None:
    """For f(x) @ θ: each word adds θ[word, class] to the class score (bigrams: θ[bucket, class])."""
    graph, classes = model.graph, len(model.data.class_names)
    for node in graph.nodes.values():
        if node.op.output_kind is not OutputKind.COUNTS:
            continue
        theta = _linear_readout(graph, node.id, classes)
        if theta is None:
            return None
        ids = model.encode(text)[0]
        words = tokenize(text)[: len(ids)]
        if node.op_name == "BagOfWords":
            tokens = [Contribution(w, float(theta[i, predicted]) if i != UNK_ID else 0.0,
                                   "" if i != UNK_ID else "unknown word")
                      for w, i in zip(words, ids[: len(words)].tolist())]
            formula = f"score = Σ over words θ[word, {model.data.class_names[predicted]}] + b"
        else:
            buckets = node.attrs["buckets"]
            tokens = [Contribution(f"{words[k]} {words[k + 1]}",
                                   float(theta[int(bigram_bucket(ids[k], ids[k + 1], buckets)), predicted]))
                      for k in range(len(words) - 1)]
            formula = f"score = Σ over word pairs θ[pair, {model.data.class_names[predicted]}] + b"
        items = _merged(tokens)
        return Explanation(predicted, formula, items, tokens)
    return None


def _merged(tokens: list[Contribution]) -> list[Contribution]:
    """One entry per distinct word with its total, largest effect first."""
    totals: dict[str, Contribution] = {}
    for token in tokens:
        have = totals.setdefault(token.text, Contribution(token.text, 0.0, token.detail))
        have.score += token.score
    return sorted(totals.values(), key=lambda c: -abs(c.score))


def explain_text_cnn(model: ModelView, trace: Trace, text: str, predicted: int) -> Explanation | None:
    """For max over time: each filter's winning window, and what the filter adds to the class score (aⱼ·Uⱼ,class)."""
    graph, classes = model.graph, len(model.data.class_names)
    pool = next((n for n in graph.nodes.values() if n.op.has_winners), None)
    conv = next((n for n in graph.nodes.values() if n.op.window_width() is not None), None)
    readout = _linear_readout(graph, pool.id, classes) if pool is not None else None
    if pool is None or conv is None or readout is None:
        return None
    step = next(s for s in trace.steps if isinstance(s, ForwardStep) and s.node == pool.id)
    winners = np.asarray(step.info["winner"]).reshape(-1)
    pooled = np.asarray(step.value).reshape(-1)
    width = conv.op.window_width() or 1
    words = tokenize(text)[: model.data.max_len]
    words += ["⟨pad⟩"] * (model.data.max_len - len(words))
    by_position: dict[int, list[float]] = {}
    for j, position in enumerate(winners.tolist()):
        by_position.setdefault(position, []).append(pooled[j] * readout[j, predicted])
    items = []
    for position, parts in by_position.items():
        label = " ".join(words[position:position + width])
        items.append(Contribution(label, float(sum(parts)), f"won {len(parts)} of {len(winners)} filters"))
    items.sort(key=lambda c: -abs(c.score))
    formula = (f"score = Σ over filters j  aⱼ·U[j, {model.data.class_names[predicted]}] + b, "
               f"aⱼ = max over windows")
    return Explanation(predicted, formula, items)
