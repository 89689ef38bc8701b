"""The practice section of a graph file, `meta.practice`: what is asked, how answers are judged, what students read.

```json
"practice": {"title": "Backward by hand", "instructions": "Four significant digits.",
             "ask": [{"kind": "product", "at": "all"}, {"kind": "local", "at": "e7"}],
             "tries": 3, "tolerance": {"relative": 0.001, "digits": 4}, "lr": 0.1}
```
Only `ask` is required. Every problem is a FileFormatError that starts with where it is
("meta.practice.ask[1].kind: expected one of …").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..fileformat.checks import expect_dict, expect_id, expect_int, expect_keys, expect_list, expect_number, \
    expect_str, fail, kind_of
from ..graph import Graph

META_KEY = "practice"
WHERE = f"meta.{META_KEY}"
KINDS = ("value", "upstream", "local", "product", "update")
KIND_NAMES = {"value": "forward values", "upstream": "upstream gradients", "local": "local derivatives",
              "product": "products (∂L/∂input)", "update": "parameter updates"}
KIND_WORDS = {"value": ("forward value", "forward values"), "upstream": ("upstream", "upstreams"),
              "local": ("local derivative", "local derivatives"), "product": ("product", "products"),
              "update": ("update", "updates")}  # (one, several), for counts
EDGE_KINDS = ("upstream", "local", "product")  # asked about an edge; the others about a node
ALL = "all"
MAX_ASK = 1000
DEFAULT_TRIES = 3
MAX_TRIES = 100
DEFAULT_LR = 0.1  # when neither the section nor meta.training gives α


@dataclass(frozen=True)
class Ask:
    """One line of `ask`: a kind of quantity, at every step (`at` = "all") or at one node or edge id."""

    kind: str
    at: str = ALL

    def to_dict(self) -> dict[str, str]:
        """The line as it is written in the file."""
        return {"kind": self.kind, "at": self.at}


@dataclass(frozen=True)
class Tolerance:
    """Right within `relative` of the true value, or when agreeing with it to `digits` significant digits."""

    relative: float = 1e-3
    digits: int = 4

    def to_dict(self) -> dict[str, float | int]:
        """The tolerance as it is written in the file."""
        return {"relative": self.relative, "digits": self.digits}


@dataclass(frozen=True)
class PracticeSpec:
    """A checked practice section: questions to ask, tries per question, tolerance, and the words around them."""

    ask: tuple[Ask, ...]
    title: str = ""
    instructions: str = ""
    tries: int = DEFAULT_TRIES  # 0: as many as the student wants
    tolerance: Tolerance = field(default_factory=Tolerance)
    lr: float | None = None  # α of the update questions; None: the graph's training α

    def to_dict(self) -> dict[str, Any]:
        """The section as it is written in the file (what parse_section reads back to an equal spec)."""
        out: dict[str, Any] = {}
        if self.title:
            out["title"] = self.title
        if self.instructions:
            out["instructions"] = self.instructions
        out["ask"] = [a.to_dict() for a in self.ask]
        out["tries"] = self.tries
        out["tolerance"] = self.tolerance.to_dict()
        if self.lr is not None:
            out["lr"] = self.lr
        return out


DEFAULT_SPEC = PracticeSpec((Ask("product"),))  # a graph without a section: every backward product


def _ask(value: Any, where: str) -> Ask:
    entry = expect_dict(value, where)
    expect_keys(entry, where, ("kind",), ("at",))
    kind = entry["kind"]
    if kind not in KINDS:
        raise fail(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind_of(kind)}")
    at = entry.get("at", ALL)
    if at != ALL:
        expect_id(at, f"{where}.at")
    return Ask(kind, at)


def _tolerance(value: Any, where: str) -> Tolerance:
    entry = expect_dict(value, where)
    expect_keys(entry, where, (), ("relative", "digits"))
    relative = expect_number(entry.get("relative", 1e-3), f"{where}.relative", 0.0, 0.5, positive=True)
    digits = expect_int(entry.get("digits", 4), f"{where}.digits", 1, 15)
    return Tolerance(relative, digits)


def parse_section(value: Any, where: str = WHERE) -> PracticeSpec:
    """A PracticeSpec from the section as read from a file; FileFormatError says what is wrong and where."""
    entry = expect_dict(value, where)
    expect_keys(entry, where, ("ask",), ("title", "instructions", "tries", "tolerance", "lr"))
    asks = expect_list(entry["ask"], f"{where}.ask", MAX_ASK)
    if not asks:
        raise fail(f"{where}.ask", "asks nothing; list at least one question, e.g. {\"kind\": \"product\"}")
    lr = entry.get("lr")
    return PracticeSpec(
        ask=tuple(_ask(a, f"{where}.ask[{k}]") for k, a in enumerate(asks)),
        title=expect_str(entry.get("title", ""), f"{where}.title", 200),
        instructions=expect_str(entry.get("instructions", ""), f"{where}.instructions", 5000),
        tries=expect_int(entry.get("tries", DEFAULT_TRIES), f"{where}.tries", 0, MAX_TRIES),
        tolerance=_tolerance(entry.get("tolerance", {}), f"{where}.tolerance"),
        lr=None if lr is None else expect_number(lr, f"{where}.lr", high=100.0, positive=True),
    )


def check_section(value: Any, where: str = WHERE) -> None:
    """Raise FileFormatError if the section is not valid (the file reader's check of meta.practice)."""
    parse_section(value, where)


def spec_of(graph: Graph) -> PracticeSpec:
    """The graph's own practice section, or every backward product when it has none."""
    section = graph.meta.get(META_KEY)
    return DEFAULT_SPEC if section is None else parse_section(section)


def learning_rate(graph: Graph, spec: PracticeSpec) -> float:
    """α of the update questions: the section's, else the graph's training α, else 0.1."""
    if spec.lr is not None:
        return spec.lr
    training = graph.meta.get("training")
    lr = training.get("lr") if isinstance(training, dict) else None
    return float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0 else DEFAULT_LR
