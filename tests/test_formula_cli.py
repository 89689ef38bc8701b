"""`main.py new "…" --out FILE.json`: a formula from the argument, a file or stdin becomes a graph file."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from engine.executor import explain
from engine.formula import formula_to_graph, graph_to_formula
from engine.serialization import load_graph

ROOT = Path(__file__).resolve().parent.parent
NEURON = "x: R^3 = [1, 2, −1]   y: {0,1} = 1\nθ: R^3 = [0.5, −0.25, 1]\na = σ(θᵀx)\nL = bce(a, y)\n"


def new(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "new", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, input=stdin, encoding="utf-8")


def test_a_formula_argument_becomes_a_graph_file_that_runs(tmp_path):
    out = tmp_path / "neuron.json"
    result = new(NEURON, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}: 6 nodes, 2 lines"
    graph = load_graph(out)
    assert graph_to_formula(graph) == graph_to_formula(formula_to_graph(NEURON))
    trace = explain(graph, graph.meta["sample"])
    assert np.isclose(trace.loss, -np.log(1 / (1 + np.exp(1.0))))  # θᵀx = −1, y = 1: L = −log σ(−1)


def test_backslash_n_in_the_argument_separates_lines(tmp_path):
    out = tmp_path / "a.json"
    result = new("x: R^3  W: R^{3x4}\\na = tanh(x W)", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert [r.title for r in load_graph(out).regions.values()] == ["a = tanh(x W)"]


def test_the_formula_can_come_from_a_file_or_from_standard_input(tmp_path):
    source = tmp_path / "mlp.txt"
    source.write_text(NEURON, encoding="utf-8")
    from_file, from_stdin, from_dash = tmp_path / "f.json", tmp_path / "s.json", tmp_path / "d.json"
    assert new("--file", str(source), "--out", str(from_file)).returncode == 0
    assert new("--file", "-", "--out", str(from_stdin), stdin=NEURON).returncode == 0
    assert new("-", "--out", str(from_dash), stdin=NEURON).returncode == 0
    texts = {graph_to_formula(load_graph(p)) for p in (from_file, from_stdin, from_dash)}
    assert texts == {graph_to_formula(formula_to_graph(NEURON))}


def test_a_bad_formula_is_shown_with_its_line_a_caret_and_no_file(tmp_path):
    out = tmp_path / "bad.json"
    result = new("x: R^3  W: R^{3×3}  V: R^{4×4}\na = σ(W x)\nb = σ(V a)\n", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: line 3, col 9: V is R^{4×4}, a is R^3: V a needs a to have 4 numbers, one per column of V",
        "  b = σ(V a)",
        "          ^"]
    assert not out.exists()


def test_no_formula_or_two_formulas_is_an_error_in_words(tmp_path):
    for args in ((), ("x: R\na = σ(x)", "--file", "f.txt")):
        result = new(*args, "--out", str(tmp_path / "o.json"))
        assert result.returncode == 2
        assert result.stderr.strip() == "error: give the formula either as an argument or with --file F " \
                                        "(- reads standard input)"


def test_an_unreadable_formula_file_is_named_in_words(tmp_path):
    missing = tmp_path / "nope.txt"
    result = new("--file", str(missing), "--out", str(tmp_path / "o.json"))
    assert result.returncode == 2
    assert result.stderr == f"error: cannot read {missing}: No such file or directory\n"
    binary = tmp_path / "formula.bin"
    binary.write_bytes(b"x: R\xff\xfe")
    result = new("--file", str(binary), "--out", str(tmp_path / "o.json"))
    assert result.stderr == f"error: cannot read {binary}: it is not UTF-8 text\n"


def test_the_formula_engine_and_its_command_import_no_gui():
    code = ("import sys, engine.formula, engine.cli.new; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.split()
    assert "engine" in loaded
    assert not {"PySide6", "pyqtgraph", "graphviz_app", "shiboken6"} & set(loaded)
