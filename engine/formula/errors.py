"""The two error types of formulas: a located parse/shape error, and a graph that no formula can write."""
from __future__ import annotations

from ..errors import EngineError


class FormulaError(EngineError, ValueError):
    """Formula text that cannot become a graph; says where (line, column, 1-based) and what."""

    def __init__(self, line: int, col: int, reason: str):
        super().__init__(f"line {line}, col {col}: {reason}")
        self.line = line
        self.col = col
        self.reason = reason


class NotAFormulaError(EngineError, ValueError):
    """A graph that does not fit the formula grammar; names the first node that does not fit."""

    def __init__(self, reason: str, node_id: str | None = None):
        super().__init__(reason)
        self.node_id = node_id
