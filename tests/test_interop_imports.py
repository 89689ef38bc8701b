"""engine.interop's modules import each other without cycles (imports inside functions count too)."""
import ast
from pathlib import Path

import networkx as nx

INTEROP = Path(__file__).resolve().parent.parent / "engine" / "interop"


def imported_siblings(path: Path) -> set[str]:
    """The engine.interop modules that one module imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("engine.interop."):
            names.add(node.module.split(".")[2])
    return {n for n in names if (INTEROP / f"{n}.py").exists()}


def test_interop_has_no_import_cycle():
    graph = nx.DiGraph()
    for path in INTEROP.glob("*.py"):
        graph.add_node(path.stem)
        graph.add_edges_from((path.stem, other) for other in imported_siblings(path) if other != path.stem)
    assert list(nx.simple_cycles(graph)) == []


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "a.py"
    module.write_text("def f():\n    from .onnx_export_ops import EMITTERS\n", encoding="utf-8")
    assert imported_siblings(module) == {"onnx_export_ops"}
