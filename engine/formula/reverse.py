"""Graph → formula ("Copy as formula"): declarations for the sources, a line for every node that needs a name.

A computed node with one consumer is written inline in that consumer's expression when its name is the one
the formula would give it (Wx for W x) or is no name a formula can write (f(x)); it gets a line of its own
when it feeds several nodes or none, when its region is titled as its line, or when it has a name of its own.
"""
from __future__ import annotations

import re
from typing import Callable

from ..graph import Graph, Node
from ..op_facts import Role
from ..shapes import infer_shapes
from .printer import auto_name, expr_text, formula_text
from .products import is_matrix, is_vector, is_vector_like
from .reverse_decls import DeclWriter, constant_number, misfit
from .syntax import DOT, MATMUL, MULTIPLY, TRANSPOSE, VOCAB_ATTR, VOCAB_OPTION, is_formula_name, is_name_start
from .tree import Assign, Call, Expr, Formula, Name, Product, Transposed

NAME_RULE = "a letter, then letters, digits or subscripts, and not an op's name"


def graph_to_formula(graph: Graph) -> str:
    """The formula that builds `graph`; NotAFormulaError names the first node that does not fit."""
    return formula_text(graph_to_tree(graph))


def graph_to_tree(graph: Graph) -> Formula:
    """The parsed form of `graph`'s formula."""
    return _Reverse(graph).run()


class _Reverse:
    def __init__(self, graph: Graph):
        self.g = graph
        report = infer_shapes(graph)
        if not report.ok:
            first = next(n for n in graph.topo_order() if n in report.errors)
            raise misfit(graph, first, report.errors[first])
        self.shapes = report.known()
        self.exprs: dict[str, Expr] = {}  # how each node is written where it is used
        self.formula = Formula()
        self.names: set[str] = set()
        self.line_rhs = _region_lines(graph)
        self.vocab: dict[str, int] = {}

    def run(self) -> Formula:
        decls = DeclWriter(self.g)
        for node_id in sorted((n for n in self.g.nodes if self.g.nodes[n].op.is_source), key=_id_key):
            node = self.g.nodes[node_id]
            number = constant_number(node) if node.op.role is Role.CONSTANT else None
            if number is not None:
                self.exprs[node_id] = number
                continue
            self._claim(node, f"a declaration needs a name a formula can write ({NAME_RULE}); rename it")
            decl = decls.decl(node)
            if VOCAB_OPTION in decl.options:
                self.vocab[node_id] = decl.options[VOCAB_OPTION]
            self.formula.statements.append(decl)
            self.exprs[node_id] = Name(node.name)
        for node_id in self.g.topo_order():
            if not self.g.nodes[node_id].op.is_source:
                self._computed(self.g.nodes[node_id])
        return self.formula

    def _claim(self, node: Node, reason: str) -> None:
        if not is_formula_name(node.name):
            raise misfit(self.g, node.id, reason)
        if node.name in self.names:
            raise misfit(self.g, node.id, f"another node is also named '{node.name}'; rename one of them")
        self.names.add(node.name)

    def _computed(self, node: Node) -> None:
        candidates = self._spellings(node)
        consumers = len(self.g.outgoing(node.id))
        if consumers == 1 and node.id not in self.line_rhs:
            named = [c for c in candidates if _is_auto_name(node.name, auto_name(c))]
            if named or not is_formula_name(node.name):
                self.exprs[node.id] = (named or candidates)[0]
                return
        why = "its value is used by no other node" if consumers == 0 else f"it feeds {consumers} nodes"
        self._claim(node, f"{why}, so it needs a line of its own, and a line needs a name a formula can write "
                          f"({NAME_RULE}); rename it")
        wanted = self.line_rhs.get(node.id)
        chosen = next((c for c in candidates if expr_text(c) == wanted), candidates[0])
        self.formula.statements.append(Assign(node.name, chosen))
        self.exprs[node.id] = Name(node.name)

    def _spellings(self, node: Node) -> list[Expr]:
        """Every way the formula can write this node, the canonical one first; each parses back to it."""
        incoming = self.g.incoming(node.id)
        sources = [incoming[p.name].src for p in node.op.connected_ports(incoming)]
        args = [self.exprs[s] for s in sources]
        attrs = self._attrs(node, sources)
        generic = Call(node.op_name, args, attrs=attrs)
        special = SPELLINGS.get(node.op_name)
        if attrs or special is None:
            return [generic]
        return special(args, [self.shapes[s] for s in sources], generic)

    def _attrs(self, node: Node, sources: list[str]) -> dict:
        """Attributes that differ from the op's defaults (a vocab_size its token declaration gives is left out)."""
        out = {}
        for spec in node.op.attr_specs:
            value = node.attrs[spec.name]
            if spec.name == VOCAB_ATTR and any(self.vocab.get(s) == value for s in sources):
                continue
            if value == spec.validate(spec.default) and spec.name != VOCAB_ATTR:
                continue
            if isinstance(value, str) and not (value and is_name_start(value[0]) and value.isidentifier()):
                raise misfit(self.g, node.id, f"its {spec.name} {value!r} is not a word a formula can write")
            out[spec.name] = list(value) if isinstance(value, tuple) else value
        return out


