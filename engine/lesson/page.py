"""The lesson as one HTML file: the player's template with its CSS, JS and the lesson's data inlined."""
from __future__ import annotations

import html
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..graph import Graph

from .build import Progress, build_lesson
from .examples import Examples, LessonError

# the player's script in parts, run in this order in one scope (player.html wraps them in one function)
JS_FILES = ("player-state.js", "player-draw.js", "player-labels.js", "player-camera.js", "player-steps.js",
            "player-panel.js", "player-controls.js")
TEMPLATE_FILES = ("player.html", "player.css") + JS_FILES


def _template(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _data_json(lesson: dict[str, Any]) -> str:
    """The data as JSON that cannot end its <script> element: every '<' is written \\u003c."""
    text = json.dumps(lesson, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


def _player_js() -> str:
    """The player's script parts joined, checked to hold nothing that would end its <script> element."""
    parts = []
    for name in JS_FILES:
        code = _template(name)
        if re.search(r"</script|<!--", code, re.I):
            raise LessonError(f"the player template {name} must not contain '</script' or '<!--'")
        parts.append(code)
    return "\n".join(parts)


def render_page(lesson: dict[str, Any]) -> str:
    """The whole page as text: no file, font or script is fetched from anywhere when it opens."""
    page = _template("player.html")
    parts = {"{{TITLE}}": html.escape(lesson["title"]), "/*{{CSS}}*/": _template("player.css"),
             "/*{{JS}}*/": _player_js(), "{{DATA}}": _data_json(lesson)}
    for marker in parts:
        if page.count(marker) != 1:
            raise LessonError(f"the player template player.html needs {marker} exactly once")
    # one pass: text put in (a title, the data) is never searched for markers again
    return re.sub("|".join(re.escape(m) for m in parts), lambda match: parts[match.group(0)], page)


def write_lesson(graph: Graph, examples: Examples, out: str | os.PathLike, fallback_title: str = "",
                 progress: Progress | None = None) -> int:
    """Build the lesson and write it to `out` (whole or not at all); returns its size in bytes."""
    page = render_page(build_lesson(graph, examples, fallback_title, progress)).encode("utf-8")
    path = Path(out)
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")  # beside the target, so the rename is atomic
    try:
        with open(temp, "wb") as stream:
            stream.write(page)
        os.replace(temp, path)
    except OSError as exc:
        if temp.exists():
            temp.unlink()
        reason = exc.strerror or "the file system refused it"
        raise LessonError(f"cannot write the lesson to {path}: {reason}") from None
    return len(page)
