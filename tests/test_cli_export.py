"""`python main.py export FILE --to … --out …`: each format headless, and one-line errors."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main
from engine.serialization import save_graph
from test_executor import lecture_mlp
from test_pytorch_export import toy_classifier

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def mlp_file(tmp_path):
    g = lecture_mlp()
    g.meta.update(title="lecture MLP", sample={"x": [[1.0, -2.0, 0.5]], "y": [1.0]})
    path = tmp_path / "mlp.json"
    save_graph(g, path)
    return path


def export(*argv):
    return main.main(["export", *map(str, argv)])


def test_dot_export_writes_the_graph(mlp_file, tmp_path, capsys):
    out = tmp_path / "mlp.dot"
    assert export(mlp_file, "--to", "dot", "--out", out) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith('digraph "lecture MLP"') and "θᵀb\\nDot" in text
    assert f"wrote {out}" in capsys.readouterr().out


def test_annotated_tikz_uses_the_sample(mlp_file, tmp_path):
    out = tmp_path / "mlp.tex"
    assert export(mlp_file, "--to", "tikz", "--out", out, "--annotated") == 0
    text = out.read_text(encoding="utf-8")
    assert r"$\partial L/\partial W$ =" in text and r"\documentclass" in text


def test_annotated_picture_of_a_dataset_graph_uses_a_test_example(tmp_path):
    path = tmp_path / "xor.json"
    save_graph(toy_classifier(), path)
    out = tmp_path / "xor.dot"
    assert export(path, "--to", "dot", "--out", out, "--annotated") == 0
    assert "∂L/∂W = " in out.read_text(encoding="utf-8")


def test_annotated_without_values_is_a_one_line_error(tmp_path, capsys):
    g = lecture_mlp()
    path = tmp_path / "bare.json"
    save_graph(g, path)
    assert export(path, "--to", "dot", "--out", tmp_path / "x.dot", "--annotated") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --annotated needs values to show") and "\n" not in err


def test_onnx_export_passes_the_checker_and_opens_again(mlp_file, tmp_path):
    onnx = pytest.importorskip("onnx", reason="ONNX export needs the onnx package")
    out = tmp_path / "mlp.onnx"
    assert export(mlp_file, "--to", "onnx", "--out", out, "--opset", 20) == 0
    model = onnx.load(str(out))
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == 20
    dot = tmp_path / "from_onnx.dot"
    assert export(out, "--to", "dot", "--out", dot) == 0  # an .onnx file is a valid FILE too
    assert "BinaryCrossEntropy" in dot.read_text(encoding="utf-8")  # our export's pattern comes back as the op
    assert "Negate" not in dot.read_text(encoding="utf-8")


def test_check_accepts_an_exported_onnx_file(mlp_file, tmp_path, capsys):
    pytest.importorskip("onnx", reason="ONNX needs the onnx package")
    out = tmp_path / "mlp.onnx"
    assert export(mlp_file, "--to", "onnx", "--out", out) == 0
    assert main.main(["check", str(out)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("ok")


def test_pytorch_export_writes_code_and_weights(mlp_file, tmp_path):
    out = tmp_path / "mlp_model.py"
    assert export(mlp_file, "--to", "pytorch", "--out", out) == 0
    assert "class Model(nn.Module):" in out.read_text(encoding="utf-8")
    with np.load(tmp_path / "mlp_model.npz", allow_pickle=False) as values:
        assert set(values.files) == {"W", "V", "theta"}


def test_annotated_is_only_for_pictures(mlp_file, tmp_path, capsys):
    assert export(mlp_file, "--to", "onnx", "--out", tmp_path / "m.onnx", "--annotated") == 2
    assert "--annotated is for pictures" in capsys.readouterr().err


def test_image_extension_must_match_the_format(mlp_file, tmp_path, capsys):
    assert export(mlp_file, "--to", "png", "--out", tmp_path / "graph.svg") == 2
    assert "--to png writes a .png file" in capsys.readouterr().err


def test_missing_renderer_is_a_one_line_error(mlp_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz_app.render", None)
    assert export(mlp_file, "--to", "svg", "--out", tmp_path / "graph.svg") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: SVG export needs Qt (PySide6) to draw the picture") and "\n" not in err


def test_png_and_svg_are_rendered_headless(mlp_file, tmp_path):
    pytest.importorskip("PySide6", reason="PNG/SVG export renders with Qt (PySide6)")
    pytest.importorskip("graphviz_app.render", reason="the app's renderer is not there")
    png, svg = tmp_path / "mlp.png", tmp_path / "mlp.svg"
    code = ("import sys, main; sys.exit(main.main(['export', sys.argv[1], '--to', sys.argv[2], '--out', "
            "sys.argv[3], '--annotated']))")
    for fmt, out in (("png", png), ("svg", svg)):
        done = subprocess.run([sys.executable, "-c", code, str(mlp_file), fmt, str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300,
                              env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text(encoding="utf-8", errors="replace")


def test_unreadable_file_is_a_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    assert export(bad, "--to", "dot", "--out", tmp_path / "x.dot") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err


@pytest.mark.parametrize("example", ["headline_classifier", "text_cnn"])
def test_float64_onnx_export_of_bag_of_words_or_convolution_says_onnxruntime_cannot_run_it(tmp_path, example):
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "model.onnx"
    done = subprocess.run([sys.executable, "main.py", "export", f"assets/graphs/{example}.json", "--to", "onnx",
                           "--float64", "--out", str(out)], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--float64: onnxruntime has no float64 kernels for" in done.stderr
    assert "export without --float64" in done.stderr
    assert not out.exists()
