"""The formula parser: the issue's example, every op by name and symbol, ASCII = Unicode, located errors."""
import pytest

from engine.formula import FormulaError, canonical_formula, formula_to_graph, plan_formula
from engine.formula.syntax import function_table
from engine.layout import plan_layout
from engine.registry import OPS

ISSUE = """x: R^3        W: R^{4×3}    V: R^{4×4}    θ: R^4    y: {0,1}
a = σ(W x)
b = σ(V a)
c = σ(θᵀ b)
L = bce(c, y)
"""
DECLS = ("x: R^3  v: R^3  s: R  M: R^{3×3}  N: R^{3×4}  X: R^{B×3}, input  P: R^{B×3}, input\n"
         "seq: R^{5×3}, input  F: R^{6×4}  t: tokens^{B×5}, vocab=7  E: R^{7×3}  y: {0,1,2}^B  yb: {0,1}\n")
# one call per computing op: (inputs, attributes); a new op in the registry needs a line here
OP_CALLS = {
    "Add": ("x, v", ""), "Subtract": ("x, v", ""), "Multiply": ("x, v", ""), "Divide": ("x, v", ""),
    "Negate": ("x", ""), "Power": ("x", ", exponent=3"), "Exp": ("x", ""), "Log": ("x", ""),
    "Sigmoid": ("x", ""), "Tanh": ("x", ""), "ReLU": ("x", ""), "Sum": ("x", ""), "Mean": ("M", ", axis=0"),
    "MatMul": ("x, N", ""), "Dot": ("v, X", ""), "Transpose": ("M", ""),
    "Reshape": ("M", ", shape=[9], keep_batch=false"),
    "Concat": ("x, v", ""), "Softmax": ("X", ""), "LogSoftmax": ("X", ""), "CrossEntropy": ("softmax(P), y", ""),
    "SoftmaxCrossEntropy": ("P, y", ""), "BinaryCrossEntropy": ("σ(s), yb", ""), "MeanSquaredError": ("x, v", ""),
    "BagOfWords": ("t", ""), "BagOfBigrams": ("t", ", buckets=16"), "Embedding": ("t, E", ""),
    "Window": ("seq", ", width=2"), "SeqConv": ("seq, F", ""), "MaxPoolTime": ("seq", ""),  # ids: optional
}


def ops_of(graph):
    return sorted(n.op_name for n in graph.nodes.values())


def structure(graph):
    """Names, ops, attributes, edges (by names) and region titles with their members."""
    nodes = {n.name: (n.op_name, {k: list(v) if isinstance(v, tuple) else v for k, v in n.attrs.items()})
             for n in graph.nodes.values()}
    edges = sorted((graph.nodes[e.src].name, graph.nodes[e.dst].name, e.port) for e in graph.edges.values())
    regions = [(r.title, sorted(graph.nodes[i].name for i in r.node_ids)) for r in graph.regions.values()]
    return nodes, edges, regions


def test_the_issue_example_becomes_the_slides_mlp_with_one_region_per_line():
    graph = formula_to_graph(ISSUE)
    names = {n.name: n.op_name for n in graph.nodes.values()}
    assert names == {"x": "Input", "W": "Parameter", "V": "Parameter", "θ": "Parameter", "y": "Label",
                     "Wᵀ": "Transpose", "Wx": "MatMul", "a": "Sigmoid", "Vᵀ": "Transpose", "Va": "MatMul",
                     "b": "Sigmoid", "θᵀb": "Dot", "c": "Sigmoid", "L": "BinaryCrossEntropy"}
    regions = [(r.title, sorted(graph.nodes[i].name for i in r.node_ids)) for r in graph.regions.values()]
    assert regions == [("a = σ(W x)", ["W", "Wx", "Wᵀ", "a", "x"]), ("b = σ(V a)", ["V", "Va", "Vᵀ", "b"]),
                       ("c = σ(θᵀb)", ["c", "θ", "θᵀb"]), ("L = bce(c, y)", ["L", "y"])]
    assert graph.find("W").attrs["shape"] == (4, 3) and graph.find("Wx").op.infer([(3,), (3, 4)], ["", ""]) == (4,)


def test_a_semicolon_outside_brackets_ends_a_line_so_a_formula_fits_one_command_line_argument():
    one_line = "; ".join(line for line in ISSUE.splitlines() if line)
    assert structure(formula_to_graph(one_line)) == structure(formula_to_graph(ISSUE))
    with pytest.raises(FormulaError) as caught:
        formula_to_graph("x: R^3; a = σ(W x)")
    assert (caught.value.line, caught.value.col) == (1, 15) and "W" in caught.value.reason


