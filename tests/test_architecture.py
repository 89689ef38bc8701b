"""Architecture rules that fail a test (issue 14 item 6); the rules themselves live in pyproject.toml.

- import-linter: the engine imports no GUI, undo commands never reach into the canvas, explain and training
  are independent, and no module imports itself again through others (tests/import_rules.py);
- ruff on the whole tree: engine, GUI, tests, benchmarks (pycodestyle, pyflakes, bugbear, naming, no blind
  `except Exception`);
- mypy on engine/.
Each test skips, naming the missing tool, when it is not installed (`pip install -e .[test]` brings them).
"""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def run_tool(module: str, *args: str) -> subprocess.CompletedProcess:
    """Run a linting tool in the project's root (where pyproject.toml configures it)."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (it is in the project's test extra)")
    command = [sys.executable, "-c", LINT_IMPORTS] if module == "importlinter" else [sys.executable, "-m", module]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_import_contracts_are_kept():
    run = run_tool("importlinter", "--no-cache")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_ruff_finds_nothing_in_the_tree():
    run = run_tool("ruff", "check", "--no-cache", ".")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_mypy_finds_no_type_errors_in_the_engine():
    run = run_tool("mypy", "--no-incremental")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_the_cycle_rule_catches_a_cycle(tmp_path):
    """The home-made contract is honest: two modules importing each other break it."""
    package = tmp_path / "loop_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("from .a import x\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["loop_pkg"]\n'
        'contract_types = ["no_cycles: tests.import_rules.NoCyclesContract"]\n'
        '[[tool.importlinter.contracts]]\nname = "no cycles"\ntype = "no_cycles"\npackages = ["loop_pkg"]\n')
    if importlib.util.find_spec("importlinter") is None:
        pytest.skip("importlinter is not installed (it is in the project's test extra)")
    env_path = f"{tmp_path}{':' + str(ROOT)}"
    run = subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "loop_pkg.a -> loop_pkg.b" in run.stdout and "loop_pkg.b -> loop_pkg.a" in run.stdout
