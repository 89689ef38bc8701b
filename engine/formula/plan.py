"""A parsed formula → planned nodes with shapes, by the engine's own shape inference, before any graph exists.

Planning allocates no parameter arrays, so a dialog can re-plan on every keystroke."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AttrError, EngineError
from ..fileformat.errors import MAX_INT_ATTR, MAX_REGIONS, MAX_SEED, MAX_TOTAL_ENTRIES
from ..graph import MAX_NODES
from ..op_facts import Role
from ..registry import OPS, Op
from .declare import source_spec
from .errors import FormulaError
from .printer import auto_name, dims_text, expr_text, line_text, number_text, type_text
from .products import ProductRules
from .syntax import TRANSPOSE, VOCAB_ATTR, print_name
from .tree import Assign, Call, Decl, Expr, Formula, Loc, Name, Number, Product, Transposed


@dataclass
class PlannedNode:
    """One node to be: op, name, attributes, inputs (port → index of another planned node), shape."""

    op: str
    name: str
    attrs: dict[str, Any]
    inputs: dict[str, int]
    shape: tuple
    dtype: str
    loc: Loc
    describe: str  # how the formula writes its type: R^{4×3}, {0,1}^B, tokens^{B×24}
    line: int | None = None  # index of the assignment whose region holds it
    value: np.ndarray | None = None
    decl: Decl | None = None


@dataclass
class Plan:
    """Everything a graph needs: nodes in creation order, one region per line, sample values, class names."""

    formula: Formula
    nodes: list[PlannedNode] = field(default_factory=list)
    lines: list[tuple[str, list[int]]] = field(default_factory=list)
    sample: dict[str, Any] = field(default_factory=dict)
    class_names: dict[str, list[str]] = field(default_factory=dict)

    def node_named(self, name: str) -> PlannedNode:
        """The planned node with this name (KeyError if none)."""
        return next(n for n in self.nodes if n.name == name)


def fail(loc: Loc, reason: str) -> FormulaError:
    """A FormulaError at `loc`."""
    return FormulaError(loc.line, loc.col, reason)


def shape_type(shape: tuple) -> str:
    """R, R^3, R^{B×4}: how a computed value's shape reads in a formula."""
    return "R" + dims_text(shape)