def test_the_graph_is_laid_out_left_to_right_by_the_engines_layout():
    graph = formula_to_graph(ISSUE)
    layout = plan_layout(graph)
    assert {n.id: n.pos for n in graph.nodes.values()} == layout.positions
    for edge in graph.edges.values():
        if edge.id not in layout.return_edges:  # a wrapped row starts again at the left
            assert graph.nodes[edge.src].pos[0] < graph.nodes[edge.dst].pos[0], edge


def test_intermediate_nodes_are_named_after_their_expression_and_numbered_when_repeated():
    graph = formula_to_graph("x: R^{B×2}  W: R^{2×8}  b₁: R^8 = 0\na = tanh(Wᵀx + b₁)\nh = σ(Wᵀx)\n")
    assert {"Wᵀx", "Wᵀx + b₁", "a", "Wᵀx2", "h"} <= {n.name for n in graph.nodes.values()}


def test_equal_numbers_share_one_constant_node_named_by_its_value():
    graph = formula_to_graph("x: R^3\na = 1 − x\nb = 2 x + 1\n")
    constants = sorted(n.name for n in graph.nodes.values() if n.op_name == "Constant")
    assert constants == ["1", "2"]
    assert len(graph.outgoing(graph.find("1").id)) == 2


def test_every_computing_op_of_the_registry_has_a_call_in_this_test():
    assert set(OP_CALLS) == {name for name, op in OPS.items() if not op.is_source}


@pytest.mark.parametrize("spelling,op", sorted(function_table().items()))
def test_every_spelling_of_every_op_builds_that_op(spelling, op):
    args, attrs = OP_CALLS[op]
    graph = formula_to_graph(DECLS + f"r = {spelling}({args}{attrs})\n")
    assert graph.find("r").op_name == op


@pytest.mark.parametrize("expr,op", [
    ("x + v", "Add"), ("x − v", "Subtract"), ("x - v", "Subtract"), ("x × v", "Multiply"), ("x * v", "Multiply"),
    ("x ⊙ v", "Multiply"), ("x / v", "Divide"), ("−x", "Negate"), ("-x", "Negate"), ("x^3", "Power"),
    ("x³", "Power"), ("Mᵀ", "Transpose"), ("M'", "Transpose"), ("M^T", "Transpose"), ("M^{T}", "Transpose"),
    ("vᵀX", "Dot"), ("v'X", "Dot"), ("Nᵀv", "MatMul"), ("x N", "MatMul"), ("x·N", "MatMul"), ("x @ N", "MatMul"),
    ("s x", "Multiply"), ("s·x", "Multiply"), ("[x; v]", "Concat"), ("Σ x", "Sum"), ("∑x", "Sum"),
    ("maxᵢ seq", "MaxPoolTime"), ("max_i seq", "MaxPoolTime"),
])
def test_symbols_build_their_op(expr, op):
    assert formula_to_graph(DECLS + f"r = {expr}\n").find("r").op_name == op


def test_a_matrix_times_a_vector_is_matmul_with_the_matrix_transposed():
    graph = formula_to_graph("x: R^3  W: R^{4×3}\na = W x\n")
    matmul = graph.find("a")
    incoming = graph.incoming(matmul.id)
    assert graph.nodes[incoming["x"].src].name == "x"
    assert graph.nodes[incoming["W"].src].op_name == "Transpose"
    assert ops_of(graph) == ["Input", "MatMul", "Parameter", "Transpose"]


@pytest.mark.parametrize("ascii_text,unicode_text", [
    ("x: R^3  W: R^{4x3}\na = sigma(W x)\n", "x ∈ ℝ³  W: ℝ^{4×3}\na = σ(W·x)\n"),
    ("x: R^3  W: R^{3,4}\na = sigmoid(x @ W)\n", "x: R^3  W: R^{3 \\times 4}\na = σ(x W)\n"),
    ("x: R^{B*2}  theta: R^{2x4}  b_1: R^4 = 0\na = tanh(theta' x + b_1)\n",
     "x: R^{B×2}  θ: R^{2×4}  b₁: R^4 = 0\na = tanh(θᵀx + b₁)\n"),
    ("x: R^3  M: R^{3x3}\na = sum(M^T x) - 2*x\n", "x: R^3  M: R^{3×3}\na = Σ(Mᵀx) − 2 × x\n"),
    ("x: R^{B,3}  M: R^{3x3}\na = x M^{T} # ASCII\n", "x: R^{B×3}  M: R^{3×3}\na = x Mᵀ\n"),
])
def test_ascii_and_unicode_spellings_build_the_same_graph(ascii_text, unicode_text):
    assert structure(formula_to_graph(ascii_text)) == structure(formula_to_graph(unicode_text))
    assert canonical_formula(ascii_text) == canonical_formula(unicode_text)


def test_canonical_text_uses_the_slides_symbols():
    text = "x: R^{B*2}  theta: R^{2x4}  b_1: R^4 = 0\na = sigma(theta' x + b_1) - 2*x\n"
    assert canonical_formula(text) == "x: R^{B×2}   θ: R^{2×4}   b₁: R^4 = 0\na = σ(θᵀx + b₁) − 2 × x\n"


