"""An installed copy is the whole app: its examples, `python -m graphviz_app`, and no stray top-level module."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine import examples

ROOT = Path(__file__).resolve().parent.parent


def _source_copy(dest: Path) -> Path:
    """The tracked files only, so nothing built or cached in the checkout leaks into the wheel."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("needs git to list the project's files")
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    src = _source_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(out), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_example_file(wheel_names):
    data = {Path(n).name for n in wheel_names if ".data/data/share/computation-graph-explorer/graphs/" in n}
    assert data == {f"{name}.json" for name in examples.EXAMPLES}


def test_the_wheel_installs_packages_only(wheel_names):
    assert "graphviz_app/__main__.py" in wheel_names and "graphviz_app/cli.py" in wheel_names
    assert "main.py" not in wheel_names  # no module called `main` in everyone's site-packages
    entry_points = next(n for n in wheel_names if n.endswith("entry_points.txt"))
    assert entry_points


def test_installed_examples_are_found_outside_a_checkout(monkeypatch, tmp_path):
    shared = tmp_path / "share" / "computation-graph-explorer" / "graphs"
    shared.mkdir(parents=True)
    (shared / f"{examples.DEFAULT_EXAMPLE}.json").write_text("{}", encoding="utf-8")

    class Record:  # one line of an installed distribution's RECORD, as importlib.metadata gives it
        def __init__(self, path: Path):
            self.path = path

        def as_posix(self) -> str:
            return self.path.relative_to(tmp_path).as_posix()

        def locate(self) -> Path:
            return self.path

    monkeypatch.setattr(examples, "ASSETS_DIR", tmp_path / "no-checkout")
    monkeypatch.setattr(examples.metadata, "files", lambda dist: [Record(shared / "x.py"),
                                                                  Record(shared / "headline_classifier.json")])
    assert examples.examples_dir() == shared
    assert examples.example_path("mlp") == shared / "mlp.json"


def test_python_m_graphviz_app_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "graphviz_app", "check", str(examples.example_path("chain_rule"))],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
