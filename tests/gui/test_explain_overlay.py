"""Explain mode on a canvas: replay traces (instant mode) and check what every node and edge shows."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QUndoStack  # noqa: E402

from engine import Graph, explain  # noqa: E402
from engine.examples.small import chain_rule  # noqa: E402
from graphviz_app.canvas.scene import GraphScene  # noqa: E402
from engine.replay.labels import fmt_num  # noqa: E402
from graphviz_app.explain.overlay import Overlay, OverlayOptions, apply_trace_state  # noqa: E402
from graphviz_app.explain.player import TracePlayer  # noqa: E402
from graphviz_app.theme import LIGHT  # noqa: E402


@pytest.fixture
def make_scene(qtbot):
    stacks = []

    def make(graph):
        stacks.append(QUndoStack())
        return GraphScene(graph, stacks[-1], LIGHT)
    return make


def replay(scene, trace, options=None, instant=True):
    player = TracePlayer(instant=instant)
    overlay = Overlay(scene, trace, scene.graph, options)
    player.load(overlay)
    return player, overlay


def index_of(trace, kind, **match):
    return next(i for i, s in enumerate(trace.steps)
                if s.kind == kind and all(getattr(s, k) == v for k, v in match.items()))


def node(scene, graph, name):
    return scene.node_items[graph.find(name).id]


def edge(scene, graph, src, dst):
    (e,) = [e for e in graph.edges.values() if e.src == graph.find(src).id and e.dst == graph.find(dst).id]
    return scene.edge_items[e.id]


def test_forward_step_shows_the_value_and_highlights_the_node(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, _ = replay(scene, trace)
    player.seek(index_of(trace, "forward", node=g.find("a").id))
    a, b = node(scene, g, "a"), node(scene, g, "b")
    assert float(a.display.value) == 6.0 and a.display.state == "active"
    assert b.display.value is None and b.display.state == "dim"
    assert node(scene, g, "x").display.state == "done"


def test_backward_edge_label_has_upstream_local_and_product(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, _ = replay(scene, trace)
    k = index_of(trace, "backward", src=g.find("a").id)
    player.seek(k - 1)
    assert edge(scene, g, "a", "b").label_text is None
    player.step_forward()
    assert edge(scene, g, "a", "b").label_text == "∂L/∂a = ∂b/∂a · ∂L/∂b\n= 0.1667 · 1 = 0.1667"
    assert float(node(scene, g, "a").display.grad) == pytest.approx(1 / 6)
    assert node(scene, g, "a").display.state == "active"
    player.seek(len(trace) - 1)
    assert edge(scene, g, "x", "a").label_text == "∂L/∂x = ∂a/∂x · ∂L/∂a\n= 2 · 0.1667 = 0.3333"
    assert edge(scene, g, "w", "a").label_text == "∂L/∂w = ∂a/∂w · ∂L/∂a\n= 3 · 0.1667 = 0.5"


def test_scrubbing_back_removes_what_later_steps_showed(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, _ = replay(scene, trace)
    player.seek(len(trace) - 1)
    player.seek(1)
    assert node(scene, g, "a").display.value is None
    assert all(item.label_text is None for item in scene.edge_items.values())
    assert node(scene, g, "w").display.grad is None


def test_fan_out_node_gets_a_sum_badge_with_its_parts(make_scene):
    g = Graph()
    x = g.add_node("Input", "x", pos=(0, 0))
    sq = g.add_node("Multiply", "sq", pos=(300, 0))
    g.connect(x.id, sq.id, "a")
    g.connect(x.id, sq.id, "b")
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, _ = replay(scene, trace)
    k = index_of(trace, "sum")
    player.seek(k - 1)
    assert scene.node_items[x.id].display.badge is None
    player.seek(k)
    assert scene.node_items[x.id].display.badge == "Σ 3 + 3 = 6"
    assert float(scene.node_items[x.id].display.grad) == 6.0


def test_sgd_update_step_shows_before_gradient_and_after(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0}, lr=0.1)
    player, overlay = replay(scene, trace)
    k = index_of(trace, "update")
    player.seek(k)
    w = node(scene, g, "w")
    assert w.display.badge == "updated: w 2 → 1.95"
    assert float(w.display.value) == pytest.approx(1.95)
    new_loss = float(np.log(1.95 * 3.0))  # the same example, the new weight: the loss recomputed
    assert overlay.caption(k) == ("SGD update: w ← w − α·∂L/∂w = 2 − 0.1 · 0.5 = 1.95. After the update, "
                                  f"loss 1.79 → {fmt_num(new_loss, 3)}")
    update_edge = edge(scene, g, "w", "a")  # the update is written on the edge its gradient came back along
    assert update_edge.label_text.splitlines() == ["w ← w − α·∂L/∂w,  α = 0.1", "w: 2 − 0.1 · 0.5 = 1.95",
                                                   f"loss 1.79 → {fmt_num(new_loss, 3)}"]
    assert node(scene, g, "b").display.badge == f"loss 1.79 → {fmt_num(new_loss, 3)}"
    player.seek(k - 1)
    assert node(scene, g, "b").display.badge is None and update_edge.label_text.startswith("∂L/∂w")


def tiny_cnn():
    """ids → Embedding(E) → SeqConv(width 2) → MaxPoolTime → Sum: the winner is easy to predict."""
    g = Graph()
    ids = g.add_node("Input", "x", {"shape": [5], "batched": True, "dtype": "int"}, (0, 0))
    table = g.add_node("Parameter", "E", {"shape": [6, 1], "init": "zeros"}, (0, -200))
    emb = g.add_node("Embedding", "f(w)", pos=(300, 0))
    filt = g.add_node("Parameter", "w", {"shape": [2, 1], "init": "ones"}, (300, -200))
    conv = g.add_node("SeqConv", "conv", {"width": 2}, (600, 0))
    pool = g.add_node("MaxPoolTime", "a", pos=(900, 0))
    total = g.add_node("Sum", "L", pos=(1200, 0))
    for s, d, p in ((ids, emb, "ids"), (table, emb, "E"), (emb, conv, "x"), (filt, conv, "W"),
                    (conv, pool, "x"), (pool, total, "x")):
        g.connect(s.id, d.id, p)
    g.set_value(table.id, np.array([[0.0], [0.0], [1.0], [5.0], [4.0], [0.5]]))
    return g


WORDS = ["<pad>", "<unk>", "stocks", "oil", "prices", "rise"]


def test_max_pool_names_the_winning_bigram_and_only_it_gets_gradient(make_scene):
    g = tiny_cnn()
    scene = make_scene(g)
    trace = explain(g, {"x": [[2, 3, 4, 5, 0]]})  # windows: 6, 9, 4.5, 0.5 → "oil prices" wins
    player, _ = replay(scene, trace, OverlayOptions(vocab_words=WORDS))
    pool_id, conv_id = g.find("a").id, g.find("conv").id
    player.seek(index_of(trace, "forward", node=pool_id))
    into_pool = edge(scene, g, "conv", "a")
    assert into_pool.label_text == "winning bigram: “oil prices” (position 1)"
    assert scene.node_items[pool_id].display.state == "active"  # being computed
    player.step_forward()
    assert scene.node_items[pool_id].display.state == "winner"
    player.seek(index_of(trace, "backward", src=conv_id))
    assert into_pool.label_text.endswith("only the winners get gradient")
    grad = scene.node_items[conv_id].display.grad.reshape(-1)
    assert np.flatnonzero(grad).tolist() == [1]


def test_max_pool_winners_are_outlined_on_the_heatmap_of_its_input(make_scene):
    g = tiny_cnn()
    scene = make_scene(g)
    trace = explain(g, {"x": [[2, 3, 4, 5, 0]]})  # position 1 ("oil prices") wins for the one filter
    player, _ = replay(scene, trace, OverlayOptions(vocab_words=WORDS))
    conv = scene.node_items[g.find("conv").id]
    pool_step = index_of(trace, "forward", node=g.find("a").id)
    player.seek(pool_step - 1)
    assert conv.display.marks == ()  # the max has not been taken yet
    player.seek(pool_step)
    assert conv.display.marks == ((1, 0),)
    player.seek(len(trace) - 1)
    assert conv.display.marks == ((1, 0),)
    assert scene.node_items[g.find("a").id].display.marks == ()


def test_integer_edges_say_they_carry_no_gradient(make_scene):
    g = tiny_cnn()
    scene = make_scene(g)
    trace = explain(g, {"x": [[2, 3, 4, 5, 0]]})
    player, _ = replay(scene, trace, OverlayOptions(vocab_words=WORDS))
    player.seek(len(trace) - 1)
    assert edge(scene, g, "x", "f(w)").label_text == "no gradient (integer ids)"
    player.seek(0)
    assert edge(scene, g, "x", "f(w)").label_text == "“stocks oil prices rise”"


def test_edge_width_follows_gradient_size_and_can_be_turned_off(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, overlay = replay(scene, trace)
    player.seek(len(trace) - 1)
    wide, narrow = edge(scene, g, "w", "a"), edge(scene, g, "x", "a")  # |∂L/∂w| = 0.5 > |∂L/∂x| = 0.33
    assert wide.width > narrow.width
    overlay.options.grad_width = False
    overlay.forget_shown()
    player.refresh()
    assert wide.width is None and wide.color is None


def test_predict_then_reveal_hides_each_result_until_revealed(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    player, overlay = replay(scene, trace)
    player.set_predict(True)
    player.seek(1)
    player.advance()  # step 2: a = w · x
    a = node(scene, g, "a")
    assert a.display.hidden_value and a.display.value is None
    assert overlay.caption(2, hidden=True) == "forward: a = w · x = ?"
    player.advance()  # reveal
    assert not a.display.hidden_value and float(a.display.value) == 6.0
    player.seek(index_of(trace, "backward", src=g.find("a").id) - 1)
    player.advance()
    ab = edge(scene, g, "a", "b")
    assert ab.label_hidden and a.display.grad is None
    player.advance()
    assert not ab.label_hidden and ab.label_text.startswith("∂L/∂a")


class HandClock:
    """A clock the test moves by hand, so the animation is where the test says whatever the machine's load."""

    def __init__(self):
        self.now = self.started = 0

    def start(self):
        self.started = self.now

    def elapsed(self):
        return self.now - self.started