def test_options_values_and_samples_reach_the_graph():
    graph = formula_to_graph("x: R^3 = [1, 2, −1]   y: {no, yes} = yes\nθ: R^3 = [0.5, −0.25, 1], init=normal\n"
                             "E: R^{4×2}, init=uniform, scale=0.5, seed=9   w: R = 2   b: R^2 = 0\n"
                             "a = σ(θᵀx)\n")
    assert graph.meta["sample"] == {"x": [1.0, 2.0, -1.0], "y": 1}
    assert graph.meta["class_names"] == {"y": ["no", "yes"]}
    assert graph.find("θ").value.tolist() == [0.5, -0.25, 1.0] and graph.find("θ").attrs["seed"] == 1
    assert dict(graph.find("E").attrs) == {"shape": (4, 2), "init": "uniform", "scale": 0.5, "seed": 9}
    assert graph.find("w").attrs["init"] == "constant" and graph.find("w").value.tolist() == 2.0
    assert graph.find("b").attrs["init"] == "zeros"


def test_random_start_parameters_get_seeds_one_two_three_so_equal_shapes_start_apart():
    graph = formula_to_graph("W: R^{3×3}  b: R^3 = 0  V: R^{3×3}  U: R^{3×3}, seed=7  Q: R^{3×3}\n")
    assert [graph.find(n).attrs["seed"] for n in "WbVUQ"] == [1, 0, 2, 7, 4]
    assert not (graph.find("W").value == graph.find("V").value).all()


@pytest.mark.parametrize("text,line,col,words", [
    ("x: R^3\na = x $ 2", 2, 7, "unexpected character '$'"),
    ("x: R^3\na = σ(h)", 2, 7, "h is not defined"),
    ("x: R^3\na = σ(b)\nb = σ(x)", 2, 7, "b is used before it is defined (on line 3)"),
    ("x: R^3\nx: R^4", 2, 1, "x is already defined on line 1"),
    ("x: R^3  W: R^{3×3}  V: R^{4×4}\na = σ(W x)\nb = σ(V a)", 3, 9, "V is R^{4×4}, a is R^3: V a needs a to have"),
    ("x: R^3  W: R^{4x3}\na = x W", 2, 7, "x is R^3, W is R^{4×3}: x W needs x to have 4 numbers"),
    ("θ: R^4  b: R^3\nc = θᵀb", 2, 7, "θ is R^4, b is R^3: θᵀb needs b to have 4 numbers"),
    ("c: R^3  y: {0,1}^B\nL = bce(c, y)", 2, 5, "c is R^3, y is {0,1}^B: c (3) and y (B) differ"),
    ("x: R^3\na = softmax(x, axis=3)", 2, 5, "x is R^3: axis 3 is out of range"),
    ("x: R^{5×3}  w: R^{6×4}\na = conv(x, w, width=0)", 2, 16, "conv: width: expected a positive integer, got 0"),
    ("x: R^3\na = σ(x, x)", 2, 5, "σ takes 1 input (x), got 2"),
    ("c: R^3\nL = bce(c)", 2, 5, "bce needs 2 inputs (p, y); y is missing"),
    ("x: R^3\na = σ(x", 2, 6, "this ( is never closed"),
    ("x: R^3\na = (x +\n  x\n", 2, 5, "this ( is never closed"),
    ("y: {0, 1\nx: R^3", 2, 1, "expected , or } to close the { at line 1, col 4, found 'x'"),
    ("x: R^3\na = σ(\nx y)", 3, 3, "y is not defined"),
    ("x: R^3\na = σ(x ]", 2, 9, "expected ',' or ')' to close the ( at col 6, found ']'"),
    ("x: R^3  W", 1, 10, "to declare W, write W: and its type"),
    ("x: R^3\na = σ(x))", 2, 9, "this ) closes nothing"),
    ("x: Q^3", 1, 4, "expected a type"),
    ("x: R^{4×q}", 1, 9, "expected a size from 1 to 1000000 or B, found 'q'"),
    ("x: R^{3×B}", 1, 9, "B (the batch axis) can only come first"),
    ("W: R^{B×3}", 1, 4, "W is a parameter, which has no batch axis B"),
    ("h: R^4\nf = bag_of_words(h)", 2, 5, "h is R^4: bag_of_words needs whole-number ids"),
    ("x: tokens^{24}\nf = bag_of_words(x)", 2, 5, "bag_of_words needs the vocabulary's size"),
    ("θ: R^3\na = θᵀ", 2, 6, "only a matrix has a transpose of its own"),
    ("x: R^{B×3}\na = xᵀ", 2, 6, "a batch is not transposed"),
    ("a: R^3  b: R^3\nc = a b", 2, 7, "for the dot product write aᵀb"),
    ("x: R^3\na = x", 2, 1, "a = x makes no new node"),
    ("σ: R^3", 1, 1, "σ is the name of an op"),
    ("x: R^3, seed=1", 1, 9, "x is an input: it has no option 'seed'"),
    ("W: R^3, init=gaussian", 1, 9, "W: init: expected one of zeros, ones"),
    ("y: {0,1} = 2", 1, 12, "2 is not one of y's classes {0,1}"),
    ("y: {1,2}", 1, 4, "numbered classes count from 0: write {0,1}"),
    ("x: R^3 = [1, 2]", 1, 10, "x is R^3, so its value needs shape 3"),
    ("x: R^3 = [[1,2],[3]]", 1, 10, "the rows of this list have different lengths"),
    ("x: tokens^{B×3} = [[1,2,9]], vocab=5", 1, 19, "token ids are whole numbers from 0 (padding) to 4"),
    ("x: R^3\na = softmax(x, foo=1)", 2, 16, "foo is neither an input (x) nor an attribute (axis)"),
    ("x: R^3\na = σ x", 2, 7, "σ is an op: write σ(…)"),
    ("x: R^3\na = x^q", 2, 6, "after ^ write T (transpose) or a number"),
    ("x: R\na = 1e999 x", 2, 5, "this number is too large"),
    ("x: R^3\na = " + "(" * 150 + "x" + ")" * 150, 2, 105, "nests more than 100 levels"),
    ("x: R^3\na = σ(x) = 2", 2, 10, "one line holds one assignment"),
    ("3 = x", 1, 1, "a line starts with a name"),
    ("x R^3", 1, 3, "expected ':' (to declare x) or '=' (to assign it)"),
    ("W: R^{1000000×1000}", 1, 4, "has more than 20 million entries"),
    ("x: R^3\na = [x, x]", 2, 7, "write [a; b] with ; to stack"),
    ("x: R^3\na = maxᵢ x", 2, 5, "x is R^3: x must be a sequence"),
    ("x: R^{B×3}\nL = cross_entropy(softmax(x), x)", 2, 5, "needs whole-number ids for its input y"),
    ("x: R^3\nR = σ(x)", 2, 1, "R is a word of the formula language"),
    ("x: R^3\ntheta = σ(x)\nθ = σ(x)", 3, 1, "θ is already defined on line 2"),
    ("c: R^3, const", 1, 1, "a constant needs its value"),
    ("x: R^3\n" + "\n".join(f"h{k} = σ(x)" for k in range(201)), 202, 1, "at most 200 assignment lines"),
])
def test_each_error_says_where_and_what(text, line, col, words):
    with pytest.raises(FormulaError) as caught:
        formula_to_graph(text)
    assert (caught.value.line, caught.value.col) == (line, col), str(caught.value)
    assert words in caught.value.reason
    assert str(caught.value).startswith(f"line {line}, col {col}: ")


