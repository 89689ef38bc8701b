"""The Python examples in the README run as written and print what their comments promise."""
import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 1


def test_readme_python_examples_run_and_print_the_promised_numbers():
    for block in python_blocks():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        printed = out.getvalue()
        # what the comment of a print line promises (after "about" or the last "=" or ":") was printed
        for line in block.splitlines():
            match = re.match(r"\s*print\(.*\)\s*#\s*(?:about\s+|.*[=:]\s*)?(.+?)\s*$", line)
            if match:
                assert match.group(1) in printed, (line, printed)
