"""Graphs from formulas and back: `x: R^3  W: R^{4×3}` / `a = σ(W x)` ↔ a laid-out Graph.

    formula_to_graph(text) -> Graph       one region per assignment line, nodes named from the formula
    plan_formula(text) -> Plan            the same checks and shapes without building (for live previews)
    graph_to_formula(graph) -> str        "Copy as formula"; NotAFormulaError names the first node that does not fit
Errors in the text are FormulaError: "line 3, col 9: V is R^{4×4}, a is R^3: …".
"""
from __future__ import annotations

from ..graph import Graph
from ..op_facts import Role
from ..registry import OPS
from .build import build_graph
from .declare import decl_role
from .errors import FormulaError, NotAFormulaError
from .parser import parse_formula
from .plan import Plan, PlannedNode, plan_formula_tree
from .printer import formula_text, type_text
from .reverse import graph_to_formula
from .tree import Formula


def plan_formula(text: str) -> Plan:
    """Parse and plan `text`: every node with its shape, no arrays allocated; FormulaError if it does not fit."""
    return plan_formula_tree(parse_formula(text))


def formula_to_graph(text: str) -> Graph:
    """The graph that `text` describes, laid out left to right; FormulaError (located) if it cannot be built."""
    return build_graph(plan_formula(text))


ROLE_WORDS = {Role.INPUT: "input", Role.LABEL: "class labels", Role.PARAMETER: "parameter", Role.CONSTANT: "constant"}


def declarations(formula: Formula) -> list[tuple[str, str, str]]:
    """(name, what it is, its type as written) for each declaration, e.g. ("W", "parameter", "R^{4×3}")."""
    out = []
    for decl in formula.decls:
        try:
            role = "token ids" if decl.type.kind == "tokens" else ROLE_WORDS[OPS[decl_role(decl)].role]
        except FormulaError:
            role = "?"
        out.append((decl.name, role, type_text(decl.type)))
    return out


def canonical_formula(text: str) -> str:
    """`text` as the app writes it (Unicode symbols, one assignment per line)."""
    return formula_text(parse_formula(text))


__all__ = ["ROLE_WORDS", "Formula", "FormulaError", "NotAFormulaError", "Plan", "PlannedNode",
           "canonical_formula", "declarations", "formula_to_graph", "graph_to_formula", "parse_formula",
           "plan_formula"]
