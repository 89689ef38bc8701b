"""The parts a Graph is made of: nodes, edges, regions, and the block a region can be."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .errors import GraphError
from .names import title_problem
from .ops.sources import Constant, Parameter
from .registry import Op

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
FileDtype = Literal["float32", "float64"]

LINEAR_SIGMOID = "linear_sigmoid"  # MatMul(x, W) → Add(·, b) → Sigmoid, shown as one "Linear + σ" box
BLOCK_KINDS = (LINEAR_SIGMOID,)


@dataclass
class Node:
    """One op instance with a stable id, a display name, a position and (for sources) a value."""

    id: str
    op: Op
    name: str
    pos: tuple[float, float] = (0.0, 0.0)
    value: np.ndarray | None = None  # parameters and constants only
    # The width its array had in the file it came from: a float32 file is saved as float32 again while
    # float32 still holds the values exactly (in memory every value is float64).
    file_dtype: FileDtype = "float64"

    @property
    def op_name(self) -> str:
        """The registry name of this node's op."""
        return self.op.name

    @property
    def attrs(self) -> dict[str, Any]:
        """The op's validated attributes."""
        return self.op.attrs

    @property
    def stored_value(self) -> np.ndarray:
        """The array a parameter or constant holds; GraphError for a node that holds none (an input is fed)."""
        if self.value is None:
            raise GraphError(f"{self.op_name} '{self.name}' holds no value")
        return self.value

    @property
    def trainable(self) -> bool:
        """True for the nodes whose value training updates (Parameter nodes)."""
        return self.op.trainable


@dataclass(frozen=True)
class Edge:
    """A connection from a node's output to a named input port of another node."""

    id: str
    src: str
    dst: str
    port: str


@dataclass(frozen=True)
class BlockInfo:
    """What makes a region a block: its kind, and whether the canvas shows it as one box (collapsed) or as
    its primitives (expanded). Its nodes always stay in the graph, so running and training need nothing new."""

    kind: str = LINEAR_SIGMOID
    collapsed: bool = True


@dataclass
class Region:
    """A named, coloured group of nodes (encoder f(x), decoder, loss); `block` says if it is a block."""

    id: str
    title: str
    node_ids: list[str] = field(default_factory=list)
    color: str = "#4c78a8"
    block: BlockInfo | None = None


def initial_value(op: Op) -> np.ndarray | None:
    """The value a new node of `op` starts with: a Parameter or Constant draws its own (seeded, so the same
    every time); any other node holds none (an input is fed, an op computes)."""
    return op.initial_value() if isinstance(op, (Parameter, Constant)) else None


def region_problem(title: object, color: object) -> str | None:
    """Why a region cannot have this title or colour (a colour is written #rrggbb), or None when it can."""
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        return f"a region colour is written like #4c78a8, not {color!r:.20}"
    return title_problem(title)


def block_info_problem(block: BlockInfo) -> str | None:
    """Why `block` cannot describe a block (its kind is unknown, collapsed is not true or false), or None."""
    if block.kind not in BLOCK_KINDS:
        return f"unknown block kind {str(block.kind)!r:.40} (known: {', '.join(BLOCK_KINDS)})"
    if not isinstance(block.collapsed, bool):
        return f"a block is collapsed (true) or expanded (false), not {block.collapsed!r:.20}"
    return None
