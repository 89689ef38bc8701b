"""The HTML lesson (engine/lesson): one self-contained page whose data is the explain trace, step by step."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import main
from engine.data import tokenize
from engine.executor import explain
from engine.lesson import LessonError, build_lesson, choose_examples, render_page, write_lesson
from engine.lesson.jacobians import MAX_SIDE
from engine.lesson.page import TEMPLATE_FILES
from engine.lesson.table import rounded
from engine.replay import view
from engine.replay.labels import fmt_num, partial
from engine.replay.panels import PanelContent, panel_lines
from engine.replay.values import fmt_value
from engine.replay.narration import Narrator
from engine.replay.state import state_at
from engine.serialization import load_graph
from test_packaging import wheel_names  # noqa: F401  (a fixture: the names in a wheel built from this checkout)

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = ROOT / "assets" / "graphs"
SUPERSCRIPTS = str.maketrans("0123456789×", "⁰¹²³⁴⁵⁶⁷⁸⁹ˣ")
HEADLINES = ["Arsenal beat Chelsea in the cup final=Sports", "Stocks fall after Morgan Stanley earnings miss",
             "Prime minister calls early election=Politics"]


class _Page(HTMLParser):
    """Every tag with its attributes, the text of each <style>, and the text of each <script> by id."""

    def __init__(self):
        super().__init__()
        self.tags, self.styles, self.scripts = [], [], {}
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = (tag, dict(attrs).get("id", ""))

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open and self._open[0] == "style":
            self.styles.append(data)
        elif self._open and self._open[0] == "script":
            self.scripts[self._open[1]] = self.scripts.get(self._open[1], "") + data


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def lesson_data(text: str) -> dict:
    """The lesson data embedded in a page, as the player reads it."""
    return json.loads(parse_page(text).scripts["lesson-data"])


def narrator_of(graph, trace, examples, sample) -> Narrator:
    """The narrator explain mode makes for this example (tokens of its headline, the data set's words)."""
    text = sample.text or graph.meta.get("sample_text")
    return Narrator(graph, trace, examples.vocab_words, examples.class_names, tokenize(text) if text else None)


def lesson_of(name: str, texts=None):
    graph = load_graph(GRAPHS / f"{name}.json")
    examples = choose_examples(graph, texts)
    return graph, examples, build_lesson(graph, examples)


@pytest.fixture(scope="module")
def mlp_page(tmp_path_factory):
    graph = load_graph(GRAPHS / "mlp.json")
    path = tmp_path_factory.mktemp("lesson") / "mlp.html"
    write_lesson(graph, choose_examples(graph), path)
    return path


# ----- one file, nothing from the network
@pytest.mark.parametrize("name", ["mlp", "text_cnn"])
def test_page_names_no_external_resource(name, tmp_path):
    graph = load_graph(GRAPHS / f"{name}.json")
    text = render_page(build_lesson(graph, choose_examples(graph)))
    page = parse_page(text)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), f"<{tag}> loads a file"
        for key in ("src", "href", "xlink:href", "srcset", "action", "data"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {key}={value!r}>"
        assert not (tag == "script" and "src" in attrs), "a script is loaded from a file"
    code = "".join(page.styles) + "".join(v for k, v in page.scripts.items() if k != "lesson-data")
    assert "@import" not in code
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", text)
    assert not re.search(r"https?://", code)  # not even the SVG namespace: the player reads it from the page
    assert page.scripts["lesson-data"] and len([t for t, a in page.tags if t == "script"]) == 2


def test_page_cannot_end_its_script_early():
    graph = load_graph(GRAPHS / "chain_rule.json")
    graph.meta["title"] = "</script><script>alert(1)</script>"
    graph.meta["description"] = "a </script> and <!-- in the text"
    text = render_page(build_lesson(graph, choose_examples(graph)))
    assert text.count("</script>") == 2  # the data's and the player's own
    data = lesson_data(text)
    assert data["title"] == graph.meta["title"] and data["description"] == graph.meta["description"]
    assert "<title>&lt;/script&gt;" in text


def test_mlp_lesson_is_under_two_megabytes(mlp_page):
    assert mlp_page.stat().st_size < 2 * 1024 * 1024
    assert lesson_data(mlp_page.read_text(encoding="utf-8"))["title"].startswith("MLP")


def test_the_wheel_carries_the_player_template(wheel_names):  # noqa: F811 (the fixture imported above)
    for name in TEMPLATE_FILES:
        assert (ROOT / "engine" / "lesson" / name).is_file()
        assert f"engine/lesson/{name}" in wheel_names, name


def test_player_colours_are_the_app_theme():
    from graphviz_app.theme import LIGHT

    css = (ROOT / "engine" / "lesson" / "player.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([A-Za-z-]+):\s*(#[0-9a-f]{6});", css))
    shared = {name: variables[name] for name in variables if hasattr(LIGHT, name.replace("-", "_"))}
    assert len(shared) >= 15
    for name, colour in shared.items():
        assert colour == getattr(LIGHT, name.replace("-", "_")), name
    for category, colour in LIGHT.category_colors.items():
        assert variables[f"cat-{category}"] == colour


