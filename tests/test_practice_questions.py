"""Questions from a trace: every kind, the chosen steps, what is left out and why, and a session's score."""
import numpy as np
import pytest

from engine import Graph
from engine.examples.small import chain_rule, mlp
from engine.practice import Ask, PracticeError, PracticeSession, PracticeSpec, Tolerance, prepare
from engine.practice.questions import MAX_QUESTION_ENTRIES

EVERY_KIND = PracticeSpec(tuple(Ask(kind) for kind in ("value", "upstream", "local", "product", "update")))


def edge(g: Graph, src: str, dst: str) -> str:
    (e,) = [e for e in g.edges.values() if e.src == g.find(src).id and e.dst == g.find(dst).id]
    return e.id


def by_id(practice):
    return {q.id: q for q in practice.questions}


def test_every_kind_on_the_chain_rule_with_the_numbers_of_the_slide():
    g = chain_rule()  # x = 3, w = 2, a = w·x, b = log(a); α = 0.1
    practice = prepare(g, EVERY_KIND)
    q = by_id(practice)
    a_b, w_a, x_a = edge(g, "a", "b"), edge(g, "w", "a"), edge(g, "x", "a")
    expected = {
        f"value:{g.find('a').id}": 6.0, f"value:{g.find('b').id}": np.log(6.0),
        f"upstream:{a_b}": 1.0, f"local:{a_b}": 1 / 6, f"product:{a_b}": 1 / 6,
        f"upstream:{w_a}": 1 / 6, f"local:{w_a}": 3.0, f"product:{w_a}": 0.5,
        f"upstream:{x_a}": 1 / 6, f"local:{x_a}": 2.0, f"product:{x_a}": 1 / 3,
        f"update:{g.find('w').id}": 2 - 0.1 * 0.5,
    }
    assert set(q) == set(expected)
    for qid, value in expected.items():
        assert float(np.reshape(q[qid].expected, -1)[0]) == pytest.approx(value), qid
    assert q[f"product:{a_b}"].prompt == "∂L/∂a = ∂b/∂a · ∂L/∂b = ?"
    assert q[f"local:{a_b}"].prompt == "local ∂b/∂a = ?"
    assert q[f"value:{g.find('b').id}"].prompt == "b = log(a) = ?"
    assert q[f"update:{g.find('w').id}"].prompt == "w ← w − α·∂L/∂w = ?"


def test_questions_come_in_trace_order_and_each_shows_its_own_step():
    practice = prepare(chain_rule(), EVERY_KIND)
    steps = [q.step for q in practice.questions]
    assert steps == sorted(steps)
    kinds = [q.kind for q in practice.questions]
    assert kinds[:2] == ["value", "value"] and kinds[-1] == "update"
    assert kinds[2:5] == ["upstream", "local", "product"]  # one edge: read the upstream, the local, multiply
    for q in practice.questions:
        step = practice.trace.steps[q.step]
        assert step.kind == {"value": "forward", "update": "update"}.get(q.kind, "backward")


def test_a_graph_without_a_section_asks_every_backward_product():
    practice = prepare(chain_rule())
    assert [q.kind for q in practice.questions] == ["product"] * 3
    assert practice.notes == []


def test_the_graphs_own_section_is_used_and_names_its_title():
    g = chain_rule()
    g.meta["practice"] = {"title": "Backward by hand", "ask": [{"kind": "local", "at": edge(g, "a", "b")}]}
    practice = prepare(g)
    assert practice.title == "Backward by hand"
    assert [q.id for q in practice.questions] == [f"local:{edge(g, 'a', 'b')}"]


def test_chosen_steps_that_cannot_be_asked_are_explained_by_place():
    g = mlp()
    y_loss = edge(g, "y", "L")
    spec = PracticeSpec((Ask("product", "e999"), Ask("value", "n999"), Ask("product", y_loss),
                         Ask("value", g.find("x").id), Ask("update", g.find("a").id),
                         Ask("product", edge(g, "b", "θᵀb"))))
    practice = prepare(g, spec)
    assert [q.kind for q in practice.questions] == ["product"]
    assert practice.notes == [
        "meta.practice.ask[0]: there is no edge 'e999' in the graph",
        "meta.practice.ask[1]: there is no node 'n999' in the graph",
        "meta.practice.ask[2]: y → L carries no gradient (integer ids carry no gradient)",
        "meta.practice.ask[3]: x is an Input: its value is given, not computed",
        "meta.practice.ask[4]: a is a Sigmoid; only parameters are updated",
    ]


def test_answers_longer_than_can_be_typed_are_left_out_with_a_note():
    practice = prepare(mlp(), PracticeSpec((Ask("local"),)))
    assert all(q.size <= MAX_QUESTION_ENTRIES for q in practice.questions)
    assert any("local ∂(Wx)/∂W" in note and f"more than {MAX_QUESTION_ENTRIES} numbers" in note
               for note in practice.notes)