Spelling = Callable[[list[Expr], list[tuple], Call], list[Expr]]


def _dot(args: list[Expr], shapes: list[tuple], generic: Call) -> list[Expr]:
    """θᵀx when θ is a vector and x a vector or a batch of them, then dot(θ, x)."""
    theta, x = args
    out: list[Expr] = [Product(Transposed(theta), x)] if is_vector(shapes[0]) and is_vector_like(shapes[1]) else []
    return out + [generic]


def _matmul(args: list[Expr], shapes: list[tuple], generic: Call) -> list[Expr]:
    """Wᵀx, then W x when W's transpose is written inline (Wᵀ), then x W, then matmul(x, W)."""
    x, w = args
    out: list[Expr] = []
    if is_matrix(shapes[1]) and is_vector_like(shapes[0]):
        out.append(Product(Transposed(w), x))
        if isinstance(w, Transposed) and not isinstance(w.operand, Transposed):
            out.append(Product(w.operand, x))
    if is_matrix(shapes[1]):
        out.append(Product(x, w))
    return out + [generic]


def _multiply(args: list[Expr], shapes: list[tuple], generic: Call) -> list[Expr]:
    """w x when w is a scalar (first when the scalar comes first), and a × b."""
    if () not in shapes:
        return [generic]
    juxtaposed = Product(args[0], args[1])
    return [juxtaposed, generic] if shapes[0] == () else [generic, juxtaposed]


def _transpose(args: list[Expr], shapes: list[tuple], generic: Call) -> list[Expr]:
    return [Transposed(args[0]), generic]


SPELLINGS: dict[str, Spelling] = {DOT: _dot, MATMUL: _matmul, MULTIPLY: _multiply, TRANSPOSE: _transpose}


def _is_auto_name(name: str, auto: str) -> bool:
    """Wx, or Wx2, Wx3 … (a formula numbers repeated names)."""
    return name == auto or (name.startswith(auto) and re.fullmatch(r"[2-9]\d*", name[len(auto):]) is not None)


def _region_lines(graph: Graph) -> dict[str, str]:
    """{node id: right-hand side} for regions titled like a line, 'a = σ(W x)', holding a node named a."""
    out = {}
    for region in graph.regions.values():
        target, sep, rhs = region.title.partition(" = ")
        if not sep or rhs.endswith("…"):  # a line too long for a title was cut: it says nothing exact
            continue
        for node_id in region.node_ids:
            if graph.nodes[node_id].name == target.strip():
                out[node_id] = rhs.strip()
    return out


def _id_key(node_id: str) -> tuple:
    head = node_id.rstrip("0123456789")
    tail = node_id[len(head):]
    return (head, int(tail) if tail else -1, node_id)
