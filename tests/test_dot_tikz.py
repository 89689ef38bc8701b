"""DOT and TikZ pictures: every node and edge is there, text is escaped, traces add values and gradients."""
import re
import shutil
import subprocess

import numpy as np
import pytest

from engine import Graph, explain
from engine.interop.dot import quote, to_dot, write_dot
from engine.interop.names import identifier, latex
from engine.interop.picture import summarize
from engine.interop.tikz import to_tikz, write_tikz
from test_executor import lecture_mlp

FEEDS = {"x": np.array([[1.0, -2.0, 0.5]]), "y": np.array([1.0])}


def mlp_with_region():
    g = lecture_mlp()
    g.add_region("encoder f(x)", [g.find("Wx").id, g.find("a").id])
    return g


def odd_names():
    """Names full of characters that DOT and LaTeX treat specially."""
    g = Graph()
    x = g.add_node("Input", 'say "hi" \\ 50% & $5_#{x}^~')
    w = g.add_node("Parameter", "θ", {"init": "constant", "scale": 2.0})
    prod = g.add_node("Multiply", "σ·∂ŷ")
    g.connect(x.id, prod.id, "a")
    g.connect(w.id, prod.id, "b")
    return g


def test_dot_has_every_node_and_edge_with_name_op_shape_and_port():
    g = lecture_mlp()
    text = to_dot(g)
    assert text.startswith('digraph "graph" {') and "rankdir=LR" in text
    for node in g.nodes.values():
        assert re.search(rf'"{node.id}" \[label="{re.escape(node.name)}\\n{node.op_name}\\n', text), node.name
    assert '"n3" [label="W\\nParameter\\n3×4"' in text
    for edge in g.edges.values():
        assert f'"{edge.src}" -> "{edge.dst}" [label="{edge.port}"];' in text


def test_dot_quotes_escape_backslashes_and_quotes():
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    text = to_dot(odd_names())
    assert 'label="say \\"hi\\" \\\\ 50% & $5_#{x}^~\\nInput' in text


def test_dot_with_a_trace_shows_values_gradients_and_edges_without_gradient():
    g = lecture_mlp()
    trace = explain(g, FEEDS)
    text = to_dot(g, trace)
    loss = summarize(trace.value("L"))
    assert f"L\\nBinaryCrossEntropy\\nscalar\\n= {loss}\\n∂L/∂L = 1" in text
    assert f"∂L/∂W = {summarize(trace.grad('W'))}" in text
    y_edge = next(e for e in g.edges.values() if e.port == "y")
    assert f'"{y_edge.src}" -> "{y_edge.dst}" [label="y\\n∂L/∂in = no gradient"];' in text


def test_dot_regions_become_clusters():
    text = to_dot(mlp_with_region())
    assert re.search(r'subgraph "cluster_\w+" \{ label="encoder f\(x\)"; .* "n6" "n7" \}', text)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_graphviz_reads_the_dot_text(tmp_path):
    g = mlp_with_region()
    path = tmp_path / "mlp.dot"
    write_dot(g, path, explain(g, FEEDS))
    done = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('class="node"') == len(g.nodes)


def test_latex_escapes_specials_and_maps_greek_to_math():
    assert latex("a_b & c% $x$ #1 {y} ~ ^") == r"a\_b \& c\% \$x\$ \#1 \{y\} \textasciitilde{} \textasciicircum{}"
    assert latex("θᵀb") == r"$\theta^{\top}$b"
    assert latex("σ(x)") == r"$\sigma$(x)"
    assert latex("∂L/∂W") == r"$\partial$L/$\partial$W"
    assert latex("back\\slash") == r"back\textbackslash{}slash"


def test_identifiers_are_ascii_python_names():
    taken = set()
    assert [identifier(n, taken) for n in ["θ", "θᵀb", "∂L/∂W", "ŷ", "class", "2x", "θ"]] == \
        ["theta", "theta_Tb", "d_L_d_W", "y_hat", "class_", "n2x", "theta_2"]


def test_tikz_is_a_standalone_picture_with_every_node_and_edge():
    g = mlp_with_region()
    text = to_tikz(g)
    assert text.startswith("%") and r"\documentclass[tikz,border=6pt]{standalone}" in text
    assert text.rstrip().endswith(r"\end{document}")
    assert text.count(r"\node[op,") == len(g.nodes)
    assert text.count(r"\draw[->]") == len(g.edges)
    assert r"$\theta^{\top}$b \\ \textsc{Dot}" in text
    assert "fit=" in text and "encoder f(x)" in text


def test_tikz_uses_the_node_positions():
    g = lecture_mlp()
    g.move(g.find("x").id, (160.0, -80.0))
    text = to_tikz(g)
    assert r"(v0) at (2.00, 1.00) {x \\ \textsc{Input}" in text  # 80 canvas units per cm, y upwards


def test_tikz_escapes_odd_names():
    text = to_tikz(odd_names())
    assert r'say "hi" \textbackslash{} 50\% \& \$5\_\#\{x\}\textasciicircum{}\textasciitilde{}' in text
    assert r"$\sigma\cdot\partial\hat{y}$ \\ \textsc{Multiply}" in text


def test_tikz_with_a_trace_shows_values_and_partials():
    g = lecture_mlp()
    trace = explain(g, FEEDS)
    text = to_tikz(g, trace)
    assert r"{\scriptsize $\partial L/\partial W$ = 3$\times$4, mean" in text
    assert rf"{{\scriptsize = {summarize(trace.value('L'))}}}" in text
    assert r"$\partial L/\partial \theta$ =" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex (TeX Live with standalone and TikZ) is missing")
@pytest.mark.parametrize("annotated", [False, True])
def test_pdflatex_compiles_the_picture(tmp_path, annotated):
    g = odd_names()
    path = tmp_path / "graph.tex"
    write_tikz(g, path, explain(g, {'say "hi" \\ 50% & $5_#{x}^~': 3.0}) if annotated else None)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "graph.pdf").stat().st_size > 1000


def test_tikz_labels_keep_off_a_node_that_sits_on_their_edge():
    g = Graph()
    x = g.add_node("Input", "x", pos=(0.0, 0.0))
    s = g.add_node("Sigmoid", "s", pos=(800.0, 0.0))
    g.add_node("Input", "z", pos=(400.0, 0.0))  # right on the middle of x → s
    g.connect(x.id, s.id, "x")
    text = to_tikz(g)
    at = re.search(r"\\node\[port, align=center\] at \((-?[\d.]+), (-?[\d.]+)\) \{x\}", text)
    assert at is not None, text
    label_x, label_y = float(at.group(1)), float(at.group(2))
    assert abs(label_x - 5.0) > 0.9  # not on z (at 400 / 80 = 5 cm, about 1.7 cm wide)
    assert label_y == 0.0  # still on its own edge: slid along it, no leader needed
    assert r"\draw[leader]" not in text


def test_tikz_labels_of_a_crowded_edge_get_a_leader_line():
    g = Graph()
    x = g.add_node("Input", "x", pos=(0.0, 0.0))
    s = g.add_node("Sigmoid", "s", pos=(200.0, 0.0))  # 2.5 cm apart: the boxes nearly touch
    g.connect(x.id, s.id, "x")
    for k, (px, py) in enumerate([(100.0, -60.0), (100.0, 60.0)]):  # and two more boxes above and below
        g.add_node("Input", f"z{k}", pos=(px, py))
    text = to_tikz(g)
    assert r"\draw[leader]" in text
