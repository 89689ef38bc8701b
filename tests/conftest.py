"""Shared test setup: Qt runs offscreen unless a test asks for a real X server; shipped files stay unchanged."""
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


ASSETS = ROOT / "assets"
_SHIPPED = {path: path.read_bytes() for path in sorted(ASSETS.rglob("*")) if path.is_file()}
_STAMPS = {path: path.stat().st_mtime_ns for path in _SHIPPED}


@pytest.fixture(autouse=True)
def shipped_files_stay_as_shipped():
    """A test that writes over a shipped example fails, and the file is put back: a monkey run once saved over
    three of them and every later test (and the next commit) read the damaged copies."""
    yield
    changed = []
    for path, data in _SHIPPED.items():
        if not path.exists() or path.stat().st_mtime_ns != _STAMPS[path]:
            if not path.exists() or path.read_bytes() != data:
                changed.append(path.relative_to(ROOT).as_posix())
            path.write_bytes(data)
            _STAMPS[path] = path.stat().st_mtime_ns
    assert not changed, f"the test changed shipped files: {', '.join(changed)}"