def test_planning_checks_everything_building_does_without_making_arrays():
    plan = plan_formula("x: R^{B×3000}  W: R^{3000×4000}\na = σ(Wᵀx)\n")
    assert plan.node_named("a").shape == (None, 4000)
    assert plan.node_named("W").describe == "R^{3000×4000}" and plan.node_named("W").value is None
    with pytest.raises(FormulaError, match="line 2, col 9"):
        plan_formula("x: R^{B×3000}  W: R^{4000×3000}\na = σ(Wᵀx)\n")


def test_an_optional_last_input_may_be_left_open_or_fed_by_position_or_name():
    decls = "t: tokens^{B×5}, vocab=7  E: R^{7×3}  F: R^{6×4}\nh = conv(embedding(t, E), F)\n"
    graph = formula_to_graph(decls + "a = max_over_time(h)\nb = max_over_time(h, t)\nc = max_over_time(x=h, ids=t)\n")
    ports = {n: sorted(graph.incoming(graph.find(n).id)) for n in "abc"}
    assert ports == {"a": ["x"], "b": ["ids", "x"], "c": ["ids", "x"]}
    with pytest.raises(FormulaError, match="max_over_time needs 1 input \\(x\\); x is missing"):
        formula_to_graph(decls + "a = max_over_time(ids=t)\n")


def test_a_line_longer_than_a_region_title_is_cut_in_its_title_and_still_builds():
    from engine.formula import formula_to_graph
    from engine.names import MAX_TITLE_CHARS

    line = "h = " + " + ".join(["σ(W x)"] * 14)
    graph = formula_to_graph(f"x: R^3   W: R^{{3×3}}\n{line}")
    (title,) = [r.title for r in graph.regions.values()]
    assert len(line) > MAX_TITLE_CHARS and len(title) == MAX_TITLE_CHARS and title.endswith("…")