# ----- the data is the trace
@pytest.mark.parametrize("name", ["mlp", "chain_rule", "headline_classifier", "text_cnn"])
def test_each_step_says_what_the_narrator_says(name):
    graph, examples, lesson = lesson_of(name)
    sample = examples.samples[0]
    trace = explain(graph, sample.feeds)
    narrator = narrator_of(graph, trace, examples, sample)
    steps = lesson["examples"][0]["steps"]
    assert len(steps) == len(trace)
    for k, step in enumerate(steps):
        assert step["caption"] == narrator.caption(k)
        assert step["question"] == narrator.caption(k, hidden=True)
        assert step["kind"] == trace.steps[k].kind


@pytest.mark.parametrize("name", ["mlp", "text_cnn"])
def test_edge_labels_of_each_step_are_the_canvas_labels(name):
    graph, examples, lesson = lesson_of(name)
    sample = examples.samples[0]
    trace = explain(graph, sample.feeds)
    narrator = narrator_of(graph, trace, examples, sample)
    past = view.label_policy("auto", len(graph.edges))
    edge_ids = [e["id"] for e in lesson["edges"]]
    strings, looks = lesson["strings"], lesson["edgeLooks"]
    for k, step in enumerate(lesson["examples"][0]["steps"]):
        for frame, pending in ((step["done"], False), (step["pending"], True)):
            state = state_at(trace, k, pending)
            shown = [None if looks[i][0] < 0 else strings[looks[i][0]] for i in frame["e"]]
            assert shown == [view.edge_label(narrator, state, e, past) for e in edge_ids], (k, pending)
        if trace.steps[k].kind in ("backward", "nograd"):
            active = frame_label(lesson, step["done"], edge_ids.index(trace.steps[k].edge))
            assert active == narrator.edge_label(k, True)


def frame_label(lesson: dict, frame: dict, index: int) -> str | None:
    look = lesson["edgeLooks"][frame["e"][index]]
    return None if look[0] < 0 else lesson["strings"][look[0]]


def test_node_values_and_focus_follow_the_trace():
    graph, examples, lesson = lesson_of("mlp")
    trace = explain(graph, examples.samples[0].feeds)
    node_ids = [n["id"] for n in lesson["nodes"]]
    for k, step in enumerate(lesson["examples"][0]["steps"]):
        state = state_at(trace, k)
        assert (step["node"], step["edge"], step["phase"]) == (state.focus_node, state.focus_edge, state.phase)
        for i, node_id in enumerate(node_ids):
            look = lesson["nodeLooks"][step["done"]["n"][i]]
            value = state.values.get(node_id)
            if value is None:
                assert look[1] == -1
            else:  # the rows the canvas's value panel writes (engine.replay.panels, drawn by canvas/value_panel)
                assert lesson["strings"][look[1]] == "\n".join(panel_lines(PanelContent(value, "")))
            assert (look[0] >= 0 and lesson["strings"][look[0]]) == (state.node_states.get(node_id) or False)
        pulses = [(lesson["edges"][i]["id"], bool(b)) for i, b in step["pulse"]]
        assert pulses == view.pulse_edges(graph, trace, k)


