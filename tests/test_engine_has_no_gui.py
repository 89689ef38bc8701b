"""The engine must run without Qt: importing it may not pull in the GUI."""
import subprocess
import sys


def test_importing_engine_loads_no_gui_module():
    # every module of the engine, so a lazy Qt import inside any of them is caught too
    code = ("import sys, pkgutil, importlib, engine\n"
            "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "numpy" in loaded  # the probe really imported the engine
    assert not {"PySide6", "pyqtgraph", "graphviz_app", "shiboken6"} & set(loaded)


def test_no_engine_module_imports_the_gui_even_inside_a_function():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "engine"
    gui = ("PySide6", "pyqtgraph", "graphviz_app", "shiboken6")
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            found += [f"{path.relative_to(root.parent)}:{node.lineno} {n}" for n in names if n.split(".")[0] in gui]
    assert not found, found
