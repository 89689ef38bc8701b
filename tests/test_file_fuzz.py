"""Property-based tests: whatever is done to a valid graph file, loading raises FileFormatError or succeeds."""
import copy
import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.examples import example_path
from engine.serialization import FileFormatError, graph_from_dict, graph_to_dict, load_graph, parse_graph_json

# Small examples keep each load to about a millisecond; they cover every section of the format.
SEEDS = ["chain_rule", "neuron", "mlp", "bigrams_hidden_layer", "bigrams_bigram_features", "toy_2d"]
VALID = {name: json.loads(example_path(name).read_text(encoding="utf-8")) for name in SEEDS}
TEXTS = {name: example_path(name).read_text(encoding="utf-8") for name in SEEDS}


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: no per-example deadline on a shared 2-core machine."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.sampled_from([10**400, -1, 0, 2**31, 10**7 + 1]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["n1", "e5", "x", "Input", "Parameter", "MatMul", "base64", "float32", "#ffffff", "\ud800"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=6), inner, max_size=4), max_leaves=8)


def paths(tree, prefix=()):
    """Every place in a parsed file, as a tuple of keys and indices."""
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(tree, list):
        for k, value in enumerate(tree[:6]):
            yield from paths(value, prefix + (k,))


def parent_of(tree, path):
    for key in path[:-1]:
        tree = tree[key]
    return tree


def loads_or_refuses(d):
    """The only allowed outcomes; a graph that loads must also save and load back to the same dict."""
    try:
        graph = graph_from_dict(d)
    except FileFormatError:
        return
    again = graph_to_dict(graph)
    assert graph_to_dict(graph_from_dict(parse_graph_json(json.dumps(again)))) == again


def deep(depth):
    value = 1
    for k in range(depth):
        value = [value] if k % 2 else {"k": value}
    return value


@st.composite
def mutated(draw):
    """A valid example with one to three changes: dropped keys, wrong values, duplicates, cycles, deep nesting."""
    d = copy.deepcopy(VALID[draw(st.sampled_from(SEEDS))])
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths(d) if p]
        path = draw(st.sampled_from(places))
        parent, key = parent_of(d, path), path[-1]
        action = draw(st.sampled_from(["drop", "replace", "replace", "duplicate", "reverse_edge", "deep",
                                       "swap_ids"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "reverse_edge" and d.get("edges") and isinstance(d["edges"], list):
            edge = draw(st.sampled_from(d["edges"]))
            if isinstance(edge, dict):
                d["edges"].append({**edge, "id": "extra", "src": edge.get("dst"), "dst": edge.get("src")})
        elif action == "deep":
            parent[key] = deep(draw(st.integers(20, 200)))
        elif action == "swap_ids" and isinstance(parent, dict) and "id" in parent:
            parent["id"] = draw(st.sampled_from(["n1", "n2", "e5", "r12", "", "a b", "x" * 80]))
    return d


@fuzz(2500)
@given(mutated())
def test_mutated_files_load_or_raise_file_format_error(d):
    loads_or_refuses(d)


@fuzz(300)
@given(st.sampled_from(SEEDS), json_values, st.sampled_from(["format", "version", "nodes", "edges", "params",
                                                               "regions", "meta"]))
def test_any_value_in_any_top_level_section_is_handled(name, value, key):
    d = copy.deepcopy(VALID[name])
    d[key] = value
    loads_or_refuses(d)


@fuzz(800)
@given(st.sampled_from(SEEDS), st.data())
def test_damaged_bytes_are_refused_cleanly(name, data):
    raw = bytearray(TEXTS[name].encode("utf-8"))
    how = data.draw(st.sampled_from(["truncate", "flip", "insert", "nan"]))
    if how == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif how == "insert":
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    else:
        text = raw.decode("utf-8")
        numbers = [k for k, c in enumerate(text) if c.isdigit() and text[k - 1] in " [-"]
        at = data.draw(st.sampled_from(numbers))
        raw = (text[:at] + data.draw(st.sampled_from(["NaN", "Infinity", "1e999", "9" * 400])) + text[at:]).encode()
    try:
        loads_or_refuses(parse_graph_json(bytes(raw)))
    except FileFormatError:
        pass


@fuzz(400)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_cleanly(raw):
    try:
        loads_or_refuses(parse_graph_json(raw))
    except FileFormatError:
        pass


@fuzz(100)
@given(st.binary(max_size=200) | st.sampled_from([b"", b"{}", b"[", b"\xef\xbb\xbf{", b"{" * 5000, b"null"]))
def test_load_graph_on_disk_raises_only_file_format_error(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.json"
        path.write_bytes(raw)
        try:
            load_graph(path)
        except FileFormatError:
            pass


@fuzz(200)
@given(st.sampled_from(SEEDS), st.data())
def test_huge_and_non_finite_numbers_anywhere_are_refused_or_harmless(name, data):
    d = copy.deepcopy(VALID[name])
    numeric = [p for p in paths(d) if p and isinstance(parent_of(d, p)[p[-1]], (int, float))
               and not isinstance(parent_of(d, p)[p[-1]], bool)]
    path = data.draw(st.sampled_from(numeric))
    parent_of(d, path)[path[-1]] = data.draw(st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 10**30,
                                                              -(10**30), 2**63]))
    loads_or_refuses(d)