class Planner:
    """Walks the statements in order, making one planned node per declaration and per op."""

    def __init__(self, formula: Formula):
        self.plan = Plan(formula)
        self.scope: dict[str, int] = {}
        self.defined_at: dict[str, Loc] = {}
        self.taken: set[str] = set()
        self.constants: dict[float, int] = {}
        self.vocab: dict[int, int] = {}
        self.random_params = 0
        self.line: int | None = None
        self.products = ProductRules(self)

    # ----- statements
    def run(self) -> Plan:
        """Plan every statement in order; FormulaError at the first that does not fit."""
        self._collect_names()
        for statement in self.plan.formula.statements:
            if isinstance(statement, Decl):
                self.declare(statement)
            else:
                self.assign(statement)
        total = sum(math.prod(n.shape) for n in self.plan.nodes if OPS[n.op].role is Role.PARAMETER)
        if total > MAX_TOTAL_ENTRIES:
            raise fail(self.plan.formula.statements[0].loc,
                       f"the parameters hold {total} numbers, more than the limit of {MAX_TOTAL_ENTRIES}")
        return self.plan

    def _collect_names(self) -> None:
        lines = 0
        for s in self.plan.formula.statements:
            name, loc = (s.name, s.loc) if isinstance(s, Decl) else (s.target, s.loc)
            if name in self.defined_at:
                first = self.defined_at[name]
                raise fail(loc, f"{name} is already defined on line {first.line}; each name is defined once")
            self.defined_at[name] = loc
            lines += isinstance(s, Assign)
            if lines > MAX_REGIONS:
                raise fail(loc, f"a formula has at most {MAX_REGIONS} assignment lines")
        self.taken = set(self.defined_at)

    def declare(self, decl: Decl) -> None:
        """One source node for a declaration (with its sample, vocabulary or class names)."""
        spec = source_spec(decl, self.random_params + 1)
        self.random_params += spec.random_init
        self._check_int_attrs(OPS[spec.op](), spec.attrs, decl.loc, decl.option_locs)
        try:
            op = OPS[spec.op](spec.attrs)
        except AttrError as exc:
            raise fail(decl.type.loc, f"{decl.name}: {exc}") from None
        index = self.add(PlannedNode(spec.op, decl.name, dict(op.attrs), {}, tuple(op.infer([], [])), op.out_dtype,
                                     decl.loc, type_text(decl.type), value=spec.value, decl=decl))
        self.scope[decl.name] = index
        if spec.vocab is not None:
            self.vocab[index] = spec.vocab
        if spec.sample is not None:
            self.plan.sample[decl.name] = spec.sample
        if spec.class_names:
            self.plan.class_names[decl.name] = spec.class_names

    def assign(self, statement: Assign) -> None:
        """The nodes of one line; its top node takes the line's name, and the line becomes a region."""
        if isinstance(statement.expr, (Name, Number)):
            raise fail(statement.loc, f"{statement.target} = {expr_text(statement.expr)} makes no new node; an "
                                      "assignment needs an op, e.g. a = σ(W x) (a constant is declared: c: R = 2, "
                                      "const)")
        self.line = len(self.plan.lines)
        self.plan.lines.append(("", []))
        self.scope[statement.target] = self.expr(statement.expr, statement.target)
        # titled after planning, which writes each call in its canonical form
        self.plan.lines[self.line] = (line_text(statement.target, statement.expr), self.plan.lines[self.line][1])
        self.line = None

    # ----- nodes
    def add(self, node: PlannedNode) -> int:
        """Append a planned node (in the current line's region if it is an op); returns its index."""
        if len(self.plan.nodes) >= MAX_NODES:
            raise fail(node.loc, f"a graph holds at most {MAX_NODES} nodes")
        index = len(self.plan.nodes)
        self.plan.nodes.append(node)
        self.taken.add(node.name)
        if self.line is not None and node.decl is None:
            self.join_line(index)
        return index

    def join_line(self, index: int) -> None:
        """Put a node not yet in a region into the current line's region (sources join where first used)."""
        node = self.plan.nodes[index]
        if node.line is None and self.line is not None:
            node.line = self.line
            self.plan.lines[self.line][1].append(index)

    def name_for(self, expr: Expr, name: str | None) -> str:
        """The target's name for a line's top node, else a fresh name from the expression (Wx, Wx2, …)."""
        if name is not None:
            return name
        base = auto_name(expr)
        candidate, k = base, 2
        while candidate in self.taken:
            candidate, k = f"{base}{k}", k + 1
        return candidate

    def shape(self, index: int) -> tuple:
        """The planned shape of node `index`."""
        return self.plan.nodes[index].shape

    def describe(self, text: str, index: int) -> str:
        """"V is R^{4×4}": an operand as written, with its type."""
        return f"{text} is {self.plan.nodes[index].describe}"

    # ----- expressions
    def expr(self, e: Expr, name: str | None = None) -> int:
        """The planned node computing `e` (the top one gets `name`, if given)."""
        if isinstance(e, Name):
            return self.lookup(e)
        if isinstance(e, Number):
            return self.constant(e)
        if isinstance(e, Transposed):
            return self.transpose(e, self.expr(e.operand), name)
        if isinstance(e, Product):
            return self.products.product(e, name)
        return self.call(e, name)

    def lookup(self, e: Name) -> int:
        """The node a name stands for; FormulaError if it is not defined (yet)."""
        if e.id in self.scope:
            index = self.scope[e.id]
            self.join_line(index)
            return index
        if e.id in self.defined_at:
            where = self.defined_at[e.id]
            raise fail(e.loc, f"{e.id} is used before it is defined (on line {where.line}); define it first")
        raise fail(e.loc, f"{e.id} is not defined: declare it (e.g. {e.id}: R^3) or assign it ({e.id} = …) first")

    def constant(self, e: Number) -> int:
        """A Constant node for a number, one per value."""
        value = float(e.value)
        if not math.isfinite(value):
            raise fail(e.loc, "this number is too large to compute with")
        if value in self.constants:
            return self.constants[value]
        index = self.add(PlannedNode("Constant", number_text(value), {"value": value}, {}, (), "float", e.loc, "R"))
        self.constants[value] = index
        return index

    def transpose(self, e: Transposed, base: int, name: str | None = None) -> int:
        """A Transpose node for `e` (whose operand is already planned as `base`)."""
        text = expr_text(e.operand)
        if len(self.shape(base)) < 2:
            raise fail(e.loc, f"{self.describe(text, base)}: only a matrix has a transpose of its own; "
                              f"for a vector write {text}ᵀx (a dot product) or dot({text}, x)")
        if None in self.shape(base):
            raise fail(e.loc, f"{self.describe(text, base)}: a batch is not transposed (B stays the first axis); "
                              f"multiply by a matrix instead, e.g. {text} W")
        return self.op_node(TRANSPOSE, {}, [base], [text], e.loc, self.name_for(e, name))

    def call(self, e: Call, name: str | None) -> int:
        """An op applied to its inputs; the call is rewritten in canonical form (positional, no defaults)."""
        op = OPS[e.op]
        ports = op.port_names()
        fn = print_name(e.op)
        if len(e.args) > len(ports):
            raise fail(e.loc, f"{fn} takes {len(ports)} input{'s' * (len(ports) != 1)} ({', '.join(ports)}), "
                              f"got {len(e.args) + len(e.ports)}")
        given = dict(zip(ports, e.args))
        for port, arg in e.ports.items():
            if port in given:
                raise fail(e.loc, f"{fn}: input {port} is given twice")
            given[port] = arg
        missing = op.open_ports(given)
        if missing:
            needed = [p.name for p in op.inputs if not p.optional]
            raise fail(e.loc, f"{fn} needs {len(needed)} input{'s' * (len(needed) != 1)} ({', '.join(needed)}); "
                              f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
        fed = [p.name for p in op.connected_ports(given)]  # an optional last input may stay open
        inputs = [self.expr(given[p]) for p in fed]
        attrs = dict(e.attrs)
        self._default_vocab(e, op, inputs, attrs)
        e.args, e.ports, e.attrs = [given[p] for p in fed], {}, self._written_attrs(op, e.attrs, inputs)
        return self.op_node(e.op, attrs, inputs, [expr_text(given[p]) for p in fed], e.loc,
                            self.name_for(e, name), e.attr_locs, fed)

    def _default_vocab(self, e: Call, op: type[Op], inputs: list[int], attrs: dict[str, Any]) -> None:
        """An op with a vocab_size attribute takes it from its token sequence's declaration."""
        if VOCAB_ATTR in attrs or all(a.name != VOCAB_ATTR for a in op.attr_specs):
            return
        vocab = [self.vocab[i] for i in inputs if i in self.vocab]
        if not any(self.plan.nodes[i].dtype == "int" for i in inputs):
            return  # op_node explains that the op needs token ids
        if not vocab:
            fn = print_name(e.op)
            raise fail(e.loc, f"{fn} needs the vocabulary's size: declare the tokens with one "
                              f"(x: tokens^{{24}}, vocab=5000) or write {fn}(…, {VOCAB_ATTR}=5000)")
        attrs[VOCAB_ATTR] = vocab[0]

    def _written_attrs(self, op: type[Op], attrs: dict[str, Any], inputs: list[int]) -> dict[str, Any]:
        """The attributes a canonical formula writes: not the op's defaults, nor a vocab its tokens give."""
        out = {}
        for key, value in attrs.items():
            try:
                spec = op.spec(key)
                valid = spec.validate(value)
            except AttrError:
                out[key] = value  # op_node reports it, at its place
                continue
            if key == VOCAB_ATTR:
                if all(self.vocab.get(i) != valid for i in inputs):
                    out[key] = value
            elif valid != spec.validate(spec.default):
                out[key] = value
        return out

    def op_node(self, op_name: str, attrs: dict[str, Any], inputs: list[int], texts: list[str], loc: Loc,
                name: str, attr_locs: dict[str, Loc] | None = None, fed: list[str] | None = None) -> int:
        """Plan one op node fed on ports `fed` (all by default): validate attributes and ids, infer its shape."""
        op = OPS[op_name]()
        ports = op.connected_ports(fed if fed is not None else op.port_names())
        self._check_int_attrs(op, attrs, loc, attr_locs or {})
        for key, value in attrs.items():
            try:
                op.set_attr(key, value)
            except AttrError as exc:
                raise fail((attr_locs or {}).get(key, loc), f"{print_name(op_name)}: {key}: {exc}") from None
        for port, index, text in zip(ports, inputs, texts):
            if port.integer and self.plan.nodes[index].dtype != "int":
                raise fail(loc, f"{self.describe(text, index)}: {print_name(op_name)} needs whole-number ids "
                                f"for its input {port.name} (declare them as tokens^{{…}} or class labels)")
        try:
            shape = tuple(op.infer([self.shape(i) for i in inputs], texts))
        except EngineError as exc:
            described = ", ".join(self.describe(t, i) for t, i in zip(texts, inputs))
            raise fail(loc, f"{described}: {exc}") from None
        return self.add(PlannedNode(op_name, name, dict(op.attrs), {p.name: i for p, i in zip(ports, inputs)},
                                    shape, op.out_dtype, loc, shape_type(shape)))

    @staticmethod
    def _check_int_attrs(op: Op, attrs: dict[str, Any], loc: Loc, attr_locs: dict[str, Loc]) -> None:
        """Sizes and seeds stay within what a graph file may hold."""
        for key, value in attrs.items():
            limit = MAX_SEED if key == "seed" else MAX_INT_ATTR
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
                raise fail(attr_locs.get(key, loc), f"{key}: {value if abs(value) < 10**20 else 'this number'} "
                                                    f"is more than the limit of {limit}")


def plan_formula_tree(formula: Formula) -> Plan:
    """Plan the nodes of a parsed formula."""
    return Planner(formula).run()
