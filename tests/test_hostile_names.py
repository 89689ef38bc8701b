"""Node names never become code: one name rule everywhere, and every exporter escapes what it writes.

Each format is written with hostile names (ones the rule allows, and ones that bypass it by setting
Node.name directly, as a buggy caller could) and then parsed or compiled by a real reader."""
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from engine import Graph
from engine.errors import GraphError
from engine.fileformat import FileFormatError, graph_from_dict, graph_to_dict
from engine.interop.dot import to_dot
from engine.interop.names import latex
from engine.interop.pytorch_export import export_pytorch
from engine.interop.tikz import to_tikz
from engine.names import MAX_NAME_CHARS, clean_name, name_problem

PAYLOAD = "__import__('os').system('touch PWNED')"
# Names the rule allows, each full of what some format treats specially.
ALLOWED = [
    f"x{PAYLOAD}#",
    'q"""\'\'\'\\N{NO SUCH NAME}\\',
    "50% & $5_#{x}^~ \\par",
    "<b>&amp;]]></b>--",
    'e" -> "n1" [label="',
    "θᵀb · ∂L/∂W",
]
# Names that break the rule; exporters must stay safe even when one reaches them.
RAW = [
    f"a\n        {PAYLOAD}#",
    "nul\x00byte",
    "cr\r# and \u2028 line",
    "bidi\u202eevil",
    "tab\tand\x1bescape",
    "surrogate\ud800",
]