def test_node_texts_are_the_canvas_panels_numbers_and_gradient_names():
    """Every entry with 3 significant digits two spaces apart, a large array by its shape and range, and the
    gradient named ∂L/∂ with the node's whole name (the canvas writes no ∂L/∂·)."""
    graph, examples, lesson = lesson_of("mlp")
    trace = explain(graph, examples.samples[0].feeds)
    end = lesson["examples"][0]["steps"][-1]["done"]["n"]
    node_ids = [n["id"] for n in lesson["nodes"]]

    def texts(name):
        look = lesson["nodeLooks"][end[node_ids.index(graph.find(name).id)]]
        return lesson["strings"][look[1]], lesson["strings"][look[2]]

    x = trace.values[graph.find("x").id].reshape(-1)
    assert texts("x")[0] == "  ".join(fmt_value(v) for v in x)
    v = trace.values[graph.find("V").id]
    assert texts("V")[0] == f"4×4\nmin {fmt_value(v.min())}  max {fmt_value(v.max())}"
    grad = trace.grads[graph.find("θᵀb").id].reshape(-1)[0]
    assert texts("θᵀb")[1] == f"{partial('L', 'θᵀb')} {fmt_value(grad)}" == f"∂L/∂(θᵀb) {fmt_value(grad)}"
    a = trace.grads[graph.find("a").id].reshape(-1)
    assert texts("a")[1] == "∂L/∂a\n" + "  ".join(fmt_value(g) for g in a)
    assert not any("∂L/∂·" in text for text in lesson["strings"])


def test_prediction_hides_the_result_of_the_step():
    graph, examples, lesson = lesson_of("mlp")
    trace = explain(graph, examples.samples[0].feeds)
    for k, step in enumerate(lesson["examples"][0]["steps"]):
        kind = trace.steps[k].kind
        assert step["hideNode"] == (trace.steps[k].node if kind == "forward" else None)
        assert step["hideEdge"] == (trace.steps[k].edge if kind in ("backward", "nograd") else None)
        assert "?" in step["question"]


# ----- several examples
def test_three_headlines_make_three_examples_with_their_classes():
    graph, examples, lesson = lesson_of("headline_classifier", HEADLINES)
    assert [ex["name"] for ex in lesson["examples"]] == [
        "“Arsenal beat Chelsea in the cup final” → Sports",
        "“Stocks fall after Morgan Stanley earnings miss” → Business",
        "“Prime minister calls early election” → Politics"]
    assert "no class given" in examples.notes[0] and "Stocks fall" in examples.notes[0]
    first_forward = [ex["steps"][0]["caption"] for ex in lesson["examples"]]
    assert "“arsenal beat* chelsea in the cup final”" in first_forward[0] and "prime minister" in first_forward[2]
    for sample, ex in zip(examples.samples, lesson["examples"]):
        trace = explain(graph, sample.feeds)
        narrator = narrator_of(graph, trace, examples, sample)
        assert [s["caption"] for s in ex["steps"]] == [narrator.caption(k) for k in range(len(trace))]


def test_progress_counts_every_step_of_every_example():
    graph = load_graph(GRAPHS / "headline_classifier.json")
    examples = choose_examples(graph, HEADLINES[:2])
    calls = []
    build_lesson(graph, examples, progress=lambda done, total: calls.append((done, total)))
    total = 2 * sum(len(explain(graph, s.feeds)) for s in examples.samples)
    assert calls == [(done, total) for done in range(1, total + 1)]


def test_typed_values_and_rows_are_examples():
    neuron = load_graph(GRAPHS / "neuron.json")
    chosen = choose_examples(neuron, ["x=[2, 0, -1]", "x=[0, 0, 0]; y=0"])
    assert np.array_equal(chosen.samples[0].feeds[neuron.find("x").id], [2.0, 0.0, -1.0])
    assert chosen.samples[1].description == "x = (0, 0, 0), y = 0"
    mlp = load_graph(GRAPHS / "mlp.json")
    row = choose_examples(mlp, ["test:3"]).samples[0]
    assert row.description.startswith("point (") and row.description.endswith("signs")


