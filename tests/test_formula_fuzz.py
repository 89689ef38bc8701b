"""Property-based tests: any text gives a graph or a located FormulaError, and what builds round-trips."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.formula import FormulaError, formula_to_graph, graph_to_formula, plan_formula
from engine.serialization import graph_from_dict, graph_to_dict, parse_graph_json

PIECES = ["x", "W", "V", "θ", "y", "a", "b", ":", "=", "R", "ℝ", "^", "{", "}", "3", "4", "B", "×", ",", ";", "(",
          ")", "[", "]", "σ", "sigma", "tanh", "relu", "log", "exp", "softmax", "·", "@", "ᵀ", "'", "^T", "+", "-",
          "−", "*", "/", "Σ", "sum", "mean", "dot", "cross_entropy", "bce", "embedding", "bag_of_words", "conv",
          "max_over_time", "tokens", "vocab=5", "\n", " ", "2", "0.5", "-1", "1e999", "axis=0", "width=2", "seed=1",
          "init=zeros", "input", "param", "const", "{0,1}", "{a, b}", "^B", "^{B×3}", "^{4×3}", "²", "#", "maxᵢ",
          "_1", "theta", "\\times", "^{", "∈", "⁻", "99999999999999999999", "٣", "\ud800", "\t"]
MLP = "x: R^{B×3}  W: R^{3×4}  V: R^{4×4}  θ: R^4  y: {0,1}^B\na = σ(Wᵀx)\nb = σ(Vᵀa)\nc = σ(θᵀb)\nL = bce(c, y)\n"
DECLS = ("x: R^{B×3}   s: R   v: R^3   u: R^3   M: R^{3×3}   N: R^{3×4}   t: tokens^{B×5}, vocab=7\n"
         "y: {0,1,2}^B   E: R^{7×3}   c: R^3 = [1, 2, 3], const\n")
LEAVES = ["x", "s", "v", "u", "M", "N", "c", "2", "0.5", "−1", "embedding(t, E)", "bag_of_words(t)"]
UNARY = ["σ({})", "tanh({})", "relu({})", "exp({})", "log({})", "softmax({})", "mean({})", "Σ {}", "−{}", "{}ᵀ",
         "{}^2", "sum({}, axis=0)", "max_over_time({})", "log_softmax({})", "window({}, width=2)"]
BINARY = ["{} + {}", "{} − {}", "{} × {}", "{} / {}", "{} {}", "{}ᵀ{}", "{} @ {}", "[{}; {}]", "dot({}, {})",
          "cross_entropy({}, y)", "softmax_cross_entropy({}, y)", "mse({}, {})", "conv({}, N, width=2)"]


def fuzz(examples: int) -> settings:
    """No per-example deadline on a shared 2-core machine."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw) -> str:
    """The lecture MLP with a few pieces inserted, deleted or overwritten."""
    text = MLP
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(PIECES))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        text = {"insert": text[:i] + piece + text[i:], "delete": text[:i] + text[i + len(piece):],
                "replace": text[:i] + piece + text[i + len(piece):]}[kind]
    return text


expressions = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: st.one_of(
        st.builds(lambda f, a: f.format(a if len(a) < 3 else f"({a})"), st.sampled_from(UNARY), inner),
        st.builds(lambda f, a, b: f.format(f"({a})", f"({b})") if f.count("{}") == 2 else f.format(f"({a})"),
                  st.sampled_from(BINARY), inner, inner)),
    max_leaves=6)


@st.composite
def programs(draw) -> str:
    """Declarations of many shapes, then up to four lines of random expressions over them and earlier lines."""
    lines: list[str] = []
    for k in range(draw(st.integers(1, 4))):
        expr = draw(expressions)
        if k and draw(st.booleans()):
            earlier = f"h{draw(st.integers(0, k - 1))}"
            expr = draw(st.sampled_from([f"σ({earlier})", f"{earlier} + {earlier}", f"({expr}) × {earlier}"]))
        lines.append(f"h{k} = {expr if expr not in LEAVES else f'tanh({expr})'}")
    return DECLS + "\n".join(lines) + "\n"


def builds_or_refuses(text: str):
    """The only allowed outcomes; a graph that builds also saves and loads."""
    try:
        graph = formula_to_graph(text)
    except FormulaError as exc:
        assert exc.line >= 1 and exc.col >= 1 and str(exc).startswith(f"line {exc.line}, col {exc.col}: ")
        return None
    d = graph_to_dict(graph, weights=False)
    assert graph_to_dict(graph_from_dict(parse_graph_json(json.dumps(d))), weights=False) == d
    return graph


@fuzz(600)
@given(st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=40).map("".join)))
def test_any_text_builds_or_raises_a_located_formula_error(text):
    builds_or_refuses(text)


@fuzz(400)
@given(mutated())
def test_a_damaged_lecture_formula_builds_or_raises_a_located_formula_error(text):
    builds_or_refuses(text)


@fuzz(300)
@given(programs())
def test_random_programs_that_build_come_back_from_their_graph_unchanged(text):
    graph = builds_or_refuses(text)
    if graph is None:
        return
    written = graph_to_formula(graph)
    again = formula_to_graph(written)
    assert graph_to_formula(again) == written
    assert graph_to_dict(again, weights=False)["nodes"] == graph_to_dict(graph, weights=False)["nodes"]
    assert [r.title for r in again.regions.values()] == [r.title for r in graph.regions.values()]


@fuzz(200)
@given(programs())
def test_planning_and_building_agree_on_every_error(text):
    try:
        plan_formula(text)
    except FormulaError as planned:
        try:
            formula_to_graph(text)
        except FormulaError as built:
            assert str(built) == str(planned)
            return
        raise AssertionError("the plan refused what the builder accepted") from planned
    formula_to_graph(text)
