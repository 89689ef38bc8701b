"""The practice section in a graph file: checked with located errors, round-tripped, optional for old files."""
import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.examples import example_path
from engine.examples.small import chain_rule
from engine.practice import Ask, PracticeSpec, Tolerance, parse_section, prepare
from engine.practice.section import DEFAULT_SPEC, learning_rate
from engine.serialization import FileFormatError, graph_from_dict, graph_to_dict, load_graph, save_graph

SECTION = {"title": "Backward by hand", "instructions": "Four significant digits.",
           "ask": [{"kind": "product", "at": "all"}, {"kind": "local", "at": "e7"}],
           "tries": 2, "tolerance": {"relative": 0.002, "digits": 3}, "lr": 0.5}


def test_a_section_reads_into_a_spec_and_writes_back_the_same():
    spec = parse_section(SECTION)
    assert spec == PracticeSpec((Ask("product"), Ask("local", "e7")), "Backward by hand", "Four significant digits.",
                                2, Tolerance(0.002, 3), 0.5)
    assert parse_section(spec.to_dict()) == spec
    assert parse_section({"ask": [{"kind": "value"}]}) == PracticeSpec((Ask("value"),))


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(ask=[]), "meta.practice.ask: asks nothing"),
    (lambda s: s.pop("ask"), "meta.practice: missing the key 'ask'"),
    (lambda s: s.update(asks=1), "meta.practice: unknown key 'asks'"),
    (lambda s: s["ask"][1].update(kind="gradient"), "meta.practice.ask[1].kind: expected one of value, upstream"),
    (lambda s: s["ask"][1].update(at="e 7"), "meta.practice.ask[1].at: id 'e 7' may only use"),
    (lambda s: s["ask"][0].update(edge="e1"), "meta.practice.ask[0]: unknown key 'edge'"),
    (lambda s: s.update(tries=-1), "meta.practice.tries: expected a whole number from 0 to 100"),
    (lambda s: s.update(tries=True), "meta.practice.tries: expected a whole number"),
    (lambda s: s["tolerance"].update(relative=0), "meta.practice.tolerance.relative: expected a positive number"),
    (lambda s: s["tolerance"].update(digits=40), "meta.practice.tolerance.digits: expected"),
    (lambda s: s.update(lr=-0.1), "meta.practice.lr: expected a positive number"),
    (lambda s: s.update(title=["x"]), "meta.practice.title: expected a text"),
    (lambda s: s.update(ask={"kind": "value"}), "meta.practice.ask: expected a list"),
])
def test_a_bad_section_refuses_the_file_naming_the_place(change, message):
    g = chain_rule()
    section = copy.deepcopy(SECTION)
    change(section)
    d = graph_to_dict(g)
    d["meta"]["practice"] = section
    with pytest.raises(FileFormatError) as err:
        graph_from_dict(d)
    assert str(err.value).startswith(message)


def test_the_section_survives_save_and_load(tmp_path):
    g = chain_rule()
    g.meta["practice"] = copy.deepcopy(SECTION)
    save_graph(g, tmp_path / "g.json")
    loaded = load_graph(tmp_path / "g.json")
    assert loaded.meta["practice"] == SECTION
    assert prepare(loaded).graph_hash == prepare(g).graph_hash


@pytest.mark.parametrize("name", ["chain_rule", "neuron", "mlp", "headline_classifier"])
def test_old_files_without_the_section_open_and_practise_every_backward_product(name):
    g = load_graph(example_path(name))
    assert "practice" not in g.meta
    spec = DEFAULT_SPEC
    assert spec.ask == (Ask("product"),)
    assert learning_rate(g, spec) == g.meta["training"]["lr"]


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False, allow_infinity=False),
              st.sampled_from(["all", "product", "value", "e7", "n1", "", "x y", "update"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["ask", "kind", "at", "tries", "tolerance", "relative", "digits", "lr", "title", "zz"]),
        inner, max_size=4), max_leaves=10)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_section_either_loads_or_is_a_located_file_format_error(section):
    d = graph_to_dict(chain_rule())
    d["meta"]["practice"] = section
    try:
        g = graph_from_dict(d)
    except FileFormatError as exc:
        assert str(exc).startswith("meta.practice")
        return
    assert prepare(g).spec == parse_section(section)
