"""Every lecture example written as a formula (in docs/formulas.md) computes what the shipped file computes,
and formulas survive formula → graph → formula; graphs that do not fit are named."""
import re
from pathlib import Path

import numpy as np
import pytest

from engine.examples import EXAMPLES, example_path
from engine.executor import explain
from engine.formula import (FormulaError, NotAFormulaError, canonical_formula, formula_to_graph,
                            graph_to_formula)
from engine.graph import Graph
from engine.serialization import load_graph

DOC = Path(__file__).resolve().parent.parent / "docs" / "formulas.md"
EXAMPLE_FORMULAS = dict(re.findall(r"^### (\w+)\n\n```formula\n(.*?)```", DOC.read_text(encoding="utf-8"),
                                   re.MULTILINE | re.DOTALL))


def same_computation(shipped: Graph, built: Graph) -> None:
    """With the shipped parameter values copied in by name, the loss and every gradient agree."""
    for param in shipped.parameters():
        built.set_value(built.find(param.name).id, param.value)
    feeds = shipped.meta["sample"]
    expected, got = explain(shipped, feeds), explain(built, feeds)
    assert np.allclose(got.loss, expected.loss, rtol=1e-12, atol=0)
    for param in shipped.parameters():
        assert np.allclose(got.grads[built.find(param.name).id], expected.grads[param.id], rtol=1e-10, atol=1e-14)


def test_the_doc_writes_every_lecture_example():
    assert sorted(EXAMPLE_FORMULAS) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_lecture_example_from_its_formula_computes_what_the_file_computes(name):
    shipped = load_graph(example_path(name))
    built = formula_to_graph(EXAMPLE_FORMULAS[name])
    assert sorted(p.name for p in built.parameters()) == sorted(p.name for p in shipped.parameters())
    for param in shipped.parameters():  # same shapes and initialisers, so the same starting values
        assert dict(built.find(param.name).attrs) == dict(param.attrs)
        assert np.array_equal(built.find(param.name).value, param.value)
    same_computation(shipped, built)


@pytest.mark.parametrize("name", EXAMPLES)
def test_lecture_formula_comes_back_from_its_graph_in_canonical_form(name):
    canonical = canonical_formula(EXAMPLE_FORMULAS[name])
    assert graph_to_formula(formula_to_graph(EXAMPLE_FORMULAS[name])) == canonical
    assert graph_to_formula(formula_to_graph(canonical)) == canonical


@pytest.mark.parametrize("name", EXAMPLES)
def test_copy_as_formula_of_a_shipped_file_builds_a_graph_that_computes_the_same(name):
    shipped = load_graph(example_path(name))
    same_computation(shipped, formula_to_graph(graph_to_formula(shipped)))


def test_copy_as_formula_keeps_names_of_their_own_and_inlines_names_no_formula_can_write():
    text = graph_to_formula(load_graph(example_path("headline_classifier")))
    assert "S = θᵀbag_of_words(x) + b\np = softmax(S)\nL = cross_entropy(p, y)\n" in text
    assert "x: tokens^{B×24} = [[2184, 203," in text and ", vocab=2392" in text


@pytest.mark.parametrize("line", ["h = Wᵀx", "h = x W", "h = matmul(x, W)"])
def test_a_line_is_written_back_as_it_was_spelled(line):
    text = f"x: R^{{B×2}}   W: R^{{2×4}}\n{line}\n"
    assert graph_to_formula(formula_to_graph(text)) == text


@pytest.mark.parametrize("line", ["h = x^2", "h = −(2^2)", "h = Σ((−1)^2)", "h = window(x)", "h = −(2) x",
                                  "h = (−1)^2 x", "h = x (−1)", "h = 2 − −1 × x"])
def test_tricky_expressions_print_back_to_what_parses_to_them(line):
    text = f"x: R^{{5×3}}, input\n{line}\n"
    graph = formula_to_graph(text)
    assert graph_to_formula(graph) == canonical_formula(text)
    again = formula_to_graph(graph_to_formula(graph))
    assert [(n.name, n.op_name, dict(n.attrs)) for n in again.nodes.values()] == \
        [(n.name, n.op_name, dict(n.attrs)) for n in graph.nodes.values()]


def test_window_with_its_default_width_is_titled_without_it():
    graph = formula_to_graph("x: R^{5×3}, input\nh = window(x, width=2)\n")
    assert [r.title for r in graph.regions.values()] == ["h = window(x)"]


def test_a_superscript_alone_is_a_formula_error_not_a_crash():
    with pytest.raises(FormulaError, match="line 1, col 1"):
        formula_to_graph("²")


def _graph(*nodes, edges=()):
    graph = Graph()
    for op, name, attrs in nodes:
        graph.add_node(op, name, attrs)
    for src, dst, port in edges:
        graph.connect(graph.find(src).id, graph.find(dst).id, port)
    return graph


@pytest.mark.parametrize("graph,node,words", [
    (_graph(("Input", "x", {"shape": [3]}), ("Sigmoid", "a", {}), ("Add", "h", {}),
            edges=[("x", "a", "x"), ("a", "h", "a")]),
     "h", "input 'b' is not connected"),
    (_graph(("Input", "x", {"shape": [3]}), ("Tanh", "h(x)", {}), ("Add", "s", {}),
            edges=[("x", "h(x)", "x"), ("h(x)", "s", "a"), ("h(x)", "s", "b")]),
     "h(x)", "it feeds 2 nodes, so it needs a line of its own"),
    (_graph(("Input", "x", {"shape": [3]}), ("Input", "x", {"shape": [3]})), "x", "another node is also named 'x'"),
    (_graph(("Parameter", "log", {"shape": [3]})), "log", "a declaration needs a name a formula can write"),
    (_graph(("Input", "x", {"shape": [3]}), ("Tanh", "tanh x", {}), edges=[("x", "tanh x", "x")]),
     "tanh x", "its value is used by no other node"),
])
def test_a_graph_that_does_not_fit_names_the_first_node_that_does_not(graph, node, words):
    with pytest.raises(NotAFormulaError) as caught:
        graph_to_formula(graph)
    nodes = [n for n in graph.nodes.values() if n.name == node]
    assert caught.value.node_id == nodes[-1].id
    assert str(caught.value).startswith(f"'{node}' ({nodes[-1].op_name}) does not fit a formula: ")
    assert words in str(caught.value)


def test_the_issue_formula_comes_back_canonically_and_builds_the_same_graph_again():
    issue = ("x: R^3        W: R^{4×3}    V: R^{4×4}    θ: R^4    y: {0,1}\n"
             "a = σ(W x)\nb = σ(V a)\nc = σ(θᵀ b)\nL = bce(c, y)\n")
    graph = formula_to_graph(issue)
    written = graph_to_formula(graph)
    assert written == ("x: R^3   W: R^{4×3}   V: R^{4×4}   θ: R^4   y: {0,1}\n"
                       "a = σ(W x)\nb = σ(V a)\nc = σ(θᵀb)\nL = bce(c, y)\n")
    again = formula_to_graph(written)
    assert [(n.id, n.name, n.op_name, dict(n.attrs)) for n in again.nodes.values()] == \
        [(n.id, n.name, n.op_name, dict(n.attrs)) for n in graph.nodes.values()]
    edges = [[(e.src, e.dst, e.port) for e in g.edges.values()] for g in (graph, again)]
    regions = [[(r.title, r.node_ids) for r in g.regions.values()] for g in (graph, again)]
    assert edges[0] == edges[1] and regions[0] == regions[1]
