"""The examples a lesson explains: the file's own sample, typed headlines, data-set rows or typed values.

`--example` text, one example each:
- a headline, for a graph on a text data set, optionally with its class: "stocks fall=Business";
- "test:K" or "train:K", row K of the data set's split;
- typed values for the graph's inputs, "x=[1, 2, -1]; y=1" (nodes left out keep the file's sample).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..data import DataError, PreparedData, tokenize
from ..errors import EngineError
from ..executor import resolve_feeds
from ..graph import Graph, Node
from ..replay import samples
from ..replay.labels import value_part
from ..replay.samples import Sample
from ..replay.view import SHOWN_TOKEN_IDS

_ROW = re.compile(r"^(test|train):(\d+)$")


class LessonError(EngineError, ValueError):
    """An example or a lesson cannot be made; the message says which and why."""


@dataclass
class Examples:
    """The samples of one lesson, the data set that reads them (words, class names), and notes for the user."""

    samples: list[Sample]
    data: PreparedData | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def vocab_words(self) -> list[str] | None:
        """The vocabulary, to read token ids back as words."""
        return list(self.data.vocab.words) if self.data is not None and self.data.vocab is not None else None

    @property
    def class_names(self) -> list[str] | None:
        """The data set's class names."""
        return list(self.data.class_names) if self.data is not None else None


def load_data(graph: Graph) -> tuple[PreparedData | None, str]:
    """The graph's data set, or None and the reason it cannot be read ("" when the graph names none)."""
    try:
        return samples.dataset_of(graph), ""
    except DataError as exc:
        return None, str(exc)


def choose_examples(graph: Graph, texts: list[str] | None = None) -> Examples:
    """Samples for `texts` (the --example values), or the file's own sample when there are none."""
    data, why_not = load_data(graph)
    if not texts:
        return Examples([default_example(graph, data)], data)
    chosen = Examples([], data)
    for number, text in enumerate(texts, start=1):
        try:
            sample = parse_example(graph, data, text, why_not, chosen.notes)
            resolve_feeds(graph, sample.feeds)  # wrong shapes or classes are named here, with the --example
            chosen.samples.append(sample)
        except (EngineError, ValueError) as exc:
            raise LessonError(f"--example {number} ({text!r}) cannot be used: {exc}") from None
    return chosen


def examples_of(graph: Graph, chosen: list[Sample]) -> Examples:
    """Samples chosen elsewhere (the Explain dock's), with the data set that names their words and classes."""
    return Examples(list(chosen), load_data(graph)[0])


def default_example(graph: Graph, data: PreparedData | None) -> Sample:
    """The file's sample as explain mode starts with it: the lecture's headline, or the first example."""
    headline = graph.meta.get("sample_text")
    if data is not None and data.kind == "text" and isinstance(headline, str) and headline.strip():
        return samples.text_sample(graph, data, headline, sample_class(graph, data))
    feeds = samples.file_feeds(graph)
    return Sample(feeds, describe_feeds(graph, feeds) or "the file's sample")


def describe_feeds(graph: Graph, feeds: dict) -> str:
    """'x = (1, 2, −1), y = 1' for the switcher; a row of token ids is named by its length."""
    parts = []
    for key, value in feeds.items():
        arr = np.asarray(value)
        words = arr.dtype.kind in "iu" and arr.size > SHOWN_TOKEN_IDS
        parts.append(f"{graph.find(key).name} = {arr.size} token ids" if words
                     else f"{graph.find(key).name} {value_part(arr)}")
    return ", ".join(parts)


def sample_class(graph: Graph, data: PreparedData) -> int:
    """The class of the file's sample (its first label), 0 when it has none."""
    bindings = graph.meta.get("bindings", {})
    labels = graph.meta.get("sample", {}).get(bindings.get("labels", ""), 0)
    first = int(np.asarray(labels).reshape(-1)[0]) if np.size(labels) else 0
    return first if 0 <= first < len(data.class_names) else 0


def parse_example(graph: Graph, data: PreparedData | None, text: str, why_not: str = "",
                  notes: list[str] | None = None) -> Sample:
    """One --example: a data-set row, a headline (text data sets) or typed values (other graphs)."""
    spec = text.strip()
    if not spec:
        raise LessonError("it is empty")
    row = _ROW.match(spec)
    if row is not None:
        if data is None:
            raise LessonError(_no_data(graph, why_not, "a data-set row"))
        return samples.row_sample(graph, data, row.group(1), int(row.group(2)))
    if "dataset" in graph.meta and data is None and not _looks_typed(graph, spec):
        raise LessonError(_no_data(graph, why_not, "a headline"))
    if data is not None and data.kind == "text":
        return _headline(graph, data, spec, notes if notes is not None else [])
    return _typed(graph, spec)


def _no_data(graph: Graph, why_not: str, what: str) -> str:
    name = graph.meta.get("dataset", {}).get("name", "")
    if not name:
        return f"{what} needs a data set, and this graph names none; give values as NAME=VALUE, e.g. x=[1, 2]"
    return f"{what} needs the data set '{name}', which cannot be read: {why_not}"


def _looks_typed(graph: Graph, spec: str) -> bool:
    names = {n.name for n in samples.fed_nodes(graph)}
    return all(part.split("=", 1)[0].strip() in names for part in spec.split(";") if part.strip())


def _headline(graph: Graph, data: PreparedData, spec: str, notes: list[str]) -> Sample:
    """'a headline' or 'a headline=Class' (a class name or number)."""
    head, sep, tail = spec.rpartition("=")
    if sep:
        return samples.text_sample(graph, data, head.strip(), class_index(data, tail.strip()))
    if not tokenize(spec):
        raise LessonError("the headline has no words")
    klass = sample_class(graph, data)
    choices = ", ".join(f"={c}" for c in data.class_names)
    notes.append(f"“{spec}”: no class given, so the loss uses {data.class_names[klass]} (the class of the file's "
                 f"sample); end the headline with one of {choices} to choose")
    return samples.text_sample(graph, data, spec, klass)


def class_index(data: PreparedData, label: str) -> int:
    """A class by name (any case) or number; LessonError lists the choices."""
    names = [c.lower() for c in data.class_names]
    if label.isdigit() and int(label) < len(names):
        return int(label)
    if label.lower() in names:
        return names.index(label.lower())
    raise LessonError(f"'{label}' is not a class of this data set; choose one of {', '.join(data.class_names)}")


def _typed(graph: Graph, spec: str) -> Sample:
    """'x=[1, 2, -1]; y=1': values for some fed nodes by name; the others keep the file's sample."""
    texts = samples.default_texts(graph)
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not value.strip():
            names = ", ".join(n.name for n in samples.fed_nodes(graph))
            raise LessonError(f"expected NAME=VALUE for this graph's inputs ({names}), such as x=[1, 2]; got {part!r}")
        node = _fed_node(graph, name.strip())
        texts[node.id] = value.strip()
    typed = samples.typed_sample(graph, texts)
    feeds = samples.first_example(graph, typed.feeds)
    return Sample(feeds, describe_feeds(graph, feeds))


def _fed_node(graph: Graph, name: str) -> Node:
    fed = samples.fed_nodes(graph)
    for node in fed:
        if node.name == name:
            return node
    choices = ", ".join(n.name for n in fed) or "none"
    raise LessonError(f"'{name}' is not an input of this graph (its inputs: {choices})")