def test_animated_steps_move_pulses_forward_then_backward(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    clock = HandClock()
    player = TracePlayer(instant=False, clock=clock)
    player.load(Overlay(scene, trace, g))
    player.set_speed(4.0)  # 250 ms a step
    player.seek(1)
    player.step_forward()  # a = w · x: pulses on both edges into a, in the forward colour
    into_a = [edge(scene, g, "w", "a"), edge(scene, g, "x", "a")]
    clock.now += 75
    player.frame()
    assert [e.pulse[0] for e in into_a] == [pytest.approx(0.3), pytest.approx(0.3)]
    assert all(e.pulse[1].name() == LIGHT.forward for e in into_a)
    clock.now += 200  # past the end of the step: the pulse has arrived and the value is shown
    player.frame()
    assert all(e.pulse is None for e in into_a)
    assert float(node(scene, g, "a").display.value) == 6.0
    player.seek(index_of(trace, "backward", src=g.find("a").id) - 1)
    player.step_forward()
    ab = edge(scene, g, "a", "b")
    clock.now += 75
    player.frame()
    assert ab.pulse[0] == pytest.approx(0.7)  # backward: from b towards a
    assert ab.pulse[1].name() == LIGHT.backward


def test_apply_trace_state_paints_a_fresh_scene(make_scene):
    g = chain_rule()
    scene = make_scene(g)
    trace = explain(g, {"x": 3.0})
    apply_trace_state(scene, trace, None)
    assert float(node(scene, g, "b").display.value) == pytest.approx(np.log(6))
    assert float(node(scene, g, "x").display.grad) == pytest.approx(1 / 3)


def test_larger_graphs_keep_the_whole_chain_rule_only_on_the_current_edge(make_scene):
    from engine.examples.small import mlp

    g = mlp()
    scene = make_scene(g)
    trace = explain(g, {"x": [[1.0, -1.0]], "y": [1]})
    player, _ = replay(scene, trace)
    k = index_of(trace, "backward", src=g.find("a").id)
    player.seek(k)
    product = trace.steps[k].product.reshape(-1)
    written = ", ".join(fmt_num(v, 3) for v in product)  # a short vector is written out
    assert edge(scene, g, "a", "Va").label_text == f"∂L/∂a = ∂(Va)/∂a · ∂L/∂(Va)\nℝ⁴ˣ⁴ · ℝ⁴ → ({written})"
    player.step_forward()
    assert edge(scene, g, "a", "Va").label_text == f"∂L/∂a = ({written})"  # passed: the product alone
    k_v = index_of(trace, "backward", src=g.find("V").id)
    player.seek(k_v + 1)
    norm = np.linalg.norm(trace.steps[k_v].product)
    assert edge(scene, g, "V", "Va").label_text == f"∂L/∂V ∈ ℝ⁴ˣ⁴ (‖·‖ = {fmt_num(norm, 2)})"  # 16 entries