@pytest.mark.parametrize("name, text, words", [
    ("headline_classifier", "rain stops play=Weather", "not a class of this data set; choose one of Sports"),
    ("chain_rule", "a headline", "expected NAME=VALUE for this graph's inputs (x), such as x=[1, 2]"),
    ("chain_rule", "w=2", "'w' is not an input of this graph (its inputs: x)"),
    ("chain_rule", "test:2", "a data-set row needs a data set, and this graph names none"),
    ("neuron", "x=[1, 2]", "Input 'x' expects 3, got 2"),
    ("neuron", "x=[1, 2", "expected a number or a list"),
    ("mlp", "test:9999", "row 9999 is outside the test split"),
    ("headline_classifier", "   ", "it is empty"),
])
def test_an_example_that_cannot_be_used_says_why(name, text, words):
    graph = load_graph(GRAPHS / f"{name}.json")
    with pytest.raises(LessonError) as error:
        choose_examples(graph, [text])
    message = str(error.value)
    assert message.startswith(f"--example 1 ({text!r}) cannot be used: ") and words in message


# ----- Jacobians
def test_jacobians_are_the_local_jacobians_with_their_shape():
    graph, examples, lesson = lesson_of("mlp")
    trace = explain(graph, examples.samples[0].feeds)
    details = lesson["examples"][0]["details"]
    for k, step in enumerate(trace.steps):
        if step.kind != "backward":
            continue
        d = details[step.edge]
        n, m = step.jacobian_shape
        assert (d["k"], d["n"], d["m"], d["rows"], d["cols"]) == (k, n, m, n, m)
        assert d["local"].endswith("ℝ" + f"{n}×{m}".translate(SUPERSCRIPTS))
        assert d["J"] == rounded(step.local_jacobian())
        assert [lesson["strings"][i] for i in d["JText"]] == [fmt_num(v, 3) for v in step.local_jacobian().ravel()]
        assert d["prod"] == rounded(step.product) and d["up"] == rounded(step.upstream)
    nograd = next(s for s in trace.steps if s.kind == "nograd")
    assert details[nograd.edge]["note"] == f"No gradient flows along this edge: {nograd.reason}."


def test_a_large_jacobian_is_cut_with_a_note():
    graph, examples, lesson = lesson_of("headline_classifier")
    trace = explain(graph, examples.samples[0].feeds)
    step = trace.edge("θ", "θᵀf(x)")
    d = lesson["examples"][0]["details"][step.edge]
    assert (d["n"], d["m"], d["rows"], d["cols"]) == (7176, 3, MAX_SIDE, 3)
    assert d["J"] == rounded(step.local_jacobian()[:MAX_SIDE])
    assert f"showing rows 1–{MAX_SIDE} of 7176 and all 3 columns" in d["note"]


def test_a_jacobian_too_large_to_compute_keeps_the_gradients():
    graph, examples, lesson = lesson_of("text_cnn")
    trace = explain(graph, examples.samples[0].feeds)
    step = trace.edge("E", "f(w)")
    d = lesson["examples"][0]["details"][step.edge]
    assert d["J"] is None and "119600×1200: too large to draw" in d["note"]
    assert d["prod"] == rounded(np.ravel(step.product)[:MAX_SIDE])


# ----- the command line
def export(*argv):
    return main.main(["export", *map(str, argv)])


def test_cli_writes_a_lesson_with_several_examples(tmp_path, capsys):
    out = tmp_path / "lesson.html"
    args = ["--example", HEADLINES[0], "--example", HEADLINES[2]]
    assert export(GRAPHS / "headline_classifier.json", "--to", "html", "--out", out, *args) == 0
    data = lesson_data(out.read_text(encoding="utf-8"))
    assert [ex["name"].split("”")[0] for ex in data["examples"]] == ["“Arsenal beat Chelsea in the cup final",
                                                                    "“Prime minister calls early election"]
    printed = capsys.readouterr().out
    assert "2 examples" in printed and f"wrote {out}" in printed