def test_jacobian_questions_on_the_mlp():
    g = mlp()
    practice = prepare(g, PracticeSpec((Ask("local"),)))
    q = by_id(practice)
    sigma = q[f"local:{edge(g, 'Wx', 'a')}"]
    a = practice.trace.value("a").reshape(-1)
    assert np.allclose(sigma.expected, np.diag(a * (1 - a)))  # σ' = σ(1 − σ), on the diagonal
    assert sigma.diagonal and "(J[i, j] = ∂a_j/∂(Wx)_i)" in sigma.prompt
    matmul = q[f"local:{edge(g, 'x', 'Wx')}"]
    assert np.allclose(matmul.expected, g.find("W").value)  # ∂(xW)_j/∂x_i = W_ij


def test_practice_needs_a_graph_that_runs_on_its_sample():
    broken = Graph()
    broken.add_node("Log", "b")
    with pytest.raises(PracticeError, match="cannot run the graph on its sample"):
        prepare(broken)


def test_a_bad_section_is_a_practice_error_naming_its_place():
    g = chain_rule()
    g.meta["practice"] = {"ask": [{"kind": "gradient"}]}
    with pytest.raises(PracticeError, match=r"meta.practice.ask\[0\].kind: expected one of"):
        prepare(g)


def test_the_upstream_hint_of_a_fanned_out_value_says_it_is_a_sum():
    g = Graph()
    x = g.add_node("Input", "x")
    sq = g.add_node("Multiply", "q")
    g.connect(x.id, sq.id, "a")
    g.connect(x.id, sq.id, "b")
    out = g.add_node("Log", "L")
    g.connect(sq.id, out.id, "x")
    g.meta["sample"] = {"x": 2.0}
    practice = prepare(g, PracticeSpec((Ask("product"),)))
    assert [float(q.expected) for q in practice.questions] == pytest.approx([0.25, 0.5, 0.5])
    upstream = prepare(g, PracticeSpec((Ask("upstream"),)))
    assert "backward starts at L" in upstream.questions[0].hint
    two_x = Graph()
    a = two_x.add_node("Input", "x")
    b = two_x.add_node("Sigmoid", "s")
    c = two_x.add_node("Add", "L")
    two_x.connect(a.id, b.id, "x")
    two_x.connect(b.id, c.id, "a")
    two_x.connect(b.id, c.id, "b")
    two_x.meta["sample"] = {"x": 0.0}
    hint = prepare(two_x, PracticeSpec((Ask("upstream"),))).questions[-1].hint
    assert "s feeds 2 nodes, so it is the sum of what came back along each" in hint


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def session(spec=None, tries=3):
    spec = spec or PracticeSpec((Ask("product"),), tries=tries)
    practice = prepare(chain_rule(), spec)
    clock = Clock()
    return PracticeSession(practice.questions, practice.spec, clock), clock


def test_right_at_the_first_try_and_after_a_wrong_one():
    s, _ = session()
    assert s.submit("1/6").outcome == "right" and s.state.first_try
    s.advance()
    assert s.submit("0.4").outcome == "wrong"
    assert s.submit("0.5").outcome == "right" and not s.state.first_try
    score = s.score()
    assert (score.right, score.first_try, score.answered, score.total) == (2, 1, 2, 3)


def test_out_of_tries_gives_the_answer_and_closes_the_question():
    s, _ = session(tries=2)
    assert s.submit("1").message.endswith("(1 try left)")
    result = s.submit("2")
    assert result.outcome == "shown" and result.message.endswith("The answer is 0.1667")
    assert s.state.done and not s.state.right
    assert s.submit("1/6").outcome == "done"


def test_unlimited_tries():
    s, _ = session(tries=0)
    for _ in range(20):
        assert s.submit("9").outcome == "wrong"
    assert s.submit("1/6").outcome == "right" and s.state.tries == 21


def test_an_unreadable_answer_or_a_wrong_form_uses_no_try():
    s, _ = session()
    assert s.submit("abc").outcome == "unreadable"
    assert s.submit("[1, 2]").outcome == "unreadable"
    assert s.state.tries == 0
    assert s.submit("1/6").outcome == "right" and s.state.first_try


def test_a_hint_before_the_first_answer_costs_the_first_try_only():
    s, _ = session()
    assert "∂b/∂a = 1/a, with a = 6" in s.hint()
    assert s.submit("1/6").outcome == "right"
    assert s.state.right and s.state.hint and not s.state.first_try


def test_skip_goes_to_the_next_open_question_and_comes_round_again():
    s, _ = session()
    s.skip()
    assert s.index == 1 and s.states[0].skipped
    s.submit("0.5")
    s.advance()
    assert s.index == 2
    s.submit("1/3")
    s.advance()
    assert s.index == 0  # the skipped one is the only one left open
    s.submit("1/6")
    assert not s.states[0].skipped and s.finished
    assert s.score().skipped == 0


def test_time_is_counted_per_question_while_it_is_open():
    s, clock = session()
    clock.now += 12
    s.submit("1/6")
    clock.now += 30  # reading the feedback of a closed question: no question's time
    s.advance()
    clock.now += 5
    s.submit("0.5")
    assert s.states[0].seconds == pytest.approx(12) and s.states[1].seconds == pytest.approx(5)
    assert s.elapsed() == pytest.approx(47)


def test_the_tolerance_of_the_section_is_used():
    s, _ = session(PracticeSpec((Ask("product"),), tolerance=Tolerance(relative=0.05, digits=2)))
    assert s.submit("0.17").outcome == "right"