def chain(names):
    """x · w → log, with the three computed/fed nodes named from `names` (set directly, no rule)."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [], "batched": False})
    w = g.add_node("Parameter", "w", {"shape": [], "init": "constant", "scale": 2.0})
    a = g.add_node("Multiply", "a")
    b = g.add_node("Log", "b")
    g.connect(w.id, a.id, "a")
    g.connect(x.id, a.id, "b")
    g.connect(a.id, b.id, "x")
    for node, name in zip((x, w, a, b), names):
        node.name = name
    g.add_region(names[0], [x.id, w.id])
    g.meta.update(title=names[1] + "\n" + names[2], description=names[3])
    return g


def graphs():
    yield "newline", chain(["x", RAW[0], RAW[0][:-1] + "+1#", "b"])
    yield "allowed", chain(ALLOWED[:4])
    yield "allowed2", chain(ALLOWED[2:6])
    yield "raw", chain(RAW[:4])
    yield "raw2", chain(RAW[2:6])


GRAPHS = list(graphs())


# ----- the rule
@pytest.mark.parametrize("name", ALLOWED)
def test_the_rule_allows_printable_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", RAW + ["", "   ", "\u0301\u0301", "\u3164", "\u200b", "x" * (MAX_NAME_CHARS + 1)])
def test_the_rule_refuses_control_invisible_and_long_names(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", RAW)
def test_the_model_refuses_bad_names_when_adding_and_renaming(name):
    g = Graph()
    with pytest.raises(GraphError):
        g.add_node("Input", name)
    node = g.add_node("Input", "x")
    with pytest.raises(GraphError):
        g.rename(node.id, name)
    assert node.name == "x"


@pytest.mark.parametrize("name", RAW[:5])
def test_the_loader_refuses_bad_names_saying_where(name):
    d = graph_to_dict(chain(["x", "w", "a", "b"]))
    d["nodes"][2]["name"] = name
    with pytest.raises(FileFormatError, match=r"^nodes\[2\]\.name: a name") as info:
        graph_from_dict(d)
    assert "\n" not in str(info.value) and "\r" not in str(info.value)


def test_the_loader_refuses_bad_names_in_bindings_and_sample_keys():
    d = graph_to_dict(chain(["x", "w", "a", "b"]))
    d["meta"]["bindings"] = {"output": "b\nc"}
    with pytest.raises(FileFormatError, match=r"^meta\.bindings\.output: a name must be printable"):
        graph_from_dict(d)
    d["meta"] = {"sample": {"x\n": 1.0}}
    with pytest.raises(FileFormatError, match=r"^meta\.sample: a name must be printable"):
        graph_from_dict(d)


def test_clean_name_makes_any_text_a_valid_name():
    for text in RAW + ["", "\u3164", "y" * 200]:
        assert name_problem(clean_name(text)) is None
    assert clean_name("a\nb") == "a_b"


def test_unique_name_stays_within_the_limit():
    g = Graph()
    long = "n" * MAX_NAME_CHARS
    g.add_node("Input", long)
    again = g.add_node("Input", g.unique_name(long))
    assert len(again.name) == MAX_NAME_CHARS and again.name != long


# ----- PyTorch: compiles, runs, and executes nothing it was not meant to
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_pytorch_module_compiles_and_runs_no_injected_code(tmp_path, label, graph):
    path = tmp_path / "model.py"
    export_pytorch(graph, path)
    source = path.read_text(encoding="utf-8")
    compile(source, str(path), "exec")  # SyntaxError (NUL, \N{…}, broken docstring) fails here
    pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0, CPU build)")
    script = ("import json, sys, torch; sys.path.insert(0, '.'); import model; "
              "out = model.Model()(torch.tensor(3.0, dtype=torch.float64)); print(json.dumps(sorted(out)))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "PWNED").exists()
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [graph.nodes["n4"].name]


# ----- DOT: Graphviz reads it and gets the names back
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_graphviz_parses_the_dot_and_reads_the_names_back(tmp_path, label, graph):
    path = tmp_path / "g.dot"
    path.write_text(to_dot(graph), encoding="utf-8")
    done = subprocess.run(["dot", "-Tjson", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert len([o for o in parsed["objects"] if "label" in o and o["name"].startswith("n")]) == 4
    first_lines = {o["label"].split("\\n")[0] for o in parsed["objects"] if o["name"] in graph.nodes}
    for node in graph.nodes.values():
        if name_problem(node.name) is None:
            assert _dot_unescape(node.name) in {_dot_unescape(t) for t in first_lines}


def _dot_unescape(text):
    return text.replace("\\\\", "\\").replace('\\"', '"')


# ----- TikZ: every brace closes, no stray specials, the names are there escaped
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_tikz_text_is_well_formed(label, graph):
    text = to_tikz(graph)
    assert not any(not ch.isprintable() and ch != "\n" for ch in text)
    plain = re.sub(r"\\[{}%$&#_]|\\[A-Za-z]+|\\\\", "", text)  # escaped specials and commands
    depth = 0
    for ch in plain:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    for line in plain.splitlines()[1:]:  # the first line is the title, as a comment
        assert "%" not in line and "#" not in line, line
        assert line.count("$") % 2 == 0, line
    assert text.startswith("%") and text.splitlines()[1].startswith(r"\documentclass")
    for node in graph.nodes.values():
        if name_problem(node.name) is None:
            assert latex(node.name) in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex (TeX Live with standalone and TikZ) is missing")
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_pdflatex_compiles_hostile_names(tmp_path, label, graph):
    (tmp_path / "g.tex").write_text(to_tikz(graph), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "g.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


# ----- SVG: an XML parser reads it, with the title intact
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_svg_is_well_formed_xml(tmp_path, label, graph):
    render = pytest.importorskip("graphviz_app.render")
    path = tmp_path / "g.svg"
    render.render_to_file(graph, path)
    root = ElementTree.parse(path).getroot()
    titles = [e.text or "" for e in root.iter() if e.tag.endswith("title")]
    assert titles and "\x00" not in titles[0]


# ----- ONNX: the checker passes and the names come back
@pytest.mark.parametrize("label,graph", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_onnx_export_checks_and_imports_with_valid_names(tmp_path, label, graph):
    onnx = pytest.importorskip("onnx")
    from engine.interop.onnx_export import export_onnx
    from engine.interop.onnx_import import import_onnx

    path = tmp_path / "g.onnx"
    export_onnx(graph, path)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    back = import_onnx(path)
    assert all(name_problem(n.name) is None for n in back.nodes.values())
    names = {n.name for n in back.nodes.values()}
    for node in graph.nodes.values():
        if name_problem(node.name) is None:
            assert node.name in names