@pytest.mark.parametrize("argv, words", [
    (["--to", "dot", "--example", "x=1"], "--example is for --to html"),
    (["--to", "html", "--example", "x=[1]"], "--example 1 ('x=[1]') cannot be used: Input 'x' expects 3, got 1"),
])
def test_cli_says_when_an_example_cannot_be_used(tmp_path, capsys, argv, words):
    out = tmp_path / ("n.html" if "html" in argv else "n.dot")
    assert export(GRAPHS / "neuron.json", "--out", out, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err
    assert not out.exists()


def test_cli_refuses_a_page_without_html_name(tmp_path, capsys):
    assert export(GRAPHS / "neuron.json", "--to", "html", "--out", tmp_path / "lesson.png") == 2
    assert "give --out a name ending in .html" in capsys.readouterr().err


def test_cli_names_a_folder_that_does_not_exist(tmp_path, capsys):
    out = tmp_path / "missing" / "lesson.html"
    assert export(GRAPHS / "neuron.json", "--to", "html", "--out", out) == 2
    err = capsys.readouterr().err
    assert f"cannot write the lesson to {out}: No such file or directory" in err
    assert "Errno" not in err and ".part" not in err


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    graph = load_graph(GRAPHS / "chain_rule.json")
    out = tmp_path / "lesson.html"
    out.mkdir()  # a folder where the page should go: the rename fails
    with pytest.raises(LessonError, match="cannot write the lesson"):
        write_lesson(graph, choose_examples(graph), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.html"]


# ----- label places (engine.placement) in the lesson data
def test_every_shown_label_has_a_place_and_those_with_room_lie_inside_the_page_covering_nothing():
    """The engine's placer, at the label sizes the page uses when it shows the whole graph on a full-HD screen.
    Where the saved layout leaves no free room at that size (the placer says so), a label goes where it covers
    least: for the MLP that is the exception (at most one placement in five)."""
    from engine.lesson.labels import label_size
    graph, examples, lesson = lesson_of("mlp")
    nodes = [(n["x"], n["y"], n["w"], n["h"]) for n in lesson["nodes"]]
    page = lesson["bounds"]
    scale = min(1920 / page[2], 558 / page[3])
    crowded = placed = 0

    def overlaps(a, b):
        return min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]) > 0.5 and \
            min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > 0.5

    for step in lesson["examples"][0]["steps"]:
        frame = step["done"]
        boxes = []
        for i, look in enumerate(frame["e"]):
            text_index = lesson["edgeLooks"][look][0]
            place = frame["at"][i]
            assert (text_index >= 0) == (place is not None)
            if place is None:
                continue
            focus = lesson["edges"][i]["id"] == step["edge"]
            px = max(22, 26 / scale) if focus else max(14, 15 / scale)
            w, h = label_size(lesson["strings"][text_index], px)
            box = (place[0] - w / 2, place[1] - h / 2, w, h)
            placed += 1
            if not place[5]:
                crowded += 1
                continue
            assert page[0] <= box[0] and box[0] + w <= page[0] + page[2] + 0.5, (step["caption"], i)
            assert page[1] <= box[1] and box[1] + h <= page[1] + page[3] + 0.5, (step["caption"], i)
            assert not any(overlaps(box, n) for n in nodes), (step["caption"], i)
            assert not any(overlaps(box, other) for other in boxes), (step["caption"], i)
            boxes.append(box)
    assert crowded <= placed / 5, (crowded, placed)


def test_the_pages_label_font_sizes_are_the_placers():
    from engine.lesson import labels
    from engine.lesson.page import _template
    script = _template("player-labels.js")
    (least, screen), (other_least, other_screen) = labels.FOCUS_FONT, labels.OTHER_FONT
    assert (f"focus ? Math.max({least:g}, {screen:g} / state.scale) : Math.max({other_least:g}, "
            f"{other_screen:g} / state.scale)") in script


def test_sequence_grids_show_the_word_rows_with_their_words():
    """The page's f(w) and window heatmaps hold the headline's rows only, labelled as on the canvas."""
    graph, examples, lesson = lesson_of("text_cnn", ["Stocks fall after Morgan Stanley earnings miss"])
    known = set(examples.vocab_words)
    words = [w if w in known else w + "*" for w in tokenize("Stocks fall after Morgan Stanley earnings miss")]
    end = lesson["examples"][0]["steps"][-1]["done"]["n"]
    node_ids = [n["id"] for n in lesson["nodes"]]
    for name, labels in (("f(w)", words), ("w·[f(wᵢ₋₁); f(wᵢ)]", words[1:] + ["<pad>"])):
        look = lesson["nodeLooks"][end[node_ids.index(graph.find(name).id)]]
        for grid_at in (look[5], look[6]):  # value and gradient
            grid = lesson["grids"][grid_at]
            assert grid["rows"] == labels and grid["shape"][0] == 7
        assert "of 24 positions (17 padding)" in lesson["grids"][look[5]]["caption"] or name != "f(w)"
